"""Writing appointments: scheduling, changing, marking missed or cancelled, and logging one as the activity it
became. Each change writes its audit event in the same transaction."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongxing.activities.models import Activity
from tongxing.activities.services import new_external_id, save_activity
from tongxing.audit.models import Action
from tongxing.audit.services import diff, record

from .models import Appointment, AppointmentStatus

FIELDS = ("person_id", "case_id", "staff_id", "kind", "minutes", "place", "status", "status_reason")


def _snapshot(appointment: Appointment) -> dict:
    # No names or purpose text: the audit trail is read more widely than the case file.
    return {**{f: getattr(appointment, f) for f in FIELDS}, "start": appointment.start.isoformat()}


@transaction.atomic
def schedule(appointment: Appointment, *, user, request=None) -> Appointment:
    appointment.created_by = user
    appointment.status = AppointmentStatus.SCHEDULED
    appointment.save()
    record(Action.CREATE, user=user, obj=appointment, request=request,
           summary=f"appointment {appointment.kind} {appointment.date} {appointment.start_time:%H:%M}",
           changes=diff({}, _snapshot(appointment)))
    return appointment


@transaction.atomic
def change(appointment: Appointment, *, user, request=None) -> Appointment:
    before = _snapshot(Appointment.objects.get(pk=appointment.pk))
    appointment.save()
    record(Action.CHANGE, user=user, obj=appointment, request=request,
           summary=f"appointment changed {appointment.date} {appointment.start_time:%H:%M}",
           changes=diff(before, _snapshot(appointment)))
    return appointment


# What may follow a scheduled appointment other than logging it: it was not kept, or it will not happen.
CLOSING = (AppointmentStatus.MISSED, AppointmentStatus.CANCELLED)


@transaction.atomic
def close(appointment: Appointment, *, status: str, reason: str, user, request=None) -> Appointment:
    """Mark a scheduled appointment missed (the person did not come) or cancelled, with the reason."""
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    reason = (reason or "").strip()
    if status not in CLOSING:
        raise ValidationError(_("Choose whether the appointment was missed or cancelled."))
    if appointment.status != AppointmentStatus.SCHEDULED:
        raise ValidationError(_("This appointment is no longer scheduled."))
    if status == AppointmentStatus.MISSED and appointment.start > timezone.now():
        raise ValidationError(_("An appointment still to come cannot have been missed."))
    if not reason:
        raise ValidationError(_("Say why."))
    before = _snapshot(appointment)
    appointment.status, appointment.status_reason = status, reason[:300]
    appointment.save(update_fields=["status", "status_reason"])
    record(Action.CHANGE, user=user, obj=appointment, request=request, summary=f"appointment {status}",
           changes=diff(before, _snapshot(appointment)))
    return appointment


@transaction.atomic
def log_as_activity(appointment: Appointment, *, user, request=None) -> Activity:
    """The appointment took place as planned: log it as an activity with its time, staff, person, case, kind and
    place, mark it done and link the two. Refused for an appointment still to come (work is recorded once done)
    and for one already logged, missed or cancelled (a second click logs nothing twice)."""
    appointment = Appointment.objects.select_for_update().select_related("unit", "person", "staff").get(
        pk=appointment.pk)
    if appointment.status != AppointmentStatus.SCHEDULED:
        raise ValidationError(_("This appointment is no longer scheduled."))
    if appointment.date > timezone.localdate():
        raise ValidationError(_("An appointment still to come cannot be logged as work done."))
    activity = Activity(unit=appointment.unit, external_id=new_external_id(), kind=appointment.kind,
                        start=appointment.start, end=appointment.end, case=appointment.case,
                        place=appointment.place)
    save_activity(user=user, activity=activity, staff=[appointment.staff], people=[appointment.person],
                  request=request)
    before = _snapshot(appointment)
    appointment.status, appointment.activity = AppointmentStatus.DONE, activity
    appointment.save(update_fields=["status", "activity"])
    record(Action.CHANGE, user=user, obj=appointment, request=request,
           summary=f"appointment logged as activity {activity.pk}",
           changes={**diff(before, _snapshot(appointment)), "activity": [None, activity.pk]})
    return activity
