"""Set-up forms: what a supervisor or organisation administrator fills in, checked as the funder reads it."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from tongxing.accounts.models import Level
from tongxing.activities.models import ActivityFormat, ActivityKind, Group, GroupKind
from tongxing.lib.concurrency import EditGuard, Snapshot
from tongxing.organisations.models import Agency, OpeningHours, Role, Staff, Unit
from tongxing.outcomes.models import Instrument
from tongxing.prevention.models import Institution, Kpi, PreReleaseSession
from tongxing.projects.models import OutcomeIndicator, OutputIndicator, OutputKind, Programme, Project
from tongxing.standards.codes import OUTCOME_STANDARDS, OUTPUT_STANDARDS, RATIO_STANDARDS
from tongxing.standards.models import AgreedLevel

STANDARDS = {**OUTPUT_STANDARDS, **OUTCOME_STANDARDS}
# Shares of a whole: a school or a case can be counted at most once. OC10 (training sessions per post) can pass 100%.
AT_MOST_100 = RATIO_STANDARDS - {"OC10"}
HOURS = {"OS17"}
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def standard_name(code: str) -> str:
    zh, en = STANDARDS[code]
    return zh if (get_language() or "").startswith("zh") else en


def as_percent(value: Decimal) -> str:
    """A stored fraction as the percentage a supervisor types (0.55 -> 55)."""
    return format((Decimal(value) * 100).normalize(), "f")


def as_number(value: Decimal) -> str:
    return format(Decimal(value).normalize(), "f")


class AgreedLevelsSnapshot(Snapshot):
    """One unit's agreed levels for one year, as the edit guard compares them."""

    exists = True

    def __init__(self, unit, fy):
        self.unit, self.fy, self.names = unit, fy, list(STANDARDS)
        self.stored = dict(AgreedLevel.objects.filter(unit=unit, fy=fy).values_list("standard", "value"))

    def values(self):
        return {code: str(self.stored[code]) if code in self.stored else None for code in self.names}

    def fresh(self):
        return AgreedLevelsSnapshot(self.unit, self.fy)

    def describe(self, code):
        value = self.stored.get(code)
        if value is None:
            return f"{code} {standard_name(code)}", "—"
        return f"{code} {standard_name(code)}", (as_percent(value) + "%" if code in RATIO_STANDARDS
                                                 else as_number(value))

    def audit_object(self):
        return "standards.agreedlevel", f"{self.unit.code}/{self.fy}"


class AgreedLevelsForm(EditGuard, forms.Form):
    """One year's agreed levels: counts as counts (OS17 in hours), rates as percentages; none negative."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for code in STANDARDS:
            ratio = code in RATIO_STANDARDS
            self.fields[code] = forms.DecimalField(
                label=f"{code} {standard_name(code)}", required=False, min_value=0,
                max_value=100 if code in AT_MOST_100 else None,
                decimal_places=2 if ratio or code in HOURS else 0, max_digits=10,
                widget=forms.NumberInput(attrs={"min": "0", "step": "0.01" if ratio or code in HOURS else "1",
                                                "inputmode": "decimal"}),
                help_text=_("%") if ratio else (_("hours") if code in HOURS else ""),
                error_messages={
                    "min_value": _("An agreed level cannot be negative"),
                    "max_value": _("A percentage cannot be more than 100"),
                    "max_decimal_places": _("Enter a whole number") if not (ratio or code in HOURS)
                    else _("Enter at most 2 decimal places"),
                    "invalid": _("Enter a number"),
                })

    @staticmethod
    def initial_from(levels: dict[str, Decimal]) -> dict[str, str]:
        return {code: as_percent(v) if code in RATIO_STANDARDS else as_number(v) for code, v in levels.items()}

    def stored_values(self) -> dict[str, Decimal | None]:
        """The values as the engine reads them: rates as fractions."""
        out = {}
        for code in STANDARDS:
            v = self.cleaned_data.get(code)
            out[code] = None if v is None else (v / 100 if code in RATIO_STANDARDS else v)
        return out

    def ratio_fields(self):
        return [self[c] for c in STANDARDS if c in RATIO_STANDARDS]

    def count_fields(self):
        return [self[c] for c in STANDARDS if c not in RATIO_STANDARDS]


class UnitScopedForm(EditGuard, forms.ModelForm):
    """A set-up form whose choices come from one unit."""

    def __init__(self, *args, unit: Unit, **kwargs):
        self.unit = unit
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, forms.DateInput):
                field.widget = DATE


class ProjectForm(UnitScopedForm):
    class Meta:
        model = Project
        fields = ["code", "title", "title_en", "funder", "start", "end"]

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if Project.objects.filter(unit=self.unit, code=code).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("This unit already has a project with this code"))
        return code

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The end cannot be before the start"))
        return data


class ProgrammeForm(EditGuard, forms.ModelForm):
    activity_kinds = forms.MultipleChoiceField(label=_("Activity kinds"), choices=ActivityKind.choices,
                                               required=False, widget=forms.CheckboxSelectMultiple,
                                               help_text=_("None chosen: every kind"))
    group_kinds = forms.MultipleChoiceField(label=_("Group kinds"), choices=GroupKind.choices, required=False,
                                            widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Programme
        fields = ["name", "name_en", "activity_kinds", "activity_format", "group_kinds", "case_type", "staff", "groups"]
        widgets = {"staff": forms.CheckboxSelectMultiple, "groups": forms.CheckboxSelectMultiple}

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = Staff.objects.filter(unit=project.unit).order_by("name")
        self.fields["groups"].queryset = Group.objects.filter(unit=project.unit).order_by("-pk")
        self.fields["activity_format"].choices = [("", "—"), *ActivityFormat.choices]


class OutputIndicatorForm(EditGuard, forms.ModelForm):
    class Meta:
        model = OutputIndicator
        fields = ["number", "order", "description", "description_en", "kind", "programme", "at_least", "at_most",
                  "target", "target_is_percent"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2}),
                   "description_en": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, project: Project, **kwargs):
        self.project = project
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = project.programmes.order_by("pk")

    def clean_number(self):
        number = self.cleaned_data["number"].strip()
        if OutputIndicator.objects.filter(project=self.project, number=number).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("This project already has an indicator with this number"))
        return number

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind and kind != OutputKind.MANUAL and not data.get("programme"):
            self.add_error("programme", _("Choose the programme whose sessions this indicator counts"))
        if kind in (OutputKind.ATTENDING, OutputKind.PERSONS_BETWEEN) and data.get("at_least") is None:
            self.add_error("at_least", _("Enter the number of sessions"))
        if kind == OutputKind.PERSONS_BETWEEN and data.get("at_least") is not None and (
                data.get("at_most") is None or data["at_most"] < data["at_least"]):
            self.add_error("at_most", _("Enter an upper number of sessions not below the lower one"))
        if data.get("target") is not None and data["target"] <= 0:
            self.add_error("target", _("The target must be more than 0"))
        return data


class OutcomeIndicatorForm(EditGuard, forms.ModelForm):
    class Meta:
        model = OutcomeIndicator
        fields = ["number", "order", "description", "description_en", "instrument", "group", "criterion",
                  "threshold", "alpha", "rule", "min_change", "after"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2}),
                   "description_en": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, project: Project, **kwargs):
        self.project = project
        super().__init__(*args, **kwargs)
        self.fields["instrument"].queryset = Instrument.objects.filter(
            Q(organisation__isnull=True) | Q(organisation=project.unit.organisation)).order_by("name")
        self.fields["group"].queryset = Group.objects.filter(unit=project.unit).order_by("-pk")

    def clean_number(self):
        number = self.cleaned_data["number"].strip()
        if OutcomeIndicator.objects.filter(project=self.project, number=number).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("This project already has an indicator with this number"))
        return number

    def clean_threshold(self):
        value = self.cleaned_data["threshold"]
        if value is not None and not 0 <= value <= 100:
            raise forms.ValidationError(_("Enter a percentage from 0 to 100"))
        return value


class KpiForm(UnitScopedForm):
    class Meta:
        model = Kpi
        fields = ["name", "formula", "target", "as_percent", "comparison", "starts", "ends"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.unit = self.unit

    def clean_target(self):
        value = self.cleaned_data["target"]
        if value is not None and value < 0:
            raise forms.ValidationError(_("A target cannot be negative"))
        return value

    def clean(self):
        data = super().clean()
        if data.get("starts") and data.get("ends") and data["ends"] < data["starts"]:
            self.add_error("ends", _("The end cannot be before the start"))
        return data


class InstitutionForm(UnitScopedForm):
    class Meta:
        model = Institution
        fields = ["name"]

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if Institution.objects.filter(unit=self.unit, name=name).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("This unit already has an institution with this name"))
        return name


class AgencyForm(UnitScopedForm):
    class Meta:
        model = Agency
        fields = ["name", "in_use"]

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(_("Give the agency's name"))
        if Agency.objects.filter(unit=self.unit, name=name).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("This unit already has an agency with this name"))
        return name


class PreReleaseSessionForm(UnitScopedForm):
    class Meta:
        model = PreReleaseSession
        fields = ["institution", "kind", "date", "participants"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = Institution.objects.filter(unit=self.unit).order_by("name")

    def clean_date(self):
        day = self.cleaned_data["date"]
        if day > timezone.localdate(timezone=zoneinfo.ZoneInfo(self.unit.timezone)):
            raise forms.ValidationError(_("The date cannot be after today"))
        return day


TIME_ZONES = [("Asia/Hong_Kong", _("Hong Kong")), ("Asia/Taipei", _("Taiwan")), ("Asia/Macau", _("Macao"))]


class UnitForm(EditGuard, forms.ModelForm):
    """The unit's name, time zone, whether case plans and closures need a supervisor's approval, and opening hours
    (OS1a counts outreach outside them)."""

    class Meta:
        model = Unit
        fields = ["name", "timezone", "approval_required"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["timezone"] = forms.ChoiceField(label=self.fields["timezone"].label, choices=TIME_ZONES)
        hours = {h.weekday: h for h in self.instance.opening_hours.all()} if self.instance.pk else {}
        for i, day in enumerate(OpeningHours.WEEKDAYS, start=1):
            row = hours.get(i)
            for end in ("opens", "closes"):
                self.fields[f"{day}_{end}"] = forms.TimeField(
                    label=f"{WEEKDAY_NAMES[i - 1]} · {_('opens') if end == 'opens' else _('closes')}", required=False,
                    initial=getattr(row, end) if row else None,
                    widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))

    def clean(self):
        data = super().clean()
        for day in OpeningHours.WEEKDAYS:
            opens, closes = data.get(f"{day}_opens"), data.get(f"{day}_closes")
            if (opens is None) != (closes is None):
                self.add_error(f"{day}_closes" if opens else f"{day}_opens",
                               _("Enter both times, or neither for a day the unit is closed"))
            elif opens is not None and closes <= opens:
                self.add_error(f"{day}_closes", _("The closing time must be after the opening time"))
        return data

    def hours(self) -> dict[int, tuple[dt.time, dt.time]]:
        return {i: (self.cleaned_data[f"{d}_opens"], self.cleaned_data[f"{d}_closes"])
                for i, d in enumerate(OpeningHours.WEEKDAYS, start=1) if self.cleaned_data.get(f"{d}_opens")}

    def day_rows(self):
        return [(WEEKDAY_NAMES[i], self[f"{d}_opens"], self[f"{d}_closes"])
                for i, d in enumerate(OpeningHours.WEEKDAYS)]


WEEKDAY_NAMES = [_("Monday"), _("Tuesday"), _("Wednesday"), _("Thursday"), _("Friday"), _("Saturday"), _("Sunday")]
UNIT_LEVELS = [Level.WORKER, Level.SUPERVISOR, Level.COORDINATOR]


class UserForm(forms.Form):
    """A login for a colleague: their access level and, for front-line staff, their professional roles."""

    username = forms.CharField(label=_("Username"), max_length=150)
    name = forms.CharField(label=_("Name"), max_length=200)
    level = forms.ChoiceField(label=_("Access level"))
    roles = forms.MultipleChoiceField(label=_("Roles"), choices=Role.choices, required=False,
                                      widget=forms.CheckboxSelectMultiple)
    password = forms.CharField(label=_("First password"), widget=forms.PasswordInput(render_value=False),
                               help_text=_("Give it to the colleague in person; they change it after signing in"))

    def __init__(self, *args, levels, editing=None, **kwargs):
        self.editing = editing
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = [(lv.value, lv.label) for lv in levels]
        if editing is not None:
            self.fields["username"].disabled = True
            self.fields["password"].required = False
            self.fields["password"].label = _("New password")
            self.fields["password"].help_text = _("Leave empty to keep the current password")

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        if self.editing is None and get_user_model().objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("This username is taken"))
        return username

    def clean_password(self):
        password = self.cleaned_data.get("password")
        if password:
            validate_password(password)
        return password


MAX_SHEET_BYTES = 50 * 1024 * 1024


class SheetImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of records"))
    file = forms.FileField(label=_("Spreadsheet (.xlsx or .csv)"), required=False)
    token = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        from tongxing.exchange.spreadsheet import KINDS

        super().__init__(*args, **kwargs)
        zh = (get_language() or "").startswith("zh")
        self.fields["kind"].choices = [(k.name, k.zh if zh else k.en) for k in KINDS.values()]

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if upload is None and not data.get("token"):
            self.add_error("file", _("Choose an .xlsx or .csv file"))
        elif upload is not None and upload.size > MAX_SHEET_BYTES:
            self.add_error("file", _("The file is larger than %(mb)s MB.") % {"mb": MAX_SHEET_BYTES // 2**20})
        elif upload is not None and not upload.name.lower().endswith((".xlsx", ".xlsm", ".csv")):
            self.add_error("file", _("Choose an .xlsx or .csv file"))
        return data
