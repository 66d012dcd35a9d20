"""The statistics page as files: an xlsx workbook and a PDF with the same tables, bilingual headers.

Layout helpers, the PDF stylesheet and the CJK chart font come from the annual return's renderer
(`tongxing.reports.render`), so both reports print alike. Labels are rendered bilingual, the Chinese and
then the English ("電訪 phone visit": `tongxing.lib.bilingual`).
"""

from __future__ import annotations

from html import escape

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font
from weasyprint import HTML

from tongxing.lib.bilingual import bilingual
from tongxing.lib.percentages import LARGEST_REMAINDER, LAST_ABSORBS
from tongxing.lib.roc import format_date, format_span
from tongxing.lib.spreadsheet import workbook_bytes
from tongxing.reports.render import (
    PDF_CSS,
    _body_cell,
    _chart_png,
    _finish,
    _header_row,
    _new_figure,
    _section_row,
)

TITLE = "藥癮防治服務統計 Drug-abuse prevention statistics"
ROUNDING = {LAST_ABSORBS: "末項補足至 100.0% last category makes the column 100.0%", "plain": "四捨五入 plain rounding",
            LARGEST_REMAINDER: "最大餘數法 largest remainder"}
STATUS = {True: "達標 Met", False: "未達標 Not met", None: "未能評估 Not assessable"}
STATUS_CLASS = {True: "met", False: "not-met", None: "na"}
SHARE_TABLES = ("sex", "age", "contacts", "referrals", "referral_status", "consultations", "hotline_callers",
                "hotline_items")
CATEGORY = "類別 Category"
SHARE = "百分比 %"
TOTAL = "總計 Total"


def xlsx_share(decimals: int) -> str:
    """The Excel number format showing a share to its table's decimals."""
    return f'0{"." + "0" * decimals if decimals else ""}"%"'


def facts(unit, data: dict, calendar: str) -> list[tuple[str, str, str]]:
    span = data["span"]
    return [
        ("organisation", "機構 Organisation", unit.organisation.name),
        ("unit", "單位 Unit", f"{unit.code} {unit.name}"),
        ("fy", "期間 Period", f"{format_span(span.start, span.end, calendar)}（{format_date(span.start, calendar)} – "
                              f"{format_date(span.end, calendar)}）"),
        ("generated", "製表日期 Generated", format_date(timezone.localdate(), calendar)),
        ("rounding", "百分比進位 Rounding", ROUNDING[data["method"]]),
    ]


def prerelease_header(data: dict) -> list[str]:
    return ["矯正機關 Institution"] + [f"{label} {part}" for _key, label in data["prerelease"]["kinds"]
                                       for part in ("場次 sessions", "人次 person-times")]


def prerelease_rows(data: dict) -> list[list]:
    rows = [[row["institution"]] + [n for cell in row["cells"] for n in (cell["sessions"], cell["person_times"])]
            for row in data["prerelease"]["rows"]]
    total = [TOTAL] + [n for cell in data["prerelease"]["total_cells"] for n in (cell["sessions"], cell["person_times"])]
    return [*rows, total]


def summary_rows(data: dict) -> list[tuple[str, object]]:
    """The figures the seed gives in its text rather than in a table."""
    figures, lecture = data["figures"], data["lecture"]

    def percent(value):
        return "—" if value is None else f"{value}%"

    return [
        ("毒品危害講習場次 Lectures", figures["lectures"]),
        ("應出席人數 Required to attend", figures["lecture_required"]),
        ("實際出席人數 Attended", figures["lecture_attended"]),
        ("出席率 Attendance rate", percent(lecture["rate"])),
        ("心靈諮詢場次 Counselling-station sessions", figures["consultation_sessions"]),
        ("心靈諮詢人次 Consultations", figures["consultations"]),
        ("諮詢佔出席 Consultations per attendee", percent(lecture["consultation_rate"])),
        ("專線來電 Hotline calls", figures["hotline_calls"]),
        ("個案及家屬來電 Calls from clients and families", figures["hotline_calls_client_family"]),
        ("個案及家屬來電佔比 Share from clients and families", percent(data["hotline"]["client_family_share"])),
        ("專線服務項次 Hotline items of service", figures["hotline_items"]),
        ("社區支持團體場次 Support-group sessions", figures["support_group_sessions"]),
        ("社區支持團體人次 Support-group person-times", figures["support_group_person_times"]),
    ]


def kpi_rows(data: dict, calendar: str) -> list[list]:
    return [[r.kpi.name, r.formula_text, f"{format_date(r.kpi.starts, calendar)} – {format_date(r.kpi.ends, calendar)}",
             f"{'≤' if r.kpi.comparison == 'at_most' else '≥'} {r.target_text}", r.achieved_text, STATUS[r.met]]
            for r in data["kpis"]]


KPI_HEADER = ["指標 KPI", "公式 Formula", "適用期間 Applies", "目標 Target", "達成 Achieved", "結果 Result"]
SUMMARY_HEADER = ["項目 Figure", "數字 Value"]
SUMMARY_TITLE = "講習、專線及支持團體 Lectures, hotline and support groups"
PRERELEASE_TITLE = "出監前銜接輔導 Pre-release transition counselling"
KPI_TITLE = "績效指標 KPIs"


# --- xlsx ------------------------------------------------------------------------------------------


def statistics_xlsx(unit, data: dict, calendar: str) -> bytes:
    with bilingual():
        book = Workbook()
        ws = book.active
        ws.title = "統計 Statistics"
        ws.cell(1, 1, TITLE).font = Font(bold=True, size=14, color="1F4E5F")
        row = 1
        for _key, label, value in facts(unit, data, calendar):
            row += 1
            ws.cell(row, 1, f"{label}：{value}")
        width = 7
        for key in SHARE_TABLES:
            table = data["tables"][key]
            row += 2
            _section_row(ws, row, f"{format_span(data['span'].start, data['span'].end, calendar)} {table.title}", width)
            row += 1
            _header_row(ws, row, [CATEGORY, str(table.measure), SHARE])
            for item in table.rows:
                row += 1
                _body_cell(ws, row, 1, str(item.label))
                _body_cell(ws, row, 2, item.count, "#,##0")
                _body_cell(ws, row, 3, item.share, xlsx_share(table.decimals))
            row += 1
            for column, value, number_format in ((1, TOTAL, None), (2, table.total, "#,##0"),
                                                 (3, table.total_share, xlsx_share(table.decimals))):
                _body_cell(ws, row, column, value, number_format).font = Font(bold=True)
        row = _xlsx_block(ws, row + 2, PRERELEASE_TITLE, prerelease_header(data), prerelease_rows(data), width)
        row = _xlsx_block(ws, row + 2, SUMMARY_TITLE, SUMMARY_HEADER, [list(r) for r in summary_rows(data)], width)
        _xlsx_block(ws, row + 2, KPI_TITLE, KPI_HEADER, kpi_rows(data, calendar), width)
        _finish(ws, [44, 18, 18, 18, 18, 18, 18], 1, 1)
        return workbook_bytes(book)


def _xlsx_block(ws, row: int, title: str, header: list[str], rows: list[list], width: int) -> int:
    _section_row(ws, row, title, width)
    _header_row(ws, row + 1, header)
    row += 1
    for values in rows:
        row += 1
        for column, value in enumerate(values, start=1):
            _body_cell(ws, row, column, value, "#,##0" if isinstance(value, int) else None)
    return row


# --- PDF -------------------------------------------------------------------------------------------

EXTRA_CSS = """
.grid.shares { width: 60%; }
.charts { break-before: auto; }  /* the annual return starts its charts on a new page; here they lead */
.charts img { width: 48%; }
h2 { break-after: avoid; }
"""


def statistics_pdf(unit, data: dict, calendar: str) -> bytes:
    with bilingual():
        period = format_span(data["span"].start, data["span"].end, calendar)
        heading = "".join(f'<tr><th>{escape(label)}</th><td class="{key}">{escape(value)}</td></tr>'
                          for key, label, value in facts(unit, data, calendar))
        parts = [f"<h1>{escape(TITLE)}</h1><table class='facts'>{heading}</table>", _pdf_charts(data)]
        for key in SHARE_TABLES:
            parts.append(_pdf_share_table(period, data["tables"][key]))
        parts.append(_pdf_table(PRERELEASE_TITLE, prerelease_header(data), prerelease_rows(data)))
        parts.append(_pdf_table(SUMMARY_TITLE, SUMMARY_HEADER, summary_rows(data)))
        parts.append(_pdf_table(KPI_TITLE, KPI_HEADER, kpi_rows(data, calendar), status_column=5))
        html = (f'<!doctype html><html lang="zh-Hant-TW"><head><meta charset="utf-8"><title>{escape(TITLE)}</title>'
                f"<style>{PDF_CSS}{EXTRA_CSS}</style></head><body>{''.join(parts)}</body></html>")
        return HTML(string=html).write_pdf()


def _pdf_share_table(period: str, table) -> str:
    body = "".join(f'<tr><td>{escape(str(row.label))}</td><td class="num">{row.count:,}</td>'
                   f'<td class="num">{row.share_text}</td></tr>' for row in table.rows)
    total = (f'<tr class="section"><td>{TOTAL}</td><td class="num">{table.total:,}</td>'
             f'<td class="num">{table.total_share_text}</td></tr>')
    return (f"<h2>{escape(period)} {escape(str(table.title))}</h2><table class='grid shares'><thead><tr>"
            f"<th>{CATEGORY}</th><th>{escape(str(table.measure))}</th><th>{SHARE}</th></tr></thead>"
            f"<tbody>{body}{total}</tbody></table>")


def _pdf_table(title: str, header: list[str], rows, status_column: int | None = None) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = []
    for values in rows:
        cells = []
        for column, value in enumerate(values):
            css = "num" if isinstance(value, int) else ""
            if column == status_column:
                css = STATUS_CLASS[next(met for met, text in STATUS.items() if text == value)]
            shown = f"{value:,}" if isinstance(value, int) else escape(str(value))
            cells.append(f'<td class="{css}">{shown}</td>')
        body.append(f"<tr>{''.join(cells)}</tr>")
    if not body:
        body.append(f'<tr><td colspan="{len(header)}">沒有紀錄 No records</td></tr>')
    return f"<h2>{escape(title)}</h2><table class='grid'><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _pdf_charts(data: dict) -> str:
    if not data["tables"]["sex"].total:
        return ""
    return (f'<div class="charts"><img src="{_chart_png(_sex_pie, data["tables"]["sex"])}" alt="sex">'
            f'<img src="{_chart_png(_age_bars, data["tables"]["age"])}" alt="age"></div>')


def _sex_pie(table):
    figure = _new_figure(4.2, 3)
    figure.axes[0].pie([row.count for row in table.rows], labels=[f"{row.label} {row.share_text}" for row in table.rows],
                       colors=["#1F4E5F", "#C0392B", "#9E9E9E"][: len(table.rows)], startangle=90)
    figure.axes[0].set_title(str(table.title))
    return figure


def _age_bars(table):
    figure = _new_figure(4.2, 3)
    axes = figure.axes[0]
    bars = axes.bar([str(row.label).split(" ")[0] for row in table.rows], [row.count for row in table.rows],
                    color="#2E7D4F")
    axes.bar_label(bars, labels=[f"{row.count:,}" for row in table.rows], fontsize=6)
    axes.set_title(str(table.title))
    axes.tick_params(axis="x", labelsize=6)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    return figure
