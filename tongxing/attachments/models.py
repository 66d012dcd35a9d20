"""Files kept on a person, a case or a referral (signed consents, letters, scans): PDF or images only, encrypted
with the field key in the database, so every app server reads the same file and a backup carries it."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tongxing.cases.models import Case, Referral
from tongxing.organisations.models import Unit
from tongxing.people.models import Person


class Attachment(models.Model):
    """One file on exactly one record; removing it keeps the row (who, when, why) and refuses every download."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments")
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments")
    referral = models.ForeignKey(Referral, null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="attachments")
    description = models.CharField(_("Description"), max_length=200, blank=True)
    filename = models.CharField(_("File name"), max_length=200)
    content_type = models.CharField(_("File type"), max_length=64)
    size = models.PositiveIntegerField(_("Size in bytes"))
    # A Fernet token of the file's bytes under the field key (tongxing/privacy/crypto.py).
    ciphertext = models.BinaryField(editable=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("Attached by"))
    uploaded_at = models.DateTimeField(_("Attached at"))
    removed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("Removed by"))
    removed_at = models.DateTimeField(_("Removed at"), null=True, blank=True)
    removal_reason = models.CharField(_("Why it was removed"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("Attachment")
        verbose_name_plural = _("Attachments")
        ordering = ["-uploaded_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(person__isnull=False, case__isnull=True, referral__isnull=True)
                           | Q(person__isnull=True, case__isnull=False, referral__isnull=True)
                           | Q(person__isnull=True, case__isnull=True, referral__isnull=False)),
                name="attachment_on_exactly_one_record"),
            models.CheckConstraint(condition=Q(size__gt=0), name="attachment_not_empty"),
        ]

    def __str__(self):
        return self.filename

    @property
    def on(self):
        """The record the file is on."""
        return self.person or self.case or self.referral
