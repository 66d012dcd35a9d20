from django import forms
from django.utils.translation import gettext_lazy as _

from tongxing.cases.forms import staff_options
from tongxing.organisations.models import Staff

from .models import TeamRole


class TeamMemberForm(forms.Form):
    staff = forms.ModelChoiceField(queryset=Staff.objects.none(), label=_("Staff member"))
    role = forms.ChoiceField(choices=TeamRole.choices, label=_("Role on the case"))

    def __init__(self, *args, case, staff=None, **kwargs):
        """`staff`: the unit's staff as (id, name) pairs (cases.selectors.unit_staff_names), as the case page
        has read them."""
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = (Staff.objects.filter(unit=case.unit).exclude(pk=case.worker_id)
                                         .order_by("name"))
        if staff is not None:
            staff_options(self.fields["staff"], staff, leave_out=case.worker_id)


class BreakGlassForm(forms.Form):
    reason = forms.CharField(label=_("Why you need to open this record now"), min_length=10, max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("Your supervisor sees this reason with your name and the time."))


class MedicalAccessForm(forms.Form):
    staff = forms.ModelChoiceField(queryset=Staff.objects.none(), label=_("Nurse or doctor"))

    def __init__(self, *args, unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = (Staff.objects.filter(unit=unit, roles__role__in=["nurse", "doctor"],
                                                              user__isnull=False).distinct().order_by("name"))
