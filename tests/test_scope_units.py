"""The unit part of every permission scope (tongxing/accounts/scope.py): an access naming exactly one unit states
it as an equality, known from the Access row alone; every other access asks the database, and each reaches the
same records."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from tongxing.accounts.models import Access, Level
from tongxing.accounts.scope import activities_for, cases_for, people_for, units_for
from tongxing.cases.models import Case, CaseType, Episode
from tongxing.organisations.models import Organisation, Unit
from tongxing.people.models import Person, Sex

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    org = Organisation.objects.create(code="ORG", name="機構")
    other = Organisation.objects.create(code="ELSE", name="另一機構")
    units = {code: Unit.objects.create(organisation=o, code=code, name=code)
             for code, o in (("UA", org), ("UB", org), ("UZ", other))}
    cases = {}
    for code, unit in units.items():
        client = Person.objects.create(unit=unit, external_id=f"p-{code}", name=f"案主{code}", sex=Sex.FEMALE)
        cases[code] = Case.objects.create(unit=unit, external_id=f"c-{code}", type=CaseType.PSA, client=client)
        Episode.objects.create(case=cases[code], opened="2024-04-01")
    return {"org": org, "units": units, "cases": cases}


def login(name, level, org, unit=None, more=()):
    user = get_user_model().objects.create_user(name)
    access = Access.objects.create(user=user, level=level, organisation=org, unit=unit)
    access.more_units.set(more)
    return get_user_model().objects.get(pk=user.pk)  # as a request reads it: nothing cached


def reached(user):
    return sorted(cases_for(user).values_list("external_id", flat=True))


@pytest.mark.parametrize("level", [Level.WORKER, Level.SUPERVISOR, Level.COORDINATOR])
def test_one_unit_is_an_equality_read_with_the_access_row(world, level, django_assert_num_queries):
    user = login("sole", level, world["org"], world["units"]["UA"])
    with django_assert_num_queries(1):  # the Access row, with its further-units flag; no unit list
        where = str(cases_for(user).query)
    assert "organisations_unit" not in where
    for scope in (cases_for(user), people_for(user), activities_for(user)):
        assert f'"unit_id" = {world["units"]["UA"].pk}' in str(scope.query)
    if level != Level.WORKER:  # a worker's caseload is narrower still: here they work no case
        assert reached(user) == ["c-UA"]


def test_several_units_are_asked_of_the_database_and_stay_in_the_organisation(world):
    units = world["units"]
    sam = login("sam", Level.SUPERVISOR, world["org"], units["UA"], more=[units["UB"], units["UZ"]])
    assert "organisations_unit" in str(cases_for(sam).query)
    assert reached(sam) == ["c-UA", "c-UB"]
    assert sorted(units_for(sam).values_list("code", flat=True)) == ["UA", "UB"]


def test_a_supervisor_whose_own_unit_is_outside_their_organisation_reaches_nothing(world):
    stray = login("stray", Level.SUPERVISOR, world["org"], world["units"]["UZ"])
    assert reached(stray) == [] and not units_for(stray).exists()


def test_an_access_read_without_the_flag_asks_the_database(world):
    sam = login("sam", Level.SUPERVISOR, world["org"], world["units"]["UA"])
    assert sam.access.level == Level.SUPERVISOR  # read by Django's own descriptor, not scope.access_of
    assert "organisations_unit" in str(cases_for(sam).query)
    assert reached(sam) == ["c-UA"]


def test_a_unit_added_later_is_reached_on_the_next_request(world):
    units = world["units"]
    sam = login("sam", Level.SUPERVISOR, world["org"], units["UA"])
    assert reached(sam) == ["c-UA"]
    sam.access.more_units.add(units["UB"])
    # The user object read for the earlier request keeps its one unit (never more than the access gave); the
    # next request reads the access afresh.
    assert reached(sam) == ["c-UA"]
    assert reached(get_user_model().objects.get(pk=sam.pk)) == ["c-UA", "c-UB"]


@pytest.mark.parametrize("more", [False, True])
def test_the_signed_in_user_is_read_with_their_access_in_one_query(world, more, django_assert_num_queries):
    """AccessBackend.get_user, what every request signs in through: the user, their Access row and access_of's
    facts in one query, giving the scope the same equality or database question as access_of's own read."""
    from tongxing.accounts.backends import AccessBackend

    units = world["units"]
    sam = login("sam", Level.SUPERVISOR, world["org"], units["UA"], more=[units["UB"]] if more else [])
    with django_assert_num_queries(1):
        user = AccessBackend().get_user(sam.pk)
        where = str(cases_for(user).query)
    assert ("organisations_unit" in where) is more
    assert reached(user) == (["c-UA", "c-UB"] if more else ["c-UA"])
    assert user.access.paired_second_factor is False


def test_a_signed_in_user_without_access_reaches_nothing_and_an_inactive_one_is_not_signed_in(world):
    from tongxing.accounts.backends import AccessBackend

    bare = get_user_model().objects.create_user("bare")
    user = AccessBackend().get_user(bare.pk)
    assert user.pk == bare.pk and reached(user) == [] and not units_for(user).exists()
    get_user_model().objects.filter(pk=bare.pk).update(is_active=False)
    assert AccessBackend().get_user(bare.pk) is None
    assert AccessBackend().get_user(10**9) is None
