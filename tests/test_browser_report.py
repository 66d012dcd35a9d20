"""The annual return page in a real browser: click a figure, see what was counted and what was not."""

import pytest
from django.contrib.auth import get_user_model

from tongxing.accounts.models import Access, Level

from .conftest import SCREENSHOTS, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_report_drilldown_shows_counted_and_excluded_records(live_server, page, scenario_unit):
    user = get_user_model().objects.create_user("bob", password="correct-horse-battery")
    Access.objects.create(user=user, level=Level.SUPERVISOR, unit=scenario_unit,
                          organisation=scenario_unit.organisation)
    login(page, live_server, "bob", "correct-horse-battery")

    page.goto(f"{live_server.url}/reports/fsa/U1/2024/")
    assert page.locator("html").get_attribute("lang") == "zh-hant"
    assert page.locator("a[data-code=OS1]").inner_text().strip() == "11"
    page.click("a[data-code=OS1]")
    panel = page.locator("#drilldown table.drilldown")
    panel.wait_for()
    assert "計算在內 11 項" in page.locator("#drilldown").inner_text()
    assert panel.locator("tr.counted").count() == 11
    assert "少於1小時" in panel.locator("tr.excluded").first.inner_text() or \
        "沒有直接接觸吸毒者" in panel.locator("tr.excluded").first.inner_text()
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "fsa-report-zh-Hant.png", full_page=True)


def test_report_refuses_a_user_of_another_unit(live_server, page, scenario_unit):
    get_user_model().objects.create_user("charlie", password="correct-horse-battery")
    login(page, live_server, "charlie", "correct-horse-battery")
    response = page.goto(f"{live_server.url}/reports/fsa/U1/2024/")
    assert response.status == 404
    response = page.goto(f"{live_server.url}/reports/fsa/U1/2024/OS1/")
    assert response.status == 404
