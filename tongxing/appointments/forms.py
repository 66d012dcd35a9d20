"""The appointment form: who, with whom, when, where, what kind of contact; and the missed/cancelled form."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongxing.accounts.scope import cases_for, people_for
from tongxing.activities.forms import KIND_PROFILE, PROFILES, ChosenPersonMixin
from tongxing.cases.models import Case
from tongxing.organisations.models import Role, Staff
from tongxing.people.models import Person

from .models import Appointment

DURATIONS = (15, 30, 45, 60, 90, 120, 180)


class CaseChoice(forms.ModelChoiceField):
    def label_from_instance(self, case):
        return f"{case.client} · {case.external_id}"


class AppointmentForm(ChosenPersonMixin, forms.ModelForm):
    person = forms.ModelChoiceField(label=_("Person"), queryset=Person.objects.none(), widget=forms.HiddenInput,
                                    error_messages={"required": _("Choose the person the appointment is with.")})
    case = CaseChoice(label=_("Case"), queryset=Case.objects.none(), required=False,
                      help_text=_("Leave empty for someone without a case."))
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    start_time = forms.TimeField(label=_("Start time"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    minutes = forms.TypedChoiceField(label=_("Duration (minutes)"), coerce=int, initial=60,
                                     choices=[(m, m) for m in DURATIONS])

    class Meta:
        model = Appointment
        fields = ("person", "case", "staff", "kind", "place", "purpose")
        widgets = {"purpose": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, user, unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.unit = user, unit
        self.tz = zoneinfo.ZoneInfo(unit.timezone)
        self.fields["person"].queryset = people_for(user).filter(unit=unit, merged_into__isnull=True)
        self.fields["case"].queryset = (cases_for(user).filter(unit=unit, merged_into__isnull=True)
                                        .select_related("client").order_by("client__name", "pk"))
        self.fields["staff"].queryset = Staff.objects.filter(unit=unit).prefetch_related("roles").order_by("name")
        if self.instance.pk:
            self.initial.update(date=self.instance.date, start_time=self.instance.start_time,
                                minutes=self.instance.minutes)
        if self.initial.get("person") is not None and not self.is_bound:
            # The chosen person's cases only: the worker picks among a handful, not the whole unit.
            person = self.initial["person"]
            self.fields["case"].queryset = self.fields["case"].queryset.filter(
                Q(client=person) | Q(members=person)).distinct()

    def clean(self):
        cd = super().clean()
        person, case, staff, kind = cd.get("person"), cd.get("case"), cd.get("staff"), cd.get("kind")
        if person is not None and case is not None and case.client_id != person.pk \
                and not case.members.filter(pk=person.pk).exists():
            self.add_error("case", _("This case is not the chosen person's: choose one of their cases or none."))
        if staff is not None and staff.unit_id != self.unit.pk:
            self.add_error("staff", _("Choose a staff member of the unit."))
        role = PROFILES[KIND_PROFILE[kind]].staff_role if kind else ""
        if staff is not None and role and not any(r.role == role for r in staff.roles.all()):
            self.add_error("staff", _("This kind of contact needs a %(role)s.") % {"role": Role(role).label})
        day, at = cd.get("date"), cd.get("start_time")
        if day is not None and at is not None:
            start = dt.datetime.combine(day, at, tzinfo=self.tz)
            unchanged = self.instance.pk and self.instance.start == start
            if day < timezone.localdate() and not unchanged:
                self.add_error("date", _("An appointment is planned ahead: log a contact that already happened as "
                                         "an activity instead."))
            self.instance.start = start
        self.instance.minutes = cd.get("minutes") or 60
        return cd


class CloseForm(forms.Form):
    status = forms.ChoiceField(label=_("What happened"), choices=(
        ("missed", _("Did not attend")), ("cancelled", _("Cancelled"))), widget=forms.RadioSelect)
    reason = forms.CharField(label=_("Reason"), max_length=300)
