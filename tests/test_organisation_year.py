"""The organisation's year at a glance (issue 15): every unit the viewer may see, figures only, each equal to the
unit's own annual return, in a number of queries that does not grow with the units.

The organisation: the scenario's unit (U1) and two generated units (U2, U3); another organisation's unit (UZ)
with records of its own. alice supervises U1 and U2 (and is given UZ by mistake, which her organisation does not
hold); bob is the organisation's auditor; charlie a worker of U3; dave supervises UZ.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tongxing.accounts.models import Access, Level
from tongxing.activities.models import Activity, Attendance
from tongxing.cases.models import Case, Episode
from tongxing.demo.generate import generate
from tongxing.exchange.schema import parse
from tongxing.exchange.services import import_document
from tongxing.organisations.models import Organisation, Unit
from tongxing.people.models import Person
from tongxing.reports.selectors import _NO_UNIT, KEY_STANDARDS, _Units, organisation_year
from tongxing.standards import fsa
from tongxing.standards.engine import Period
from tongxing.standards.report import fsa_report

from .conftest import verified_login

pytestmark = pytest.mark.django_db
FY = 2024
TODAY = dt.date(2026, 1, 1)  # after FY 2024: cases open at the year's end


def _import(doc):
    document, problems = parse(doc)
    assert problems == []
    import_document(document)


def _generated(code, seed):
    return generate(unit_code=code, unit_name=f"{code}中心", people=60, activities_per_year=250, years=(2023, 2024),
                    seed=seed)


@pytest.fixture
def world(scenario_unit):
    org = scenario_unit.organisation
    for code, seed in (("U2", 5), ("U3", 6)):
        _import({**_generated(code, seed), "organisation": {"code": org.code, "name": org.name}})
    _import({**_generated("UZ", 7), "organisation": {"code": "ELSE", "name": "另一機構"}})
    units = {u.code: u for u in Unit.objects.all()}
    assert units["U2"].organisation == org and units["UZ"].organisation != org
    users = get_user_model().objects
    alice = users.create_user("alice")
    access = Access.objects.create(user=alice, level=Level.SUPERVISOR, organisation=org, unit=units["U1"])
    access.more_units.set([units["U2"], units["UZ"]])
    bob = users.create_user("bob")
    Access.objects.create(user=bob, level=Level.AUDITOR, organisation=org)
    charlie = users.create_user("charlie")
    Access.objects.create(user=charlie, level=Level.WORKER, organisation=org, unit=units["U3"])
    dave = users.create_user("dave")
    Access.objects.create(user=dave, level=Level.SUPERVISOR, organisation=units["UZ"].organisation,
                          unit=units["UZ"])
    return {"units": units, "alice": alice, "bob": bob, "charlie": charlie, "dave": dave}


def _page(client, user, fy=FY):
    verified_login(client, user)
    return client.get(reverse("organisation-year", args=[fy]))


def _shown(response):
    return {code for code in ("U1", "U2", "U3", "UZ") if f"/reports/fsa/{code}/" in response.content.decode()}


def test_supervisor_of_several_units_sees_those_units(client, world):
    response = _page(client, world["alice"])
    assert response.status_code == 200
    # UZ is in alice's further units but belongs to another organisation: not hers.
    assert _shown(response) == {"U1", "U2"}
    assert "Open risk alerts" in response.content.decode() or "未處理的風險警示" in response.content.decode()


def test_auditor_sees_every_unit_of_the_organisation_without_names(client, world):
    response = _page(client, world["bob"])
    assert response.status_code == 200
    assert _shown(response) == {"U1", "U2", "U3"}
    body = response.content.decode()
    names = Person.objects.exclude(name="").values_list("name", flat=True)
    assert not [name for name in names if name in body]
    # An auditor reaches no person, so no risk-alert column (a count of nobody's alerts would read as none).
    assert "Open risk alerts" not in body and "未處理的風險警示" not in body


def test_worker_and_other_organisation(client, world):
    assert _page(client, world["charlie"]).status_code == 403
    response = _page(client, world["dave"])
    assert response.status_code == 200 and _shown(response) == {"UZ"}
    client.logout()
    assert client.get(reverse("organisation-year", args=[FY])).status_code == 302


def test_home_links_the_page_for_supervisors_and_auditors_only(client, world):
    verified_login(client, world["alice"])
    assert "organisation-year-link" in client.get(reverse("home")).content.decode()
    verified_login(client, world["charlie"])
    assert "organisation-year-link" not in client.get(reverse("home")).content.decode()


def _open_on(unit, day):
    """Cases not merged with an episode open at the end of `day`, counted one case at a time."""
    n = 0
    for case in Case.objects.filter(unit=unit, merged_into__isnull=True):
        if any(e.opened <= day and (e.closed is None or e.closed > day) for e in Episode.objects.filter(case=case)):
            n += 1
    return n


def test_figures_equal_each_units_own_annual_return(world):
    rows = organisation_year(world["bob"], FY, TODAY)
    assert [r.unit.code for r in rows] == ["U1", "U2", "U3"]
    start, end = dt.date(FY, 4, 1), dt.date(FY + 1, 3, 31)
    for row in rows:
        report = fsa_report(row.unit, FY)["standards"]
        for figure in row.standards:
            assert (figure["achieved"], figure["agreed"]) == (
                report[figure["code"]]["achieved"], report[figure["code"]]["agreed"]), (row.unit.code, figure)
        in_year = Activity.objects.filter(unit=row.unit, date__gte=start, date__lte=end)
        assert row.activities == in_year.count() < Activity.objects.filter(unit=row.unit).count()
        assert row.people == len({a.person_id for a in Attendance.objects.filter(activity__in=in_year)})
        assert row.open_cases == _open_on(row.unit, end)
    # The scenario's figures are not all zero: a rule reading nothing would pass the comparison.
    assert sum(f["achieved"] for r in rows for f in r.standards) > 0
    assert {f["code"] for f in rows[0].standards} == set(KEY_STANDARDS)


def test_open_cases_leave_out_merged_cases_and_closed_episodes(world):
    unit = world["units"]["U2"]
    end = dt.date(FY + 1, 3, 31)
    before = next(r for r in organisation_year(world["bob"], FY, TODAY) if r.unit == unit).open_cases
    open_case = next(c for c in Case.objects.filter(unit=unit, merged_into__isnull=True)
                     if c.episodes.filter(closed__isnull=True, opened__lte=end).exists())
    Episode.objects.filter(case=open_case, closed__isnull=True).update(closed=end)  # closed on the last day
    after = next(r for r in organisation_year(world["bob"], FY, TODAY) if r.unit == unit).open_cases
    assert after == before - 1


def test_query_count_does_not_grow_with_units(client, world, django_assert_num_queries):
    verified_login(client, world["bob"])
    url = reverse("organisation-year", args=[FY])
    client.get(url)
    with CaptureQueriesContext(connection) as three:
        assert client.get(url).status_code == 200
    org = world["units"]["U1"].organisation
    for i in range(4, 8):
        _import({**_generated(f"U{i}", i), "organisation": {"code": org.code, "name": org.name}})
    with CaptureQueriesContext(connection) as seven:
        response = client.get(url)
    assert _shown(response) >= {"U1", "U2", "U3"} and response.content.decode().count('class="unit-row"') == 7
    assert len(seven) == len(three)
    with django_assert_num_queries(len(three)):
        client.get(url)


def test_query_count_is_pinned(client, world, django_assert_num_queries):
    verified_login(client, world["alice"])
    url = reverse("organisation-year", args=[FY])
    client.get(url)
    # session, user with their access row, units, activities, people served, open cases, risk alerts, agreed levels,
    # and one per base of the key standards (activities, people identified, staff present).
    with django_assert_num_queries(12):
        client.get(url)


def test_page_in_both_languages(client, world):
    verified_login(client, world["alice"])
    url = reverse("organisation-year", args=[FY])
    assert "各單位全年服務一覽" in client.get(url).content.decode()
    client.cookies["django_language"] = "en"
    body = client.get(url).content.decode()
    assert "year at a glance" in body and "各單位" not in body


def test_other_organisation_never_counted(world):
    """Another organisation's auditor sees its unit alone."""
    other = Organisation.objects.get(code="ELSE")
    auditor = get_user_model().objects.create_user("zed")
    Access.objects.create(user=auditor, level=Level.AUDITOR, organisation=other)
    assert [r.unit.code for r in organisation_year(auditor, FY, TODAY)] == ["UZ"]


def test_a_rule_reading_one_unit_cannot_be_counted_for_several(world):
    """The several units' scope has no single unit: a rule reading it (OS12 reads the unit's earlier assessments)
    fails instead of counting other records than each unit's return."""
    scope = _Units(unit=_NO_UNIT, period=Period.financial_year(FY), units=list(world["units"].values()))
    with pytest.raises(TypeError):
        fsa.medical_support_psa(scope)
