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
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="projects", verbose_name=_("單位 unit"))
    code = models.CharField(_("計劃編號 project code"), max_length=40)
    title = models.CharField(_("計劃名稱 title"), max_length=200)
    title_en = models.CharField(_("英文名稱 English title"), max_length=200, blank=True)
    funder = models.CharField(_("資助機構 funder"), max_length=200, blank=True)
    start = models.DateField(_("開始 start"))
    end = models.DateField(_("結束 end"))
    counts_in_annual_return = models.BooleanField(
        _("Its activities also count in the annual return"), default=True,
        help_text=_("Funders differ: where they do not, the annual return leaves the project's activities out "
                    "and names the project as the reason."))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("資助計劃 funded project")
        verbose_name_plural = _("資助計劃 funded projects")
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
    name = models.CharField(_("名稱 name"), max_length=200)
    name_en = models.CharField(_("英文名稱 English name"), max_length=200, blank=True)
    activity_kinds = models.JSONField(_("活動類別 activity kinds"), default=list, blank=True)
    activity_format = models.CharField(_("形式 format"), max_length=16, choices=ActivityFormat.choices, blank=True)
    group_kinds = models.JSONField(_("小組類別 group kinds"), default=list, blank=True)
    groups = models.ManyToManyField(Group, blank=True, related_name="+", verbose_name=_("小組 groups"))
    staff = models.ManyToManyField(Staff, blank=True, related_name="+", verbose_name=_("負責職員 delivered by"))
    case_type = models.CharField(_("個案類別 case type"), max_length=16, choices=CaseType.choices, blank=True)
    history = HistoricalRecords(m2m_fields=[groups, staff])

    class Meta:
        verbose_name = _("計劃活動 programme")
        verbose_name_plural = _("計劃活動 programmes")

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
        verbose_name = _("招收 enrolment")
        verbose_name_plural = _("招收 enrolments")
        constraints = [
            models.UniqueConstraint(fields=["programme", "person"], name="enrolment_once"),
            models.CheckConstraint(condition=Q(ended__isnull=True) | Q(ended__gte=F("date")),
                                   name="enrolment_ends_after_start"),
        ]

    def __str__(self):
        return f"{self.person} → {self.programme or self.project}"


class OutputKind(models.TextChoices):
    SESSIONS = "sessions", _("節數 sessions")
    RECRUITED = "recruited", _("招收人數 persons recruited")
    ATTENDING = "attending", _("出席不少於N節的人數 persons attending at least N sessions")
    PERSON_TIMES = "person_times", _("人次 person-times")
    PERSONS_BETWEEN = "persons_between", _("接受a至b節的人數 persons receiving a to b sessions")
    HOURS = "hours", _("時數 hours")
    DAYS = "days", _("日數 days")
    MANUAL = "manual", _("人手輸入 entered by hand")


class OutputIndicator(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="outputs")
    number = models.CharField(_("編號 number"), max_length=16)
    order = models.PositiveSmallIntegerField(_("次序 order"), default=0)
    description = models.TextField(_("描述 description"))
    description_en = models.TextField(_("英文描述 English description"), blank=True)
    kind = models.CharField(_("類別 kind"), max_length=16, choices=OutputKind.choices)
    programme = models.ForeignKey(Programme, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("計劃活動 programme"))
    at_least = models.PositiveIntegerField(_("最少節數 at least (N or a)"), null=True, blank=True)
    at_most = models.PositiveIntegerField(_("最多節數 at most (b)"), null=True, blank=True)
    target = models.DecimalField(_("目標 target"), max_digits=12, decimal_places=2)
    target_is_percent = models.BooleanField(
        _("目標為招收人數百分比 target is a % of recruited"), default=False,
        help_text=_("如「當中70%出席不少於3節」 as in \"70% of them attend at least 3 sessions\""))
    manual_value = models.DecimalField(_("人手輸入數字 figure entered by hand"), max_digits=12, decimal_places=2,
                                       null=True, blank=True)
    evidence = models.TextField(_("證明 evidence"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("輸出指標 output indicator")
        verbose_name_plural = _("輸出指標 output indicators")
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
    IMPROVED_OR_T = analysis.IMPROVED_OR_T, _("改善百分比或配對t檢定顯著 % improved or significant paired t-test")
    IMPROVED_PCT = analysis.IMPROVED_PCT, _("改善百分比 % improved")
    AGREE_PCT = analysis.AGREE_PCT, _("同意百分比（只有後測） % agreeing (post only)")


class ChangeRule(models.TextChoices):
    ANY = analysis.ANY_CHANGE, _("任何變化 any change")
    MIN_CHANGE = analysis.MIN_CHANGE, _("最少變化分數 a minimum change")
    HALF = analysis.HALF_REDUCTION, _("減少最少一半 at least 50% reduction")


class OutcomeIndicator(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="outcomes")
    number = models.CharField(_("編號 number"), max_length=16)
    order = models.PositiveSmallIntegerField(_("次序 order"), default=0)
    description = models.TextField(_("描述 description"))
    description_en = models.TextField(_("英文描述 English description"), blank=True)
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("問卷 instrument"))
    group = models.ForeignKey(Group, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("只計此小組的問卷 only forms of this programme"))
    criterion = models.CharField(_("準則 criterion"), max_length=16, choices=Criterion.choices,
                                 default=Criterion.IMPROVED_OR_T)
    threshold = models.DecimalField(_("目標百分比 target %"), max_digits=5, decimal_places=2, default=70)
    alpha = models.DecimalField(_("顯著水平 significance level"), max_digits=4, decimal_places=3, default="0.05")
    rule = models.CharField(_("改善準則 change rule"), max_length=16, choices=ChangeRule.choices,
                            default=ChangeRule.ANY)
    min_change = models.PositiveIntegerField(_("最少變化分數 minimum change"), null=True, blank=True)
    after = models.CharField(_("比較前測與 compare pre with"), max_length=16, default=TimePoint.POST,
                             choices=[(TimePoint.POST, TimePoint.POST.label),
                                      (TimePoint.FOLLOW_UP, TimePoint.FOLLOW_UP.label)])
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("成效指標 outcome indicator")
        verbose_name_plural = _("成效指標 outcome indicators")
        ordering = ["project", "order", "number"]
        constraints = [models.UniqueConstraint(fields=["project", "number"], name="outcome_number_unique")]

    def __str__(self):
        return f"{self.number} {self.description[:40]}"
