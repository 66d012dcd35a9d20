"""Issue 15: a figure's drill-down is drawn a page at a time; the pages part the whole list in one stable order,
add up to the figure, and the whole list stays downloadable (Excel), audited like the page."""

from __future__ import annotations

import io

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils.translation import gettext
from openpyxl import load_workbook

from tongxing.activities.models import Activity
from tongxing.audit.models import Action, Event
from tongxing.audit.services import data_changed
from tongxing.standards import drilldown as drilldown_module
from tongxing.standards.drilldown import drilldown, rule_for
from tongxing.standards.engine import Period, Proportion, evaluate
from tongxing.standards.fsa import Scope

from .conftest import verified_login

pytestmark = pytest.mark.django_db
PER_PAGE = 3


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(drilldown_module, "PER_PAGE", PER_PAGE)


def _pages(client, code):
    """Each page's rows, in order, read through the page as a reader sees it."""
    pages, number = [], 1
    while True:
        response = client.get(f"/reports/fsa/U1/2024/{code}/", {"page": number})
        assert response.status_code == 200
        data = response.context["data"]
        pages.append(data["rows"])
        if not data["page"].has_next():
            return pages, data
        number += 1


@pytest.mark.parametrize("code", ["OS1", "OS2", "OS9", "OS10", "OC1"])
def test_pages_part_the_whole_list_and_add_up_to_the_figure(client, scenario_unit, scenario_bob, small_pages, code):
    verified_login(client, scenario_bob)
    scope = Scope(scenario_unit, Period.financial_year(2024))
    whole = drilldown(code, scope, scenario_bob)["rows"]
    assert len(whole) > 2 * PER_PAGE, "too few records to need pages"
    pages, data = _pages(client, code)
    assert len(pages) > 2 and all(len(rows) == PER_PAGE for rows in pages[:-1])
    listed = [row["pk"] for rows in pages for row in rows]
    assert listed == [row["pk"] for row in whole]  # every record once, in the order of the whole list
    assert data["total"] == len(whole) and data["counted"] + data["excluded"] == len(whole)
    counted = [row for rows in pages for row in rows if row["counted"]]
    assert len(counted) == data["counted"]
    rule = rule_for(code, Scope(scenario_unit, Period.financial_year(2024)))
    figure = evaluate({code: rule})[code]
    if isinstance(rule, Proportion):
        assert (sum(1 for row in counted if row["success"]), len(counted)) == figure
    else:
        assert sum(row["weight"] for row in counted) == figure
    # counted records first: no counted record follows one left out
    flags = [row["counted"] for rows in pages for row in rows]
    assert flags == sorted(flags, reverse=True)


def test_a_page_links_its_neighbours_and_the_whole_list(client, scenario_bob, small_pages):
    verified_login(client, scenario_bob)
    html = client.get("/reports/fsa/U1/2024/OS1/", {"page": 2}, HTTP_ACCEPT_LANGUAGE="zh-hant").content.decode()
    assert 'href="/reports/fsa/U1/2024/OS1/?page=1"' in html and 'href="/reports/fsa/U1/2024/OS1/?page=3"' in html
    assert 'hx-get="/reports/fsa/U1/2024/OS1/?page=3"' in html
    assert "第 4–6 項紀錄" in html and "/reports/fsa/U1/2024/OS1/?export=xlsx" in html
    # a page number out of range shows the last page, not an error
    assert client.get("/reports/fsa/U1/2024/OS1/", {"page": "999"}).context["data"]["page"].has_next() is False


def test_the_whole_list_downloads_as_excel_and_the_export_is_audited(client, scenario_unit, scenario_bob,
                                                                       small_pages):
    verified_login(client, scenario_bob)
    whole = drilldown("OS1", Scope(scenario_unit, Period.financial_year(2024)), scenario_bob)
    response = client.get("/reports/fsa/U1/2024/OS1/", {"export": "xlsx"}, HTTP_ACCEPT_LANGUAGE="zh-hant")
    assert response["Content-Disposition"] == 'attachment; filename="fsa-U1-2024-OS1.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] is not None][:-1]  # less the notice
    assert len(rows) == whole["total"] > PER_PAGE
    assert sum(1 for r in rows if r[len(whole["columns"])] == "是") == whole["counted"] == 11
    event = Event.objects.get(action=Action.EXPORT, unit_code="U1", summary__startswith="drill-down OS1")
    assert f"{whole['total']} records" in event.summary and "shown" in event.changes


def test_paging_counts_the_figure_once_and_reads_the_rows_shown_only(client, scenario_unit, scenario_bob,
                                                                      small_pages, django_assert_max_num_queries):
    verified_login(client, scenario_bob)
    first = client.get("/reports/fsa/U1/2024/OS9/", {"page": 1}).context["data"]
    with CaptureQueriesContext(connection) as queries, django_assert_max_num_queries(15):
        second = client.get("/reports/fsa/U1/2024/OS9/", {"page": 2}).context["data"]
    assert (second["counted"], second["total"]) == (first["counted"], first["total"])
    assert len(second["rows"]) == PER_PAGE
    # the figure's checks (the first-four numbering) are not run again; one read of the rows shown
    reads = [q["sql"] for q in queries if "activities_attendance" in q["sql"]]
    assert len(reads) == 1 and "ROW_NUMBER" not in reads[0].upper()
    assert all(str(row["pk"]) in reads[0] for row in second["rows"])


def test_a_change_to_the_records_is_counted_on_the_next_page(client, scenario_unit, scenario_bob):
    scope = Scope(scenario_unit, Period.financial_year(2024))
    before = drilldown("OS9", scope, scenario_bob, page=1)
    counted = next(row for row in before["rows"] if row["counted"])
    with transaction.atomic():
        Activity.objects.filter(pk=counted["activity_id"]).update(minutes=30)
        data_changed()  # as every audited change does
    after = drilldown("OS9", Scope(scenario_unit, Period.financial_year(2024)), scenario_bob)
    row = next(row for row in after["rows"] if row["pk"] == counted["pk"])
    assert not row["counted"] and row["reasons"] == [gettext("under 1 hour")]
    assert after["counted"] == before["counted"] - 1 == evaluate({"OS9": rule_for("OS9", scope)})["OS9"]
