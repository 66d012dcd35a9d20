"""The city statistics page in Chromium: a period, ROC ↔ Gregorian years, the rounding switch, the charts."""

import pytest
from django.contrib.auth import get_user_model

from tongxing.accounts.models import Access, Level
from tongxing.organisations.models import Organisation, Unit

from .conftest import SCREENSHOTS, login
from .test_prevention_views import PASSWORD, _records

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_statistics_page_switches_between_roc_and_gregorian_years(live_server, page):
    organisation = Organisation.objects.create(code="KH", name="高雄市政府毒品防制局")
    unit = Unit.objects.create(organisation=organisation, code="KH1", name="高雄市毒品危害防制中心",
                               timezone="Asia/Taipei")
    _records(unit, 40)
    # alice, a worker: the page is hers as much as her supervisor's (who would first pass a second factor).
    alice = get_user_model().objects.create_user("alice", password=PASSWORD)
    Access.objects.create(user=alice, level=Level.WORKER, unit=unit, organisation=organisation)
    login(page, live_server, "alice", PASSWORD)

    page.goto(f"{live_server.url}/prevention/KH1/?start=2017-01-01&end=2017-12-31")
    label = page.locator("#period-label")
    assert label.inner_text() == "民國 106 年"
    assert page.locator("#registered-total").inner_text() == "40"
    assert page.locator("#t-contacts tr.shares td.total").inner_text() == "100.0%"
    # Chart.js drew the pie and the bar chart.
    page.wait_for_function("() => window.Chart && Chart.getChart('chart-sex') && Chart.getChart('chart-age')")
    assert page.evaluate("Chart.getChart('chart-sex').config.type") == "pie"
    assert page.evaluate("Chart.getChart('chart-age').config.type") == "bar"
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "prevention-statistics-roc.png", full_page=True)

    page.click("#calendar-gregorian")
    page.wait_for_url("**calendar=gregorian**")
    assert label.inner_text() == "2017"
    assert page.locator("#calendar-gregorian").get_attribute("aria-current") == "true"
    # The choice is remembered: a new period without the parameter stays Gregorian.
    page.fill("#id_start", "2017-03-01")
    page.fill("#id_end", "2017-03-31")
    page.click("form.period button[type=submit]")
    page.wait_for_url("**start=2017-03-01**")
    assert label.inner_text() == "2017-03-01 至 2017-03-31"
    page.screenshot(path=SCREENSHOTS / "prevention-statistics-gregorian.png", full_page=True)

    page.click("#calendar-roc")
    page.wait_for_url("**calendar=roc**")
    assert label.inner_text() == "民國 106 年 3 月 1 日 至 民國 106 年 3 月 31 日"
