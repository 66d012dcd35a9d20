"""The activity list in a real browser: filters, the per-month chart drawn by Chart.js, the Excel link."""

import pytest

from .activities_world import PASSWORD, build, many_activities
from .conftest import SCREENSHOTS, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_activity_list_draws_the_monthly_chart(live_server, page):
    world = build()
    many_activities(world, 80)
    login(page, live_server, "bob", PASSWORD)
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    # The chart covers the financial year the date filter falls in: the activities' year, FY 2024.
    page.goto(f"{live_server.url}/activities/?date_from=2024-04-01")
    page.wait_for_function("() => window.Chart && Chart.getChart('per-month')")
    bars = page.evaluate("() => Chart.getChart('per-month').data.datasets[0].data.reduce((a, b) => a + b, 0)")
    assert bars == 80
    assert "2024-04-01" in page.locator("#chart-year").inner_text()
    assert page.locator("#activities tbody tr").count() == 50
    page.select_option("#id_kind", "outreach")
    page.click("#filters button[type=submit]")
    page.wait_for_url("**kind=outreach**")
    assert page.locator("#activities tbody tr").count() == 40
    with page.expect_download() as download:
        page.click("a.export")
    assert download.value.suggested_filename.endswith(".xlsx")
    assert errors == []  # nothing blocked by the Content-Security-Policy
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "activity-list-zh-Hant.png", full_page=True)
