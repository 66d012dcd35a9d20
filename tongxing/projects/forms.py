from django import forms
from django.utils.translation import gettext_lazy as _


class ManualFigureForm(forms.Form):
    value = forms.DecimalField(label=_("數字 figure"), min_value=0, max_digits=12, decimal_places=2)
    evidence = forms.CharField(label=_("證明（來源、日期、截圖位置）evidence"), widget=forms.Textarea(attrs={"rows": 3}),
                               error_messages={"required": _("請註明證明 state the evidence")})
