"""Spreadsheet import: a filled template per kind imports into the scenario's unit and re-imports as no change; a
file with many kinds of mistake reports each by sheet, row and column and writes nothing; headings are mapped;
Taiwan units write ROC dates; the command line and the web page do the same."""

import csv
import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import translation
from openpyxl import load_workbook

from tongxing.activities.models import Activity, Feedback, Group, MedicalAssessment
from tongxing.audit.models import Event
from tongxing.cases.models import Case, Collaboration, Involvement, Referral
from tongxing.exchange.schema import unit_today
from tongxing.exchange.spreadsheet import KINDS, check, commit, template_csv, template_xlsx
from tongxing.organisations.models import Organisation, Unit
from tongxing.outcomes.models import Administration, RiskAlert
from tongxing.people.models import Person
from tongxing.prevention.models import Consultation, HotlineCall, Institution, Lecture, PreReleaseSession

from .conftest import verified_login

# Realistic rows per kind, as a centre worker would type them (labels in Chinese, codes where they are shorter).
ROWS = {
    "people": [["P-101", "陳大文", "Chan Tai Man", "61234567", "男", "1999-05-02", "否", "2024-05-01", "外展",
                "氯胺酮", "2024-03-01", "葵青區", "新界葵涌石蔭邨石美樓 1203 室", "高中（中四至中六／高中職）", "待業",
                "陳太", "父母", "2345 6789"],
               ["P-102", "李小芬", "", "", "女", "2001/11/30", "是", "2024年6月3日", "親友介紹", "冰毒", "",
                "", "", "", "", "", "", ""]],
    "groups": [["G-101", "治療／輔導小組", "「重新出發」成長小組"]],
    "cases": [["C-101", "吸毒者個案", "否", "p1", "", "s1", "2024-05-03", "2024-08-01", "2024-05-20", "減少吸食",
               "六個月", "每週面談", "停用九十日", "是", "2024-06-01", "完成計劃"],
              ["C-101", "吸毒者個案", "否", "p1", "", "s1", "2024-09-02", "", "2024-09-10", "預防復吸", "三個月",
               "每兩週面談", "維持操守", "", "", ""]],
    "activities": [["A-101", "面談", "", "2024-06-03", "10:00", "11:00", "否", "s1", "p1", "0", "", "c1", "", "", "",
                    "", "中心面談室", "跟進就業"],
                   ["A-102", "外展", "", "2024-06-04", "22:30", "00:30", "否", "s1, s2", "", "0", "3", "", "", "",
                    "", "", "葵涌邨球場", ""]],
    "group_sessions": [["A-103", "2024-06-05", "14:00", "16:00", "否", "s1", "p1、p2", "0", "g1", "", "活動室", ""]],
    "referrals": [["R-101", "p1", "c1", "out", "衛生局醫療戒治", "物質誤用診所", "2024-06-06", "accepted", "2024-06-20"]],
    "involvements": [["", "c1", "2024-06-07", "家人", "", "intake", "interview"],
                     ["", "c1", "2024-06-08", "持份者", "感化", "intervention", "meeting"]],
    "collaborations": [["", "c1", "2024-06-09", "mdcc"]],
    "medical_assessments": [["", "p1", "2024-06-10", "s2", "是"]],
    "feedback": [["", "a1", "p1", "", "drug_harm", "是"]],
    "hotline_calls": [["H-101", "2024-06-11", "21:15", "家屬", "心理支持、醫療戒治", "母親擔心兒子吸食冰毒"],
                      ["H-102", "2024-06-12", "0930", "個案", "lecture_enquiry", ""]],
    "lectures": [["L-101", "2024-06-13", "第三、四級毒品危害講習（第1場）", "", "", "p1, p2, p3", "p1、p3"],
                 ["L-102", "2024-06-27", "第三、四級毒品危害講習（第2場）", "45", "33", "", ""]],
    "consultations": [["L-100", "家庭", "2"], ["L-100", "工作", ""], ["L-100", "家庭", "1"]],
    "pre_release_sessions": [["PR-101", "喜靈洲戒毒所", "團體輔導", "2024-06-14", "12"],
                             ["PR-102", "喜靈洲戒毒所", "懇親會", "2024-06-28", "20"]],
    "questionnaire_answers": [
        ["phq9", "p1", "2024-06-15", "前測", "c1", "", *["2", "1", "1", "0", "2", "1", "0", "1", "0"], *[""] * 21],
        ["病人健康狀況問卷-9 (PHQ-9)", "p1", "2024-09-15", "post", "c1", "",
         *["0", "1", "0", "0", "1", "0", "0", "0", "0"], *[""] * 21]],
}
COUNTS = {"people": (Person, 2), "groups": (Group, 1), "cases": (Case, 1), "activities": (Activity, 2),
          "group_sessions": (Activity, 1), "referrals": (Referral, 1), "involvements": (Involvement, 2),
          "collaborations": (Collaboration, 1), "medical_assessments": (MedicalAssessment, 1), "feedback": (Feedback, 1),
          "hotline_calls": (HotlineCall, 2), "lectures": (Lecture, 2), "consultations": (Consultation, 4),
          "pre_release_sessions": (PreReleaseSession, 2), "questionnaire_answers": (Administration, 2)}


def prepare(unit):
    """What the prevention kinds name: an institution set up and a lecture already recorded."""
    Institution.objects.create(unit=unit, name="喜靈洲戒毒所")
    Lecture.objects.create(unit=unit, external_id="L-100", date=dt.date(2024, 5, 10), title="講習", required=40,
                           attended=30)


def filled_template(kind, rows) -> bytes:
    wb = load_workbook(io.BytesIO(template_xlsx(kind)))
    ws = wb.worksheets[0]
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_every_kind_has_a_template_with_bilingual_headings_and_an_example(db):
    assert set(ROWS) == set(KINDS)
    for kind in KINDS:
        ws = load_workbook(io.BytesIO(template_xlsx(kind))).worksheets[0]
        header, example = [c.value for c in ws[1]], [c.value for c in ws[2]]
        assert all(any("\u4e00" <= ch <= "\u9fff" for ch in h) and any(ch.isascii() and ch.isalpha() for ch in h)
                   for h in header), header
        assert any(example), kind
        assert len(ROWS[kind][0]) == len(header), kind
        rows = list(csv.reader(io.StringIO(template_csv(kind).decode("utf-8-sig"))))
        assert rows[0] == header


@pytest.mark.parametrize("kind", list(ROWS))
def test_a_filled_template_imports_and_reimports_as_no_change(scenario_unit, kind):
    prepare(scenario_unit)
    model, n = COUNTS[kind]
    before = model.objects.count()
    content = filled_template(kind, ROWS[kind])
    outcome = check(scenario_unit, kind, f"{kind}.xlsx", content)
    assert [str(p) for p in outcome.problems] == []
    assert commit(outcome).changed
    assert model.objects.count() == before + n
    assert Event.objects.filter(action="import").exists()
    again = check(scenario_unit, kind, f"{kind}.xlsx", content)
    assert again.problems == [] and not commit(again).changed


def test_rows_become_the_records_the_centre_meant(scenario_unit):
    for kind in ("people", "cases", "activities"):
        commit(check(scenario_unit, kind, "x.xlsx", filled_template(kind, ROWS[kind])))
    fen = Person.objects.get(unit=scenario_unit, external_id="P-102")
    assert (fen.sex, fen.birth_date, fen.pregnant, fen.identified_on, fen.identification_channel) == (
        "F", dt.date(2001, 11, 30), True, dt.date(2024, 6, 3), "friends_family")
    case = Case.objects.get(unit=scenario_unit, external_id="C-101")
    episodes = list(case.episodes.order_by("opened"))
    assert [(e.opened, e.closed, e.plan_achieved) for e in episodes] == [
        (dt.date(2024, 5, 3), dt.date(2024, 8, 1), True), (dt.date(2024, 9, 2), None, None)]
    outreach = Activity.objects.get(unit=scenario_unit, external_id="A-102")
    assert outreach.minutes == 120 and outreach.psa_contacted == 3  # 22:30 to 00:30 crosses midnight
    assert sorted(outreach.staff.values_list("external_id", flat=True)) == ["s1", "s2"]


def _tomorrow():
    return (unit_today("Asia/Hong_Kong") + dt.timedelta(days=1)).isoformat()


def mistakes():
    """Rows 3-15 of one activities sheet, each with a different mistake, and the column it must be reported in."""
    good = ["A-201", "面談", "", "2024-06-03", "10:00", "11:00", "否", "s1", "p1", "0", "", "", "", "", "", "", "",
            ""]

    def row(**changes):
        r = list(good)
        names = ["id", "kind", "format", "date", "start", "end", "full_day", "staff", "people", "headcount",
                 "psa", "case", "group", "school", "workplace", "funded_by", "place", "note"]
        for key, value in changes.items():
            r[names.index(key)] = value
        return r

    return [
        (row(id="A-301", kind="打麻雀"), "類別 kind", "打麻雀"),
        (row(id="A-302", date="2024-13-01"), "日期 date", "日期"),
        (row(id="A-303", date="下星期"), "日期 date", "日期"),
        (row(id="A-304", start="25:00"), "開始時間 start time", "時間"),
        (row(id="A-305", headcount="-3"), "人數（不記名） headcount (unnamed)", "負數"),
        (row(id="A-306", headcount="2.5"), "人數（不記名） headcount (unnamed)", "整數"),
        (row(id=""), "編號 id", "必須填寫"),
        (row(id="A-308", staff="s999"), "職員編號 staff ids", "s999"),
        (row(id="A-309", end="10:00"), "結束時間 end time", "結束時間"),
        (row(id="A-310", date=_tomorrow()), "開始時間 start time", "今天"),
        (row(id="A-311", full_day="也許"), "全日 full day", "是"),
        (row(id="A-312", kind="group_session"), "小組編號 group id", "小組"),
        (row(id="A-313", case="c999"), "個案編號 case id", "c999"),
    ]


def test_a_file_of_mistakes_reports_each_by_sheet_row_and_column_and_writes_nothing(scenario_unit):
    rows = mistakes()
    content = filled_template("activities", [r for r, _c, _m in rows])
    activities, events = Activity.objects.count(), Event.objects.count()
    with translation.override("zh-hant"):
        outcome = check(scenario_unit, "activities", "mistakes.xlsx", content)
        shown = [str(p) for p in outcome.problems]
    assert outcome.document is None
    found = {(p.row, p.column): p for p in outcome.problems}
    for number, (_row, column, words) in enumerate(rows, start=3):
        problem = found.get((number, column))
        assert problem is not None, (number, column, [str(p) for p in outcome.problems])
        assert problem.sheet == "activities" and words in problem.message, (number, problem.message)
    assert len({p.message for p in outcome.problems}) >= 10
    assert "工作表 activities，第 3 行，「類別 kind」欄" in shown[0] or shown[0].startswith("工作表 activities")
    assert Activity.objects.count() == activities and Event.objects.count() == events


def test_headings_that_differ_are_mapped(scenario_unit):
    content = "編號,個案,會議日期,類型,Remarks\n,c1,2024-07-01,mdcc,已通知感化官\n".encode()
    outcome = check(scenario_unit, "collaborations", "c.csv", content)
    assert {(p.row, p.column) for p in outcome.problems} == {
        (1, "會議日期"), (1, "類型"), (1, "Remarks"), (1, "個案"), (1, "日期 date"), (1, "協作類別 kind"),
        (1, "個案編號 case id")}
    assert outcome.document is None
    outcome = check(scenario_unit, "collaborations", "c.csv", content,
                    mapping={"會議日期": "date", "類型": "kind", "Remarks": "", "個案": "case"})
    assert outcome.problems == []
    before = Collaboration.objects.count()
    commit(outcome)
    assert Collaboration.objects.count() == before + 1


def test_taiwan_units_write_roc_dates(db):
    organisation = Organisation.objects.create(code="KH", name="高雄市政府毒品防制局")
    unit = Unit.objects.create(organisation=organisation, code="KH1", name="高雄中心", timezone="Asia/Taipei")
    content = "\n".join([
        "編號 id,性別 sex,出生日期 date of birth,識別日期 identified on,識別途徑 identified through",
        "T1,男,民國88年5月2日,113/05/01,外展",
        "T2,F,0901130,1130601,self",
    ]).encode("utf-8")
    outcome = check(unit, "people", "people.csv", content)
    assert outcome.problems == []
    commit(outcome)
    assert dict(Person.objects.filter(unit=unit).values_list("external_id", "birth_date")) == {
        "T1": dt.date(1999, 5, 2), "T2": dt.date(2001, 11, 30)}
    assert Person.objects.get(unit=unit, external_id="T1").identified_on == dt.date(2024, 5, 1)


def test_csv_in_big5_from_an_old_excel(scenario_unit):
    text = "編號 id,個案編號 case id,日期 date,協作類別 kind\n,c1,2024-07-01,個案檢討\n"
    outcome = check(scenario_unit, "collaborations", "old.csv", text.encode("big5"))
    assert outcome.problems == []
    commit(outcome)
    assert Collaboration.objects.filter(unit=scenario_unit, date=dt.date(2024, 7, 1), kind="case_review").exists()


def test_the_command_line_imports_a_spreadsheet(scenario_unit, tmp_path, capsys):
    good, bad = tmp_path / "activities.xlsx", tmp_path / "bad.xlsx"
    good.write_bytes(filled_template("activities", ROWS["activities"]))
    bad.write_bytes(filled_template("activities", [r for r, _c, _m in mistakes()]))
    before = Activity.objects.count()
    with pytest.raises(SystemExit) as refused:
        call_command("import", str(bad), kind="activities", unit="U1")
    err = capsys.readouterr().err
    assert refused.value.code == 2 and "nothing was imported" in err
    assert "row 3" in err or "第 3 行" in err
    call_command("import", str(good), kind="activities", unit="U1", dry_run=True)
    assert Activity.objects.count() == before
    call_command("import", str(good), kind="activities", unit="U1")
    assert "activities: 2 created" in capsys.readouterr().out and Activity.objects.count() == before + 2
    call_command("import", str(good), kind="activities", unit="U1")
    assert "nothing changed" in capsys.readouterr().out


def test_the_web_page_checks_maps_and_imports_in_the_background(scenario_unit, scenario_bob, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tongxing.jobs.models import Job
    from tongxing.jobs.runner import run

    verified_login(client, scenario_bob)
    client.cookies["django_language"] = "zh-hant"
    template = client.get("/setup/templates/activities.xlsx")
    assert template.status_code == 200 and load_workbook(io.BytesIO(template.content)).worksheets[0]["A1"].value
    bad = SimpleUploadedFile("bad.xlsx", filled_template("activities", [r for r, _c, _m in mistakes()]))
    page = client.post("/setup/U1/import/", {"kind": "activities", "file": bad}).content.decode()
    assert 'id="problems"' in page and "打麻雀" in page and 'id="confirm"' not in page
    assert page.count("<tr><td>activities</td>") >= 13
    before = Activity.objects.count()
    good = SimpleUploadedFile("good.xlsx", filled_template("activities", ROWS["activities"]))
    page = client.post("/setup/U1/import/", {"kind": "activities", "file": good}).content.decode()
    assert 'id="checked"' in page and 'id="confirm"' in page
    token = page.split('name="token" value="')[1].split('"')[0]
    response = client.post("/setup/U1/import/", {"kind": "activities", "token": token, "confirm": "1"})
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    assert Activity.objects.count() == before  # nothing yet: the worker writes it
    run(job.pk)
    job.refresh_from_db()
    assert job.state == Job.State.DONE and Activity.objects.count() == before + 2, job.lines
    assert "activities: 2 created" in " ".join(job.lines)


def test_the_web_page_is_for_the_units_supervisor(scenario_unit, client):
    from django.contrib.auth import get_user_model

    from tongxing.accounts.models import Access, Level

    worker = get_user_model().objects.create_user("alice")
    Access.objects.create(user=worker, level=Level.WORKER, unit=scenario_unit, organisation=scenario_unit.organisation)
    verified_login(client, worker)
    assert client.get("/setup/U1/import/").status_code == 403
    assert client.get("/setup/templates/people.xlsx").status_code == 403


def test_prevention_rows_become_the_records_the_centre_meant(scenario_unit):
    prepare(scenario_unit)
    for kind in ("hotline_calls", "lectures", "consultations", "questionnaire_answers"):
        outcome = check(scenario_unit, kind, "x.xlsx", filled_template(kind, ROWS[kind]))
        assert outcome.problems == [], [str(p) for p in outcome.problems]
        commit(outcome)
    call = HotlineCall.objects.get(unit=scenario_unit, external_id="H-101")
    assert call.caller == "family" and call.date == dt.date(2024, 6, 11)
    assert sorted(call.items.values_list("category", flat=True)) == ["psychological_support", "treatment"]
    listed = Lecture.objects.get(unit=scenario_unit, external_id="L-101")
    assert (listed.required, listed.attended) == (3, 2)  # from the names
    assert dict(listed.registrants.values_list("person__external_id", "attended")) == {
        "p1": True, "p2": False, "p3": True}
    counted = Lecture.objects.get(unit=scenario_unit, external_id="L-100")
    assert sorted(counted.consultations.values_list("category", flat=True)) == ["family"] * 3 + ["work"]
    assert counted.required == 40  # the lecture's own figures are left as they were
    pre, post = Administration.objects.filter(unit=scenario_unit).order_by("date")
    assert (pre.total, post.total, pre.instrument.code) == (8, 2, "phq9")


def test_a_sheet_of_forms_raises_the_risk_alerts_the_form_page_would(scenario_unit):
    row = ["phq9", "p1", "2024-06-15", "前測", "c1", "", *["3", "3", "3", "3", "3", "3", "3", "3", "2"], *[""] * 21]
    content = filled_template("questionnaire_answers", [row])
    commit(check(scenario_unit, "questionnaire_answers", "x.xlsx", content))
    alert = RiskAlert.objects.get(administration__unit=scenario_unit)
    assert {"item": 9, "value": 2} in alert.reasons and alert.case.external_id == "c1"
    again = check(scenario_unit, "questionnaire_answers", "x.xlsx", content)
    assert not commit(again).changed and RiskAlert.objects.count() == 1


def test_taiwan_prevention_sheets_take_roc_dates(db):
    organisation = Organisation.objects.create(code="KH", name="高雄市政府毒品防制局")
    unit = Unit.objects.create(organisation=organisation, code="KH1", name="高雄中心", timezone="Asia/Taipei")
    Institution.objects.create(unit=unit, name="高雄戒治所")
    content = ("編號,矯正機關,類別,日期,參加人次\nPR-1,高雄戒治所,個別輔導,113/06/14,3\n"
               "PR-2,高雄戒治所,group,1130701,9\n").encode("big5")
    outcome = check(unit, "pre_release_sessions", "pr.csv", content)
    assert outcome.problems == [], [str(p) for p in outcome.problems]
    commit(outcome)
    assert sorted(PreReleaseSession.objects.filter(unit=unit).values_list("date", flat=True)) == [
        dt.date(2024, 6, 14), dt.date(2024, 7, 1)]


PREVENTION_MISTAKES = {
    # kind: [(row, column, words in the message)], the rows in order from row 3
    "hotline_calls": [
        (["H-201", "2024-06-11", "25:00", "家屬", "", ""], "來電時間 time received", "時間"),
        (["H-202", "2024-06-11", "10:00", "鄰居", "", ""], "來電者 caller", "鄰居"),
        (["H-203", "2024-06-11", "10:00", "家屬", "心理支持、打麻雀", ""], "服務項目 service items", "打麻雀"),
        (["H-204", "TOMORROW", "10:00", "家屬", "", ""], "來電時間 time received", "今天"),
    ],
    "lectures": [
        (["L-201", "2024-06-13", "", "30", "45", "", ""], "實際出席人數 attended", "多於"),
        (["L-202", "2024-06-13", "", "", "", "p1, p999", ""], "應出席人士編號 people required to attend (ids)",
         "p999"),
        (["L-203", "2024-06-13", "", "", "", "", ""], "應出席人數 required to attend", "必須填寫"),
    ],
    "consultations": [
        (["L-999", "家庭", "1"], "講習編號 lecture id", "L-999"),
        (["L-100", "賭博", "1"], "諮詢類別 category", "賭博"),
    ],
    "pre_release_sessions": [
        (["PR-201", "不存在監獄", "團體輔導", "2024-06-14", "12"], "矯正機關 institution", "不存在監獄"),
        (["PR-202", "喜靈洲戒毒所", "團體輔導", "2024-06-14", "-2"], "參加人次 person-times", "負數"),
    ],
    "questionnaire_answers": [
        (["no-such-form", "p1", "2024-06-15", "前測", "", "", "1", *[""] * 29], "問卷 questionnaire", "no-such-form"),
        (["phq9", "p1", "2024-06-16", "前測", "", "", "7", *[""] * 29], "第1題 item 1", ""),
    ],
}


@pytest.mark.parametrize("kind", list(PREVENTION_MISTAKES))
def test_prevention_sheets_report_each_mistake_by_row_and_column_and_write_nothing(scenario_unit, kind):
    prepare(scenario_unit)
    rows = [[_tomorrow() if v == "TOMORROW" else v for v in r] for r, _c, _w in PREVENTION_MISTAKES[kind]]
    model, _n = COUNTS[kind]
    before, events = model.objects.count(), Event.objects.count()
    with translation.override("zh-hant"):
        outcome = check(scenario_unit, kind, "mistakes.xlsx", filled_template(kind, rows))
    assert outcome.document is None
    found = {(p.row, p.column): p for p in outcome.problems}
    for number, (_row, column, words) in enumerate(PREVENTION_MISTAKES[kind], start=3):
        problem = found.get((number, column))
        assert problem is not None, (kind, number, column, [str(p) for p in outcome.problems])
        assert problem.sheet == kind and words in problem.message, (number, problem.message)
    assert model.objects.count() == before and Event.objects.count() == events


def test_the_prevention_kinds_make_more_than_ten_different_mistakes():
    assert len({words for rows in PREVENTION_MISTAKES.values() for _r, _c, words in rows}) >= 10
