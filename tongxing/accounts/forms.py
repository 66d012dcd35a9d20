from django import forms
from django.utils.translation import gettext_lazy as _


class TokenForm(forms.Form):
    token = forms.RegexField(
        label=_("Verification code"), regex=r"^\s*\d{6}\s*$", max_length=8,
        error_messages={"invalid": _("Enter the 6 digits your authenticator shows.")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


class VerifyForm(forms.Form):
    """The authenticator's 6 digits, or a recovery code as printed (8 letters and digits, a dash optional)."""

    token = forms.RegexField(
        label=_("Verification code or recovery code"), regex=r"^\s*(\d{6}|[A-Za-z2-7]{4}[-\s]?[A-Za-z2-7]{4})\s*$",
        max_length=12,
        error_messages={"invalid": _("Enter the 6 digits your authenticator shows, or one of your recovery codes.")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )

    def clean_token(self):
        return "".join(self.cleaned_data["token"].split()).replace("-", "").lower()
