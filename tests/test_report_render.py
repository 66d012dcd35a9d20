"""The human annual return: the xlsx and PDF files written by `report fsa --format xlsx|pdf`."""

import io
import shutil
import subprocess

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from tongxing.reports.render import QUARTERLY_SHEET, WARNINGS_SHEET, fsa_pdf, fsa_xlsx
from tongxing.standards.codes import OUTCOME_STANDARDS, OUTPUT_STANDARDS, STANDARD_CODES
from tongxing.standards.report import fsa_report

NAMES = {**OUTPUT_STANDARDS, **OUTCOME_STANDARDS}
needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                   reason="poppler-utils not installed (scripts/setup.sh installs it)")


@pytest.fixture
def report(scenario_unit):
    return scenario_unit, fsa_report(scenario_unit, 2024)


def standard_rows(sheet):
    """Rows whose first cell is a standard code, in sheet order."""
    return [row for row in sheet.iter_rows(values_only=True) if row[0] in STANDARD_CODES]


def pdf_text(content: bytes) -> str:
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=content, capture_output=True,
                          check=True).stdout.decode("utf-8")


def test_xlsx_has_one_row_per_standard_with_achieved_values_and_names(report):
    unit, data = report
    book = load_workbook(io.BytesIO(fsa_xlsx(unit, data)))
    sheet = book.worksheets[0]
    rows = standard_rows(sheet)
    assert [row[0] for row in rows] == STANDARD_CODES
    for code, chinese, english, agreed, achieved, _share, status, _notes in rows:
        figure = data["standards"][code]
        assert (chinese, english) == NAMES[code]
        assert achieved == pytest.approx(figure["achieved"]), code
        assert agreed == pytest.approx(figure["agreed"]), code
        assert status == {True: "達標 Met", False: "未達標 Not met", None: "未能評估 Not assessed"}[figure["met"]]
    heading = " ".join(str(sheet.cell(row, 1).value) for row in range(1, 7))
    assert unit.organisation.name in heading and "2024-25 (1/4/2024 – 31/3/2025)" in heading


def test_xlsx_number_formats_notes_and_print_setup(report):
    unit, data = report
    sheet = load_workbook(io.BytesIO(fsa_xlsx(unit, data))).worksheets[0]
    cells = {row[0].value: row for row in sheet.iter_rows() if row[0].value in STANDARD_CODES}
    assert cells["OS4"][4].number_format == "#,##0.00"  # after the conversion deduction
    assert cells["OS17"][4].number_format == "#,##0.00"  # hours
    assert cells["OC1"][4].number_format == "0.0%"
    assert cells["OS1"][5].value == pytest.approx(data["standards"]["OS1"]["achieved"] / data["standards"]["OS1"]["agreed"])
    assert cells["OC1"][5].value is None  # a ratio is read against its agreed rate, not as "% of agreed"
    assert str(data["standards"]["OS4"]["before_conversion"]) in cells["OS4"][7].value
    assert f"基數 base {data['standards']['OS11']['base']}" in cells["OS11"][7].value
    assert sheet.freeze_panes is not None
    assert sheet.page_setup.orientation == "landscape" and str(sheet.page_setup.paperSize) == sheet.PAPERSIZE_A4
    assert sheet.sheet_properties.pageSetUpPr.fitToPage


def test_xlsx_quarterly_sheet_ends_at_the_annual_figures_and_warnings_sheet_lists_them(report):
    unit, data = report
    book = load_workbook(io.BytesIO(fsa_xlsx(unit, data)))
    quarterly = standard_rows(book[QUARTERLY_SHEET])
    assert [row[0] for row in quarterly] == STANDARD_CODES
    for row in quarterly:
        code, q4_cumulative, q4_pro_rata = row[0], row[-2], row[-1]
        assert q4_cumulative == pytest.approx(data["standards"][code]["achieved"]), code
        if code == "OS1":
            assert q4_pro_rata == data["standards"][code]["agreed"]
            assert row[5] == pytest.approx(data["standards"][code]["agreed"] / 4)  # Q1 pro-rata
    warnings = [row[1] for row in book[WARNINGS_SHEET].iter_rows(values_only=True) if isinstance(row[0], int)]
    assert data["warnings"] and warnings == data["warnings"]


def test_pdf_is_a_pdf(report):
    unit, data = report
    assert fsa_pdf(unit, data).startswith(b"%PDF")


@needs_poppler
def test_pdf_embeds_cjk_fonts_and_shows_the_return(report):
    unit, data = report
    content = fsa_pdf(unit, data)
    text = pdf_text(content)
    # Chinese comes back out of the text layer only if CJK glyphs (with their Unicode map) are embedded.
    assert "外展" in text and OUTPUT_STANDARDS["OS4"][0] in text
    assert "機密 Confidential" in text and "Page 1 of" in text
    assert "2024-25 (1/4/2024 – 31/3/2025)" in text
    assert "未達標 Not met" in text
    assert data["warnings"][0] in text
    fonts = subprocess.run(["pdffonts", "-"], input=content, capture_output=True, check=True).stdout.decode()
    assert "Noto-Sans-CJK" in fonts


@pytest.mark.parametrize("fmt", ["xlsx", "pdf"])
def test_cli_writes_the_file(scenario_unit, tmp_path, fmt):
    path = tmp_path / f"fsa-U1-2024.{fmt}"
    out = io.StringIO()
    call_command("report", "fsa", "--unit", "U1", "--fy", "2024", "--format", fmt, "--output", str(path), stdout=out)
    assert out.getvalue().strip() == f"wrote {path}"
    content = path.read_bytes()
    if fmt == "pdf":
        assert content.startswith(b"%PDF")
    else:
        assert [row[0] for row in standard_rows(load_workbook(path).worksheets[0])] == STANDARD_CODES
