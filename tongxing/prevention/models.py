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
    name = models.CharField(_("title"), max_length=200)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("correctional institution")
        verbose_name_plural = _("correctional institutions")
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
                                    verbose_name=_("institution"))
    kind = models.CharField(_("kind"), max_length=16, choices=PreReleaseKind.choices)
    date = models.DateField(_("date"))
    participants = models.PositiveIntegerField(_("person-times"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("pre-release counselling session")
        verbose_name_plural = _("pre-release counselling sessions")
        indexes = [models.Index(fields=["unit", "date"], name="prerelease_unit_date")]

    def __str__(self):
        return f"{self.institution} {self.get_kind_display()} {self.date}"

    def clean(self):
        if self.institution_id and self.unit_id and self.institution.unit_id != self.unit_id:
            raise ValidationError({"institution": _("The institution belongs to another unit")})


class Lecture(models.Model):
    """毒品危害講習: a mandatory lecture for people fined for holding or using class 3/4 drugs."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    # The record's id in exchange files (kept from the file on import; made up for records entered here).
    external_id = models.CharField(_("External id"), max_length=64, default=ids.lecture_id,
                                   db_index=True)
    date = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=200, blank=True)
    required = models.PositiveIntegerField(_("required to attend"))
    attended = models.PositiveIntegerField(_("number attending"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("mandatory drug-hazard lecture")
        verbose_name_plural = _("mandatory drug-hazard lectures")
        ordering = ["-date", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(attended__lte=F("required")),
                                              name="lecture_attended_at_most_required")]
        indexes = [models.Index(fields=["unit", "date"], name="lecture_unit_date")]

    def __str__(self):
        title = self.title or _("lecture")
        return f"{title} {self.date}"


class LectureRegistrant(models.Model):
    """A person required to attend a lecture (fined under the drug-harm lecture rule), marked when they came.
    A lecture with a list takes its required and attended figures from the names, so absentees can be followed
    up; one run without a list keeps the counts entered (DOMAIN.md "Taiwan": mandatory lectures)."""

    lecture = models.ForeignKey(Lecture, on_delete=models.CASCADE, related_name="registrants",
                                verbose_name=_("lecture"))
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
                                verbose_name=_("lecture"))
    category = models.CharField(_("enquiry category"), max_length=32, choices=ConsultationCategory.choices)

    class Meta:
        verbose_name = _("counselling-station consultation")
        verbose_name_plural = _("counselling-station consultations")

    def __str__(self):
        return f"{self.get_category_display()} @ {self.lecture}"


class HotlineCall(models.Model):
    """A call to the 24-hour free hotline (戒毒成功專線)."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    # The record's id in exchange files (kept from the file on import; made up for records entered here).
    external_id = models.CharField(_("External id"), max_length=64, default=ids.hotline_call_id,
                                   db_index=True)
    received = models.DateTimeField(_("received"))
    # The local day of `received`, so a period is a plain date comparison on both databases.
    date = models.DateField(_("date"), editable=False)
    caller = models.CharField(_("caller"), max_length=8, choices=CallerType.choices)
    note = models.TextField(_("note"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("helpline call")
        verbose_name_plural = _("hotline calls")
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
                             verbose_name=_("call"))
    category = models.CharField(_("service item"), max_length=32, choices=ServiceItem.choices)

    class Meta:
        verbose_name = _("hotline service item")
        verbose_name_plural = _("hotline service items")
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
    name = models.CharField(_("title"), max_length=200)
    formula = models.CharField(_("formula"), max_length=300,
                               help_text=_("e.g. consultations / lecture_attended"))
    target = models.DecimalField(_("target"), max_digits=12, decimal_places=4)
    as_percent = models.BooleanField(_("shown as a percentage"), default=True,
                                     help_text=_("Target entered as a percentage"))
    comparison = models.CharField(_("comparison"), max_length=8, choices=Comparison.choices,
                                  default=Comparison.AT_LEAST)
    starts = models.DateField(_("applies from"))
    ends = models.DateField(_("applies until"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("KPI")
        verbose_name_plural = _("KPIs")
        ordering = ["starts", "name"]
        constraints = [models.CheckConstraint(condition=Q(ends__gte=F("starts")), name="kpi_ends_after_starts")]

    def __str__(self):
        return self.name

    def clean(self):
        try:
            parse(self.formula, names=FIGURES)
        except FormulaError as error:
            raise ValidationError({"formula": str(error)}) from error
