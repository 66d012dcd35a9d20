from django import forms
from django.utils.translation import gettext_lazy as _


class TokenForm(forms.Form):
    token = forms.RegexField(
        label=_("驗證碼 verification code"), regex=r"^\s*\d{6}\s*$", max_length=8,
        error_messages={"invalid": _("請輸入認證程式顯示的6位數字 enter the 6 digits your authenticator shows")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )
