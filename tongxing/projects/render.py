"""A project's final report as xlsx and PDF: the output and outcome tables laid out like the seeds'
"輸出及成效總表" (content, method, result), bilingual, with a pie of improved / no change / worse per outcome.
Sheet and page furniture come from the annual return's renderer (tongxing.reports.render)."""

from __future__ import annotations

from html import escape

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

from tongxing.lib.spreadsheet import workbook_bytes
from tongxing.outcomes.analysis import format_p
from tongxing.reports.render import (
    CONFIDENTIAL,
    PDF_CSS,
    _body_cell,
    _chart_png,
    _finish,
    _header_row,
    _new_figure,
    _section_row,
    day_label,
)

TITLE = "輸出及成效總表 Output and outcome summary"
OUTPUT_COLUMNS = (("編號\nNo.", 8), ("內容\nContent", 60), ("目標\nTarget", 12), ("達致\nAchieved", 14),
                  ("佔目標\n% of target", 12), ("備註\nNotes", 40))
OUTCOME_COLUMNS = (("編號\nNo.", 8), ("內容\nContent", 50), ("檢討方法\nMethod", 30), ("n", 6),
                   ("有改善／同意\nImproved / agree", 14), ("沒有改變\nNo change", 12),
                   ("惡化／不同意\nWorse / disagree", 12),
                   ("t", 9), ("df", 6), ("p", 9), ("達標\nMet", 22))
PIE_COLOURS = ("#2E7D4F", "#9E9E9E", "#C0392B")
MET = {True: "達標 Met", False: "未達標 Not met", None: "未能評估 Not assessed"}
ROUTES = {"percent": "百分比 percentage", "t-test": "配對t檢定 paired t-test"}


def css_string(text: str) -> str:
    """`text` as a CSS string literal (the running page header)."""
    return '"' + "".join(ch if ch.isalnum() or ch in " -_./" else f"\\{ord(ch):x} " for ch in text) + '"'


def number(value, places: int = 2) -> str:
    if value is None:
        return "—"
    text = f"{float(value):,.{places}f}".rstrip("0").rstrip(".")
    return text


def facts(project) -> list[tuple[str, str]]:
    return [("機構 Organisation", project.unit.organisation.name), ("計劃 Project", f"{project.code} {project.title}"),
            ("計劃期 Period", f"{day_label(project.start)} – {day_label(project.end)}"),
            ("製表日期 Generated", day_label(timezone.localdate()))]


def output_row(f) -> list:
    i = f.indicator
    target = f"{number(i.target)}%" if i.target_is_percent else number(i.target)
    achieved = number(f.achieved)
    if f.share is not None:
        achieved += f"（{number(f.share)}%）"
    note = i.evidence if i.kind == "manual" else f"{i.kind_text()} · {i.programme or ''}"
    content = i.description + (f"\n{i.description_en}" if i.description_en else "")
    of_target = "—" if f.percent_of_target is None else f"{number(f.percent_of_target)}%"
    return [i.number, content, target, achieved, of_target, note]


def method(f) -> str:
    kind = "後測調查 post only" if f.post_only else "前測及後測調查 pre and post"
    return f"{f.indicator.instrument.name}（{kind}）"


def verdict(f) -> str:
    text = MET[f.verdict.met]
    if f.verdict.routes:
        text += "：" + "、".join(ROUTES[r] for r in f.verdict.routes)
    return text


def outcome_row(f) -> list:
    i, r = f.indicator, f.result
    content = i.description + (f"\n{i.description_en}" if i.description_en else "")
    if f.post_only:
        disagreeing = f"{100 - r.percent:.1f}% ({r.n - r.agreeing})" if r.n else ""
        return [i.number, content, method(f), r.n, f"{r.percent}% ({r.agreeing})", "", disagreeing, "", "", "",
                verdict(f)]
    t = r.ttest
    cells = [f"{r.percents[k]}% ({r.counts[k]})" for k in ("improved", "same", "worse")]
    return [i.number, content, method(f), r.n, *cells, number(t.t, 3), t.df if t.df is not None else "—",
            format_p(t.p), verdict(f)]


# --- xlsx -------------------------------------------------------------------------------------


def project_xlsx(project, figures) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "總表 Summary"
    sheet.cell(1, 1, TITLE).font = Font(bold=True, size=14, color="1F4E5F")
    row = 1
    for label, value in facts(project):
        row += 1
        sheet.cell(row, 1, f"{label}：{value}")
    row += 2
    _section_row(sheet, row, "輸出指標 Output indicators", len(OUTCOME_COLUMNS))
    header = row + 1
    _header_row(sheet, header, [title for title, _ in OUTPUT_COLUMNS])
    row = header
    for f in figures["outputs"]:
        row += 1
        for column, value in enumerate(output_row(f), start=1):
            _body_cell(sheet, row, column, value)
    row += 2
    _section_row(sheet, row, "成效指標 Outcome indicators", len(OUTCOME_COLUMNS))
    row += 1
    _header_row(sheet, row, [title for title, _ in OUTCOME_COLUMNS])
    for f in figures["outcomes"]:
        row += 1
        for column, value in enumerate(outcome_row(f), start=1):
            _body_cell(sheet, row, column, value)
    # Both tables share the columns: each column as wide as the wider of its two uses.
    widths = [max(width, OUTPUT_COLUMNS[i][1] if i < len(OUTPUT_COLUMNS) else 0)
              for i, (_title, width) in enumerate(OUTCOME_COLUMNS)]
    _finish(sheet, widths, header, header)
    sheet.freeze_panes = None  # two tables on one sheet: no single header row to hold
    return workbook_bytes(book)


# --- PDF --------------------------------------------------------------------------------------


def _table(columns, rows) -> str:
    head = "".join(f"<th>{escape(title)}</th>".replace("\n", "<br>") for title, _ in columns)
    body = "".join("<tr>" + "".join(f"<td>{escape(str(v))}</td>".replace("\n", "<br>") for v in row) + "</tr>"
                   for row in rows)
    return f'<table class="grid"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _pie(f):
    def draw(_source):
        figure = _new_figure(2.6, 2.4)
        axes = figure.axes[0]
        counts = f.pie["counts"]
        shown = [(label, n, colour) for label, n, colour in
                 zip(f.pie["labels"], counts, PIE_COLOURS if len(counts) == 3 else PIE_COLOURS[::2], strict=True) if n]
        axes.pie([n for _, n, _ in shown], labels=[label for label, _, _ in shown],
                 colors=[c for _, _, c in shown], autopct="%1.1f%%", textprops={"fontsize": 6})
        axes.set_title(f"{f.indicator.number}（n = {f.result.n}）", fontsize=8)
        return figure
    return _chart_png(draw, None)


def project_pdf(project, figures) -> bytes:
    from weasyprint import HTML

    facts_html = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in facts(project))
    pies = "".join(f'<figure class="pie"><img src="{_pie(f)}" alt="{escape(f.indicator.number)}"></figure>'
                   for f in figures["outcomes"] if f.result.n)
    html = f"""<!doctype html><html lang="zh-Hant-HK"><head><meta charset="utf-8"><title>{escape(TITLE)}</title>
<style>{PDF_CSS.replace('string(unit) " · " string(fy)', css_string(project.code))}
figure.pie {{ display: inline-block; width: 62mm; margin: 0 2mm 2mm 0; }} figure.pie img {{ width: 100%; }}</style>
</head><body>
<h1>{escape(TITLE)}</h1><table class="facts">{facts_html}</table>
<h2>輸出及成效總表（一）輸出指標 Output indicators</h2>{_table(OUTPUT_COLUMNS, map(output_row, figures["outputs"]))}
<h2>輸出及成效總表（二）成效指標 Outcome indicators</h2>{_table(OUTCOME_COLUMNS, map(outcome_row, figures["outcomes"]))}
<h2>成效分佈 Improved / no change / worse</h2>{pies}
<p class="caption">{escape(CONFIDENTIAL)}</p>
</body></html>"""
    return HTML(string=html).write_pdf()
