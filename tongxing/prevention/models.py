"""Records a Taiwanese city drug-abuse prevention centre reports on (DOMAIN.md, seed 004) that the
shared schema lacks: pre-release counselling in prisons, mandatory lectures with their counselling
station, the 24-hour hotline, and KPI definitions. Registered cases, contacts, referrals and support
groups reuse Case, Activity, Referral and Group.
"""

import zoneinfo

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tongxing.lib import ids
from tongxing.organisations.models import Unit

from .choices import CallerType, Comparison, ConsultationCategory, PreReleaseKind, ServiceItem
from .figures import FIGURES
from .kpi import FormulaError, parse


class Institution(models.Model):
    """A prison, drug-treatment institution or detention centre the centre's workers visit (seed 004: 5)."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("名稱 name"), max_length=200)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("矯正機關 correctional institution")
        verbose_name_plural = _("矯正機關 correctional institutions")
        constraints = [models.UniqueConstraint(fields=["unit", "name"], name="institution_name_unique")]

    def __str__(self):
        return self.name


class PreReleaseSession(models.Model):
    """出監前銜接輔導: one session held inside an institution; people in custody are counted, not named."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    # The record's id in exchange files (kept from the file on import; made up for records entered here).
    external_id = models.CharField(_("External id"), max_length=64, default=ids.prerelease_session_id,
                                   db_index=True)
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="sessions",
                                    verbose_name=_("矯正機關 institution"))
    kind = models.CharField(_("類別 kind"), max_length=16, choices=PreReleaseKind.choices)
    date = models.DateField(_("日期 date"))
    participants = models.PositiveIntegerField(_("參加人次 person-times"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("出監前銜接輔導 pre-release counselling session")
        verbose_name_plural = _("出監前銜接輔導 pre-release counselling sessions")
        indexes = [models.Index(fields=["unit", "date"], name="prerelease_unit_date")]

    def __str__(self):
        return f"{self.institution} {self.get_kind_display()} {self.date}"

    def clean(self):
        if self.institution_id and self.unit_id and self.institution.unit_id != self.unit_id:
            raise ValidationError({"institution": _("矯正機關屬於另一單位 The institution belongs to another unit")})


class Lecture(models.Model):
    """毒品危害講習: a mandatory lecture for people fined for holding or using class 3/4 drugs."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    # The record's id in exchange files (kept from the file on import; made up for records entered here).
    external_id = models.CharField(_("External id"), max_length=64, default=ids.lecture_id,
                                   db_index=True)
    date = models.DateField(_("日期 date"))
    title = models.CharField(_("名稱 title"), max_length=200, blank=True)
    required = models.PositiveIntegerField(_("應出席人數 required to attend"))
    attended = models.PositiveIntegerField(_("實際出席人數 attended"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("毒品危害講習 mandatory drug-hazard lecture")
        verbose_name_plural = _("毒品危害講習 mandatory drug-hazard lectures")
        ordering = ["-date", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(attended__lte=F("required")),
                                              name="lecture_attended_at_most_required")]
        indexes = [models.Index(fields=["unit", "date"], name="lecture_unit_date")]

    def __str__(self):
        return f"{self.title or _('講習 lecture')} {self.date}"


class LectureRegistrant(models.Model):
    """A person required to attend a lecture (fined under the drug-harm lecture rule), marked when they came.
    A lecture with a list takes its required and attended figures from the names, so absentees can be followed
    up; one run without a list keeps the counts entered (DOMAIN.md "Taiwan": mandatory lectures)."""

    lecture = models.ForeignKey(Lecture, on_delete=models.CASCADE, related_name="registrants",
                                verbose_name=_("講習 lecture"))
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("Person required to attend"))
    attended = models.BooleanField(_("Attended"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Person required to attend a lecture")
        verbose_name_plural = _("People required to attend a lecture")
        constraints = [models.UniqueConstraint(fields=["lecture", "person"], name="lecture_registrant_once")]

    def __str__(self):
        return f"{self.person} @ {self.lecture}"


class Consultation(models.Model):
    """One consultation at the counselling station (心靈諮詢站) set up at a lecture; anonymous.
    Like an attendance row it belongs to its lecture's unit."""

    lecture = models.ForeignKey(Lecture, on_delete=models.CASCADE, related_name="consultations",
                                verbose_name=_("講習 lecture"))
    category = models.CharField(_("諮詢類別 category"), max_length=32, choices=ConsultationCategory.choices)

    class Meta:
        verbose_name = _("心靈諮詢 counselling-station consultation")
        verbose_name_plural = _("心靈諮詢 counselling-station consultations")

    def __str__(self):
        return f"{self.get_category_display()} @ {self.lecture}"


class HotlineCall(models.Model):
    """A call to the 24-hour free hotline (戒毒成功專線)."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    # The record's id in exchange files (kept from the file on import; made up for records entered here).
    external_id = models.CharField(_("External id"), max_length=64, default=ids.hotline_call_id,
                                   db_index=True)
    received = models.DateTimeField(_("來電時間 received"))
    # The local day of `received`, so a period is a plain date comparison on both databases.
    date = models.DateField(_("日期 date"), editable=False)
    caller = models.CharField(_("來電者 caller"), max_length=8, choices=CallerType.choices)
    note = models.TextField(_("紀錄 note"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("專線來電 hotline call")
        verbose_name_plural = _("專線來電 hotline calls")
        ordering = ["-received", "-pk"]
        indexes = [models.Index(fields=["unit", "date"], name="hotline_unit_date")]

    def __str__(self):
        return f"{self.get_caller_display()} {self.received:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        self.derive()
        super().save(*args, **kwargs)

    def derive(self):
        self.date = self.received.astimezone(zoneinfo.ZoneInfo(self.unit.timezone)).date()


class HotlineItem(models.Model):
    """One item of service given on a call; a call may give several (seed 004: 1,055 items on 1,014 calls)."""

    call = models.ForeignKey(HotlineCall, on_delete=models.CASCADE, related_name="items",
                             verbose_name=_("來電 call"))
    category = models.CharField(_("服務項目 service item"), max_length=32, choices=ServiceItem.choices)

    class Meta:
        verbose_name = _("專線服務項目 hotline service item")
        verbose_name_plural = _("專線服務項目 hotline service items")
        constraints = [models.UniqueConstraint(fields=["call", "category"], name="hotline_item_once")]

    def __str__(self):
        return self.get_category_display()


class Kpi(models.Model):
    """A performance indicator as data: a formula over the named figures, a target, and the period it covers.

    The formula is parsed by `tongxing.prevention.kpi`, never evaluated as Python.
    """

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    # The record's id in exchange files (kept from the file on import; made up for records entered here).
    external_id = models.CharField(_("External id"), max_length=64, default=ids.kpi_id,
                                   db_index=True)
    name = models.CharField(_("名稱 name"), max_length=200)
    formula = models.CharField(_("公式 formula"), max_length=300,
                               help_text=_("例如 e.g. consultations / lecture_attended"))
    target = models.DecimalField(_("目標 target"), max_digits=12, decimal_places=4)
    as_percent = models.BooleanField(_("以百分比顯示 shown as a percentage"), default=True,
                                     help_text=_("目標以百分比輸入，例如 70 即 70% Target entered as a percentage"))
    comparison = models.CharField(_("比較 comparison"), max_length=8, choices=Comparison.choices,
                                  default=Comparison.AT_LEAST)
    starts = models.DateField(_("適用開始 applies from"))
    ends = models.DateField(_("適用至 applies until"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("績效指標 KPI")
        verbose_name_plural = _("績效指標 KPIs")
        ordering = ["starts", "name"]
        constraints = [models.CheckConstraint(condition=Q(ends__gte=F("starts")), name="kpi_ends_after_starts")]

    def __str__(self):
        return self.name

    def clean(self):
        try:
            parse(self.formula, names=FIGURES)
        except FormulaError as error:
            raise ValidationError({"formula": str(error)}) from error
