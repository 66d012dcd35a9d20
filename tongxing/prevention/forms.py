import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import CallerType, ConsultationCategory, ServiceItem


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
    required = forms.IntegerField(label=_("required to attend"), min_value=0)
    attended = forms.IntegerField(label=_("number attending"), min_value=0)

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

    def clean(self):
        data = super().clean()
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
