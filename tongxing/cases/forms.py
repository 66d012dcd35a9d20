import functools

from django import forms
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from tongxing.lib.concurrency import TOKEN_FIELD, EditGuard
from tongxing.organisations.models import Staff
from tongxing.web.form_renderer import select_html, select_option

from .models import Case, CasePlan, CaseType, Collaboration, Episode, Involvement, Party

DATE = {"type": "date"}
FUTURE = _("The date cannot be in the future")


def _not_future(value):
    if value and value > timezone.localdate():
        raise forms.ValidationError(FUTURE)
    return value


class StaffChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class PlainSelect(forms.Select):
    """A select of plain (value, label) options, drawn straight from `options` (a function giving them) as the form
    renderer draws a select, without a dict per option through Django's choice machinery: the unit's staff are 262
    options at national scale, twice on the case page (about a sixth of its cost)."""

    def __init__(self, options, attrs=None):
        super().__init__(attrs)
        self.options_of = options

    def use_required_attribute(self, initial):
        """As Select's (only with an empty first option), without running every option through Django's choices."""
        first = next(iter(self.options_of()), None)
        return not self.is_hidden and first is not None and first[0] in (None, "")

    def render(self, name, value, attrs=None, renderer=None):
        chosen, parts, found = self.format_value(value), [], False
        for option, label in self.options_of():
            text = "" if option is None else str(option)
            selected = not found and text in chosen
            found |= selected
            parts.append(select_option(text, label, selected))
        return mark_safe(select_html(name, self.build_attrs(self.attrs, attrs), parts))  # noqa: S308 - escaped


def staff_options(field: forms.ModelChoiceField, staff, *, leave_out=None):
    """The field's options drawn from `staff`, the unit's staff as (id, name) pairs the case page reads once for
    all its forms (selectors.unit_staff_names), when they are drawn; the field's own queryset decides what may
    be posted."""
    empty = [("", field.empty_label)] if field.empty_label is not None else []

    @functools.cache  # asked for by the required attribute and by the drawing, built once per form
    def options():
        return empty + [(pk, name) for pk, name in staff if pk != leave_out]

    widget = PlainSelect(options, attrs=field.widget.attrs)
    widget.is_required = field.widget.is_required
    field.widget = widget
    field.choices = options


class OpenCaseForm(forms.ModelForm):
    opened = forms.DateField(label=_("opened"), widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))

    class Meta:
        model = Case
        fields = ["type", "parent_case", "worker"]
        field_classes = {"worker": StaffChoice}

    def __init__(self, *args, unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = Staff.objects.filter(unit=unit).order_by("name")
        self.fields["type"].initial = CaseType.PSA
        self.fields["opened"].initial = timezone.localdate()

    def clean_opened(self):
        return _not_future(self.cleaned_data.get("opened"))

    def clean(self):
        data = super().clean()
        if data.get("parent_case") and data.get("type") == CaseType.FAMILY:
            self.add_error("parent_case", _("Only a PSA case can be a pregnant/parent case"))
        return data


class CloseEpisodeForm(EditGuard, forms.ModelForm):
    guarded = ["opened", "closed", "plan_achieved", "last_drug_use", "closure_reason"]
    plan_achieved = forms.TypedChoiceField(
        label=_("case plan achieved"), widget=forms.RadioSelect,
        choices=[("yes", _("yes")), ("no", _("no"))], coerce=lambda v: v == "yes")

    class Meta:
        model = Episode
        fields = ["closed", "plan_achieved", "last_drug_use", "closure_reason"]
        widgets = {"closed": forms.DateInput(attrs=DATE, format="%Y-%m-%d"), "last_drug_use": forms.DateInput(attrs=DATE, format="%Y-%m-%d")}
        help_texts = {"last_drug_use": _("as disclosed; leave blank if unknown")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["closed"].required = True
        self.fields["closure_reason"].required = True
        # The instance's empty closing date would otherwise win over a field default.
        self.initial["closed"] = self.instance.closed or timezone.localdate()

    def clean_closed(self):
        closed = _not_future(self.cleaned_data.get("closed"))
        if closed and closed < self.instance.opened:
            raise forms.ValidationError(_("The closing date cannot be before the opening date, %(date)s") % {"date": self.instance.opened})
        return closed

    def clean(self):
        data = super().clean()
        if data.get("last_drug_use") and data.get("closed") and data["last_drug_use"] > data["closed"]:
            self.add_error("last_drug_use", _("The last drug use cannot be after the closing date"))
        return data

    def outcome(self):
        return {f: self.cleaned_data[f] for f in ("closed", "plan_achieved", "last_drug_use", "closure_reason")}


class ReopenForm(forms.Form):
    opened = forms.DateField(label=_("reopened on"), widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))

    def clean_opened(self):
        return _not_future(self.cleaned_data.get("opened"))


class PlanForm(forms.ModelForm):
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    class Meta:
        model = CasePlan
        fields = ["date", "direction", "timetable", "actions", "goals"]
        widgets = {"date": forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
                   **{f: forms.Textarea(attrs={"rows": 3}) for f in ("direction", "timetable", "actions", "goals")}}
        help_texts = {
            "direction": _("the direction agreed with the client or family"),
            "timetable": _("a concrete timetable"),
            "actions": _("concrete actions by worker and client"),
            "goals": _("goals that can be measured"),
        }

    def clean_date(self):
        return _not_future(self.cleaned_data.get("date"))

    def plan_data(self):
        return {f: self.cleaned_data[f] for f in self.Meta.fields}


class NextActionForm(EditGuard, forms.ModelForm):
    class Meta:
        model = Case
        fields = ["next_action_due", "next_action", "worker", "parent_case"]
        field_classes = {"worker": StaffChoice}
        widgets = {"next_action_due": forms.DateInput(attrs=DATE, format="%Y-%m-%d")}

    def __init__(self, *args, may_reassign=False, staff=None, **kwargs):
        """`staff`: the unit's staff as (id, name) pairs by name (selectors.unit_staff_names), as the page has
        read them."""
        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = Staff.objects.filter(unit=self.instance.unit_id).order_by("name")
        if staff is not None:
            staff_options(self.fields["worker"], staff)
        if not may_reassign:
            del self.fields["worker"]
        if self.instance.type != CaseType.PSA:
            del self.fields["parent_case"]

    def case_data(self):
        return {f: self.cleaned_data[f] for f in self.fields if f != TOKEN_FIELD}


class CaseRecordForm(forms.ModelForm):
    """A dated entry on the case file (involvement, collaboration): today by default, never in the future."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()

    def clean_date(self):
        return _not_future(self.cleaned_data.get("date"))

    def record_data(self):
        return {f: self.cleaned_data[f] for f in self.Meta.fields}


class InvolvementForm(CaseRecordForm):
    class Meta:
        model = Involvement
        fields = ["date", "party", "stakeholder", "stage", "mode"]
        widgets = {"date": forms.DateInput(attrs=DATE, format="%Y-%m-%d")}

    def clean(self):
        data = super().clean()
        if data.get("party") == Party.STAKEHOLDER and not data.get("stakeholder"):
            self.add_error("stakeholder", _("Choose the kind of stakeholder"))
        if data.get("party") == Party.FAMILY and data.get("stakeholder"):
            self.add_error("stakeholder", _("A family involvement has no stakeholder kind"))
        return data


class CollaborationForm(CaseRecordForm):
    class Meta:
        model = Collaboration
        fields = ["date", "kind"]
        widgets = {"date": forms.DateInput(attrs=DATE, format="%Y-%m-%d")}


class CaseChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.client} · {obj.external_id}"


class MergeCaseForm(forms.Form):
    psa_case = CaseChoice(label=_("the PSA's case"), queryset=Case.objects.none())
    on = forms.DateField(label=_("merged on"), widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))

    def __init__(self, *args, psa_cases, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["psa_case"].queryset = psa_cases
        self.fields["on"].initial = timezone.localdate()

    def clean_on(self):
        return _not_future(self.cleaned_data.get("on"))


class ApprovalDecisionForm(forms.Form):
    """The supervisor's decision on a case plan or closure: approve, or return it with the reason."""

    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("return", _("Return"))],
                                 widget=forms.HiddenInput,
                                 error_messages={"required": _("Choose Approve or Return"),
                                                 "invalid_choice": _("Choose Approve or Return")})
    comment = forms.CharField(label=_("Comment"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 3}),
                              help_text=_("Required when returning: what the worker should change"))

    def clean(self):
        data = super().clean()
        if data.get("decision") == "return" and not (data.get("comment") or "").strip():
            self.add_error("comment", _("Say why you are returning it, so the worker knows what to change"))
        return data
