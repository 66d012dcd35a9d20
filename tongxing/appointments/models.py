"""Appointments: contacts planned ahead with a person, on a case or not, by one staff member at a place.

An appointment is a plan, not work done: it is never counted. Once it has happened it is logged as an activity
(one click), which it then links to; an appointment not kept is marked missed or cancelled with a reason.
"""

import datetime as dt
import zoneinfo

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tongxing.activities.models import Activity, ActivityKind
from tongxing.cases.models import Case
from tongxing.organisations.models import Staff, Unit
from tongxing.people.models import Person

# Kinds of work done with one named person, which an appointment can plan.
APPOINTMENT_KINDS = (
    ActivityKind.INTERVIEW, ActivityKind.PHONE, ActivityKind.HOME_VISIT, ActivityKind.ESCORT,
    ActivityKind.BRIEF_COUNSELLING, ActivityKind.NURSING, ActivityKind.CONSULTATION,
    ActivityKind.HOMEMAKER_SERVICE, ActivityKind.OTHER,
)


class AppointmentStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    DONE = "done", _("Done")
    MISSED = "missed", _("Did not attend")
    CANCELLED = "cancelled", _("Cancelled")


class Appointment(models.Model):
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="appointments",
                               verbose_name=_("Person"))
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="appointments",
                             verbose_name=_("Case"))
    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="appointments",
                              verbose_name=_("Staff member"))
    kind = models.CharField(_("Kind of contact"), max_length=32,
                            choices=[(k.value, k.label) for k in APPOINTMENT_KINDS], default=ActivityKind.INTERVIEW)
    start = models.DateTimeField(_("Start"))
    minutes = models.PositiveIntegerField(_("Minutes"), default=60)
    # The unit's local date and time of `start`, for the agenda's day and week (set on save, as for activities).
    date = models.DateField(_("Date"), editable=False)
    start_time = models.TimeField(_("Start time"), editable=False)
    place = models.CharField(_("Place"), max_length=200, blank=True)
    purpose = models.TextField(_("Purpose"), blank=True)
    status = models.CharField(_("Status"), max_length=16, choices=AppointmentStatus.choices,
                              default=AppointmentStatus.SCHEDULED)
    status_reason = models.CharField(_("Reason"), max_length=300, blank=True)
    activity = models.OneToOneField(Activity, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="appointment", verbose_name=_("Logged as"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Appointment")
        verbose_name_plural = _("Appointments")
        ordering = ["start", "pk"]
        indexes = [models.Index(fields=["staff", "date"], name="appointment_staff_date"),
                   models.Index(fields=["unit", "status", "start"], name="appointment_unit_status_start")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.date:%Y-%m-%d} {self.start_time:%H:%M}"

    def save(self, *args, **kwargs):
        local = self.start.astimezone(zoneinfo.ZoneInfo(self.unit.timezone))
        self.date, self.start_time = local.date(), local.time().replace(second=0, microsecond=0)
        super().save(*args, **kwargs)

    @property
    def end(self):
        return self.start + dt.timedelta(minutes=self.minutes)
