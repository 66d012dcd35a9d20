from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tongxing.organisations.models import Agency
from tongxing.people.models import Person

from . import crypto


class LegalBasis(models.TextChoices):
    """Grounds other than consent on which personal data may be passed on (Hong Kong PDPO Part 8 exemptions;
    Taiwan's Personal Data Protection Act art. 20): one must be chosen, and the case explained in a note."""

    LAW = "law", _("Required by law or a court order")
    PROCEEDINGS = "proceedings", _("For legal proceedings")
    CRIME = "crime", _("Preventing or detecting crime")
    HEALTH = "health", _("Serious harm to the person's or another's physical or mental health")
    CHILD = "child", _("Protection of a child")
    EMERGENCY = "emergency", _("Emergency: life or safety at risk")


class IdentityKind(models.TextChoices):
    HKID = "hkid", _("HK identity card")
    TWID = "twid", _("Taiwan national ID")
    PASSPORT = "passport", _("passport")
    OTHER = "other", _("other")


class IdentityNumber(models.Model):
    """An identity document number: stored encrypted, found by a keyed hash, shown only as a hint."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="identity_numbers")
    kind = models.CharField(_("kind"), max_length=16, choices=IdentityKind.choices)
    ciphertext = models.TextField(editable=False)
    lookup = models.CharField(max_length=64, editable=False, db_index=True)
    hint = models.CharField(_("last characters"), max_length=8, editable=False)
    history = HistoricalRecords(excluded_fields=["ciphertext", "lookup"])

    class Meta:
        verbose_name = _("identity number")
        verbose_name_plural = _("identity numbers")
        constraints = [models.UniqueConstraint(fields=["person", "kind"], name="identity_number_once_per_kind")]

    def __str__(self):
        return f"{self.get_kind_display()} …{self.hint}"

    def set_number(self, number: str):
        normalised = crypto.normalise(number)
        self.ciphertext = crypto.encrypt(normalised)
        self.lookup = crypto.lookup_hash(normalised)
        self.hint = normalised[-2:]

    def number(self) -> str:
        return crypto.decrypt(self.ciphertext)


class Consent(models.Model):
    """Consent to disclose: to whom, what, for what purpose, until when; revocable."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consents")
    recipient = models.CharField(_("to whom"), max_length=200)
    # The recipient chosen from the unit's agency list (`recipient` keeps its name): a referral to that agency
    # relies on this consent whatever the agency's name is written as.
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="consents",
                               verbose_name=_("Agency"))
    information = models.CharField(_("what information"), max_length=300)
    purpose = models.CharField(_("purpose"), max_length=300)
    given_on = models.DateField(_("given on"))
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    revoked_on = models.DateField(_("revoked on"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [
            models.CheckConstraint(condition=Q(expires_on__isnull=True) | Q(expires_on__gte=F("given_on")),
                                   name="consent_expires_after_given"),
            models.CheckConstraint(condition=Q(revoked_on__isnull=True) | Q(revoked_on__gte=F("given_on")),
                                   name="consent_revoked_after_given"),
        ]

    def __str__(self):
        return f"{self.person} → {self.recipient} ({self.given_on})"

    def valid_on(self, day) -> bool:
        return (self.given_on <= day and (self.expires_on is None or day <= self.expires_on)
                and (self.revoked_on is None or day < self.revoked_on))


class Disclosure(models.Model):
    """A disclosure of a person's records (an export or report naming them, a referral carrying personal
    data), with the consent it relied on: the accounting a person may ask to see."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="disclosures")
    at = models.DateTimeField(_("when"))
    recipient = models.CharField(_("to whom"), max_length=200)
    information = models.CharField(_("what information"), max_length=300)
    purpose = models.CharField(_("purpose"), max_length=300)
    channel = models.CharField(_("channel"), max_length=32,
                               choices=[("export", _("export")), ("report", _("report")),
                                        ("referral", _("referral")), ("other", _("other"))])
    consent = models.ForeignKey(Consent, null=True, blank=True, on_delete=models.PROTECT, related_name="disclosures",
                                verbose_name=_("consent relied on"))
    legal_basis = models.CharField(_("other legal basis"), max_length=300, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("disclosure record")
        verbose_name_plural = _("disclosures")
        ordering = ["-at", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(consent__isnull=False) | ~Q(legal_basis=""),
                                              name="disclosure_has_a_basis")]

    def __str__(self):
        return f"{self.person} → {self.recipient} {self.at:%Y-%m-%d}"
