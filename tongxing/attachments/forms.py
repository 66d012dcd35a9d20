from django import forms
from django.utils.translation import gettext_lazy as _

from .content import ACCEPT


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File (PDF or image)"), allow_empty_file=True,
                           widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}))
    description = forms.CharField(label=_("Description"), max_length=200, required=False,
                                  help_text=_("For example: signed consent to refer, hospital letter."))


class RemoveAttachmentForm(forms.Form):
    reason = forms.CharField(label=_("Why remove it"), max_length=300)
