from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Organisation(models.Model):
    code = models.CharField(_("代號 code"), max_length=32, unique=True)
    name = models.CharField(_("名稱 name"), max_length=200)

    class Meta:
        verbose_name = _("機構 organisation")
        verbose_name_plural = _("機構 organisations")

    def __str__(self):
        return self.name


class Unit(models.Model):
    """One centre or one funded project: the scope every record belongs to."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="units",
                                     verbose_name=_("機構 organisation"))
    code = models.CharField(_("代號 code"), max_length=32, unique=True)
    name = models.CharField(_("名稱 name"), max_length=200)
    timezone = models.CharField(_("時區 time zone"), max_length=64, default="Asia/Hong_Kong")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("單位 unit")
        verbose_name_plural = _("單位 units")

    def __str__(self):
        return f"{self.code} {self.name}"


class OpeningHours(models.Model):
    """A weekday the unit is open; a weekday without a row is closed."""

    WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="opening_hours")
    # ISO weekday, 1 = Monday, as the databases' ISO week-day extraction returns.
    weekday = models.PositiveSmallIntegerField(_("星期 weekday"), choices=[(i + 1, d) for i, d in enumerate(WEEKDAYS)])
    opens = models.TimeField(_("開放 opens"))
    closes = models.TimeField(_("關閉 closes"))

    class Meta:
        verbose_name = _("開放時間 opening hours")
        verbose_name_plural = _("開放時間 opening hours")
        constraints = [
            models.UniqueConstraint(fields=["unit", "weekday"], name="one_opening_row_per_weekday"),
            models.CheckConstraint(condition=Q(closes__gt=models.F("opens")), name="opening_closes_after_opens"),
            models.CheckConstraint(condition=Q(weekday__gte=1, weekday__lte=7), name="opening_weekday_iso"),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


class Role(models.TextChoices):
    SOCIAL_WORKER = "social_worker", _("社工 social worker")
    NURSE = "nurse", _("護士 nurse")
    PEER_SUPPORT_WORKER = "peer_support_worker", _("朋輩支援工作員 peer support worker")
    HOMEMAKER = "homemaker", _("家務指導員 home-maker")
    DOCTOR = "doctor", _("醫生 doctor")
    SUPERVISOR = "supervisor", _("中心主任 supervisor")
    OTHER = "other", _("其他 other")


class PeerType(models.TextChoices):
    EX_USER = "ex_user", _("康復者 ex-user")
    FAMILY = "family", _("家人 family member")


class Staff(models.Model):
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="staff")
    external_id = models.CharField(_("外部編號 external id"), max_length=64)
    name = models.CharField(_("姓名 name"), max_length=200)
    peer_type = models.CharField(_("朋輩類別 peer type"), max_length=16, choices=PeerType.choices, blank=True)
    user = models.OneToOneField("auth.User", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="staff", verbose_name=_("登入帳戶 login account"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("職員 staff member")
        verbose_name_plural = _("職員 staff")
        constraints = [models.UniqueConstraint(fields=["unit", "external_id"], name="staff_external_id_unique")]
        indexes = [models.Index(fields=["peer_type"], name="staff_peer_type")]  # OS15a's ex-user peer workers

    def __str__(self):
        return self.name


class StaffRole(models.Model):
    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("職位 role"), max_length=32, choices=Role.choices)

    class Meta:
        verbose_name = _("職位 role")
        verbose_name_plural = _("職位 roles")
        constraints = [models.UniqueConstraint(fields=["staff", "role"], name="staff_role_once")]
        # The counting rules read the holders of a role as one list (tongxing.standards.fsa.role_holders).
        indexes = [models.Index(fields=["role", "staff"], name="staff_role_holders")]

    def __str__(self):
        return self.get_role_display()


class Establishment(models.Model):
    """Funded posts of a role as at a date (OC10 divides by it)."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="establishment")
    role = models.CharField(_("職位 role"), max_length=32, choices=Role.choices)
    as_of = models.DateField(_("日期 as of"))
    count = models.PositiveIntegerField(_("編制人數 posts"))

    class Meta:
        verbose_name = _("編制 establishment")
        verbose_name_plural = _("編制 establishment")
        constraints = [models.UniqueConstraint(fields=["unit", "role", "as_of"], name="establishment_once")]

    def __str__(self):
        return f"{self.get_role_display()} {self.count} @ {self.as_of}"


class SchoolKind(models.TextChoices):
    SECONDARY = "secondary", _("中學 secondary")
    POST_SECONDARY = "post_secondary", _("專上院校 post-secondary")
    VOCATIONAL = "vocational", _("職業訓練 vocational")


class School(models.Model):
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="schools")
    external_id = models.CharField(_("外部編號 external id"), max_length=64)
    name = models.CharField(_("名稱 name"), max_length=200)
    kind = models.CharField(_("類別 kind"), max_length=16, choices=SchoolKind.choices)
    in_service_area = models.BooleanField(_("服務區內 in service area"), default=True)
    school_social_work = models.BooleanField(_("學校社工服務 school social work"), default=False)
    healthy_school_programme = models.BooleanField(_("健康校園計劃 Healthy School Programme"), default=False)
    international_or_esf = models.BooleanField(_("國際／英基學校 international or ESF"), default=False)

    class Meta:
        verbose_name = _("學校 school")
        verbose_name_plural = _("學校 schools")
        constraints = [models.UniqueConstraint(fields=["unit", "external_id"], name="school_external_id_unique")]

    def __str__(self):
        return self.name


class Workplace(models.Model):
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="workplaces")
    external_id = models.CharField(_("外部編號 external id"), max_length=64)
    name = models.CharField(_("名稱 name"), max_length=200)
    employees = models.PositiveIntegerField(_("僱員人數 employees"))

    class Meta:
        verbose_name = _("工作間 workplace")
        verbose_name_plural = _("工作間 workplaces")
        constraints = [models.UniqueConstraint(fields=["unit", "external_id"], name="workplace_external_id_unique")]

    def __str__(self):
        return self.name
