"""Issue 13 finding 10: what a worker's exports name (README, "Access is least privilege").

Decided: a worker's people and activity exports hold exactly what the worker's pages show: their own caseload
(clients and family members of their cases) and the people without any case file whom the unit's non-case work
serves (outreach contacts, group members, hotline callers: every worker of the unit records that work). A
colleague's client, and anyone of another unit, is in no export of theirs, nor is any activity of a colleague's
case, even one the client attended with others."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from tongxing.activities.models import ActivityKind
from tongxing.cases.models import Case, CaseType
from tongxing.organisations.models import Role
from tongxing.people.models import Person, Sex

from .activities_world import _staff, activity, build

pytestmark = pytest.mark.django_db


def _text(response):
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    return " ".join(str(c.value) for s in book.worksheets for row in s.iter_rows() for c in row if c.value)


def test_a_workers_exports_hold_their_caseload_and_the_units_non_case_work_only(client):
    w = build()
    erin = _staff(w.unit, "s-erin", "吳社工", Role.SOCIAL_WORKER)
    theirs = Person.objects.create(unit=w.unit, external_id="p3", name="吳大文", sex=Sex.MALE)
    Case.objects.create(unit=w.unit, external_id="c2", type=CaseType.PSA, client=theirs, worker=erin)
    passer_by = Person.objects.create(unit=w.unit, external_id="p4", name="路人甲", sex=Sex.MALE)
    at = timezone.make_aware(dt.datetime(2024, 7, 2, 10, 0))
    activity(w.unit, at, kind=ActivityKind.INTERVIEW, staff=[w.alice_staff], people=[w.client], case=w.case)
    activity(w.unit, at + dt.timedelta(hours=2), kind=ActivityKind.INTERVIEW, staff=[erin], people=[theirs],
             case=Case.objects.get(external_id="c2"))
    activity(w.unit, at + dt.timedelta(hours=4), kind=ActivityKind.OUTREACH, staff=[w.peer], people=[passer_by])
    client.force_login(w.alice)
    people = _text(client.get("/people/?export=xlsx"))
    assert "周小明" in people and "周太太" in people and "路人甲" in people
    assert "吳大文" not in people and "外人" not in people
    activities = _text(client.get("/activities/?export=xlsx"))
    assert "周小明" in activities and "路人甲" in activities and "吳大文" not in activities
    client.force_login(w.bob)  # the unit's supervisor: the whole unit, never another unit
    people = _text(client.get("/people/?export=xlsx"))
    assert "吳大文" in people and "周小明" in people and "外人" not in people
