"""The annual return (`report fsa`) as the files a funder receives: an xlsx statistical return and a PDF.

Both lay out the `fsa_report` dict (EXCHANGE.md) in the funder's order of standards. Labels are
Traditional Chinese with the English beside them: the centre reads the Chinese, and the return is
also read by funders and auditors who work in English.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
from decimal import Decimal
from functools import cache
from html import escape
from pathlib import Path

import matplotlib
from django.utils import timezone
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter
from openpyxl import Workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from weasyprint import HTML

from tongxing.lib.percentages import format_share
from tongxing.lib.spreadsheet import workbook_bytes
from tongxing.standards.codes import OUTCOME_STANDARDS, OUTPUT_STANDARDS, RATIO_STANDARDS
from tongxing.standards.report import DEDUCTED, quarterly_progress

TITLE = "年度服務統計報表 Annual Statistical Return"
CONFIDENTIAL = "機密 Confidential"
SECTIONS = (("產出標準 Output standards", OUTPUT_STANDARDS), ("成效標準 Outcome standards", OUTCOME_STANDARDS))
STATUS = {True: "達標 Met", False: "未達標 Not met", None: "未能評估 Not assessed"}
# The standards a supervisor follows through the year; the quarterly chart would be unreadable with all 21.
KEY_STANDARDS = ("OS1", "OS2", "OS4", "OS9", "OS10")
FAMILY_CASE_LIMIT = "15%"
RATIO_NOTE = "比率標準以協定比率衡量，不按比例計算 Ratio standards are read against their agreed rate and are not pro-rated"

# Chart fonts, Traditional Chinese glyph forms first; JP/SC faces only if the TC/HK ones are missing.
CJK_FAMILIES = ("Noto Sans CJK TC", "Noto Sans CJK HK", "Noto Sans CJK JP", "Noto Sans CJK SC")


# --- Figures shared by both files -------------------------------------------------------------


def figure_kind(code: str, value, *, fractional: bool = False) -> str:
    """How a figure is shown: "ratio", "decimal" or "count" (`fractional` forces decimals)."""
    if code in RATIO_STANDARDS:
        return "ratio"
    if fractional or (value is not None and not float(value).is_integer()):
        return "decimal"
    return "count"


def achieved_kind(code: str, value) -> str:
    # The conversion deduction leaves fractions of OS4/5/8/9; OS17 is hours to 2 decimals (EXCHANGE.md).
    return figure_kind(code, value, fractional=code in DEDUCTED or code == "OS17")


def agreed_kind(code: str, value) -> str:
    return figure_kind(code, value, fractional=code == "OS17")


def format_figure(kind: str, value) -> str:
    if value is None:
        return "—"
    if kind == "ratio":
        return format_share(Decimal(str(value)) * 100)
    if kind == "decimal":
        return f"{value:,.2f}"
    return f"{int(value):,}"


def attainment(figure: dict) -> float | None:
    """Achieved as a fraction of the agreed level, or None when either is missing."""
    if figure["achieved"] is None or not figure["agreed"]:
        return None
    return figure["achieved"] / figure["agreed"]


def percent_of_agreed(code: str, figure: dict) -> float | None:
    # A ratio standard is assessed by comparing the two rates; "91% of 55%" would only confuse a reader.
    return None if code in RATIO_STANDARDS else attainment(figure)


def notes(code: str, figure: dict) -> str:
    if code == "OS11":
        return (f"基數 base {figure['base']}；服務 served {figure['served']}，轉換 converted {figure['converted']}，"
                f"工作間 workplaces {figure['workplaces']}")
    if "before_conversion" in figure:
        before = figure["before_conversion"]
        return f"轉換前 before conversion: {format_figure(figure_kind(code, before), before)}"
    if "numerator" in figure:
        return f"計算 counted {figure['numerator']} / 基數 base {figure['denominator']}"
    return ""


def is_sub_item(code: str) -> bool:
    """OS1a, OS4b…: the "of which" lines, indented under their parent standard."""
    return code[-1].isalpha()


def financial_year_label(data: dict) -> str:
    start, end = (dt.date.fromisoformat(day) for day in data["period"])
    return f"{data['fy']}-{(data['fy'] + 1) % 100:02d} ({day_label(start)} – {day_label(end)})"


def day_label(day: dt.date) -> str:
    return f"{day.day}/{day.month}/{day.year}"


def title_facts(unit, data: dict) -> list[tuple[str, str, str]]:
    """(key, label, value) for the heading of every sheet and page."""
    return [
        ("organisation", "機構 Organisation", unit.organisation.name),
        ("unit", "單位 Unit", f"{unit.code} {unit.name}"),
        ("fy", "財政年度 Financial year", financial_year_label(data)),
        ("generated", "製表日期 Generated", day_label(timezone.localdate())),
        ("family", "家庭個案佔協定個案量 Family cases / agreed OS4",
         f"{format_figure('ratio', data['family_case_share'])}（上限 limit {FAMILY_CASE_LIMIT}）"),
    ]


def standard_rows(data: dict):
    """(section title, [(code, (Chinese, English), figure), …]) in the funder's order."""
    for title, names in SECTIONS:
        yield title, [(code, name, data["standards"][code]) for code, name in names.items()]


def quarter_label(quarter: dict, index: int) -> str:
    return f"第{index + 1}季 Q{index + 1}（截至 as at {day_label(dt.date.fromisoformat(quarter['end']))}）"


def pro_rata(code: str, figure: dict, share: float) -> float | None:
    if code in RATIO_STANDARDS or figure["agreed"] is None:
        return None
    return round(figure["agreed"] * share, 2)


# --- xlsx -------------------------------------------------------------------------------------

EXCEL_FORMATS = {"ratio": "0.0%", "decimal": "#,##0.00", "count": "#,##0"}
HEADER_FILL = PatternFill("solid", fgColor="1F4E5F")
SECTION_FILL = PatternFill("solid", fgColor="DCE8EC")
MET_FILLS = {True: PatternFill("solid", fgColor="E2F0D9"), False: PatternFill("solid", fgColor="F8D7DA")}
BEHIND_FILL = PatternFill("solid", fgColor="FFF2CC")
THIN = Side(style="thin", color="A6A6A6")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
NAME_COLUMNS = (2, 3)  # the Chinese and English names, on both the return and the quarterly sheet
RETURN_COLUMNS = (  # (header, xlsx width in characters, PDF width in % of the page)
    ("編號\nCode", 8, 5), ("標準（中文）\nStandard (Chinese)", 40, 19), ("標準（英文）\nStandard (English)", 50, 22),
    ("協定水平\nAgreed level", 12, 7), ("實際達到\nAchieved", 12, 7), ("佔協定水平\n% of agreed", 12, 8),
    ("達標\nMet", 16, 11.5), ("備註\nNotes", 46, 20.5),
)
QUARTERLY_SHEET = "季度進度 Quarterly"
WARNINGS_SHEET = "警告 Warnings"


def fsa_xlsx(unit, data: dict) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "年度報表 Annual return"
    _return_sheet(sheet, unit, data)
    _quarterly_sheet(book.create_sheet(QUARTERLY_SHEET), unit, data)
    _warnings_sheet(book.create_sheet(WARNINGS_SHEET), unit, data)
    return workbook_bytes(book)


def _return_sheet(ws: Worksheet, unit, data: dict) -> None:
    header = _title_block(ws, unit, data)
    _header_row(ws, header, [title for title, _width, _pdf_width in RETURN_COLUMNS])
    row = header
    for section, standards in standard_rows(data):
        row += 1
        _section_row(ws, row, section, len(RETURN_COLUMNS))
        for code, (chinese, english), figure in standards:
            row += 1
            _standard_row(ws, row, code, chinese, english, figure)
    _finish(ws, [width for _title, width, _pdf_width in RETURN_COLUMNS], header, header)


def _standard_row(ws: Worksheet, row: int, code: str, chinese: str, english: str, figure: dict) -> None:
    achieved, agreed = figure["achieved"], figure["agreed"]
    values = [code, chinese, english, agreed, achieved, percent_of_agreed(code, figure),
              STATUS[figure["met"]], notes(code, figure)]
    formats = [None, None, None, EXCEL_FORMATS[agreed_kind(code, agreed)],
               EXCEL_FORMATS[achieved_kind(code, achieved)], EXCEL_FORMATS["ratio"], None, None]
    for column, (value, number_format) in enumerate(zip(values, formats, strict=True), start=1):
        _body_cell(ws, row, column, value, number_format, code)
    status = ws.cell(row, 7)
    if figure["met"] is not None:
        status.fill = MET_FILLS[figure["met"]]
    status.font = Font(bold=True)


def _quarterly_sheet(ws: Worksheet, unit, data: dict) -> None:
    quarters = quarterly_progress(unit, data["fy"], data["standards"])
    fixed = [title for title, _width, _pdf_width in RETURN_COLUMNS[:4]]
    width = len(fixed) + 2 * len(quarters)
    # Two header rows: each quarter's label spans its cumulative figure and its pro-rata expectation.
    top = _title_block(ws, unit, data)
    _header_row(ws, top, fixed + [label for index, quarter in enumerate(quarters)
                                  for label in (quarter_label(quarter, index), "")])
    _header_row(ws, top + 1, [""] * len(fixed) + [label for quarter in quarters for label in
                                                  ("累計 Cumulative", f"按比例預期 Pro-rata {quarter['share']:.0%}")])
    for column in range(1, len(fixed) + 1):
        ws.merge_cells(start_row=top, start_column=column, end_row=top + 1, end_column=column)
    for column in range(len(fixed) + 1, width + 1, 2):
        ws.merge_cells(start_row=top, start_column=column, end_row=top, end_column=column + 1)
    row = top + 1
    for section, standards in standard_rows(data):
        row += 1
        _section_row(ws, row, section, width)
        for code, (chinese, english), figure in standards:
            row += 1
            _quarterly_row(ws, row, code, chinese, english, figure["agreed"], quarters)
    ws.cell(row + 2, 1, RATIO_NOTE).font = Font(italic=True, color="595959")
    _finish(ws, [8, 34, 40, 12] + [14] * (2 * len(quarters)), top, top + 1, freeze_column=len(fixed) + 1)


def _quarterly_row(ws: Worksheet, row: int, code: str, chinese: str, english: str, agreed, quarters) -> None:
    for column, value in enumerate([code, chinese, english], start=1):
        _body_cell(ws, row, column, value, None, code)
    _body_cell(ws, row, 4, agreed, EXCEL_FORMATS[agreed_kind(code, agreed)], code)
    for index, quarter in enumerate(quarters):
        figure = quarter["standards"][code]
        expected = pro_rata(code, figure, quarter["share"])
        achieved = _body_cell(ws, row, 5 + 2 * index, figure["achieved"],
                              EXCEL_FORMATS[achieved_kind(code, figure["achieved"])], code)
        _body_cell(ws, row, 6 + 2 * index, expected, EXCEL_FORMATS[figure_kind(code, expected, fractional=True)], code)
        if expected is not None and figure["achieved"] is not None and figure["achieved"] < expected:
            achieved.fill = BEHIND_FILL


def _warnings_sheet(ws: Worksheet, unit, data: dict) -> None:
    header = _title_block(ws, unit, data)
    _header_row(ws, header, ["#", "警告 Warning"])
    rows = list(enumerate(data["warnings"], start=1)) or [(None, "沒有警告 No warnings")]
    for row, values in enumerate(rows, start=header + 1):
        for column, value in enumerate(values, start=1):
            _body_cell(ws, row, column, value)
    _finish(ws, [6, 110], header, header)


def _title_block(ws: Worksheet, unit, data: dict) -> int:
    """The heading every sheet carries, so a printed page names its centre and year; returns the header row.

    Each fact is one rich-text cell ("label：value") that overflows to the right, so the block fits sheets
    whose first column is narrow.
    """
    ws.cell(1, 1, TITLE).font = Font(bold=True, size=14, color="1F4E5F")
    for row, (_key, label, value) in enumerate(title_facts(unit, data), start=2):
        ws.cell(row, 1, CellRichText(TextBlock(InlineFont(b=True), f"{label}："), value))
    return row + 2


def _body_cell(ws: Worksheet, row: int, column: int, value, number_format: str | None = None,
               code: str = ""):
    """A bordered, wrapping table cell; the names of "of which" lines (OS1a…) are indented under their parent."""
    cell = ws.cell(row, column, value)
    cell.border = BORDER
    indent = 2 if column in NAME_COLUMNS and code and is_sub_item(code) else 0
    cell.alignment = Alignment(wrap_text=True, vertical="top", indent=indent)
    if number_format:
        cell.number_format = number_format
    return cell


def _header_row(ws: Worksheet, row: int, titles: list[str]) -> None:
    for column, title in enumerate(titles, start=1):
        cell = ws.cell(row, column, title)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = HEADER_FILL
        cell.border = BORDER
        cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
    ws.row_dimensions[row].height = 32


def _section_row(ws: Worksheet, row: int, title: str, width: int) -> None:
    cell = ws.cell(row, 1, title)
    cell.font = Font(bold=True, size=12)
    for column in range(1, width + 1):
        ws.cell(row, column).fill = SECTION_FILL
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)


def _finish(ws: Worksheet, widths: list[int], header_top: int, header_bottom: int, freeze_column: int = 1) -> None:
    """Column widths, frozen header, and print setup: A4 landscape, one page wide, header repeated."""
    for column, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(column)].width = width
    ws.freeze_panes = f"{get_column_letter(freeze_column)}{header_bottom + 1}"
    ws.print_title_rows = f"{header_top}:{header_bottom}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages long as needed
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.oddFooter.left.text = CONFIDENTIAL
    ws.oddFooter.right.text = "第 &P / &N 頁 Page &P of &N"


# --- PDF --------------------------------------------------------------------------------------

CHART_COLOURS = {True: "#2E7D4F", False: "#C0392B", None: "#9E9E9E"}
STATUS_CLASS = {True: "met", False: "not-met", None: "na"}

PDF_CSS = """
@page {
  size: A4 landscape; margin: 14mm 12mm 16mm 12mm;
  @top-right { content: string(unit) " · " string(fy); font-size: 7.5pt; color: #666; }
  @bottom-left { content: "機密 Confidential"; font-size: 7.5pt; color: #A12A2A; font-weight: bold; }
  @bottom-right { content: "第 " counter(page) " / " counter(pages) " 頁 Page " counter(page) " of " counter(pages);
                  font-size: 7.5pt; color: #666; }
}
/* On html, not body: the page's margin boxes (footer, page numbers) inherit from the root element. */
html { font-family: "Noto Sans CJK TC", "Noto Sans CJK HK", sans-serif; font-size: 8pt; color: #222; }
h1 { font-size: 16pt; margin: 0 0 2mm; color: #1F4E5F; }
h2 { font-size: 11.5pt; margin: 6mm 0 2mm; color: #1F4E5F; border-bottom: 1.5px solid #1F4E5F; padding-bottom: 1mm; }
.facts td.unit { string-set: unit content(); }
.facts td.fy { string-set: fy content(); }
.facts { border-collapse: collapse; margin-bottom: 2mm; }
.facts th { text-align: left; font-weight: bold; padding: 0.3mm 6mm 0.3mm 0; color: #444; }
.facts td { padding: 0.3mm 0; }
.summary { margin: 2mm 0 3mm; }
.summary span { display: inline-block; padding: 0.6mm 2.5mm; margin-right: 2mm; border-radius: 2mm; }
table.grid { width: 100%; border-collapse: collapse; }
table.return { table-layout: fixed; }
.grid th { background: #1F4E5F; color: #fff; font-weight: bold; padding: 1mm 1.2mm; text-align: center;
           border: 0.5px solid #1F4E5F; }
.grid td { padding: 0.7mm 1.2mm; border: 0.5px solid #BFBFBF; vertical-align: top; }
.grid tr { break-inside: avoid; }
.grid tr.section td { background: #DCE8EC; font-weight: bold; font-size: 9.5pt; }
.grid td.num { text-align: right; white-space: nowrap; }
.grid td.code { font-weight: bold; white-space: nowrap; }
.grid tr.sub td.name { padding-left: 5mm; color: #444; }
.grid td.en { color: #555; }
.grid td.notes { color: #444; font-size: 7.5pt; }
.met { background: #E2F0D9; color: #1B6E36; font-weight: bold; }
.not-met { background: #F8D7DA; color: #A12A2A; font-weight: bold; }
.na { color: #777; }
td.met, td.not-met, td.na { text-align: center; }
td.behind { background: #FFF2CC; }
ol.warnings li { margin-bottom: 1mm; }
.charts { break-before: page; }
.chart { width: 100%; margin: 1mm 0 3mm; }
.caption { color: #555; font-size: 7.5pt; margin: 0 0 2mm; }
"""


def fsa_pdf(unit, data: dict) -> bytes:
    quarters = quarterly_progress(unit, data["fy"], data["standards"])
    html = f"""<!doctype html>
<html lang="zh-Hant-HK"><head><meta charset="utf-8"><title>{escape(TITLE)}</title>
<style>{PDF_CSS}</style></head><body>
{_pdf_heading(unit, data)}
{_pdf_return_table(data)}
{_pdf_warnings(data["warnings"])}
{_pdf_charts(data, quarters)}
</body></html>"""
    return HTML(string=html).write_pdf()


def _pdf_heading(unit, data: dict) -> str:
    # The unit and year cells also feed the running page header (CSS string-set).
    facts = "".join(f'<tr><th>{escape(label)}</th><td class="{key}">{escape(value)}</td></tr>'
                    for key, label, value in title_facts(unit, data))
    counts = [sum(1 for figure in data["standards"].values() if figure["met"] is met) for met in STATUS]
    summary = "".join(f'<span class="{STATUS_CLASS[met]}">{escape(STATUS[met])}: {count}</span>'
                      for met, count in zip(STATUS, counts, strict=True))
    return f"""<h1>{escape(TITLE)}</h1>
<table class="facts">{facts}</table>
<p class="summary">{summary}</p>"""


def _pdf_return_table(data: dict) -> str:
    columns = "".join(f'<col style="width: {pdf_width}%">' for _title, _width, pdf_width in RETURN_COLUMNS)
    header = "".join(f"<th>{escape(title)}</th>".replace("\n", "<br>") for title, _width, _pdf in RETURN_COLUMNS)
    body = []
    for section, standards in standard_rows(data):
        body.append(f'<tr class="section"><td colspan="{len(RETURN_COLUMNS)}">{escape(section)}</td></tr>')
        body.extend(_pdf_standard_row(code, chinese, english, figure) for code, (chinese, english), figure in standards)
    return (f'<table class="grid return"><colgroup>{columns}</colgroup><thead><tr>{header}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table>')


def _pdf_standard_row(code: str, chinese: str, english: str, figure: dict) -> str:
    achieved, agreed = figure["achieved"], figure["agreed"]
    share = percent_of_agreed(code, figure)
    cells = [
        f'<td class="code">{escape(code)}</td>',
        f'<td class="name">{escape(chinese)}</td>',
        f'<td class="name en">{escape(english)}</td>',
        f'<td class="num">{format_figure(agreed_kind(code, agreed), agreed)}</td>',
        f'<td class="num">{format_figure(achieved_kind(code, achieved), achieved)}</td>',
        f'<td class="num">{format_figure("ratio", share)}</td>',
        f'<td class="{STATUS_CLASS[figure["met"]]}">{escape(STATUS[figure["met"]])}</td>',
        f'<td class="notes">{escape(notes(code, figure))}</td>',
    ]
    row_class = ' class="sub"' if is_sub_item(code) else ""
    return f"<tr{row_class}>{''.join(cells)}</tr>"


def _pdf_warnings(warnings: list[str]) -> str:
    if not warnings:
        return "<h2>警告 Warnings</h2><p>沒有警告 No warnings</p>"
    items = "".join(f"<li>{escape(warning)}</li>" for warning in warnings)
    return f'<h2>警告 Warnings</h2><ol class="warnings">{items}</ol>'


def _pdf_charts(data: dict, quarters: list[dict]) -> str:
    return f"""<section class="charts">
<h2>達成協定水平進度 Progress to agreed levels</h2>
<p class="caption">實際達到佔協定水平百分比（產出標準）Achieved as % of the agreed level, output standards.
綠色 green = 達標 met；紅色 red = 未達標 not met.</p>
<img class="chart" src="{_chart_png(_progress_chart, data['standards'])}" alt="Progress to agreed levels">
<h2 style="break-before: page">季度累計進度 Quarterly cumulative progress</h2>
<p class="caption">主要產出標準的累計數字佔協定水平百分比，虛線為按比例預期
Cumulative figures of key output standards as % of the agreed level; the dashed line is the pro-rata expectation.</p>
<img class="chart" src="{_chart_png(_quarterly_chart, quarters)}" alt="Quarterly cumulative progress">
{_pdf_quarterly_table(quarters)}
</section>"""


def _pdf_quarterly_table(quarters: list[dict]) -> str:
    """The figures behind the quarterly chart, so a reader need not estimate them from the lines."""
    header = "".join(f"<th>{escape(quarter_label(quarter, index))}</th>" for index, quarter in enumerate(quarters))
    rows = []
    for code in KEY_STANDARDS:
        cells = []
        for quarter in quarters:
            figure = quarter["standards"][code]
            expected = pro_rata(code, figure, quarter["share"])
            behind = expected is not None and figure["achieved"] < expected
            cells.append(f'<td class="num{" behind" if behind else ""}">'
                         f'{format_figure(achieved_kind(code, figure["achieved"]), figure["achieved"])} / '
                         f'{format_figure(figure_kind(code, expected), expected)}</td>')
        rows.append(f'<tr><td class="code">{code}</td><td class="name">{escape(OUTPUT_STANDARDS[code][0])}</td>'
                    f'{"".join(cells)}</tr>')
    return (f'<table class="grid"><thead><tr><th>編號<br>Code</th><th>標準<br>Standard</th>{header}</tr>'
            f'<tr><th colspan="2"></th><th colspan="{len(quarters)}">累計 / 按比例預期 Cumulative / pro-rata '
            f'（黃色 yellow = 落後 behind）</th></tr></thead><tbody>{"".join(rows)}</tbody></table>')


# --- Charts -----------------------------------------------------------------------------------


@cache
def chart_font_family() -> str:
    """The CJK family matplotlib should use, so Chinese labels are not drawn as empty boxes."""
    family = _installed_cjk_family()
    if family is None:
        # matplotlib's font cache may have been built before fonts-noto-cjk was installed.
        for path in font_manager.findSystemFonts():
            if Path(path).name.startswith("NotoSansCJK"):
                font_manager.fontManager.addfont(path)
        family = _installed_cjk_family()
    if family is None:
        raise RuntimeError("找不到中文字型 No CJK font found: install the Debian package fonts-noto-cjk")
    return family


def _installed_cjk_family() -> str | None:
    installed = {font.name for font in font_manager.fontManager.ttflist}
    return next((family for family in CJK_FAMILIES if family in installed), None)


def _chart_png(draw, source) -> str:
    """`draw(source)` as a PNG data URI, drawn with Agg (no display on a report host) at print resolution."""
    out = io.BytesIO()
    # Text properties are read both when artists are made and when drawn: keep the CJK font for both.
    with matplotlib.rc_context({"font.family": chart_font_family(), "font.size": 8}):
        figure = draw(source)
        FigureCanvasAgg(figure)
        figure.savefig(out, format="png", dpi=200)
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode("ascii")


def _new_figure(width: float, height: float) -> Figure:
    figure = Figure(figsize=(width, height), layout="constrained")
    figure.add_subplot()
    return figure


def _progress_chart(standards: dict) -> Figure:
    rows = [(code, chinese, attainment(standards[code]), standards[code]["met"])
            for code, (chinese, _english) in OUTPUT_STANDARDS.items() if attainment(standards[code]) is not None]
    figure = _new_figure(10.5, 0.21 * len(rows) + 0.7)
    axes = figure.axes[0]
    labels = [f"{code}  {chinese}" for code, chinese, _share, _met in rows]
    percents = [share * 100 for _code, _chinese, share, _met in rows]
    bars = axes.barh(labels, percents, color=[CHART_COLOURS[met] for *_rest, met in rows], height=0.62)
    axes.bar_label(bars, labels=[f"{percent:.0f}%" for percent in percents], padding=3, fontsize=7)
    axes.axvline(100, color="#1F4E5F", linestyle="--", linewidth=1.2, label="協定水平 Agreed level (100%)")
    axes.set_xlim(0, max(115, max(percents, default=0) * 1.12))
    axes.invert_yaxis()  # the funder's order, top to bottom
    _style_axes(axes)
    axes.legend(loc="lower right", frameon=False)
    return figure


def _quarterly_chart(quarters: list[dict]) -> Figure:
    figure = _new_figure(10.5, 3.4)
    axes = figure.axes[0]
    positions = range(len(quarters))
    axes.plot(positions, [quarter["share"] * 100 for quarter in quarters], color="#333", linestyle="--",
              linewidth=1.4, label="按比例預期 Pro-rata expectation")
    for code in KEY_STANDARDS:
        progress = [attainment(quarter["standards"][code]) for quarter in quarters]
        if None in progress:  # no agreed level for this standard: nothing to measure against
            continue
        axes.plot(positions, [share * 100 for share in progress], marker="o", linewidth=1.8,
                  label=f"{code} {OUTPUT_STANDARDS[code][0]}")
    axes.set_xticks(list(positions), [quarter_label(quarter, index).replace("（", "\n（")
                                      for index, quarter in enumerate(quarters)])
    values = [value for line in axes.get_lines() for value in line.get_ydata()]
    # Below zero only when a conversion deduction exceeds an early quarter's count.
    axes.set_ylim(min([0, *values]) * 1.1, max([100, *values]) * 1.1)
    _style_axes(axes, value_axis="y")
    axes.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False)
    return figure


def _style_axes(axes, value_axis: str = "x") -> None:
    formatter_axis = axes.xaxis if value_axis == "x" else axes.yaxis
    formatter_axis.set_major_formatter(PercentFormatter())
    axes.grid(axis=value_axis, color="#DDDDDD", linewidth=0.6)
    axes.set_axisbelow(True)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
