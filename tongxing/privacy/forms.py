from django import forms

from .models import Consent


class ConsentForm(forms.ModelForm):
    class Meta:
        model = Consent
        fields = ["recipient", "information", "purpose", "given_on", "expires_on"]
        widgets = {"given_on": forms.DateInput(attrs={"type": "date"}),
                   "expires_on": forms.DateInput(attrs={"type": "date"})}


class RevokeForm(forms.Form):
    revoked_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
