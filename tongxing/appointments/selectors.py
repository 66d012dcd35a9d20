"""Reading appointments for the agenda, the home page, and the person and case pages; every queryset starts
from the user's scope (tongxing.accounts.scope)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.utils import timezone

from tongxing.accounts.scope import appointments_for
from tongxing.organisations.models import Staff

from .models import Appointment, AppointmentStatus

UPCOMING_DAYS = 7
HOME_ROWS = 10


def with_names(qs: QuerySet[Appointment]) -> QuerySet[Appointment]:
    """What a row shows (person, case, staff, logged activity) in one query however many rows."""
    return qs.select_related("person", "case", "case__client", "staff", "unit").order_by("start", "pk")


def week_start(day: dt.date) -> dt.date:
    """The Monday of `day`'s week."""
    return day - dt.timedelta(days=day.weekday())


@dataclass
class Day:
    date: dt.date
    appointments: list = field(default_factory=list)


def agenda(user, *, staff: Staff | None, first: dt.date, days: int) -> list[Day]:
    """The user's visible appointments of `staff` (everyone's in scope when None) on `days` days from `first`."""
    qs = appointments_for(user).filter(date__gte=first, date__lt=first + dt.timedelta(days=days))
    if staff is not None:
        qs = qs.filter(staff=staff)
    by_day = {first + dt.timedelta(days=i): Day(first + dt.timedelta(days=i)) for i in range(days)}
    for appointment in with_names(qs):
        by_day[appointment.date].appointments.append(appointment)
    return list(by_day.values())


def overdue(user, *, staff: Staff | None = None) -> QuerySet[Appointment]:
    """Scheduled appointments whose time has passed without being logged, missed or cancelled."""
    qs = appointments_for(user).filter(status=AppointmentStatus.SCHEDULED, start__lt=timezone.now())
    return with_names(qs.filter(staff=staff) if staff is not None else qs)


def upcoming(user, *, staff: Staff | None = None, days: int = UPCOMING_DAYS) -> QuerySet[Appointment]:
    qs = appointments_for(user).filter(status=AppointmentStatus.SCHEDULED, start__gte=timezone.now(),
                                       date__lte=timezone.localdate() + dt.timedelta(days=days))
    return with_names(qs.filter(staff=staff) if staff is not None else qs)


def home(user, staff: Staff | None) -> dict:
    """The home page's two lists: the user's own overdue and coming appointments (none without a staff record)."""
    if staff is None:
        return {"appointments_shown": False}
    late = list(overdue(user, staff=staff)[:HOME_ROWS + 1])
    soon = list(upcoming(user, staff=staff)[:HOME_ROWS + 1])
    return {"appointments_shown": True, "appointments_overdue": late[:HOME_ROWS],
            "appointments_overdue_more": len(late) > HOME_ROWS, "appointments_upcoming": soon[:HOME_ROWS],
            "appointments_upcoming_more": len(soon) > HOME_ROWS, "upcoming_days": UPCOMING_DAYS}


def of_person(user, person) -> QuerySet[Appointment]:
    """A person's scheduled appointments the user may see (the case page's list)."""
    return with_names(appointments_for(user).filter(person=person, status=AppointmentStatus.SCHEDULED))


def every_one_of_person(user, person) -> list[Appointment]:
    """All of a person's appointments the user may see, soonest first, read once for the person page's list of
    scheduled ones and its timeline."""
    return list(with_names(appointments_for(user).filter(person=person)))


def scheduled(appointments) -> list[Appointment]:
    return [a for a in appointments if a.status == AppointmentStatus.SCHEDULED]


def of_case(user, case, merged) -> list[Appointment]:
    """Every appointment on the case and the family cases `merged` into it (cases.selectors.merged_family, as the
    page read them) for its timeline (the case page is only shown to those who may open the case), read once for
    the timeline and the page's list: `listed` marks those the list shows, the client's scheduled ones on the case
    itself that the user may see (of_person).

    Their ids come first, from the appointments' case index: most cases have none, and PostgreSQL takes longer to
    plan the six-table join that names them than to find that there are none."""
    ids = list(Appointment.objects.filter(case__in=[case.pk, *(c.pk for c in merged)]).values_list("pk", flat=True))
    if not ids:
        return []
    listed = of_person(user, case.client_id).filter(case=case).values("pk")
    return list(with_names(Appointment.objects.filter(pk__in=ids)).annotate(
        listed=ExpressionWrapper(Q(pk__in=listed), output_field=BooleanField())))
