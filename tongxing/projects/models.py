"""Time-limited funded projects with their output and outcome indicators (DOMAIN.md "Funded projects";
seeds 000 and 001, "成果指標 / 輸出指數" and "成效指標 / 成效指數", laid out in "輸出及成效總表")."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tongxing.activities.models import ActivityFormat, Group
from tongxing.cases.models import CaseType
from tongxing.organisations.models import Staff, Unit
from tongxing.outcomes import analysis
from tongxing.outcomes.models import Instrument, TimePoint
from tongxing.people.models import Person


class Project(models.Model):
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="projects", verbose_name=_("unit"))
    code = models.CharField(_("project code"), max_length=40)
    title = models.CharField(_("project title"), max_length=200)
    title_en = models.CharField(_("English title"), max_length=200, blank=True)
    funder = models.CharField(_("funder"), max_length=200, blank=True)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    counts_in_annual_return = models.BooleanField(
        _("Its activities also count in the annual return"), default=True,
        help_text=_("Funders differ: where they do not, the annual return leaves the project's activities out "
                    "and names the project as the reason."))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("funded project")
        verbose_name_plural = _("funded projects")
        ordering = ["-start", "code"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "code"], name="project_code_unique"),
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="project_end_after_start"),
        ]

    def __str__(self):
        return f"{self.code} {self.title}"


class Programme(models.Model):
    """The sessions of one strand of a project, as filters on the unit's activities.

    Every filter left empty matches everything: seed 000's talks are education activities in talk
    format; its Chinese-medicine sessions are consultations delivered by the project's Chinese-medicine
    practitioner (`staff`); seed 001's follow-ups of low-motivation PSA are interviews, phone calls,
    outreach and home visits on PSA cases (`case_type`).
    """

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="programmes")
    name = models.CharField(_("title"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    activity_kinds = models.JSONField(_("activity kinds"), default=list, blank=True)
    activity_format = models.CharField(_("format"), max_length=16, choices=ActivityFormat.choices, blank=True)
    group_kinds = models.JSONField(_("group kinds"), default=list, blank=True)
    groups = models.ManyToManyField(Group, blank=True, related_name="+", verbose_name=_("groups"))
    staff = models.ManyToManyField(Staff, blank=True, related_name="+", verbose_name=_("delivered by"))
    case_type = models.CharField(_("case type"), max_length=16, choices=CaseType.choices, blank=True)
    history = HistoricalRecords(m2m_fields=[groups, staff])

    class Meta:
        verbose_name = _("project programme")
        verbose_name_plural = _("programmes")

    def __str__(self):
        return self.name


class Enrolment(models.Model):
    """A participant enrolled in a project (報名), and in one of its programmes when given, from `date` until
    `ended` (open while empty). Only enrolled participants count in the project's people and person-times, and
    only their questionnaires given within the enrolment count in its outcomes (DOMAIN.md "Funded projects")."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="enrolments",
                                verbose_name=_("Project"))
    programme = models.ForeignKey(Programme, null=True, blank=True, on_delete=models.CASCADE,
                                  related_name="enrolments", verbose_name=_("Programme"))
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+", verbose_name=_("Participant"))
    date = models.DateField(_("Enrolled on"))
    ended = models.DateField(_("Enrolment ended on"), null=True, blank=True)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(fields=["programme", "person"], name="enrolment_once"),
            models.CheckConstraint(condition=Q(ended__isnull=True) | Q(ended__gte=F("date")),
                                   name="enrolment_ends_after_start"),
        ]

    def __str__(self):
        return f"{self.person} → {self.programme or self.project}"


class OutputKind(models.TextChoices):
    SESSIONS = "sessions", _("number of sessions")
    RECRUITED = "recruited", _("persons recruited")
    ATTENDING = "attending", _("persons attending at least N sessions")
    PERSON_TIMES = "person_times", _("attendances")
    PERSONS_BETWEEN = "persons_between", _("persons receiving a to b sessions")
    HOURS = "hours", _("number of hours")
    DAYS = "days", _("days")
    MANUAL = "manual", _("entered by hand")


class OutputIndicator(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="outputs")
    number = models.CharField(_("code number"), max_length=16)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    description = models.TextField(_("details"))
    description_en = models.TextField(_("English description"), blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=OutputKind.choices)
    programme = models.ForeignKey(Programme, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("project programme"))
    at_least = models.PositiveIntegerField(_("at least (N or a)"), null=True, blank=True)
    at_most = models.PositiveIntegerField(_("at most (b)"), null=True, blank=True)
    target = models.DecimalField(_("target"), max_digits=12, decimal_places=2)
    target_is_percent = models.BooleanField(
        _("target is a percentage of those recruited"), default=False,
        help_text=_('as in "70 per cent of them attend at least 3 sessions"'))
    manual_value = models.DecimalField(_("figure entered by hand"), max_digits=12, decimal_places=2,
                                       null=True, blank=True)
    evidence = models.TextField(_("proof"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("output indicator")
        verbose_name_plural = _("output indicators")
        ordering = ["project", "order", "number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="output_number_unique"),
            models.CheckConstraint(condition=Q(kind="manual") | Q(programme__isnull=False),
                                   name="output_programme_unless_manual"),
            models.CheckConstraint(condition=~Q(kind__in=["attending", "persons_between"]) | Q(at_least__isnull=False),
                                   name="output_at_least_when_needed"),
            models.CheckConstraint(condition=~Q(kind="persons_between") | Q(at_most__gte=F("at_least")),
                                   name="output_between_bounds"),
            models.CheckConstraint(condition=Q(target__gt=0), name="output_target_positive"),
        ]

    def __str__(self):
        return f"{self.number} {self.description[:40]}"

    def kind_text(self) -> str:
        """What the indicator counts, with its own numbers (never the label's "N" or "a to b")."""
        if self.kind == OutputKind.ATTENDING and self.at_least is not None:
            return gettext("Persons attending at least %(n)s sessions") % {"n": self.at_least}
        if self.kind == OutputKind.PERSONS_BETWEEN and self.at_least is not None and self.at_most is not None:
            return gettext("Persons receiving %(a)s to %(b)s sessions") % {"a": self.at_least, "b": self.at_most}
        return str(self.get_kind_display())


class Criterion(models.TextChoices):
    IMPROVED_OR_T = analysis.IMPROVED_OR_T, _("percentage improved or significant paired t-test")
    IMPROVED_PCT = analysis.IMPROVED_PCT, _("percentage improved")
    AGREE_PCT = analysis.AGREE_PCT, _("% agreeing (post only)")


class ChangeRule(models.TextChoices):
    ANY = analysis.ANY_CHANGE, _("any change")
    MIN_CHANGE = analysis.MIN_CHANGE, _("a minimum change")
    HALF = analysis.HALF_REDUCTION, _("a reduction of at least half")


class OutcomeIndicator(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="outcomes")
    number = models.CharField(_("code number"), max_length=16)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    description = models.TextField(_("details"))
    description_en = models.TextField(_("English description"), blank=True)
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("instrument"))
    group = models.ForeignKey(Group, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("only forms of this programme"))
    criterion = models.CharField(_("criterion"), max_length=16, choices=Criterion.choices,
                                 default=Criterion.IMPROVED_OR_T)
    threshold = models.DecimalField(_("target %"), max_digits=5, decimal_places=2, default=70)
    alpha = models.DecimalField(_("significance level"), max_digits=4, decimal_places=3, default="0.05")
    rule = models.CharField(_("change rule"), max_length=16, choices=ChangeRule.choices,
                            default=ChangeRule.ANY)
    min_change = models.PositiveIntegerField(_("minimum change"), null=True, blank=True)
    after = models.CharField(_("compare pre with"), max_length=16, default=TimePoint.POST,
                             choices=[(TimePoint.POST, TimePoint.POST.label),
                                      (TimePoint.FOLLOW_UP, TimePoint.FOLLOW_UP.label)])
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("outcome indicator")
        verbose_name_plural = _("outcome indicators")
        ordering = ["project", "order", "number"]
        constraints = [models.UniqueConstraint(fields=["project", "number"], name="outcome_number_unique")]

    def __str__(self):
        return f"{self.number} {self.description[:40]}"
