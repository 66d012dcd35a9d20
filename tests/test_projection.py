"""The year-end projection (tongxing.lib.projection): counts at the pace so far, carried-in caseloads and shares
as they stand, and the need per remaining month, at the edges of a period."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tongxing.lib.projection import MIN_DAYS, Method, Stage, months_in, project

FY = {"start": dt.date(2024, 4, 1), "end": dt.date(2025, 3, 31)}  # 365 days, 12 months


def test_a_count_scales_with_the_time_elapsed():
    # 30 sessions by 30 September: 183 of 365 days, so 30 × 365 / 183 = 59.8 at the year's end; 42 still needed
    # over 6 months (182 days of 365 × 12 = 5.98 months): 7.03, shown rounded up as 7.1.
    p = project(30, 72, today=dt.date(2024, 9, 30), **FY)
    assert (p.stage, p.projected, p.months_left, p.needed_per_month, p.on_track) == (
        Stage.RUNNING, Decimal("59.8"), Decimal("5.98"), Decimal("7.1"), False)


def test_ahead_of_pace_is_on_track():
    p = project(50, 72, today=dt.date(2024, 9, 30), **FY)
    assert p.projected == Decimal("99.7") and p.on_track is True


def test_before_the_year_starts_the_whole_target_is_spread_over_every_month():
    p = project(0, 72, today=dt.date(2024, 3, 31), **FY)
    assert (p.stage, p.projected, p.months_left, p.needed_per_month, p.on_track) == (
        Stage.NOT_STARTED, None, Decimal("12.00"), Decimal("6.0"), None)


def test_the_first_days_give_no_pace_yet_but_say_what_is_needed():
    # Three sessions on the first morning would project 1,095.
    p = project(3, 72, today=dt.date(2024, 4, 1), **FY)
    assert p.stage is Stage.EARLY and p.projected is None and p.on_track is None
    assert p.needed_per_month == Decimal("5.8")  # 69 over 11.97 months
    later = project(3, 72, today=FY["start"] + dt.timedelta(days=MIN_DAYS - 1), **FY)
    assert later.stage is Stage.RUNNING and later.projected == Decimal("78.2")


def test_nothing_yet_projects_zero_and_needs_the_whole_target():
    p = project(0, 60, today=dt.date(2024, 6, 30), **FY)
    assert p.projected == Decimal("0.0") and p.on_track is False
    assert p.needed_per_month == Decimal("6.7")  # 60 over 9 months (274 of 365 days)


def test_already_met_needs_nothing_more():
    p = project(80, 72, today=dt.date(2024, 12, 31), **FY)
    assert p.needed_per_month == 0 and p.met_already and p.on_track is True


def test_the_year_over_gives_the_final_figure_and_no_need():
    p = project(70, 72, today=dt.date(2025, 5, 2), **FY)
    assert (p.stage, p.projected, p.needed_per_month, p.months_left, p.on_track) == (
        Stage.ENDED, Decimal("70"), None, Decimal("0.00"), False)
    last_day = project(70, 72, today=FY["end"], **FY)
    assert last_day.stage is Stage.ENDED and last_day.needed_per_month is None


def test_shares_are_not_extrapolated():
    p = project(Decimal("0.62"), Decimal("0.55"), today=dt.date(2024, 9, 30), method=Method.RATE, **FY)
    assert (p.projected, p.needed_per_month, p.on_track) == (Decimal("0.62"), None, True)
    none_yet = project(None, Decimal("0.55"), today=dt.date(2024, 9, 30), method=Method.RATE, **FY)
    assert none_yet.projected is None and none_yet.on_track is None


def test_a_carried_in_caseload_is_not_multiplied_but_its_shortfall_is_spread():
    # 240 cases in hand on 1 April already: at the pace so far it would read 480 by the year's end.
    p = project(240, 280, today=dt.date(2024, 9, 30), method=Method.CARRIED, **FY)
    assert p.projected == Decimal("240") and p.needed_per_month == Decimal("6.7") and p.on_track is False


def test_without_a_target_only_the_projection_is_given():
    p = project(30, None, today=dt.date(2024, 9, 30), **FY)
    assert p.projected == Decimal("59.8") and p.needed_per_month is None and p.on_track is None


def test_a_two_year_project_counts_its_own_months():
    assert months_in(dt.date(2020, 7, 1), dt.date(2022, 6, 30)) == 24
    p = project(100, 200, start=dt.date(2020, 7, 1), end=dt.date(2022, 6, 30), today=dt.date(2021, 6, 30))
    assert p.months_left == Decimal("12.00") and p.projected == Decimal("200.0")
    assert p.needed_per_month == Decimal("8.4")  # 100 over 12 months, rounded up


def test_a_period_ending_before_it_starts_is_refused():
    with pytest.raises(ValueError):
        project(1, 2, start=dt.date(2024, 2, 1), end=dt.date(2024, 1, 1), today=dt.date(2024, 1, 15))


@given(achieved=st.integers(0, 10_000), target=st.integers(1, 10_000), day=st.integers(0, 400))
def test_meeting_the_need_each_remaining_month_meets_the_target(achieved, target, day):
    today = FY["start"] + dt.timedelta(days=day - 1)
    p = project(achieved, target, today=today, **FY)
    if p.needed_per_month is not None:
        assert achieved + p.needed_per_month * p.months_left >= target - Decimal("0.01") * p.needed_per_month
    if p.projected is not None and p.stage is Stage.RUNNING:
        assert p.projected >= achieved


# --- On the pages: the annual return and a project dashboard ------------------------------------------------

@pytest.fixture
def centre(db):
    from .activities_world import build
    return build()


def test_the_annual_return_page_projects_each_standard(client, centre):
    from django.utils import timezone

    from tongxing.reports.views import current_fy
    from tongxing.standards.engine import Period
    from tongxing.standards.models import AgreedLevel

    today = timezone.localdate()
    fy = current_fy(today)
    for code, value in (("OS1", 72), ("OS4", 280), ("OC1", "0.55")):
        AgreedLevel.objects.create(unit=centre.unit, fy=fy, standard=code, value=value)
    client.force_login(centre.bob)
    response = client.get(f"/reports/fsa/UA/{fy}/")
    assert response.status_code == 200
    rows = {r["code"]: r for r in response.context["rows"]}
    year = Period.financial_year(fy)
    expected = project(rows["OS1"]["achieved"], 72, start=year.start, end=year.last_day, today=today)
    assert rows["OS1"]["outlook"] == expected and rows["OS1"]["outlook"].method is Method.COUNT
    assert rows["OS4"]["outlook"].method is Method.CARRIED and rows["OC1"]["outlook"].method is Method.RATE
    assert rows["OC10"]["outlook"].method is Method.COUNT
    assert rows["OC1"]["outlook"].needed_per_month is None
    body = response.content.decode()
    assert body.count('class="num projected"') == len(rows)
    if expected.needed_per_month:
        assert f"{expected.needed_per_month}" in body


def test_a_project_dashboard_projects_its_indicators(client, centre):
    from django.utils import timezone

    from tongxing.activities.models import Activity, Attendance
    from tongxing.projects.models import Enrolment, OutputIndicator, Programme, Project
    from tongxing.projects.selectors import dashboard

    today = timezone.localdate()
    start, end = today - dt.timedelta(days=99), today + dt.timedelta(days=266)
    project_ = Project.objects.create(unit=centre.unit, code="P", title="計劃", start=start, end=end)
    visits = Programme.objects.create(project=project_, name="面談", activity_kinds=["interview"])
    OutputIndicator.objects.create(project=project_, number="1", description="面談", kind="sessions",
                                   programme=visits, target=40)
    OutputIndicator.objects.create(project=project_, number="2", description="出席", kind="attending",
                                   programme=visits, at_least=1, target=70, target_is_percent=True)
    Enrolment.objects.create(project=project_, person=centre.client, date=start)
    for day in (10, 40, 70):
        begins = timezone.make_aware(dt.datetime.combine(start + dt.timedelta(days=day), dt.time(10)))
        activity = Activity.objects.create(unit=centre.unit, external_id=f"v{day}", kind="interview", start=begins,
                                           end=begins + dt.timedelta(hours=1), project=project_)
        Attendance.objects.create(activity=activity, person=centre.client)
    figures = dashboard(project_, today)
    count, share = figures["outputs"]
    assert count.outlook == project(3, 40, start=start, end=end, today=today)
    assert count.outlook.projected == Decimal("11.0")  # 3 in 100 of 366 days: 10.98
    assert share.outlook.method is Method.RATE and share.outlook.projected == Decimal("1")  # 1 of 1 recruited
    assert share.projected_text == "100.0%" and share.needed_text == "—"
    client.force_login(centre.bob)
    body = client.get(f"/projects/{project_.pk}/").content.decode()
    assert body.count('class="num projected"') == 2 and "11.0" in body and count.needed_text in body
