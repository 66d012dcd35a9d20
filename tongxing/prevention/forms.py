import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from tongxing.accounts.scope import people_for
from tongxing.people.models import Person

from .models import CallerType, ConsultationCategory, Lecture, ServiceItem


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("from"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("to"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The end cannot be before the start"))
        return data


class HotlineCallForm(forms.Form):
    """One call to the 24-hour hotline, logged while or just after taking it."""

    received = forms.DateTimeField(label=_("received"),
                                   widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"))
    caller = forms.ChoiceField(label=_("caller"), choices=CallerType.choices, widget=forms.RadioSelect)
    items = forms.MultipleChoiceField(label=_("service items"), choices=ServiceItem.choices, required=False,
                                      widget=forms.CheckboxSelectMultiple,
                                      help_text=_("Choose every item given"))
    note = forms.CharField(label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, now: dt.datetime | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.now = now
        if now is not None:
            self.fields["received"].initial = now.replace(second=0, microsecond=0)

    def clean_received(self):
        received = self.cleaned_data["received"]
        if self.now is not None and received > self.now:
            raise forms.ValidationError(_("The time received cannot be in the future"))
        return received


def consultation_field(category) -> str:
    return f"consultations_{category}"


class LectureForm(forms.Form):
    """A lecture's attendance and the counselling station's consultations by category, in one entry."""

    date = forms.DateField(label=_("date"), widget=forms.DateInput(attrs={"type": "date"}))
    title = forms.CharField(label=_("title"), max_length=200, required=False)
    required = forms.IntegerField(label=_("required to attend"), min_value=0, required=False,
                                  help_text=_("Leave both counts empty to list the people required to attend by name"))
    attended = forms.IntegerField(label=_("number attending"), min_value=0, required=False)

    def __init__(self, *args, today: dt.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        for category, label in ConsultationCategory.choices:
            self.fields[consultation_field(category)] = forms.IntegerField(
                label=label, min_value=0, initial=0, required=False)

    def clean_date(self):
        day = self.cleaned_data["date"]
        if self.today is not None and day > self.today:
            raise forms.ValidationError(_("The date cannot be after today"))
        return day

    @property
    def by_name(self) -> bool:
        """No counts entered: the figures will come from the list of names made on the lecture's page."""
        return self.cleaned_data.get("required") is None and self.cleaned_data.get("attended") is None

    def clean(self):
        data = super().clean()
        if (data.get("required") is None) != (data.get("attended") is None) and not self.errors:
            self.add_error(None, _("Enter both counts, or neither to list the people by name"))
        if data.get("required") is not None and data.get("attended") is not None \
                and data["attended"] > data["required"]:
            self.add_error("attended", _("Attended cannot exceed the number required"))
        total = sum(data.get(consultation_field(c)) or 0 for c in ConsultationCategory.values)
        if data.get("attended") is not None and total > data["attended"]:
            self.add_error(None, _("Consultations cannot exceed the attendees"))
        return data

    def consultations(self) -> dict[str, int]:
        return {c: self.cleaned_data.get(consultation_field(c)) or 0 for c in ConsultationCategory.values}

    def main_fields(self):
        return [self[name] for name in ("date", "title", "required", "attended")]

    def consultation_fields(self):
        return [self[consultation_field(c)] for c in ConsultationCategory.values]


class RegistrantsForm(forms.Form):
    """People required to attend a lecture (fined under the drug-harm lecture rule), added to its list by name."""

    people = forms.ModelMultipleChoiceField(
        label=_("People required to attend"), queryset=Person.objects.none(), widget=forms.MultipleHiddenInput,
        error_messages={"required": _("Choose at least one person to add"),
                        "invalid_choice": _("%(value)s is not a person you can add"),
                        "invalid_pk_value": _("%(pk)s is not a person you can add")})

    def __init__(self, *args, user, lecture: Lecture, **kwargs):
        super().__init__(*args, **kwargs)
        self.lecture = lecture
        self.fields["people"].queryset = people_for(user).filter(unit=lecture.unit_id, merged_into__isnull=True)

    def chosen(self) -> list[Person]:
        if not self.is_bound:
            return []
        ids = [v for v in self.data.getlist(self.add_prefix("people")) if str(v).isdigit()]
        return list(self.fields["people"].queryset.filter(pk__in=ids).order_by("name"))

    def clean_people(self):
        people = list(self.cleaned_data["people"])
        listed = set(self.lecture.registrants.filter(person__in=people).values_list("person__name", flat=True))
        if listed:
            raise forms.ValidationError(_("Already on the list: %(names)s") % {"names": "、".join(sorted(listed))})
        return people


class LectureAttendanceForm(forms.Form):
    """Who of the listed people came: ticked came, unticked were absent."""

    present = forms.ModelMultipleChoiceField(queryset=Person.objects.none(), required=False,
                                             widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, listed, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].queryset = listed
        self.fields["present"].error_messages["invalid_choice"] = _("%(value)s is not on this lecture's list")
