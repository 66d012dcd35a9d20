"""The demo centre works as a team (issue 19): its nurse holds medical access for the unit, its groups are
facilitated for clients of several workers (the demo worker co-leads each group's sessions, whose members are
mostly colleagues' clients), and the demo worker and nurse have appointments: one missed, one overdue (not yet
logged), and some coming. Appointments are plans, so they may lie after today; no work is recorded after it.
Created once, through the apps' services (each with its audit event)."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.db import transaction

from tongxing.activities.models import Activity, ActivityKind, ActivityStaff, Group
from tongxing.appointments.models import Appointment
from tongxing.appointments.services import close, schedule
from tongxing.cases import selectors as case_selectors
from tongxing.cases.models import Case
from tongxing.organisations.models import Role, Staff
from tongxing.teams.models import MedicalAccess
from tongxing.teams.services import grant_medical_access

# (days from today, hour, kind, place, purpose)
WORKER_PLAN = [
    (-3, 15, ActivityKind.HOME_VISIT, "案主家中", "家訪跟進戒毒進度", "missed"),
    (-1, 10, ActivityKind.INTERVIEW, "中心面談室", "檢討個案計劃", None),
    (1, 11, ActivityKind.INTERVIEW, "中心面談室", "跟進就業支援轉介", None),
    (2, 16, ActivityKind.PHONE, "", "電話關心近況及情緒", None),
    (4, 14, ActivityKind.ESCORT, "物質誤用診所", "陪同覆診", None),
]
NURSE_PLAN = [(1, 10, ActivityKind.NURSING, "中心醫務室", "尿液測試及健康評估")]


@transaction.atomic
def add_team(unit, *, today: dt.date, by) -> bool:
    """Give the demo `unit` its team arrangements; False if it has appointments already."""
    if Appointment.objects.filter(unit=unit).exists():
        return False
    nurse = Staff.objects.filter(unit=unit, user__username="nurse").first()
    worker = Staff.objects.filter(unit=unit, user__username="worker").first()
    if nurse is not None and not MedicalAccess.objects.filter(staff=nurse, unit=unit, revoked_on__isnull=True).exists():
        grant_medical_access(staff=nurse, unit=unit, user=by)
    if worker is not None:
        _facilitate_groups(unit, worker)
        cases = list(case_selectors.open_cases(Case.objects.filter(unit=unit, worker=worker))
                     .order_by("opened", "pk")[:len(WORKER_PLAN)])
        for case, plan in zip(cases, WORKER_PLAN, strict=False):
            _appointment(unit, today, case.client, case, worker, plan, by)
    if nurse is not None:
        clients = case_selectors.open_cases(Case.objects.filter(unit=unit)).exclude(worker=worker).order_by("pk")
        for case, plan in zip(clients[:len(NURSE_PLAN)], NURSE_PLAN, strict=False):
            _appointment(unit, today, case.client, None, nurse, (*plan, None), by)
    return True


def _facilitate_groups(unit, worker):
    """The demo worker co-leads every session of the unit's groups held so far, so the attendance sheet shows
    members from other workers' caseloads (the facilitator sees them all, by name only). Only sessions already
    led by a social worker: the generated edge cases (peer-only sessions) and every counted figure stay as they are."""
    for group in Group.objects.filter(unit=unit):
        sessions = (Activity.objects.filter(group=group, staffing__staff__roles__role=Role.SOCIAL_WORKER)
                    .exclude(staffing__staff=worker).distinct().values_list("pk", flat=True))
        ActivityStaff.objects.bulk_create([ActivityStaff(activity_id=pk, staff=worker) for pk in sessions])


def _appointment(unit, today, person, case, staff, plan, by):
    days, hour, kind, place, purpose, outcome = plan
    tz = zoneinfo.ZoneInfo(unit.timezone)
    start = dt.datetime.combine(today + dt.timedelta(days=days), dt.time(hour), tzinfo=tz)
    made = schedule(Appointment(unit=unit, person=person, case=case, staff=staff, kind=kind, start=start,
                                minutes=60, place=place, purpose=purpose), user=staff.user or by)
    if outcome == "missed":
        close(made, status="missed", reason="案主沒有應門，電話未能接通，已留言再約", user=staff.user or by)
