"""The annual return page: while the year runs it names the standards behind at the latest quarter's end.
bob (scenario_bob) supervises the scenario's unit; charlie, of no unit, is refused."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation

from tongxing.reports import views
from tongxing.standards.engine import Period
from tongxing.standards.fsa import Scope
from tongxing.standards.report import agreed_levels, compute_standards, pro_rata_warnings

END_OF_Q2 = dt.date(2024, 9, 30)


def page_on(client, monkeypatch, user, today):
    monkeypatch.setattr(views.timezone, "localdate", lambda: today)
    client.force_login(user)
    return client.get("/reports/fsa/U1/2024/")


def test_running_year_names_the_standards_behind_at_the_latest_quarter_end(client, monkeypatch, scenario_bob, scenario_unit):
    period = Period(2024, END_OF_Q2)
    standards = compute_standards(Scope(scenario_unit, period), agreed_levels(scenario_unit, 2024))
    with translation.override("zh-hant"):
        behind = pro_rata_warnings(period, standards)
    assert behind  # the scenario is behind in some standards at the end of September

    body = page_on(client, monkeypatch, scenario_bob, dt.date(2024, 11, 15)).content.decode()

    section = body[body.index('id="behind-pro-rata"'):]
    section = section[:section.index("</div>")]
    assert "截至 2024-09-30 落後於按比例預期" in section
    assert section.count("<li>") == len(behind)
    assert all(warning in section for warning in behind)


@pytest.mark.parametrize("today", [dt.date(2024, 6, 29), dt.date(2025, 4, 1)])
def test_before_the_first_quarter_ends_or_after_the_year_no_quarter_is_compared(client, monkeypatch, scenario_bob, today):
    response = page_on(client, monkeypatch, scenario_bob, today)
    assert response.status_code == 200
    assert 'id="behind-pro-rata"' not in response.content.decode()


def test_charlie_of_no_unit_is_refused(client, monkeypatch, scenario_unit):
    charlie = get_user_model().objects.create_user("charlie")
    assert page_on(client, monkeypatch, charlie, dt.date(2024, 11, 15)).status_code == 404
