"""Forms for logging work: one activity form shaped by a profile per kind of work, and the referral loop."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongxing.accounts.scope import cases_for, people_for
from tongxing.cases.models import (
    NOT_A_REFERRAL,
    Case,
    Referral,
    ReferralCategory,
    ReferralStatus,
    categories_for,
)
from tongxing.lib.concurrency import EditGuard, Snapshot
from tongxing.organisations.models import Agency, Role, School, Staff, Workplace
from tongxing.people.models import Drug, Person
from tongxing.privacy.models import LegalBasis
from tongxing.privacy.services import consent_for
from tongxing.projects.models import Project

from .models import (
    VITAL_RANGES,
    Activity,
    ActivityKind,
    Funding,
    Group,
    MedicalAssessment,
    NursingRecord,
    UrineResult,
)
from .selectors import unit_staff
from .services import allowed_next

DURATIONS = (15, 30, 45, 60, 90, 120, 180)
# An end time before the start means the session ran past midnight, but only for a plausible night.
LONGEST_OVERNIGHT = dt.timedelta(hours=12)


@dataclass(frozen=True)
class Profile:
    """What one kind of work asks for: its kinds, whether people are named, and its own fields."""

    slug: str
    title: str
    kinds: tuple
    fields: tuple = ("note",)
    people_required: bool = True
    staff_role: str = ""
    future_allowed: bool = False


PROFILES = {p.slug: p for p in (
    Profile("contact", _("contact"),
            (ActivityKind.INTERVIEW, ActivityKind.PHONE, ActivityKind.HOME_VISIT, ActivityKind.ESCORT,
             ActivityKind.BRIEF_COUNSELLING, ActivityKind.HOTLINE_CALL, ActivityKind.OTHER)),
    Profile("outreach", _("outreach log"), (ActivityKind.OUTREACH,),
            ("place", "psa_contacted", "headcount", "note"), people_required=False),
    Profile("education", _("education and publicity"),
            (ActivityKind.EDUCATION, ActivityKind.PROFESSIONAL_TRAINING),
            ("format", "school", "workplace", "headcount", "place", "full_day", "note"), people_required=False),
    Profile("consultation", _("consultation"), (ActivityKind.CONSULTATION,), ("funded_by", "note")),
    Profile("nursing", _("nursing session"), (ActivityKind.NURSING,), ("note",), staff_role=Role.NURSE),
    Profile("homemaker", _("home-maker service"), (ActivityKind.HOMEMAKER_SERVICE,), ("place", "note"),
            staff_role=Role.HOMEMAKER),
    Profile("session", _("group session"), (ActivityKind.GROUP_SESSION,), ("place", "full_day", "note"),
            people_required=False, future_allowed=True),
)}
KIND_PROFILE = {kind: p.slug for p in PROFILES.values() for kind in p.kinds}
OPTIONAL_FIELDS = ("format", "school", "workplace", "headcount", "psa_contacted", "place", "full_day", "funded_by",
                   "note")


class StaffChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, staff):
        roles = "、".join(str(r) for r in staff.roles.all())
        return f"{staff.name}（{roles}）" if roles else staff.name


def _date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ActivityForm(EditGuard, forms.ModelForm):
    """Date, start, and an end time or a duration button; staff defaults to the user; people and case
    come from where the user started (?case=, ?person=) or the person search."""

    date = forms.DateField(label=_("date"), widget=_date_input())
    start_time = forms.TimeField(label=_("start time"), widget=forms.TimeInput(attrs={"type": "time"}))
    end_time = forms.TimeField(label=_("end time"), required=False,
                               widget=forms.TimeInput(attrs={"type": "time"}))
    duration = forms.TypedChoiceField(label=_("duration"), required=False, coerce=int, empty_value=None,
                                      choices=[(m, m) for m in DURATIONS], widget=forms.RadioSelect)
    staff = StaffChoices(label=_("staff"), queryset=Staff.objects.none(), widget=forms.CheckboxSelectMultiple,
                         error_messages={"required": _("choose at least one staff member")})
    people = forms.ModelMultipleChoiceField(label=_("people served"), queryset=Person.objects.none(),
                                            required=False, widget=forms.MultipleHiddenInput)
    case = forms.ModelChoiceField(label=_("case"), queryset=Case.objects.none(), required=False,
                                  widget=forms.HiddenInput)

    class Meta:
        model = Activity
        fields = ("kind", "case", *OPTIONAL_FIELDS, "project")
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, profile: Profile, unit, me: Staff | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.profile, self.unit = user, profile, unit
        self.tz = zoneinfo.ZoneInfo(unit.timezone)
        for name in OPTIONAL_FIELDS:
            if name not in profile.fields:
                del self.fields[name]
        kind = self.fields["kind"]
        kind.choices = [(k.value, k.label) for k in profile.kinds]
        if len(profile.kinds) == 1:
            kind.widget = forms.HiddenInput()
            kind.initial = profile.kinds[0]
        self.fields["staff"].queryset = unit_staff(unit)
        projects = Project.objects.filter(unit=unit).order_by("-start", "code")
        if projects.exists() or self.instance.project_id:
            self.fields["project"].queryset = projects
            self.fields["project"].empty_label = _("None: the centre's own work")
            self.fields["project"].help_text = _("Tag the activity to the funded project it was run for")
        else:
            del self.fields["project"]
        self.fields["people"].queryset = people_for(user).filter(unit=unit, merged_into__isnull=True)
        self.fields["case"].queryset = cases_for(user).filter(unit=unit)
        if "school" in self.fields:
            self.fields["school"].queryset = School.objects.filter(unit=unit).order_by("name")
            self.fields["workplace"].queryset = Workplace.objects.filter(unit=unit).order_by("name")
            self.fields["format"].required = True
        if "funded_by" in self.fields:
            self.fields["funded_by"].initial = Funding.MEDICAL_SUPPORT
        if "place" in self.fields and profile.slug == "outreach":
            self.fields["place"].required = True
        if "headcount" in self.fields:
            self.fields["headcount"].required = False
        if "psa_contacted" in self.fields:
            self.fields["psa_contacted"].required = True
            self.fields["psa_contacted"].help_text = _("suspected or confirmed PSA contacted directly")
        self.fields["end_time"].help_text = _("earlier than the start means past midnight")
        if self.instance.pk:
            start, end = self.instance.start.astimezone(self.tz), self.instance.end.astimezone(self.tz)
            self.initial.update(date=start.date(), start_time=start.time().replace(second=0, microsecond=0),
                                end_time=end.time().replace(second=0, microsecond=0),
                                staff=list(self.instance.staff.all()), people=self._visible_people(),
                                case=self.instance.case)
        else:
            self.initial.setdefault("date", timezone.localdate())
            if me is not None and me.unit_id == unit.pk:
                self.initial.setdefault("staff", [me])

    def _visible_people(self) -> list[Person]:
        """The activity's people the user may see, in the order they were added."""
        order = list(self.instance.attendance.order_by("pk").values_list("person_id", flat=True))
        visible = {p.pk: p for p in self.fields["people"].queryset.filter(pk__in=order)}
        return [visible[pk] for pk in order if pk in visible]

    def extra_fields(self):
        """The profile's own fields, in its order, after the common ones, then the project it is tagged to."""
        return [self[name] for name in (*self.profile.fields, "project") if name in self.fields]

    def selected_people(self) -> list[Person]:
        """The people to show as chosen: what was posted (if valid ids) or the initial ones."""
        if self.is_bound:
            ids = [v for v in self.data.getlist(self.add_prefix("people")) if str(v).isdigit()]
            return list(self.fields["people"].queryset.filter(pk__in=ids).order_by("name"))
        return list(self.initial.get("people") or [])

    def selected_case(self) -> Case | None:
        if self.is_bound:
            value = self.data.get(self.add_prefix("case"))
            return self.fields["case"].queryset.filter(pk=value).first() if str(value).isdigit() else None
        return self.initial.get("case")

    def clean_headcount(self):
        return self.cleaned_data.get("headcount") or 0

    def _times(self, cd):
        day, start_time = cd.get("date"), cd.get("start_time")
        if day is None or start_time is None:
            return None, None
        if day > timezone.localdate() and not self.profile.future_allowed:
            self.add_error("date", _("the date cannot be in the future"))
        start = dt.datetime.combine(day, start_time, tzinfo=self.tz)
        end_time, minutes = cd.get("end_time"), cd.get("duration")
        if end_time is not None:
            end = dt.datetime.combine(day, end_time, tzinfo=self.tz)
            if end_time == start_time:
                self.add_error("end_time", _("the end must be after the start"))
                return None, None
            if end < start:
                end += dt.timedelta(days=1)
                if end - start > LONGEST_OVERNIGHT:
                    self.add_error("end_time", _("the end is before the start"))
                    return None, None
            return start, end
        if minutes:
            return start, start + dt.timedelta(minutes=minutes)
        self.add_error("duration", _("choose a duration or enter the end time"))
        return None, None

    def _people(self, cd) -> list[Person]:
        if self.profile.slug == "session":
            # A session's people are marked on its attendance sheet, not here.
            return list(self.instance.people.all()) if self.instance.pk else []
        # Keep the order people were added: brief counselling serves the first one (OS9).
        order = {v: i for i, v in enumerate(self.data.getlist(self.add_prefix("people")))}
        people = sorted(cd.get("people") or [], key=lambda p: order.get(str(p.pk), len(order)))
        if self.instance.pk:
            # People the user cannot see (another worker's clients at a shared session) stay as they are.
            people += list(self.instance.people.exclude(pk__in=self.fields["people"].queryset.values("pk")))
        if not people and self.profile.people_required:
            if cd.get("case") is not None:
                return [cd["case"].client]
            self.add_error("people", _("add at least one person served"))
        return people

    def clean(self):
        cd = super().clean()
        start, end = self._times(cd)
        if start is not None:
            self.instance.start, self.instance.end = start, end
        cd["people"] = self._people(cd)
        staff = cd.get("staff")
        if staff and self.profile.staff_role and not any(
                r.role == self.profile.staff_role for s in staff for r in s.roles.all()):
            self.add_error("staff", _("the staff must include a %(role)s")
                           % {"role": Role(self.profile.staff_role).label})
        project = cd.get("project")
        if project is not None and cd.get("date") is not None and not project.start <= cd["date"] <= project.end:
            self.add_error("project", _("The activity's date is outside the project period (%(start)s to %(end)s)")
                           % {"start": project.start.isoformat(), "end": project.end.isoformat()})
        if cd.get("school") and cd.get("workplace"):
            self.add_error("workplace", _("choose a school or a workplace, not both"))
        return cd


NOT_TESTED = "not_tested"


class NursingForm(forms.ModelForm):
    """A nursing session's clinical record, posted with its activity: vital signs in plausible ranges, a urine
    drug panel over the product's drug list (each substance negative, positive or not tested), medication notes."""

    class Meta:
        model = NursingRecord
        fields = ("systolic", "diastolic", "pulse", "temperature", "weight", "medication")
        widgets = {"medication": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, (low, high, _unit) in VITAL_RANGES.items():
            self.fields[name].widget.attrs.update(min=low, max=high, inputmode="decimal")
        tested = dict(self.instance.urine.values_list("drug", "result")) if self.instance.pk else {}
        for drug in Drug:
            self.fields[f"urine_{drug.value}"] = forms.ChoiceField(
                label=drug.label, initial=tested.get(drug.value, NOT_TESTED), widget=forms.RadioSelect,
                choices=[(NOT_TESTED, _("Not tested")), *UrineResult.choices])

    def urine_fields(self):
        return [self[f"urine_{drug.value}"] for drug in Drug]

    def vital_fields(self):
        return [self[name] for name in VITAL_RANGES]

    def clean(self):
        data = super().clean()
        for name, (low, high, unit) in VITAL_RANGES.items():
            value = data.get(name)
            if value is not None and not low <= value <= high:
                self.add_error(name, _("Enter a value from %(low)s to %(high)s %(unit)s.")
                               % {"low": low, "high": high, "unit": unit})
        systolic, diastolic = data.get("systolic"), data.get("diastolic")
        if (systolic is None) != (diastolic is None) and not self.has_error("systolic") \
                and not self.has_error("diastolic"):
            self.add_error("diastolic" if systolic is not None else "systolic",
                           _("Enter both figures of the blood pressure, systolic and diastolic."))
        elif systolic is not None and diastolic is not None and systolic <= diastolic:
            self.add_error("diastolic", _("The diastolic pressure must be lower than the systolic."))
        return data

    def urine_results(self) -> dict[str, str]:
        """The substances tested and their results."""
        return {drug.value: self.cleaned_data[f"urine_{drug.value}"] for drug in Drug
                if self.cleaned_data.get(f"urine_{drug.value}", NOT_TESTED) != NOT_TESTED}

    def has_clinical_data(self) -> bool:
        return bool(self.urine_results()) or any(
            self.cleaned_data.get(f) not in (None, "") for f in self.Meta.fields)


class ActivityFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), required=False,
                             choices=[("", _("all"))] + list(ActivityKind.choices))
    date_from = forms.DateField(label=_("from"), required=False, widget=_date_input())
    date_to = forms.DateField(label=_("to"), required=False, widget=_date_input())
    staff = forms.ModelChoiceField(label=_("staff"), required=False, queryset=Staff.objects.none())
    q = forms.CharField(label=_("search"), required=False, max_length=100)
    mine = forms.BooleanField(label=_("mine only"), required=False)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = Staff.objects.filter(unit__in=units).order_by("name")

    def clean(self):
        cd = super().clean()
        if cd.get("date_from") and cd.get("date_to") and cd["date_from"] > cd["date_to"]:
            self.add_error("date_to", _("the end date must follow the start date"))
        return cd


class GroupForm(forms.ModelForm):
    class Meta:
        model = Group
        fields = ("kind", "title")


class AttendanceForm(forms.Form):
    present = forms.ModelMultipleChoiceField(queryset=Person.objects.none(), required=False,
                                             widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, visible, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].queryset = visible
        self.fields["present"].error_messages["invalid_choice"] = _(
            "%(value)s is not a person you can mark")


class ChosenPersonMixin:
    """Forms naming one person through the search: the person to show as chosen."""

    def chosen(self) -> list[Person]:
        value = self["person"].value()
        if isinstance(value, Person):
            return [value]
        return list(self.fields["person"].queryset.filter(pk=value)) if str(value or "").isdigit() else []


class RecordedNotLaterThanToday:
    """Assessments and referrals record what has happened: their date cannot be in the future."""

    def clean_date(self):
        day = self.cleaned_data["date"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("the date cannot be in the future"))
        return day


class MedicalAssessmentForm(RecordedNotLaterThanToday, ChosenPersonMixin, forms.ModelForm):
    person = forms.ModelChoiceField(label=_("person"), queryset=Person.objects.none(), widget=forms.HiddenInput,
                                    error_messages={"required": _("choose the person assessed")})

    class Meta:
        model = MedicalAssessment
        fields = ("person", "date", "by", "health_condition", "drug_needs", "plan", "plan_details")
        widgets = {"date": _date_input(), "health_condition": forms.Textarea(attrs={"rows": 4}),
                   "drug_needs": forms.Textarea(attrs={"rows": 4}), "plan_details": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "health_condition": _("Physical and mental health, observations and any test results."),
            "drug_needs": _("Drugs used, pattern and recent use, and the drug-related needs found."),
            "plan_details": _("The intervention or treatment agreed: what, by whom, when to review."),
        }

    def __init__(self, *args, user, unit, me=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people_for(user).filter(unit=unit, merged_into__isnull=True)
        assessors = Staff.objects.filter(
            unit=unit, roles__role__in=(Role.DOCTOR, Role.NURSE)).distinct().order_by("name")
        self.fields["by"].queryset = assessors
        self.fields["by"].help_text = _("a doctor or nurse")
        self.fields["health_condition"].required = True
        self.fields["drug_needs"].required = True
        self.initial.setdefault("date", timezone.localdate())
        # The signed-in nurse or doctor is the usual assessor.
        if me is not None and not self.initial.get("by") and assessors.filter(pk=me.pk).exists():
            self.initial["by"] = me.pk

    def clean(self):
        data = super().clean()
        details = (data.get("plan_details") or "").strip()
        if data.get("plan") and not details:
            self.add_error("plan_details", _("Write the intervention or treatment plan, or untick the plan."))
        elif details and not data.get("plan"):
            self.add_error("plan", _("Tick this box when the assessment ends with a plan (the plan is written "
                                     "below)."))
        return data


class ReferralForm(RecordedNotLaterThanToday, ChosenPersonMixin, forms.ModelForm):
    person = forms.ModelChoiceField(label=_("person"), queryset=Person.objects.none(), widget=forms.HiddenInput,
                                    error_messages={"required": _("choose the person referred")})
    case = forms.ModelChoiceField(label=_("case"), queryset=Case.objects.none(), required=False,
                                  widget=forms.HiddenInput)
    destination = forms.ModelChoiceField(
        label=_("Agency"), queryset=Agency.objects.none(),
        error_messages={"required": _("Choose the agency from the unit's list"),
                        "invalid_choice": _("Choose the agency from the unit's list")},
        help_text=_("The unit's supervisor keeps the list of agencies on the set-up pages."))
    legal_basis = forms.ChoiceField(
        label=_("legal basis if there is no consent"), required=False,
        choices=[("", "—"), *LegalBasis.choices],
        help_text=_("A referral out discloses personal data: it needs the person's valid consent for this "
                    "agency, or another legal basis."))
    legal_basis_note = forms.CharField(
        label=_("Legal basis: details"), required=False, max_length=250,
        help_text=_("Which law, order or danger, and who decided (for example the court and the case number)."))

    class Meta:
        model = Referral
        fields = ("person", "case", "direction", "category", "destination", "date", "reason", "notes")
        widgets = {"date": _date_input(), "reason": forms.Textarea(attrs={"rows": 3}),
                   "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, unit, awaiting_consent=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.awaiting_consent = awaiting_consent
        self.needs_consent = False
        self.fields["person"].queryset = people_for(user).filter(unit=unit, merged_into__isnull=True)
        self.fields["case"].queryset = cases_for(user).filter(unit=unit)
        self.fields["direction"].initial = "out"
        # Each region's funder counts referrals by its own destination categories.
        self.fields["category"].choices = [("", "—"), *categories_for(unit)]
        self.fields["destination"].queryset = Agency.objects.filter(unit=unit, in_use=True).order_by("name")
        self.initial.setdefault("date", timezone.localdate())

    def clean(self):
        data = super().clean()
        basis, note = data.get("legal_basis"), " ".join(data.get("legal_basis_note", "").split())
        if basis and len(note) < 5:
            self.add_error("legal_basis_note", _("Say which law, order or danger the disclosure relies on."))
        elif note and not basis:
            self.add_error("legal_basis", _("Choose the legal basis the details are about."))
        # Stored with the disclosure as "basis: details", the basis as its stable code.
        data["legal_basis"] = f"{basis}: {note}" if basis and len(note) >= 5 else ""
        person, agency = data.get("person"), data.get("destination")
        if (data.get("direction") == "out" and person and agency and not data.get("legal_basis")
                and consent_for(person, agency) is None):
            # Saved as waiting for consent when the worker asks for it; refused otherwise.
            self.needs_consent = True
            if not self.awaiting_consent:
                self.add_error("legal_basis", _("No valid consent for this agency: record the consent first, or "
                                                "give another legal basis."))
        return data


class ReferralStatusForm(EditGuard, forms.Form):
    status = forms.ChoiceField(label=_("new status"), choices=ReferralStatus.choices,
                               widget=forms.RadioSelect)
    date = forms.DateField(label=_("date"), widget=_date_input())

    def __init__(self, *args, referral: Referral, **kwargs):
        super().__init__(*args, guard=Snapshot(referral, ["status", "status_date"]), **kwargs)
        self.referral = referral
        self.fields["status"].choices = [(s.value, s.label) for s in map(ReferralStatus, allowed_next(referral))]
        self.initial.setdefault("date", timezone.localdate())

    def clean_date(self):
        day = self.cleaned_data["date"]
        since = self.referral.status_date or self.referral.date
        if day < since:
            raise forms.ValidationError(_("the date cannot be before %(since)s")
                                        % {"since": since.isoformat()})
        if day > timezone.localdate():
            raise forms.ValidationError(_("the date cannot be in the future"))
        return day


class ReferralCancelForm(forms.Form):
    """A referral cancelled or withdrawn before it was acted on: it leaves every count and keeps its reason."""

    status = forms.ChoiceField(label=_("Cancelled or withdrawn"), widget=forms.RadioSelect,
                               choices=[(s.value, s.label) for s in map(ReferralStatus, NOT_A_REFERRAL)])
    date = forms.DateField(label=_("Date"), widget=_date_input())
    reason = forms.CharField(label=_("Reason for cancelling or withdrawing"), max_length=250,
                             error_messages={"required": _("Say why the referral is cancelled or withdrawn")})

    def __init__(self, *args, referral: Referral, **kwargs):
        super().__init__(*args, prefix="cancel", **kwargs)
        self.referral = referral
        self.initial.setdefault("date", timezone.localdate())

    def clean_reason(self):
        reason = " ".join(self.cleaned_data["reason"].split())
        if not reason:
            raise forms.ValidationError(_("Say why the referral is cancelled or withdrawn"))
        return reason

    def clean_date(self):
        day = self.cleaned_data["date"]
        since = self.referral.status_date or self.referral.date
        if day < since:
            raise forms.ValidationError(_("the date cannot be before %(since)s")
                                        % {"since": since.isoformat()})
        if day > timezone.localdate():
            raise forms.ValidationError(_("the date cannot be in the future"))
        return day


class AssessmentFilterForm(forms.Form):
    date_from = forms.DateField(label=_("from"), required=False, widget=_date_input())
    date_to = forms.DateField(label=_("to"), required=False, widget=_date_input())
    plan = forms.ChoiceField(label=_("treatment plan"), required=False, choices=[
        ("", _("all")), ("yes", _("with a plan")), ("no", _("without a plan"))])


class ReferralFilterForm(forms.Form):
    outstanding = forms.BooleanField(label=_("outstanding only"), required=False)
    direction = forms.ChoiceField(label=_("direction"), required=False,
                                  choices=[("", _("all")), ("in", _("in")), ("out", _("out"))])
    status = forms.ChoiceField(label=_("status"), required=False,
                               choices=[("", _("all"))] + list(ReferralStatus.choices))
    category = forms.ChoiceField(label=_("category"), required=False,
                                 choices=[("", _("all"))] + list(ReferralCategory.choices))
    date_from = forms.DateField(label=_("from"), required=False, widget=_date_input())
    date_to = forms.DateField(label=_("to"), required=False, widget=_date_input())

