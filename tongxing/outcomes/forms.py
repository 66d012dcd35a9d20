from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongxing.accounts.scope import cases_for, people_for, units_for
from tongxing.activities.models import Group

from .models import Better, TimePoint, Use
from .selectors import instruments_for


class AdministrationForm(forms.Form):
    """Everything of a paper form but the answers, which come as `item-<number>` radio values."""

    person = forms.ModelChoiceField(queryset=None, label=_("person"),
                                    error_messages={"required": _("search for and choose a person")})
    instrument = forms.ModelChoiceField(queryset=None, label=_("instrument"))
    time_point = forms.ChoiceField(choices=TimePoint.choices, label=_("time point"))
    date = forms.DateField(label=_("date filled in"), widget=forms.DateInput(attrs={"type": "date"}))
    case = forms.ModelChoiceField(queryset=None, required=False, label=_("case"))
    programme = forms.ModelChoiceField(queryset=None, required=False, label=_("programme"))

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people_for(user)
        self.fields["instrument"].queryset = instruments_for(user)
        self.fields["case"].queryset = cases_for(user)
        self.fields["programme"].queryset = Group.objects.filter(unit__in=units_for(user)).order_by("title")

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise forms.ValidationError(_("the date cannot be a future date"))
        return date

    def clean(self):
        data = super().clean()
        person, case = data.get("person"), data.get("case")
        if person and case and case.unit_id != person.unit_id:
            self.add_error("case", _("the case is not of this person's unit"))
        return data


def parse_answers(data, items) -> tuple[dict[int, int], dict[int, str]]:
    """Answers from `item-<n>` fields; problems for values that are not numbers."""
    answers, problems = {}, {}
    for item in items:
        raw = data.get(f"item-{item.number}", "")
        if raw == "":
            continue
        try:
            answers[item.number] = int(raw)
        except ValueError:
            problems[item.number] = _("the answer must be a number")
    return answers, problems


class LikertForm(forms.Form):
    name = forms.CharField(label=_("title"), max_length=200)
    name_en = forms.CharField(label=_("English name"), max_length=200, required=False)
    better = forms.ChoiceField(choices=Better.choices, label=_("better direction"), initial=Better.HIGHER)
    use = forms.ChoiceField(choices=Use.choices, label=_("use"), initial=Use.PRE_POST)
    low = forms.IntegerField(label=_("lowest point"), initial=1, min_value=0, max_value=10)
    high = forms.IntegerField(label=_("highest point"), initial=5, min_value=1, max_value=10)
    labels = forms.CharField(
        label=_("point labels, one a line, low to high"), required=False,
        widget=forms.Textarea(attrs={"rows": 5}))
    items = forms.CharField(
        label=_("items, one a line; end a reverse-scored item with (R)"),
        widget=forms.Textarea(attrs={"rows": 8}))
    agree_at = forms.IntegerField(label=_("agreeing total"), required=False,
                                  help_text=_("post-only forms: a total this good agrees"))
    min_change = forms.IntegerField(label=_("minimum important change"), required=False, min_value=1)

    def clean(self):
        data = super().clean()
        low, high = data.get("low"), data.get("high")
        if low is not None and high is not None and high <= low:
            self.add_error("high", _("the highest point must be above the lowest"))
        lines = [line.strip() for line in data.get("items", "").splitlines() if line.strip()]
        items = []
        for line in lines:
            reverse = line.upper().endswith("(R)")
            items.append((line[:-3].strip() if reverse else line, reverse))
        if not items:
            self.add_error("items", _("at least one item is needed"))
        data["item_list"] = items
        data["label_list"] = [line.strip() for line in data.get("labels", "").splitlines() if line.strip()]
        if low is not None and high is not None and len(data["label_list"]) > high - low + 1:
            self.add_error("labels", _("more labels than points"))
        if data.get("use") == Use.POST_ONLY and data.get("agree_at") is None:
            self.add_error("agree_at", _("a post-only form needs an agreeing total"))
        return data
