from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Organisation(models.Model):
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("title"), max_length=200)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return self.name


class Region(models.TextChoices):
    """Where a unit works, known from its time zone (the set-up page offers Hong Kong, Taiwan and Macao)."""

    HONG_KONG = "hk", _("Hong Kong")
    TAIWAN = "tw", _("Taiwan")
    MACAO = "mo", _("Macao")


REGION_OF_TIME_ZONE = {"Asia/Hong_Kong": Region.HONG_KONG, "Asia/Taipei": Region.TAIWAN, "Asia/Macau": Region.MACAO}


class Unit(models.Model):
    """One centre or one funded project: the scope every record belongs to."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="units",
                                     verbose_name=_("organisation"))
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("title"), max_length=200)
    timezone = models.CharField(_("time zone"), max_length=64, default="Asia/Hong_Kong")
    # Off by default: a unit that does not ask for it works (and counts) as before.
    approval_required = models.BooleanField(
        _("Case plans and closures need a supervisor's approval"), default=False,
        help_text=_("A worker's case plan and closing of an episode wait in the supervisor's approval queue; "
                    "a closure counts only once approved."))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def region(self) -> str | None:
        return REGION_OF_TIME_ZONE.get(self.timezone)


class OpeningHours(models.Model):
    """A weekday the unit is open; a weekday without a row is closed."""

    WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="opening_hours")
    # ISO weekday, 1 = Monday, as the databases' ISO week-day extraction returns.
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=[(i + 1, d) for i, d in enumerate(WEEKDAYS)])
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        constraints = [
            models.UniqueConstraint(fields=["unit", "weekday"], name="one_opening_row_per_weekday"),
            models.CheckConstraint(condition=Q(closes__gt=models.F("opens")), name="opening_closes_after_opens"),
            models.CheckConstraint(condition=Q(weekday__gte=1, weekday__lte=7), name="opening_weekday_iso"),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


class Role(models.TextChoices):
    SOCIAL_WORKER = "social_worker", _("social worker")
    NURSE = "nurse", _("nurse")
    PEER_SUPPORT_WORKER = "peer_support_worker", _("peer support worker")
    HOMEMAKER = "homemaker", _("home-maker")
    DOCTOR = "doctor", _("doctor")
    SUPERVISOR = "supervisor", _("supervisor")
    OTHER = "other", _("other")


class PeerType(models.TextChoices):
    EX_USER = "ex_user", _("ex-user")
    FAMILY = "family", _("family member")


class Staff(models.Model):
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="staff")
    external_id = models.CharField(_("external id"), max_length=64)
    name = models.CharField(_("name"), max_length=200)
    peer_type = models.CharField(_("peer type"), max_length=16, choices=PeerType.choices, blank=True)
    user = models.OneToOneField("auth.User", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="staff", verbose_name=_("login account"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")
        constraints = [models.UniqueConstraint(fields=["unit", "external_id"], name="staff_external_id_unique")]
        indexes = [models.Index(fields=["peer_type"], name="staff_peer_type")]  # OS15a's ex-user peer workers

    def __str__(self):
        return self.name


class StaffRole(models.Model):
    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [models.UniqueConstraint(fields=["staff", "role"], name="staff_role_once")]
        # The counting rules read the holders of a role as one list (tongxing.standards.fsa.role_holders).
        indexes = [models.Index(fields=["role", "staff"], name="staff_role_holders")]

    def __str__(self):
        return self.get_role_display()


class Establishment(models.Model):
    """Funded posts of a role as at a date (OC10 divides by it)."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="establishment")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    as_of = models.DateField(_("as of"))
    count = models.PositiveIntegerField(_("posts"))

    class Meta:
        verbose_name = _("establishment")
        verbose_name_plural = _("establishment")
        constraints = [models.UniqueConstraint(fields=["unit", "role", "as_of"], name="establishment_once")]

    def __str__(self):
        return f"{self.get_role_display()} {self.count} @ {self.as_of}"


class SchoolKind(models.TextChoices):
    SECONDARY = "secondary", _("secondary")
    POST_SECONDARY = "post_secondary", _("post-secondary")
    VOCATIONAL = "vocational", _("vocational")


class School(models.Model):
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="schools")
    external_id = models.CharField(_("external id"), max_length=64)
    name = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=SchoolKind.choices)
    in_service_area = models.BooleanField(_("in service area"), default=True)
    school_social_work = models.BooleanField(_("school social work"), default=False)
    healthy_school_programme = models.BooleanField(_("Healthy School Programme"), default=False)
    international_or_esf = models.BooleanField(_("international or ESF"), default=False)

    class Meta:
        verbose_name = _("school")
        verbose_name_plural = _("schools")
        constraints = [models.UniqueConstraint(fields=["unit", "external_id"], name="school_external_id_unique")]

    def __str__(self):
        return self.name


class Workplace(models.Model):
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="workplaces")
    external_id = models.CharField(_("external id"), max_length=64)
    name = models.CharField(_("title"), max_length=200)
    employees = models.PositiveIntegerField(_("employees"))

    class Meta:
        verbose_name = _("workplace")
        verbose_name_plural = _("workplaces")
        constraints = [models.UniqueConstraint(fields=["unit", "external_id"], name="workplace_external_id_unique")]

    def __str__(self):
        return self.name


class Agency(models.Model):
    """An agency the unit refers people to and may disclose to with their consent: the one list both the referral's
    destination and the consent's recipient are chosen from, kept by the supervisor on the set-up pages."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="agencies")
    name = models.CharField(_("Agency name"), max_length=200)
    in_use = models.BooleanField(_("Offered on forms"), default=True,
                                 help_text=_("Untick when the unit no longer works with this agency; its past "
                                             "referrals and consents keep it."))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        constraints = [models.UniqueConstraint(fields=["unit", "name"], name="agency_name_unique")]

    def __str__(self):
        return self.name
