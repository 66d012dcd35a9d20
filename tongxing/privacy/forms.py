from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongxing.organisations.models import Agency

from .models import Consent


class ConsentForm(forms.ModelForm):
    """A consent to disclose to one agency of the unit's list (set-up → Agencies), not to a name typed in."""

    agency = forms.ModelChoiceField(label=_("To which agency"), queryset=Agency.objects.none(),
                                    error_messages={"required": _("Choose the agency from the unit's list"),
                                                    "invalid_choice": _("Choose the agency from the unit's list")})

    class Meta:
        model = Consent
        fields = ["agency", "information", "purpose", "given_on", "expires_on"]
        # ISO dates: a date input shows nothing for a value written in the language's own format.
        widgets = {"given_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                   "expires_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.filter(unit=unit, in_use=True).order_by("name")
        self.fields["agency"].help_text = _("The unit's supervisor keeps the list of agencies on the set-up pages.")

    def clean_given_on(self):
        day = self.cleaned_data["given_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("the date cannot be in the future"))
        return day

    def clean(self):
        data = super().clean()
        given, expires = data.get("given_on"), data.get("expires_on")
        if given and expires and expires < given:
            self.add_error("expires_on", _("A consent cannot expire before it was given"))
        return data


class ReferralConsentForm(ConsentForm):
    """The consent a referral waits for, recorded from the referral: the person and the agency are the referral's,
    so the consent cannot name another agency; it must be valid today, when the referral goes out."""

    def __init__(self, *args, referral, **kwargs):
        super().__init__(*args, unit=referral.unit, **kwargs)
        self.fields["agency"].disabled = True
        self.fields["agency"].queryset = Agency.objects.filter(pk=referral.destination_id)
        self.initial.update(agency=referral.destination_id, given_on=timezone.localdate())

    def clean_expires_on(self):
        day = self.cleaned_data.get("expires_on")
        if day is not None and day < timezone.localdate():
            raise forms.ValidationError(_("This consent has already expired: the referral could not go out on it"))
        return day


class RevokeForm(forms.Form):
    revoked_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
