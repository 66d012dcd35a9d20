from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tongxing.organisations.models import Organisation, Unit


class Level(models.TextChoices):
    """What a login may see (least privilege); professional roles (SW, nurse…) are on Staff."""

    WORKER = "worker", _("worker")
    SUPERVISOR = "supervisor", _("supervisor")
    COORDINATOR = "coordinator", _("project coordinator")
    ORG_ADMIN = "org_admin", _("organisation administrator")
    AUDITOR = "auditor", _("auditor")


class Access(models.Model):
    """A login's access level and scope: a unit, or (administrators, auditors) a whole organisation."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access")
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+",
                                     verbose_name=_("organisation"))
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.CASCADE, related_name="+",
                             verbose_name=_("unit"))
    # A supervisor over several units (an area's centres): the ones beyond `unit`, in the same organisation.
    more_units = models.ManyToManyField(Unit, blank=True, related_name="+", verbose_name=_("further units supervised"))
    language = models.CharField(_("language"), max_length=16, choices=settings.LANGUAGES, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("access")
        verbose_name_plural = _("access")
        constraints = [
            models.CheckConstraint(condition=Q(unit__isnull=False) | Q(level__in=["org_admin", "auditor"]),
                                   name="access_unit_unless_organisation_wide"),
        ]

    def __str__(self):
        return f"{self.user} {self.get_level_display()}"


class NoticeKind(models.TextChoices):
    DEVICE_ADDED = "device_added", _("An authenticator was added to your account.")
    RECOVERY_CODES = "recovery_codes", _("New recovery codes were made for your account; the old ones no longer work.")
    RECOVERY_CODE_USED = "recovery_code_used", _("A recovery code was used to sign in to your account.")
    SECOND_FACTOR_RESET = "second_factor_reset", _(
        "Your two-factor authentication was reset; set up your authenticator again.")


class SecurityNotice(models.Model):
    """A change to a login's second factor, told to its owner at their next sign-in (they may not have made it)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="security_notices")
    kind = models.CharField(max_length=32, choices=NoticeKind.choices)
    at = models.DateTimeField(auto_now_add=True)
    by = models.CharField(max_length=150, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    shown = models.BooleanField(default=False)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("Security notice")
        verbose_name_plural = _("Security notices")

    def __str__(self):
        return f"{self.user} {self.kind} {self.at:%Y-%m-%d %H:%M}"
