"""The generic Excel export helper every list uses."""

import datetime as dt
import io

from django.utils import timezone
from openpyxl import load_workbook

from tongxing.lib.xlsx import XLSX, xlsx_response


def test_headers_rows_and_local_times():
    at = dt.datetime(2024, 5, 1, 2, 0, tzinfo=dt.UTC)
    response = xlsx_response("people", ["姓名 name", "日期 date", "時間 at"], [["陳大文", dt.date(2024, 5, 1), at]],
                             title="人士")
    assert response["Content-Type"] == XLSX
    assert 'filename="people.xlsx"' in response["Content-Disposition"]
    ws = load_workbook(io.BytesIO(response.content)).active
    assert ws.title == "人士"
    assert [c.value for c in ws[1]] == ["姓名 name", "日期 date", "時間 at"]
    assert ws["A2"].value == "陳大文"
    assert ws["C2"].value == timezone.localtime(at).replace(tzinfo=None)
