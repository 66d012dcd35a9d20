"""A small world for the casework pages: unit A (alice the worker, bob its supervisor), unit B (charlie)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.utils import timezone

from tongxing.accounts.models import Access, Level
from tongxing.activities.models import Activity, ActivityKind, ActivityStaff, Attendance
from tongxing.cases.models import Case, CasePlan, Episode
from tongxing.organisations.models import Organisation, Role, Staff, StaffRole, Unit
from tongxing.people.models import Person
from tongxing.standards.models import AgreedLevel

PASSWORD = "correct-horse-battery"


@dataclass
class World:
    unit: Unit
    other_unit: Unit
    alice: object
    bob: object
    charlie: object
    alice_staff: Staff
    bob_staff: Staff


def user(username, unit, level, role):
    account = get_user_model().objects.create_user(username, password=PASSWORD, first_name=username.title())
    Access.objects.create(user=account, level=level, unit=unit, organisation=unit.organisation)
    staff = Staff.objects.create(unit=unit, external_id=f"s-{username}", name=username.title(), user=account)
    StaffRole.objects.create(staff=staff, role=role)
    return account, staff


def world() -> World:
    org = Organisation.objects.create(code="ORG", name="同行機構")
    a = Unit.objects.create(organisation=org, code="A", name="中心甲")
    b = Unit.objects.create(organisation=org, code="B", name="中心乙")
    alice, alice_staff = user("alice", a, Level.WORKER, Role.SOCIAL_WORKER)
    bob, bob_staff = user("bob", a, Level.SUPERVISOR, Role.SUPERVISOR)
    charlie, _ = user("charlie", b, Level.WORKER, Role.SOCIAL_WORKER)
    return World(a, b, alice, bob, charlie, alice_staff, bob_staff)


def person(unit, n, **extra) -> Person:
    return Person.objects.create(unit=unit, external_id=f"p{n}", name=extra.pop("name", f"陳{n}號"),
                                 name_en=extra.pop("name_en", f"Chan No {n}"), sex=extra.pop("sex", "M"), **extra)


def case(unit, client, worker, opened, n, *, plan=False, type="psa", closed=None) -> Case:
    c = Case.objects.create(unit=unit, external_id=f"c{n}", type=type, client=client, worker=worker)
    episode = Episode.objects.create(case=c, opened=opened, closed=closed,
                                     plan_achieved=True if closed else None)
    if plan:
        CasePlan.objects.create(episode=episode, date=opened, direction="方向", timetable="時間表", actions="行動",
                                goals="目標", revision=1)
    return c


def contact(unit, c, staff, on: dt.date, n, kind=ActivityKind.INTERVIEW, minutes=60) -> Activity:
    start = timezone.make_aware(dt.datetime.combine(on, dt.time(10)))
    a = Activity.objects.create(unit=unit, external_id=f"a{n}", kind=kind, start=start,
                                end=start + dt.timedelta(minutes=minutes), case=c, note="面談")
    ActivityStaff.objects.create(activity=a, staff=staff)
    Attendance.objects.create(activity=a, person=c.client)
    return a


def caseload(w: World, n: int, *, start=0):
    """n open cases of alice's, varied: with/without plan, contacted recently or not, next action due."""
    today = timezone.localdate()
    for i in range(start, start + n):
        p = person(w.unit, i)
        c = case(w.unit, p, w.alice_staff, today - dt.timedelta(days=100 + i % 50), i, plan=i % 3 != 0)
        if i % 2:
            contact(w.unit, c, w.alice_staff, today - dt.timedelta(days=i % 45), i)
        if i % 4 == 0:
            c.next_action_due = today + dt.timedelta(days=i % 10 - 3)
            c.next_action = "家訪"
            c.save()


def agreed(unit, fy, **levels):
    for code, value in levels.items():
        AgreedLevel.objects.create(unit=unit, fy=fy, standard=code, value=value)
