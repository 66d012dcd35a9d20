"""Questionnaires as data (DOMAIN.md "Funded projects": PHQ-9, the numbered BDF questionnaires…).

An instrument is items on answer scales, with reverse-scored items, subscales, severity bands and the
direction in which a change is an improvement; a supervisor adds a Likert instrument through a form,
so nothing here is hard-coded per questionnaire. An administration is one filled-in form.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tongxing.activities.models import Group
from tongxing.cases.models import Case
from tongxing.organisations.models import Organisation, Unit
from tongxing.people.models import Person


class Better(models.TextChoices):
    HIGHER = "higher", _("higher is better")
    LOWER = "lower", _("lower is better")


class Use(models.TextChoices):
    PRE_POST = "pre_post", _("pre and post")
    POST_ONLY = "post_only", _("post only")


class Instrument(models.Model):
    """A questionnaire; `organisation` is empty for the shipped library, set for a supervisor's own."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("title"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    better = models.CharField(_("better direction"), max_length=8, choices=Better.choices)
    use = models.CharField(_("use"), max_length=16, choices=Use.choices, default=Use.PRE_POST)
    agree_at = models.IntegerField(
        _("agreeing score"), null=True, blank=True,
        help_text=_("a total at least this good counts as agreeing"))
    min_change = models.PositiveIntegerField(
        _("smallest change"), null=True, blank=True,
        help_text=_("default points for the minimum-change rule"))
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.CASCADE,
                                     related_name="+", verbose_name=_("organisation"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("created by"))

    class Meta:
        verbose_name = _("instrument")
        verbose_name_plural = _("instruments")
        ordering = ["organisation_id", "code"]

    def __str__(self):
        return self.name


class Scale(models.Model):
    """An answer scale shared by some items of one instrument (PHQ-9's 0–3, a ladder's 0–10)."""

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="scales")
    code = models.SlugField(_("code"), max_length=40)

    class Meta:
        verbose_name = _("answer scale")
        verbose_name_plural = _("answer scales")
        constraints = [models.UniqueConstraint(fields=["instrument", "code"], name="scale_code_unique")]

    def __str__(self):
        return f"{self.instrument.code}/{self.code}"


class Option(models.Model):
    scale = models.ForeignKey(Scale, on_delete=models.CASCADE, related_name="options")
    value = models.IntegerField(_("value"))
    label = models.CharField(_("label"), max_length=200, blank=True)
    label_en = models.CharField(_("English label"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("option")
        verbose_name_plural = _("options")
        ordering = ["scale", "value"]
        constraints = [models.UniqueConstraint(fields=["scale", "value"], name="option_value_unique")]

    def __str__(self):
        return f"{self.value} {self.label}"


class Subscale(models.Model):
    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="subscales")
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("title"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("subscale")
        verbose_name_plural = _("subscales")
        constraints = [models.UniqueConstraint(fields=["instrument", "code"], name="subscale_code_unique")]

    def __str__(self):
        return self.name


class Item(models.Model):
    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="items")
    number = models.PositiveSmallIntegerField(_("number"))
    text = models.CharField(_("text"), max_length=500)
    text_en = models.CharField(_("English text"), max_length=500, blank=True)
    scale = models.ForeignKey(Scale, on_delete=models.PROTECT, related_name="items", verbose_name=_("scale"))
    reverse = models.BooleanField(_("reverse-scored"), default=False)
    subscale = models.ForeignKey(Subscale, null=True, blank=True, on_delete=models.SET_NULL, related_name="items",
                                 verbose_name=_("subscale"))
    flag_above = models.IntegerField(
        _("flag above"), null=True, blank=True,
        help_text=_("an answer above this is flagged for follow-up"))

    class Meta:
        verbose_name = _("item")
        verbose_name_plural = _("items")
        ordering = ["instrument", "number"]
        constraints = [models.UniqueConstraint(fields=["instrument", "number"], name="item_number_unique")]

    def __str__(self):
        return f"{self.number}. {self.text}"


class Band(models.Model):
    """A severity band: totals from `lower` up to the next band's lower bound."""

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="bands")
    lower = models.IntegerField(_("lower bound"))
    label = models.CharField(_("label"), max_length=100)
    label_en = models.CharField(_("English label"), max_length=100, blank=True)
    alert = models.BooleanField(_("Raises a risk alert"), default=False,
                                help_text=_("A total in this band alerts the case's worker and the supervisor."))

    class Meta:
        verbose_name = _("band")
        verbose_name_plural = _("bands")
        ordering = ["instrument", "lower"]
        constraints = [models.UniqueConstraint(fields=["instrument", "lower"], name="band_lower_unique")]

    def __str__(self):
        return f"≥{self.lower} {self.label}"


class TimePoint(models.TextChoices):
    PRE = "pre", _("pre")
    MID = "mid", _("mid")
    POST = "post", _("post")
    FOLLOW_UP = "follow_up", _("follow-up")


class Administration(models.Model):
    """One completed form; the scores are stored so that analysis is a query, not a loop over answers."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="administrations",
                                   verbose_name=_("instrument"))
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="administrations",
                               verbose_name=_("person"))
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                             verbose_name=_("case"))
    programme = models.ForeignKey(Group, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                  verbose_name=_("programme"))
    date = models.DateField(_("date"))
    time_point = models.CharField(_("time point"), max_length=16, choices=TimePoint.choices)
    total = models.IntegerField(_("total"))
    subscales = models.JSONField(_("subscale scores"), default=dict, blank=True)
    band = models.CharField(_("band"), max_length=100, blank=True)
    flagged = models.BooleanField(_("flagged"), default=False)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("entered by"))
    entered_at = models.DateTimeField(_("entered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("administration")
        verbose_name_plural = _("administrations")
        indexes = [models.Index(fields=["unit", "instrument", "date"], name="administration_unit_instr_date")]
        constraints = [
            models.UniqueConstraint(fields=["instrument", "person", "time_point", "date"],
                                    name="administration_once_a_day"),
            models.CheckConstraint(condition=~Q(time_point=""), name="administration_time_point_set"),
        ]

    def __str__(self):
        return f"{self.instrument.code} {self.person} {self.get_time_point_display()} {self.date}"


class Answer(models.Model):
    administration = models.ForeignKey(Administration, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    value = models.IntegerField(_("answer"))

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [models.UniqueConstraint(fields=["administration", "item"], name="answer_once")]

    def __str__(self):
        return f"{self.item.number}={self.value}"


class RiskAlert(models.Model):
    """A questionnaire's answers crossed a risk rule (an item's flag, an alerting band): open for the case's
    worker and the supervisor until someone acknowledges it with the action taken."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    administration = models.OneToOneField(Administration, on_delete=models.CASCADE, related_name="risk_alert")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="risk_alerts",
                               verbose_name=_("person"))
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reasons = models.JSONField(_("Why"), default=list)
    raised_at = models.DateTimeField(_("Raised at"))
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                        related_name="+", verbose_name=_("Acknowledged by"))
    acknowledged_at = models.DateTimeField(_("Acknowledged at"), null=True, blank=True)
    action_taken = models.TextField(_("Action taken"), blank=True)

    class Meta:
        verbose_name = _("Risk alert")
        verbose_name_plural = _("Risk alerts")
        ordering = ["-raised_at", "-pk"]
        indexes = [models.Index(fields=["unit", "acknowledged_at"], name="risk_alert_unit_open")]
        constraints = [models.CheckConstraint(condition=Q(acknowledged_at__isnull=True) | ~Q(action_taken=""),
                                              name="risk_alert_acknowledged_with_action")]

    def __str__(self):
        return f"{self.person} {self.raised_at:%Y-%m-%d}"
