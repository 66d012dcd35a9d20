"""Spreadsheet import (xlsx and CSV): a centre's own sheets, one kind of record per file, read into exchange
records so that validation and the all-or-nothing write are the exchange importer's (schema.parse, import_document).

A file's rows are merged into the unit's current records (a row whose id exists replaces that record; a new id adds
one), the whole unit is validated as one exchange document, and every problem is reported back as the sheet, row
and column it came from. Re-importing the same file changes nothing: rows without an id of their own (case-file
entries, assessments, feedback) are given one made from their contents.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
import unicodedata
from dataclasses import dataclass, field

from django.db.models import Q, TextChoices
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tongxing.activities.models import ActivityFormat, ActivityKind, FeedbackTopic, Funding, GroupKind
from tongxing.cases.models import (
    CaseType,
    CollaborationKind,
    Mode,
    Party,
    ReferralCategory,
    ReferralStatus,
    Stage,
    Stakeholder,
)
from tongxing.organisations.models import Unit
from tongxing.outcomes.models import Instrument, TimePoint
from tongxing.people.models import Channel, District, Drug, Education, Employment, Relationship, Sex
from tongxing.prevention.choices import CallerType, ConsultationCategory, PreReleaseKind, ServiceItem

from .schema import COLLECTIONS, VERSION, parse, record_key
from .selectors import export_unit


class Direction(TextChoices):
    IN = "in", gettext_lazy("Referred in")
    OUT = "out", gettext_lazy("Referred out")


@dataclass(frozen=True)
class Column:
    key: str  # where the value goes in the exchange record (dotted for nested objects)
    zh: str
    en: str
    kind: str = "str"  # str, text, id, ids, date, time, enum, enumlist, bool, int
    required: bool = False
    choices: type[TextChoices] | None = None
    example: str = ""

    @property
    def header(self) -> str:
        return f"{self.zh} {self.en}"


@dataclass(frozen=True)
class Kind:
    name: str
    zh: str
    en: str
    collection: str
    columns: tuple[Column, ...]
    generated_id: str = ""  # records with no id of their own: prefix of the id made from the row
    preset: dict = field(default_factory=dict)
    # Rows that add to a record the unit already holds (consultations to a lecture): what they are added to.
    adds_to: str = ""


def c(key, zh, en, kind="str", required=False, choices=None, example=""):
    return Column(key, zh, en, kind, required, choices, example)


# Questionnaires of up to this many items can be typed in one row.
ANSWER_COLUMNS = 30

ACTIVITY_COLUMNS = (
    c("id", "編號", "id", "str", True, example="A-2024-0001"),
    c("kind", "類別", "kind", "enum", True, ActivityKind, "面談"),
    c("format", "形式", "format", "enum", choices=ActivityFormat),
    c("date", "日期", "date", "date", True, example="2024-05-02"),
    c("start_time", "開始時間", "start time", "time", True, example="10:00"),
    c("end_time", "結束時間", "end time", "time", True, example="11:00"),
    c("full_day", "全日", "full day", "bool", example="否"),
    c("staff", "職員編號", "staff ids", "ids", example="S01"),
    c("people", "服務使用者編號", "people ids", "ids", example="P0001"),
    c("headcount", "人數（不記名）", "headcount (unnamed)", "int", example="0"),
    c("psa_contacted", "接觸吸毒者人數（外展）", "PSA contacted (outreach)", "int"),
    c("case", "個案編號", "case id", "str", example="C0001"),
    c("group", "小組編號", "group id", "str"),
    c("school", "學校編號", "school id", "str"),
    c("workplace", "工作間編號", "workplace id", "str"),
    c("funded_by", "資助", "funded by", "enum", choices=Funding),
    c("place", "地點", "place", "str", example="中心面談室"),
    c("note", "備註", "note", "text"),
)

KINDS = {k.name: k for k in (
    Kind("people", "服務使用者", "people", "people", (
        c("id", "編號", "id", "str", True, example="P0001"),
        c("name", "姓名", "name", "str", example="陳大文"),
        c("name_en", "英文姓名", "English name", "str", example="Chan Tai Man"),
        c("phone", "電話", "phone", "str", example="61234567"),
        c("sex", "性別", "sex", "enum", True, Sex, "男"),
        c("birth_date", "出生日期", "date of birth", "date", example="1999-05-02"),
        c("pregnant", "懷孕", "pregnant", "bool", example="否"),
        c("identification.date", "識別日期", "identified on", "date", example="2024-05-01"),
        c("identification.channel", "識別途徑", "identified through", "enum", choices=Channel, example="外展"),
        c("drug_use.drug", "主要毒品", "main drug", "enum", choices=Drug, example="氯胺酮"),
        c("drug_use.last_used", "最後吸食日期", "last used", "date", example="2024-03-01"),
        # intake (issue 19): the district from the unit's region's list
        c("district", "地區", "district", "enum", choices=District, example="觀塘區"),
        c("address", "地址", "address", "str", example="九龍觀塘協和街 101 號 12 樓 C 室"),
        c("education", "教育程度", "education", "enum", choices=Education, example="初中（中一至中三／國中）"),
        c("employment", "就業狀況", "employment", "enum", choices=Employment, example="待業"),
        c("emergency_contact.name", "緊急聯絡人", "emergency contact", "str", example="陳太"),
        c("emergency_contact.relationship", "緊急聯絡人關係", "emergency contact relationship", "enum",
          choices=Relationship, example="父母"),
        c("emergency_contact.phone", "緊急聯絡人電話", "emergency contact phone", "str", example="91234567"),
    )),
    Kind("cases", "個案（每個開案期一行）", "cases (one row per episode)", "cases", (
        c("id", "個案編號", "case id", "str", True, example="C0001"),
        c("type", "個案類別", "case type", "enum", True, CaseType, "吸毒者個案"),
        c("parent_case", "吸毒孕婦／家長個案", "pregnant/parent case", "bool", example="否"),
        c("client", "服務使用者編號", "client id", "str", True, example="P0001"),
        c("members", "家人編號", "family member ids", "ids"),
        c("worker", "負責職員編號", "worker id", "str", example="S01"),
        c("opened", "開案日期", "opened", "date", True, example="2024-05-03"),
        c("closed", "結案日期", "closed", "date"),
        c("plan.date", "個案計劃日期", "case plan date", "date", example="2024-05-20"),
        c("plan.direction", "計劃方向", "plan direction", "text", example="減少吸食"),
        c("plan.timetable", "時間表", "timetable", "text", example="六個月"),
        c("plan.actions", "行動", "actions", "text", example="每週面談"),
        c("plan.goals", "目標", "goals", "text", example="停用九十日"),
        c("closure.plan_achieved", "達成個案計劃", "plan achieved", "bool"),
        c("closure.last_drug_use", "結案前最後吸食日期", "last drug use before closing", "date"),
        c("closure.reason", "結案原因", "closing reason", "str"),
    )),
    Kind("activities", "服務紀錄", "activities", "activities", ACTIVITY_COLUMNS),
    Kind("group_sessions", "小組節數及出席", "group sessions with attendance", "activities", tuple(
        col for col in ACTIVITY_COLUMNS if col.key not in ("kind", "format", "psa_contacted", "funded_by", "case",
                                                           "workplace")), preset={"kind": "group_session"}),
    Kind("groups", "小組", "groups", "groups", (
        c("id", "小組編號", "group id", "str", True, example="G01"),
        c("kind", "小組類別", "group kind", "enum", True, GroupKind, "治療／輔導小組"),
        c("title", "名稱", "title", "str", example="「重新出發」成長小組"),
    )),
    Kind("referrals", "轉介", "referrals", "referrals", (
        c("id", "編號", "id", "str", True, example="R0001"),
        c("person", "服務使用者編號", "person id", "str", True, example="P0001"),
        c("case", "個案編號", "case id", "str"),
        c("direction", "方向", "direction", "enum", True, Direction, "out"),
        c("category", "轉介類別", "category", "enum", True, ReferralCategory, "衛生局醫療戒治"),
        c("agency", "機構", "agency", "str", example="物質誤用診所"),
        c("date", "轉介日期", "date", "date", True, example="2024-05-10"),
        c("status", "狀況", "status", "enum", choices=ReferralStatus, example="sent"),
        c("status_date", "狀況日期", "status date", "date"),
    )),
    Kind("involvements", "家人／持份者參與", "family and stakeholder involvement", "involvements", (
        c("id", "編號", "id", "str"),
        c("case", "個案編號", "case id", "str", True, example="C0001"),
        c("date", "日期", "date", "date", True, example="2024-06-01"),
        c("party", "參與者", "party", "enum", True, Party, "家人"),
        c("stakeholder", "持份者", "stakeholder", "enum", choices=Stakeholder),
        c("stage", "階段", "stage", "enum", choices=Stage, example="intake"),
        c("mode", "形式", "mode", "enum", choices=Mode, example="interview"),
    ), generated_id="inv"),
    Kind("collaborations", "專業人員協作", "professional collaborations", "collaborations", (
        c("id", "編號", "id", "str"),
        c("case", "個案編號", "case id", "str", True, example="C0001"),
        c("date", "日期", "date", "date", True, example="2024-06-05"),
        c("kind", "協作類別", "kind", "enum", True, CollaborationKind, "mdcc"),
    ), generated_id="col"),
    Kind("medical_assessments", "醫療評估", "medical assessments", "medical_assessments", (
        c("id", "編號", "id", "str"),
        c("person", "服務使用者編號", "person id", "str", True, example="P0001"),
        c("date", "評估日期", "date", "date", True, example="2024-06-10"),
        c("by", "評估職員編號", "assessed by (staff id)", "str", True, example="S02"),
        c("plan", "有治療計劃", "treatment plan", "bool", example="是"),
    ), generated_id="ma"),
    Kind("feedback", "意見表", "feedback forms", "feedback", (
        c("id", "編號", "id", "str"),
        c("activity", "服務紀錄編號", "activity id", "str", True, example="A-2024-0001"),
        c("person", "服務使用者編號", "person id", "str", example="P0001"),
        c("school", "學校編號", "school id", "str"),
        c("topic", "題目", "topic", "enum", True, FeedbackTopic, "drug_harm"),
        c("positive", "正面回應", "positive", "bool", True, example="是"),
    ), generated_id="fb"),
    Kind("hotline_calls", "專線來電及服務項目", "hotline calls and items", "hotline_calls", (
        c("id", "編號", "id", "str", True, example="H-2024-0001"),
        c("date", "日期", "date", "date", True, example="2024-05-02"),
        c("time", "來電時間", "time received", "time", True, example="21:15"),
        c("caller", "來電者", "caller", "enum", True, CallerType, "家屬"),
        c("items", "服務項目", "service items", "enumlist", choices=ServiceItem, example="心理支持、醫療戒治"),
        c("note", "紀錄", "note", "text", example="家屬查詢戒毒院舍申請程序"),
    )),
    Kind("lectures", "毒品危害講習及出席", "lectures with attendance", "lectures", (
        c("id", "講習編號", "lecture id", "str", True, example="L-2024-01"),
        c("date", "日期", "date", "date", True, example="2024-05-10"),
        c("title", "名稱", "title", "str", example="第三、四級毒品危害講習（第1場）"),
        c("required", "應出席人數", "required to attend", "int", example="40"),
        c("attended", "實際出席人數", "attended", "int", example="31"),
        c("registrants", "應出席人士編號", "people required to attend (ids)", "ids", example="P0001, P0002"),
        c("present", "出席人士編號", "people who attended (ids)", "ids", example="P0001"),
    )),
    Kind("consultations", "心靈諮詢站諮詢", "counselling-station consultations", "lectures", (
        c("id", "講習編號", "lecture id", "str", True, example="L-2024-01"),
        c("category", "諮詢類別", "category", "enum", True, ConsultationCategory, "家庭"),
        c("count", "人次", "consultations", "int", example="1"),
    ), adds_to="lectures"),
    Kind("pre_release_sessions", "出監前銜接輔導", "pre-release sessions", "pre_release_sessions", (
        c("id", "編號", "id", "str", True, example="PR-2024-001"),
        c("institution", "矯正機關", "institution", "str", True, example="喜靈洲戒毒所"),
        c("kind", "類別", "kind", "enum", True, PreReleaseKind, "團體輔導"),
        c("date", "日期", "date", "date", True, example="2024-05-02"),
        c("participants", "參加人次", "person-times", "int", True, example="12"),
    )),
    Kind("questionnaire_answers", "問卷答案", "questionnaire answers", "administrations", (
        c("instrument", "問卷", "questionnaire", "str", True, example="phq9"),
        c("person", "服務使用者編號", "person id", "str", True, example="P0001"),
        c("date", "日期", "date", "date", True, example="2024-06-01"),
        c("time_point", "測試時間", "time point", "enum", True, TimePoint, "前測"),
        c("case", "個案編號", "case id", "str"),
        c("group", "小組編號", "group id", "str"),
        *(c(f"answers.{n}", f"第{n}題", f"item {n}", "int", example="1" if n <= 9 else "")
          for n in range(1, ANSWER_COLUMNS + 1)),
    )),
)}


# --- Reading cells -------------------------------------------------------------------------------------------------


class CellError(ValueError):
    pass


def _norm(text) -> str:
    return re.sub(r"[\s_\-（）()／/:：]", "", unicodedata.normalize("NFKC", str(text))).casefold()


def _labels(choices: type[TextChoices]) -> dict[str, str]:
    """Every way a centre may write a choice: its code, its label in either language, each half of a bilingual
    label."""
    out = {}
    for value, label in choices.choices:
        names = {value}
        for language in ("zh-hant", "en"):
            with translation.override(language):
                text = str(label)
            names.add(text)
            names.update(re.split(r"\s+(?=[A-Za-z])", text, maxsplit=1))
        for name in names:
            out.setdefault(_norm(name), value)
    return out


ROC_DATE = re.compile(r"^(?:民國)?\s*(\d{1,3})\s*[年/\-.]\s*(\d{1,2})\s*[月/\-.]\s*(\d{1,2})\s*日?$")
ROC_COMPACT = re.compile(r"^(\d{2,3})(\d{2})(\d{2})$")
GREGORIAN_DATE = re.compile(r"^(\d{4})\s*[年/\-.]\s*(\d{1,2})\s*[月/\-.]\s*(\d{1,2})\s*日?$")
TRUE = {"是", "有", "y", "yes", "true", "1", "✓", "√", "v", "t"}
FALSE = {"否", "無", "沒有", "n", "no", "false", "0", "x", "f"}


def read_date(value, roc: bool) -> str:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    m = GREGORIAN_DATE.match(text)
    year = None
    if m:
        year, month, day = (int(g) for g in m.groups())
    elif roc and (m := ROC_DATE.match(text) or ROC_COMPACT.match(text)):
        year, month, day = int(m.group(1)) + 1911, int(m.group(2)), int(m.group(3))
    if year is None:
        raise CellError(_("Not a date: write it as 2024-05-01 or 113/05/01 (ROC)") if roc else
                        _("Not a date: write it as 2024-05-01"))
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        raise CellError(_("No such day: %(value)s") % {"value": text}) from None


def read_time(value) -> str:
    if isinstance(value, dt.datetime):
        value = value.time()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    text = str(value).strip()
    m = re.match(r"^(\d{1,2})[:：.]?(\d{2})$", text)
    if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59:
        raise CellError(_("Not a time: write it as 19:30"))
    return f"{int(m.group(1)):02d}:{m.group(2)}"


def read_value(col: Column, value, roc: bool):
    if col.kind in ("str", "text"):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return str(value).strip() if col.kind == "str" else str(value)
    if col.kind == "ids":
        parts = [p for p in re.split(r"[,，、;；\s]+", str(value).strip()) if p]
        return [str(int(float(p))) if re.fullmatch(r"\d+\.0", p) else p for p in parts]
    if col.kind == "date":
        return read_date(value, roc)
    if col.kind == "time":
        return read_time(value)
    if col.kind == "int":
        if isinstance(value, bool):
            raise CellError(_("Not a whole number"))
        try:
            number = float(str(value).strip().replace(",", ""))
        except ValueError:
            raise CellError(_("Not a whole number")) from None
        if not number.is_integer():
            raise CellError(_("Not a whole number"))
        if number < 0:
            raise CellError(_("Cannot be negative"))
        return int(number)
    if col.kind == "bool":
        if isinstance(value, bool):
            return value
        text = _norm(value)
        if text in TRUE:
            return True
        if text in FALSE:
            return False
        raise CellError(_("Write %(yes)s or %(no)s (yes or no)") % {"yes": "是", "no": "否"})
    if col.kind == "enumlist":
        parts = [p for p in re.split(r"[,，、;；\n]+", str(value).strip()) if p.strip()]
        return [read_value(Column(col.key, col.zh, col.en, "enum", choices=col.choices), p, roc) for p in parts]
    if col.kind == "enum":
        found = _labels(col.choices).get(_norm(value))
        if found is None:
            with translation.override(translation.get_language()):
                allowed = "、".join(str(label).split(" ")[0] if str(label) else v for v, label in col.choices.choices)
            raise CellError(_("Unknown value %(value)s; use one of: %(allowed)s") % {
                "value": f"「{str(value).strip()}」", "allowed": allowed})
        return found
    raise AssertionError(col.kind)


# --- Files -----------------------------------------------------------------------------------------------------------


@dataclass
class Problem:
    sheet: str
    row: int | None
    column: str
    message: str

    def __str__(self):
        where = [_("sheet %(sheet)s") % {"sheet": self.sheet}]
        if self.row is not None:
            where.append(_("row %(row)s") % {"row": self.row})
        if self.column:
            where.append(_("column %(column)s") % {"column": self.column})
        return f"{', '.join(where)}: {self.message}"


@dataclass
class Table:
    sheet: str
    header: list[str]
    rows: list[tuple[int, list]]  # (row number as the spreadsheet shows it, cells)


class FileError(ValueError):
    pass


def read_table(name: str, content: bytes) -> Table:
    """The first sheet of an .xlsx, or a CSV (UTF-8, with or without BOM, or Big5), as header and rows."""
    if name.lower().endswith(".csv"):
        for encoding in ("utf-8-sig", "big5"):
            try:
                text = content.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise FileError(_("The CSV file is neither UTF-8 nor Big5 text"))
        lines = list(csv.reader(io.StringIO(text)))
        sheet = name.rsplit("/", 1)[-1]
        cells = [(i + 1, row) for i, row in enumerate(lines)]
    elif name.lower().endswith((".xlsx", ".xlsm")):
        from openpyxl import load_workbook

        try:
            wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception as e:  # openpyxl raises many kinds for a file that is not a workbook
            raise FileError(_("Not an Excel workbook (.xlsx): %(reason)s") % {"reason": type(e).__name__}) from None
        ws = wb.worksheets[0]
        sheet = ws.title
        cells = [(i + 1, list(row)) for i, row in enumerate(ws.iter_rows(values_only=True))]
        wb.close()
    else:
        raise FileError(_("Choose an .xlsx or .csv file"))
    cells = [(n, ["" if v is None else v for v in row]) for n, row in cells]
    cells = [(n, row) for n, row in cells if any(str(v).strip() for v in row)]
    if not cells:
        raise FileError(_("The file has no rows"))
    (_n, header), rows = cells[0], cells[1:]
    return Table(sheet, [str(h).strip() for h in header], rows)


def match_columns(kind: Kind, header: list[str], mapping: dict[str, str] | None = None):
    """{position: column} for the file's headings; headings matched by either language, the bilingual heading, the
    exchange key or the user's own mapping. Returns (matched, unknown headings)."""
    names = {}
    for col in kind.columns:
        for name in (col.key, col.zh, col.en, col.header):
            names.setdefault(_norm(name), col)
    by_key = {col.key: col for col in kind.columns}
    mapping = {_norm(k): v for k, v in (mapping or {}).items()}
    matched, unknown = {}, []
    for i, heading in enumerate(header):
        if not heading:
            continue
        target = mapping.get(_norm(heading))
        if target == "":
            continue  # mapped to "ignore this column"
        col = by_key.get(target) if target else names.get(_norm(heading))
        if col is None:
            unknown.append(heading)
        else:
            matched[i] = col
    return matched, unknown


# --- Rows to exchange records --------------------------------------------------------------------------------------


@dataclass
class Origin:
    row: int
    columns: dict[str, str]  # record key path -> the file's heading


@dataclass
class Reading:
    kind: Kind
    sheet: str
    records: list[dict] = field(default_factory=list)
    origins: list[Origin | list[Origin]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    covered: set[str] = field(default_factory=set)  # the record keys the file's columns give


def _put(rec: dict, key: str, value):
    if "." in key:
        outer, inner = key.split(".", 1)
        rec.setdefault(outer, {})[inner] = value
    else:
        rec[key] = value


def _example(kind: Kind) -> list[str]:
    return [col.example for col in kind.columns]


def read_rows(kind: Kind, table: Table, *, roc: bool, mapping=None) -> Reading:
    reading = Reading(kind, table.sheet)
    matched, unknown = match_columns(kind, table.header, mapping)
    for heading in unknown:
        reading.problems.append(Problem(table.sheet, 1, heading, _(
            "Unknown column: map it to one of the template's columns, or to none")))
    present = {col.key for col in matched.values()}
    for col in kind.columns:
        if col.required and col.key not in present and not (kind.generated_id and col.key == "id"):
            reading.problems.append(Problem(table.sheet, 1, col.header, _("Required column missing")))
    if reading.problems:
        return reading
    reading.covered = {COVERS.get(key, key.split(".")[0]) for key in present}
    if "start" in reading.covered:
        reading.covered.add("end")
    example = [_norm(v) for v in _example(kind)]
    for number, cells in table.rows:
        values = {col.key: cells[i] if i < len(cells) else "" for i, col in matched.items()}
        if [_norm(values.get(col.key, "")) for col in kind.columns] == example:
            continue  # the template's example row, left in place
        rec, columns, bad = dict(kind.preset), {}, False
        for i, col in matched.items():
            raw = cells[i] if i < len(cells) else ""
            columns[col.key] = table.header[i]
            if raw is None or str(raw).strip() == "":
                if col.required and not (kind.generated_id and col.key == "id"):
                    reading.problems.append(Problem(table.sheet, number, table.header[i], _("Required")))
                    bad = True
                continue
            try:
                _put(rec, col.key, read_value(col, raw, roc))
            except CellError as e:
                reading.problems.append(Problem(table.sheet, number, table.header[i], str(e)))
                bad = True
        if bad:
            continue
        _shape(kind, rec, columns)
        if kind.generated_id and not rec.get("id"):
            digest = hashlib.sha1(repr(sorted(rec.items())).encode()).hexdigest()[:12]
            rec["id"] = f"{kind.generated_id}-{digest}"
        reading.records.append(rec)
        reading.origins.append(Origin(number, columns))
    if kind.name == "cases":
        _episodes(reading)
    if kind.name == "consultations":
        _consultations(reading)
    return reading


def _consultations(reading: Reading):
    """Rows of one lecture become its counts per category (a category given twice adds up)."""
    lectures, origins = {}, {}
    for rec, origin in zip(reading.records, reading.origins, strict=True):
        counts = lectures.setdefault(rec["id"], {"id": rec["id"], "consultations": {}})["consultations"]
        counts[rec["category"]] = counts.get(rec["category"], 0) + rec.get("count", 1)
        origins.setdefault(rec["id"], origin)
    reading.records = list(lectures.values())
    reading.origins = list(origins.values())


def _shape(kind: Kind, rec: dict, columns: dict):
    """From one flat row to the exchange record's shape."""
    if kind.collection == "activities":
        day, start, end = rec.pop("date", None), rec.pop("start_time", None), rec.pop("end_time", None)
        if day and start and end:
            rec["start"] = f"{day}T{start}"
            end_day = dt.date.fromisoformat(day) + dt.timedelta(days=1 if end < start else 0)
            rec["end"] = f"{end_day.isoformat()}T{end}"
            for key, heading in (("start", "start_time"), ("end", "end_time")):
                columns[key] = columns.get(heading, "")
    if kind.name == "hotline_calls":
        day, time = rec.pop("date", None), rec.pop("time", None)
        if day and time:
            rec["received"] = f"{day}T{time}"
            columns["received"] = columns.get("time", "")
        if "items" in rec:
            rec["items"] = list(dict.fromkeys(rec["items"]))
    if kind.name == "lectures":
        named, present = rec.pop("registrants", []), rec.pop("present", [])
        everyone = list(dict.fromkeys([*named, *present]))
        if everyone:
            # A lecture with a list takes its figures from the names (prevention.models.LectureRegistrant).
            rec["registrants"] = [{"person": p, "attended": p in present} for p in everyone]
            rec.setdefault("required", len(everyone))
            rec.setdefault("attended", len(set(present)))
            columns.setdefault("registrants", columns.get("present", ""))
    if kind.name == "people":
        drug = rec.pop("drug_use", None)
        if drug:
            rec["drug_use"] = [drug]
            columns["drug_use[0].drug"] = columns.get("drug_use.drug", "")
            columns["drug_use[0].last_used"] = columns.get("drug_use.last_used", "")


def _episodes(reading: Reading):
    """Rows of one case become one case record with its episodes, in order of opening."""
    cases, origins = {}, {}
    for rec, origin in zip(reading.records, reading.origins, strict=True):
        episode = {k: rec.pop(k) for k in ("opened", "closed", "plan", "closure") if k in rec}
        case = cases.setdefault(rec["id"], {**rec, "episodes": []})
        case["episodes"].append(episode)
        origins.setdefault(rec["id"], []).append(origin)
    for rid, case in cases.items():
        order = sorted(range(len(case["episodes"])), key=lambda i: case["episodes"][i].get("opened", ""))
        case["episodes"] = [case["episodes"][i] for i in order]
        origins[rid] = [origins[rid][i] for i in order]
    reading.records = list(cases.values())
    reading.origins = list(origins.values())


# --- Validation as one exchange document ---------------------------------------------------------------------------

COVERS = {"present": "registrants", "category": "consultations", "count": "consultations", "time": "received",
          "date": "start", "start_time": "start", "end_time": "end", "opened": "episodes", "closed": "episodes",
          "plan.date": "episodes", "plan.direction": "episodes", "plan.timetable": "episodes",
          "plan.actions": "episodes", "plan.goals": "episodes", "closure.plan_achieved": "episodes",
          "closure.last_drug_use": "episodes", "closure.reason": "episodes"}
PATH = re.compile(r"^(\w+)\[(\d+)\](?:\.(.*?))?: (.*)$")


def merged_document(unit: Unit, reading: Reading):
    """The unit's records with the file's rows merged in; the position each row took."""
    current = export_unit(unit).as_json()
    name = reading.kind.collection
    records = current[name]
    index = {record_key(name, r): i for i, r in enumerate(records)}
    placed, unknown = {}, []
    for rec, origin in zip(reading.records, reading.origins, strict=True):
        key = record_key(name, rec)
        if key in index:
            # What the file's columns say replaces the stored record's; what the file has no column for is kept.
            old = records[index[key]]
            records[index[key]] = {**{k: v for k, v in old.items() if k not in reading.covered}, **rec}
        elif reading.kind.adds_to:
            unknown.append((rec, origin))
            continue
        else:
            index[key] = len(records)
            records.append(rec)
        placed[index[key]] = origin
    current["version"] = VERSION
    return current, placed, unknown


def _origin_of(placed, index: int, rest: str):
    origin = placed.get(index)
    if isinstance(origin, list):  # a case: episodes[i] is the i-th row
        m = re.match(r"^episodes\[(\d+)\]\.?(.*)$", rest or "")
        if m and int(m.group(1)) < len(origin):
            return origin[int(m.group(1))], m.group(2)
        return origin[0], rest
    return origin, rest


MESSAGES = [
    (r"^after today \((.*)\): records of work done cannot be dated in the future$",
     gettext_lazy("After today (%(0)s): records of work done cannot be dated in the future")),
    (r"^unknown (\w+) id '(.*)'$", gettext_lazy("No %(0)s record with id %(1)s in the unit or this file")),
    (r"^before start$", gettext_lazy("The end is before the start")),
    (r"^equal to start$", gettext_lazy("The end equals the start")),
    (r"^before opened$", gettext_lazy("Closed before it was opened")),
    (r"^overlaps or precedes the previous episode$", gettext_lazy("Overlaps the case's previous episode")),
    (r"^only the last episode may be open$", gettext_lazy("Only the case's last episode may be open")),
    (r"^given for an episode that is not closed$", gettext_lazy("Closure details for an episode that is not closed")),
    (r"^a group session must name its group$", gettext_lazy("A group session must name its group")),
    (r"^only a group session belongs to a group$", gettext_lazy("Only a group session belongs to a group")),
    (r"^brief counselling serves a person.*$", gettext_lazy("Brief counselling must name the person served")),
    (r"^before the referral date$", gettext_lazy("Before the referral date")),
    (r"^missing$", gettext_lazy("Required")),
    (r"^not a district of this unit's region \(.*\)$",
     gettext_lazy("Not a district of this unit's region: use a district from the list")),
    (r"^this unit's region \(.*\) records no district$", gettext_lazy("This unit's region records no district")),
    (r"^not a phone number$", gettext_lazy("Enter a phone number: 8 digits in Hong Kong (e.g. 9123 4567), 10 in Taiwan "
                                           "(e.g. 0912-345-678), or + and the country code.")),
    (r"^more than were required to attend$", gettext_lazy("More attended than were required to attend")),
]


def translate_problem(message: str) -> str:
    for pattern, text in MESSAGES:
        m = re.match(pattern, message)
        if m:
            return str(text) % {str(i): g for i, g in enumerate(m.groups())}
    return message


@dataclass
class Outcome:
    problems: list[Problem]
    document: object = None
    rows: int = 0


def check(unit: Unit, kind_name: str, name: str, content: bytes, mapping=None, today=None) -> Outcome:
    """Read a file and validate it against the unit's records; nothing is written."""
    kind = KINDS[kind_name]
    try:
        table = read_table(name, content)
    except FileError as e:
        return Outcome([Problem(name, None, "", str(e))])
    reading = read_rows(kind, table, roc=unit.timezone == "Asia/Taipei", mapping=mapping)
    if reading.problems and not reading.covered:
        return Outcome(reading.problems)  # the headings themselves are wrong: no row can be read
    # Rows whose cells could not be read are left out; the others are checked as one document, so the dry run
    # lists every problem of the file at once.
    _instrument_codes(reading)
    doc, placed, unknown = merged_document(unit, reading)
    document, problems = parse(doc, today=today)
    out = list(reading.problems) + _answer_problems(unit, reading, table.sheet)
    for rec, origin in unknown:
        out.append(Problem(table.sheet, origin.row, origin.columns.get("id", ""), _(
            "No %(kind)s with id %(id)s in the unit") % {"kind": reading.kind.adds_to.replace("_", " "),
                                                         "id": rec["id"]}))
    for line in problems:
        m = PATH.match(line)
        if m and m.group(1) == kind.collection and int(m.group(2)) in placed:
            origin, rest = _origin_of(placed, int(m.group(2)), m.group(3) or "")
            column = origin.columns.get(rest) or origin.columns.get(rest.split(".")[0]) or origin.columns.get(
                rest.split("[")[0], rest)
            out.append(Problem(table.sheet, origin.row, column, translate_problem(m.group(4))))
        else:
            out.append(Problem(table.sheet, None, "", _("A record already in the unit: %(problem)s") % {
                "problem": line}))
    if out:
        return Outcome(sorted(out, key=lambda p: (p.row or 0, p.column)))
    # Forms typed into a sheet raise their risk alerts as forms entered on the page do.
    document.raise_alerts = kind.collection == "administrations"
    return Outcome([], document, len(reading.records))


def _answer_problems(unit: Unit, reading: Reading, sheet: str) -> list[Problem]:
    """Answers that do not fit their questionnaire (an item it lacks, a value off its scale, an item left
    blank), at the item's column: the importer would refuse them."""
    from tongxing.outcomes.scoring import AnswerError, score, spec_of

    if reading.kind.collection != "administrations":
        return []
    instruments = {i.code: i for i in Instrument.objects.filter(
        Q(organisation__isnull=True) | Q(organisation=unit.organisation_id),
        code__in={r["instrument"] for r in reading.records})}
    specs, out = {}, []
    for rec, origin in zip(reading.records, reading.origins, strict=True):
        instrument = instruments.get(rec["instrument"])
        if instrument is None or not rec.get("answers"):
            continue  # reported by the document's own check
        spec = specs.setdefault(instrument.code, spec_of(instrument))
        try:
            score(spec, {int(k): v for k, v in rec["answers"].items()})
        except AnswerError as e:
            for number, message in sorted(e.problems.items()):
                column = origin.columns.get(f"answers.{number}") or _("item %(n)s") % {"n": number}
                out.append(Problem(sheet, origin.row, column, message))
    return out


def _instrument_codes(reading: Reading):
    """A questionnaire may be named by its code or its name in either language."""
    if reading.kind.collection != "administrations" or not reading.records:
        return
    codes = {}
    for code, name, name_en in Instrument.objects.values_list("code", "name", "name_en"):
        for text in (code, name, name_en):
            if text:
                codes.setdefault(_norm(text), code)
    for rec in reading.records:
        rec["instrument"] = codes.get(_norm(rec["instrument"]), rec["instrument"])


def commit(outcome: Outcome, progress=None):
    """Write a checked file's records, all or nothing (the exchange importer's transaction and lock)."""
    from .services import import_document, import_lock

    with import_lock():
        return import_document(outcome.document, progress=progress)


# --- Templates -------------------------------------------------------------------------------------------------------


def template_xlsx(kind_name: str) -> bytes:
    """A workbook to fill in: bilingual headings, one example row, and a guide sheet with each column's values."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    kind = KINDS[kind_name]
    wb = Workbook()
    ws = wb.active
    ws.title = kind.name
    ws.append([col.header for col in kind.columns])
    ws.append(_example(kind))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for cell in ws[2]:
        cell.font = Font(italic=True, color="808080")
    for i, col in enumerate(kind.columns, start=1):
        ws.column_dimensions[ws.cell(1, i).column_letter].width = max(12, len(col.header) + 4)
    guide = wb.create_sheet("說明 guide")
    guide.append(["欄 column", "必填 required", "寫法 how to write it"])
    for cell in guide[1]:
        cell.font = Font(bold=True)
    for col in kind.columns:
        guide.append([col.header, "✓" if col.required and not (kind.generated_id and col.key == "id") else "",
                      _how(col)])
    guide.column_dimensions["A"].width = 36
    guide.column_dimensions["C"].width = 90
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _how(col: Column) -> str:
    if col.kind == "enum":
        with translation.override("zh-hant"):
            zh = [str(label) for _v, label in col.choices.choices]
        return "；".join(f"{z} = {v}" for z, (v, _l) in zip(zh, col.choices.choices, strict=True))
    return {"date": "2024-05-01，或台灣單位的民國日期 113/05/01 (or an ROC date for Taiwan units)",
            "time": "19:30", "bool": "是／否 (yes / no)", "int": "0, 1, 2 …",
            "ids": "以逗號分隔 comma-separated, e.g. P0001, P0002"}.get(col.kind, "")


def template_csv(kind_name: str) -> bytes:
    kind = KINDS[kind_name]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([col.header for col in kind.columns])
    writer.writerow(_example(kind))
    return out.getvalue().encode("utf-8-sig")


assert set(k.collection for k in KINDS.values()) <= set(COLLECTIONS)
