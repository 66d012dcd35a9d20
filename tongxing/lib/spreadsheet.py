"""Every spreadsheet the product writes goes through `workbook_bytes`: text that a spreadsheet program
would run as a formula (a person named `=HYPERLINK(...)`, a note starting with `+`, `-`, `@`, a tab or a
carriage return) is written as text, with a leading apostrophe as OWASP advises for CSV and Excel files."""

from __future__ import annotations

import io
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # openpyxl loads where a workbook is made, not with every page
    from openpyxl import Workbook

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")
# A plain number as text ("-3", "+1.5%", "-1,200") cannot run: left as it is.
NUMBER = re.compile(r"[+-]?\d[\d,]*(\.\d+)?%?")


def as_text(value):
    """The value, made inert if a spreadsheet program could read it as a formula."""
    if not isinstance(value, str):
        return value
    stripped = value.lstrip(" ")
    if stripped.startswith(FORMULA_TRIGGERS) and not NUMBER.fullmatch(stripped):
        return "'" + value
    return value


def neutralise(book: Workbook) -> Workbook:
    """Every cell of every sheet through `as_text`: nothing the product writes is meant to be a formula."""
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    safe = as_text(cell.value)
                    if safe is not cell.value or cell.data_type == "f":
                        cell.value = safe
                        cell.data_type = "s"
    return book


def workbook_bytes(book: Workbook) -> bytes:
    """The .xlsx file of `book`, formulas neutralised: the one way the product saves a workbook."""
    out = io.BytesIO()
    neutralise(book).save(out)
    return out.getvalue()
