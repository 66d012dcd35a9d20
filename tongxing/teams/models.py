"""Who works on a case besides its worker, and the two other ways to reach a client: a supervisor's grant of
medical access to a unit, and break-the-glass (a reason given, audited, shown to the supervisor).

`tongxing/accounts/scope.py` reads these; nothing else decides what a login may see.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tongxing.cases.models import Case
from tongxing.organisations.models import Staff, Unit
from tongxing.people.models import Person


def staff_name(user) -> str:
    """A login shown by its staff member's name (not the login name), where it has one."""
    if user is None:
        return ""
    staff = Staff.objects.filter(user=user).only("name").first()
    return staff.name if staff else user.get_username()


class TeamRole(models.TextChoices):
    NURSE = "nurse", _("Nurse")
    DOCTOR = "doctor", _("Doctor")
    PEER = "peer", _("Peer support worker")
    HOMEMAKER = "homemaker", _("Home-maker")
    SECOND_WORKER = "second_worker", _("Second worker")


MEDICAL_ROLES = (TeamRole.NURSE, TeamRole.DOCTOR)


class TeamMember(models.Model):
    """A staff member on a case's team: sees and records on the case and its client."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="team")
    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="case_teams",
                              verbose_name=_("Staff member"))
    role = models.CharField(_("Role on the case"), max_length=16, choices=TeamRole.choices)
    added_on = models.DateField(_("Added on"))
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Case team member")
        verbose_name_plural = _("Case team members")
        constraints = [models.UniqueConstraint(fields=["case", "staff"], name="team_member_once_per_case")]

    def __str__(self):
        return f"{self.staff} ({self.get_role_display()})"


class MedicalAccess(models.Model):
    """A supervisor's grant: a nurse or doctor reaches the unit's clients for medical work (not their case files)."""

    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="medical_access",
                              verbose_name=_("Nurse or doctor"))
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+", verbose_name=_("Unit"))
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("Granted by"))
    granted_on = models.DateField(_("Granted on"))
    revoked_on = models.DateField(_("Revoked on"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Medical access")
        verbose_name_plural = _("Medical access")
        constraints = [
            models.UniqueConstraint(fields=["staff", "unit"], condition=Q(revoked_on__isnull=True),
                                    name="medical_access_once_while_current"),
        ]

    def __str__(self):
        return f"{self.staff} @ {self.unit.code}"

    def granter_name(self) -> str:
        return staff_name(self.granted_by)


class BreakGlass(models.Model):
    """A login opened a client outside its scope, giving a reason; open until `until`, shown to the supervisor."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    reason = models.TextField(_("Reason"))
    at = models.DateTimeField(_("When"))
    until = models.DateTimeField(_("Open until"))
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("Reviewed by"))
    reviewed_at = models.DateTimeField(_("Reviewed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("Break-the-glass access")
        verbose_name_plural = _("Break-the-glass accesses")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["user", "until"], name="break_glass_user_until")]

    def __str__(self):
        return f"{self.user} → {self.person_id} {self.at:%Y-%m-%d %H:%M}"

    def opener_name(self) -> str:
        return staff_name(self.user)

    def reviewer_name(self) -> str:
        return staff_name(self.reviewed_by)
