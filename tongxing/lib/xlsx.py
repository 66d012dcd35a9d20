"""Any table on screen as an Excel download: headers in the reader's language, one row per record."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.http import HttpResponse
from django.utils import timezone

from tongxing.lib.spreadsheet import workbook_bytes
from tongxing.privacy.services import REDISCLOSURE_NOTICE

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _cell(value):
    # Excel has no time zones: write local wall-clock times, as the screen shows them.
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return timezone.localtime(value).replace(tzinfo=None)
    if isinstance(value, (str, int, float, bool, dt.date, dt.time)) or value is None:
        return value
    return str(value)


def workbook(headers: Sequence, rows: Iterable[Sequence], title: str = "Sheet") -> bytes:
    """An .xlsx with a bold header row; `headers` may be lazy translations, rendered in the active language."""
    from openpyxl import Workbook  # loads slowly: only a download needs it, not every process start
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = str(title)[:31] or "Sheet"
    ws.append([str(h) for h in headers])
    for c in ws[1]:
        c.font = Font(bold=True)
    widths = [len(str(h)) for h in headers]
    for row in rows:
        values = [_cell(v) for v in row]
        ws.append(values)
        widths = [max(w, len(str(v)) if v is not None else 0) for w, v in zip(widths, values, strict=True)]
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = min(max(w * 1.6, 8), 60)
    ws.freeze_panes = "A2"
    # Tables from the screens name people: the file carries the re-disclosure notice on screen and in print.
    ws.append([])
    ws.append([REDISCLOSURE_NOTICE])
    ws.cell(row=ws.max_row, column=1).font = Font(italic=True)
    ws.oddFooter.center.text = "機密 Confidential · &P / &N"
    return workbook_bytes(wb)


def xlsx_response(filename: str, headers: Sequence, rows: Iterable[Sequence], title: str = "Sheet") -> HttpResponse:
    """Download response for `workbook(...)`; `filename` without extension, ASCII."""
    response = HttpResponse(workbook(headers, rows, title), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response
