"""A small centre for the activity, attendance and referral page tests.

alice: a social worker in unit A with her own case; bob: unit A's supervisor; charlie: a worker in unit B.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.utils import timezone

from tongxing.accounts.models import Access, Level
from tongxing.activities.models import Activity, ActivityKind, ActivityStaff, Attendance, Group, GroupKind
from tongxing.cases.models import Case, CaseType, Episode
from tongxing.organisations.models import OpeningHours, Organisation, PeerType, Role, Staff, StaffRole, Unit
from tongxing.people.models import Person, Sex

PASSWORD = "correct-horse-battery"


@dataclass
class World:
    unit: Unit
    other_unit: Unit
    alice: object
    bob: object
    charlie: object
    alice_staff: Staff
    peer: Staff
    nurse: Staff
    homemaker: Staff
    doctor: Staff
    client: Person
    member: Person
    case: Case
    stranger: Person


def _staff(unit, ext, name, *roles, user=None, peer_type=""):
    staff = Staff.objects.create(unit=unit, external_id=ext, name=name, user=user, peer_type=peer_type)
    StaffRole.objects.bulk_create([StaffRole(staff=staff, role=r) for r in roles])
    return staff


def build() -> World:
    org = Organisation.objects.create(code="ORG", name="同行機構")
    unit = Unit.objects.create(organisation=org, code="UA", name="甲中心")
    other = Unit.objects.create(organisation=org, code="UB", name="乙中心")
    # Open until 21:00 on weekdays: an outreach starting at 20:00 on a Monday is not an evening one.
    OpeningHours.objects.bulk_create([OpeningHours(unit=unit, weekday=d, opens=dt.time(9), closes=dt.time(21))
                                      for d in range(1, 6)])
    users = get_user_model().objects
    alice = users.create_user("alice", password=PASSWORD)
    bob = users.create_user("bob", password=PASSWORD)
    charlie = users.create_user("charlie", password=PASSWORD)
    Access.objects.create(user=alice, level=Level.WORKER, organisation=org, unit=unit)
    Access.objects.create(user=bob, level=Level.SUPERVISOR, organisation=org, unit=unit)
    Access.objects.create(user=charlie, level=Level.WORKER, organisation=org, unit=other)
    alice_staff = _staff(unit, "s-alice", "陳美玲", Role.SOCIAL_WORKER, user=alice)
    _staff(unit, "s-bob", "李志強", Role.SUPERVISOR, user=bob)
    _staff(other, "s-charlie", "黃家豪", Role.SOCIAL_WORKER, user=charlie)
    peer = _staff(unit, "s-peer", "何朋輩", Role.PEER_SUPPORT_WORKER, peer_type=PeerType.EX_USER)
    nurse = _staff(unit, "s-nurse", "張護士", Role.NURSE)
    homemaker = _staff(unit, "s-home", "林家務", Role.HOMEMAKER)
    doctor = _staff(unit, "s-doc", "王醫生", Role.DOCTOR)
    client = Person.objects.create(unit=unit, external_id="p1", name="周小明", sex=Sex.MALE, phone="91234567")
    member = Person.objects.create(unit=unit, external_id="p2", name="周太太", sex=Sex.FEMALE)
    stranger = Person.objects.create(unit=other, external_id="p9", name="外人", sex=Sex.MALE)
    case = Case.objects.create(unit=unit, external_id="c1", type=CaseType.PSA, client=client, worker=alice_staff)
    case.members.add(member)
    Episode.objects.create(case=case, opened=timezone.localdate() - dt.timedelta(days=30))
    return World(unit, other, alice, bob, charlie, alice_staff, peer, nurse, homemaker, doctor, client, member,
                 case, stranger)


def activity(unit, start, minutes=60, kind=ActivityKind.INTERVIEW, staff=(), people=(), **fields) -> Activity:
    a = Activity.objects.create(unit=unit, external_id=f"a{Activity.objects.count() + 1}-{start:%H%M%S%f}",
                                kind=kind, start=start, end=start + dt.timedelta(minutes=minutes), **fields)
    ActivityStaff.objects.bulk_create([ActivityStaff(activity=a, staff=s) for s in staff])
    Attendance.objects.bulk_create([Attendance(activity=a, person=p) for p in people])
    return a


def many_activities(world: World, n: int):
    """`n` activities over several months, each with two staff and two people, in one bulk insert per table."""
    tz = timezone.get_current_timezone()
    base = dt.datetime(2024, 5, 6, 9, 0, tzinfo=tz)
    rows = []
    for i in range(n):
        a = Activity(unit=world.unit, external_id=f"bulk-{n}-{i}", kind=ActivityKind.OUTREACH if i % 2 else
                     ActivityKind.INTERVIEW, start=base + dt.timedelta(days=i % 300, minutes=i),
                     end=base + dt.timedelta(days=i % 300, minutes=i + 90), psa_contacted=1, place="公園")
        a.derive(tz)
        rows.append(a)
    created = Activity.objects.bulk_create(rows)
    ActivityStaff.objects.bulk_create([ActivityStaff(activity=a, staff=s) for a in created
                                       for s in (world.alice_staff, world.peer)])
    Attendance.objects.bulk_create([Attendance(activity=a, person=p) for a in created
                                    for p in (world.client, world.member)])
    return created


def group_with_members(world: World, n_members: int, kind=GroupKind.COUNSELLING):
    """A group whose first session had `n_members` people, and a second session to mark."""
    group = Group.objects.create(unit=world.unit, external_id=f"g-{n_members}", kind=kind, title="抗逆小組")
    people = Person.objects.bulk_create([
        Person(unit=world.unit, external_id=f"gm-{n_members}-{i}", name=f"組員{i:03d}", sex=Sex.MALE)
        for i in range(n_members)])
    tz = timezone.get_current_timezone()
    first = activity(world.unit, dt.datetime(2024, 6, 3, 14, 0, tzinfo=tz), 90, ActivityKind.GROUP_SESSION,
                     staff=[world.alice_staff], people=people, group=group)
    second = activity(world.unit, dt.datetime(2024, 6, 10, 14, 0, tzinfo=tz), 90, ActivityKind.GROUP_SESSION,
                      staff=[world.alice_staff], group=group)
    return group, people, first, second


def worker_login(world: World, username, name="吳同事", role=Role.SOCIAL_WORKER, staff=None):
    """A worker's login in the world's unit, as `staff` (a new staff member named `name` if none)."""
    user = get_user_model().objects.create_user(username, password=PASSWORD)
    Access.objects.create(user=user, level=Level.WORKER, organisation=world.unit.organisation, unit=world.unit)
    if staff is None:
        staff = _staff(world.unit, f"s-{username}", name, role)
    staff.user = user
    staff.save()
    return user
