from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongxing.lib.concurrency import EditGuard
from tongxing.organisations.models import Region
from tongxing.privacy.crypto import lookup_hash
from tongxing.privacy.identity import hkid_valid, phone_valid, twid_valid
from tongxing.privacy.models import IdentityKind, IdentityNumber

from .models import Child, DrugUse, Person, districts_for

DATE = {"type": "date"}


class PersonForm(EditGuard, forms.ModelForm):
    confirm_duplicate = forms.BooleanField(
        label=_("I have checked: this is a different person, create anyway"),
        required=False)

    identity_kind = forms.ChoiceField(label=_("identity document"), required=False,
                                      choices=[("", "—"), *IdentityKind.choices])
    identity_number = forms.CharField(
        label=_("document number"), required=False, max_length=40,
        help_text=_("Stored encrypted and shown only by its last two characters; search finds the exact "
                    "number."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}))

    class Meta:
        model = Person
        fields = ["name", "name_en", "sex", "birth_date", "phone", "reference", "pregnant", "identified_on",
                  "identification_channel",
                  # intake (issue 19)
                  "district", "address", "education", "employment", "emergency_name", "emergency_relationship",
                  "emergency_phone"]
        widgets = {"birth_date": forms.DateInput(attrs=DATE, format="%Y-%m-%d"), "identified_on": forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
                   "pregnant": forms.NullBooleanSelect}

    def __init__(self, *args, unit, duplicates_possible=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not duplicates_possible:
            del self.fields["confirm_duplicate"]
        self.fields["name"].widget.attrs["autofocus"] = True
        self._district_choices(unit)
        self.fields["address"].widget.attrs["autocomplete"] = "off"
        self.fields["emergency_phone"].widget.attrs.update(inputmode="tel", autocomplete="off")
        self.fields["phone"].widget.attrs["inputmode"] = "tel"

    def _district_choices(self, unit):
        """Only the unit's own region's districts (Hong Kong's 18, Taiwan's 22); a region without a list has no
        district field."""
        districts = districts_for(unit)
        if not districts:
            del self.fields["district"]
            return
        field = self.fields["district"]
        field.choices = [("", "—"), *((d.value, d.label) for d in districts)]
        field.error_messages["invalid_choice"] = _("Choose one of the districts in the list: %(region)s's "
                                                   "districts are offered for this unit.") % {
            "region": Region(unit.region).label}

    def clean(self):
        data = super().clean()
        if not (data.get("name") or "").strip() and not (data.get("name_en") or "").strip():
            self.add_error("name", _("Enter a Chinese or an English name"))
        if bool(data.get("identified_on")) != bool(data.get("identification_channel")):
            field = "identification_channel" if data.get("identified_on") else "identified_on"
            self.add_error(field, _("Enter both the identification date and channel"))
        today = timezone.localdate()
        for field in ("birth_date", "identified_on"):
            if data.get(field) and data[field] > today:
                self.add_error(field, _("The date cannot be in the future"))
        if bool(data.get("identity_kind")) != bool((data.get("identity_number") or "").strip()):
            field = "identity_number" if data.get("identity_kind") else "identity_kind"
            self.add_error(field, _("Enter both the document kind and its number"))
        self._check_identity(data)
        if data.get("phone") and not phone_valid(data["phone"]):
            self.add_error("phone", _("Enter a phone number: 8 digits in Hong Kong (e.g. 9123 4567), 10 in Taiwan "
                                      "(e.g. 0912-345-678), or + and the country code."))
        self._check_emergency_contact(data)
        if data.get("pregnant") and data.get("sex") == "M":
            self.add_error("pregnant", _("A male cannot be marked pregnant"))
        return data

    def _check_identity(self, data):
        """Check digits of an HKID or Taiwan ID; a number already on another record (found through its keyed
        hash, never read back) is refused."""
        kind, number = data.get("identity_kind"), (data.get("identity_number") or "").strip()
        if not (kind and number):
            return
        if kind == IdentityKind.HKID and not hkid_valid(number):
            self.add_error("identity_number", _("This is not a valid HK identity card number: check the letters, "
                                                "the six digits and the check digit in brackets."))
        elif kind == IdentityKind.TWID and not twid_valid(number):
            self.add_error("identity_number", _("This is not a valid Taiwan national ID: a letter, then 1 or 2, "
                                                "then eight digits whose last is the check digit."))
        elif IdentityNumber.objects.filter(kind=kind, lookup=lookup_hash(number)).exclude(
                person_id=self.instance.pk).exists():
            self.add_error("identity_number", _("This identity number is already on another person's record. "
                                                "Search for it on the People page and open that record, or ask "
                                                "your supervisor to merge the two."))

    def _check_emergency_contact(self, data):
        """A contact is a name with a phone that can be dialled (the same rule as the person's own phone)."""
        name = (data.get("emergency_name") or "").strip()
        phone = (data.get("emergency_phone") or "").strip()
        if phone and not phone_valid(phone):
            self.add_error("emergency_phone", _("Enter a phone number: 8 digits in Hong Kong (e.g. 9123 4567), 10 in "
                                                "Taiwan (e.g. 0912-345-678), or + and the country code."))
        if (phone or data.get("emergency_relationship")) and not name:
            self.add_error("emergency_name", _("Enter the emergency contact's name"))
        elif name and not phone:
            self.add_error("emergency_phone", _("Enter a phone number for the emergency contact"))

    def person_data(self):
        return {f: self.cleaned_data[f] for f in self.Meta.fields if f in self.fields}

    def identity(self):
        """(kind, number) when a document number was entered; the number is never put back into the form."""
        number = (self.cleaned_data.get("identity_number") or "").strip()
        return (self.cleaned_data["identity_kind"], number) if number else None


class DrugUseForm(forms.ModelForm):
    class Meta:
        model = DrugUse
        fields = ["drug", "last_used"]
        widgets = {"last_used": forms.DateInput(attrs=DATE, format="%Y-%m-%d")}

    def clean_last_used(self):
        value = self.cleaned_data.get("last_used")
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future"))
        return value


class ChildForm(forms.ModelForm):
    class Meta:
        model = Child
        fields = ["birth_date", "carer"]
        widgets = {"birth_date": forms.DateInput(attrs=DATE, format="%Y-%m-%d")}
