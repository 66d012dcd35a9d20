import zoneinfo

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tongxing.cases.models import Case
from tongxing.organisations.models import School, Staff, Unit, Workplace
from tongxing.people.models import Drug, Person


class GroupKind(models.TextChoices):
    COUNSELLING = "counselling", _("counselling group")
    FAMILY_RELATIONSHIP = "family_relationship", _("family-relationship-building group")
    MUTUAL_HELP = "mutual_help", _("mutual-help group")
    FAMILY_SUPPORT = "family_support", _("family support group")
    MOTIVATION = "motivation", _("motivation enhancement")
    VOCATIONAL = "vocational", _("vocational")
    OTHER = "other", _("other")


class Group(models.Model):
    """A group programme; its sessions are the group_session activities that name it."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="groups")
    external_id = models.CharField(_("external id"), max_length=64)
    kind = models.CharField(_("kind"), max_length=32, choices=GroupKind.choices)
    title = models.CharField(_("title"), max_length=200)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("group")
        verbose_name_plural = _("groups")
        constraints = [models.UniqueConstraint(fields=["unit", "external_id"], name="group_external_id_unique")]

    def __str__(self):
        return self.title


class ActivityKind(models.TextChoices):
    OUTREACH = "outreach", _("outreach")
    INTERVIEW = "interview", _("interview")
    PHONE = "phone", _("phone call")
    HOME_VISIT = "home_visit", _("home visit")
    ESCORT = "escort", _("escort")
    BRIEF_COUNSELLING = "brief_counselling", _("brief counselling")
    GROUP_SESSION = "group_session", _("group session")
    EDUCATION = "education", _("education and publicity")
    PROFESSIONAL_TRAINING = "professional_training", _("professional training")
    CONSULTATION = "consultation", _("consultation/treatment")
    NURSING = "nursing", _("nursing session")
    HOMEMAKER_SERVICE = "homemaker_service", _("home-maker guidance")
    HOTLINE_CALL = "hotline_call", _("hotline call")
    OTHER = "other", _("other")


class ActivityFormat(models.TextChoices):
    TALK = "talk", _("talk")
    WORKSHOP = "workshop", _("workshop")
    GROUP = "group", _("group")
    EXHIBITION = "exhibition", _("exhibition")
    PUBLICATION = "publication", _("publication")
    MEDIA = "media", _("media")
    WEB = "web", _("web")
    SOUVENIR = "souvenir", _("souvenir")
    LARGE_EVENT = "large_event", _("large event")


class Funding(models.TextChoices):
    MEDICAL_SUPPORT = "medical_support", _("on-site medical support")


KIND_LABELS, FORMAT_LABELS = dict(ActivityKind.choices), dict(ActivityFormat.choices)


class Activity(models.Model):
    """Any piece of work with a time, staff and people served: one model for every kind.

    `date`, `start_time` and `minutes` restate `start`/`end` in the unit's local
    wall-clock so that counting rules ("≥1 h", "in the evening", "in the year")
    are plain column comparisons on both databases; `derive()` keeps them true.
    """

    # Indexed by (unit, date) below, which serves every lookup by unit as well.
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="activities", db_index=False)
    external_id = models.CharField(_("external id"), max_length=64)
    kind = models.CharField(_("kind"), max_length=32, choices=ActivityKind.choices)
    format = models.CharField(_("format"), max_length=16, choices=ActivityFormat.choices, blank=True)
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    date = models.DateField(_("date"), editable=False)
    start_time = models.TimeField(_("start time"), editable=False)
    minutes = models.PositiveIntegerField(_("minutes"), editable=False)
    full_day = models.BooleanField(_("full day"), default=False)
    staff = models.ManyToManyField(Staff, through="ActivityStaff", related_name="activities",
                                   verbose_name=_("staff"))
    people = models.ManyToManyField(Person, through="Attendance", related_name="activities",
                                    verbose_name=_("people served"))
    headcount = models.PositiveIntegerField(_("anonymous headcount"), default=0)
    psa_contacted = models.PositiveIntegerField(_("PSA contacted"), null=True, blank=True)
    # Indexed with the date (activity_case_date), which serves every lookup by case as well.
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="activities",
                             verbose_name=_("case"), db_index=False)
    group = models.ForeignKey(Group, null=True, blank=True, on_delete=models.PROTECT, related_name="sessions",
                              verbose_name=_("group"))
    school = models.ForeignKey(School, null=True, blank=True, on_delete=models.PROTECT, related_name="activities",
                               verbose_name=_("school"))
    workplace = models.ForeignKey(Workplace, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="activities", verbose_name=_("workplace"))
    funded_by = models.CharField(_("funded by"), max_length=32, choices=Funding.choices, blank=True)
    project = models.ForeignKey("projects.Project", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="activities", verbose_name=_("Funded project"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        constraints = [
            models.UniqueConstraint(fields=["unit", "external_id"], name="activity_external_id_unique"),
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="activity_end_after_start"),
            models.CheckConstraint(condition=Q(group__isnull=True) | Q(kind="group_session"),
                                   name="activity_group_only_on_sessions"),
        ]
        # (unit, date): a unit's activities of one year, of any kind, without reading its other years (a
        # report's lists of the unit's activities, the organisation's year at a glance). It replaces the plain
        # index on unit: beside it PostgreSQL rated a composite index's heap reads dearer and read all five
        # years of a unit to keep one.
        indexes = [models.Index(fields=["unit", "kind", "date"], name="activity_unit_kind_date"),
                   models.Index(fields=["unit", "date"], name="activity_unit_date"),
                   # The activity list's newest-first page of a unit.
                   models.Index(fields=["unit", "-start", "-id"], name="activity_unit_start"),
                   # A case's last contact (caseloads, case lists): one index entry, not all its sessions sorted.
                   models.Index(fields=["case", "date"], name="activity_case_date")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.start:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        self.derive(zoneinfo.ZoneInfo(self.unit.timezone))
        super().save(*args, **kwargs)

    # Django's own get_FOO_display builds a dict of the field's every choice per call, hashing each lazy label (a
    # translation each): the activity list's 50 rows paid ~850 translations for their 100 labels. Same result.
    def get_kind_display(self) -> str:
        return str(KIND_LABELS.get(self.kind, self.kind))

    def get_format_display(self) -> str:
        return str(FORMAT_LABELS.get(self.format, self.format))

    def derive(self, tz: zoneinfo.ZoneInfo):
        self.date, self.start_time, self.minutes = derived_times(self.start, self.end, tz)


def derived_times(start, end, tz: zoneinfo.ZoneInfo):
    """An activity's local date, local start time (to the minute) and length in minutes, from its start and end."""
    local = start.astimezone(tz)
    return local.date(), local.time().replace(second=0, microsecond=0), int((end - start).total_seconds() // 60)


class ActivityStaff(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="staffing")
    # Indexed with the activity (activity_staff_by_staff), which serves every lookup by staff as well.
    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="staffing", db_index=False)

    class Meta:
        verbose_name = _("activity staff")
        verbose_name_plural = _("activity staff")
        constraints = [models.UniqueConstraint(fields=["activity", "staff"], name="activity_staff_once")]
        # A role's holders' staff rows (OS15's peer workers on the organisation page) read from the index alone:
        # through the plain staff index PostgreSQL read each row from the table (national supervisor of 4 units:
        # 159k -> 4.9k buffers).
        indexes = [models.Index(fields=["staff", "activity"], name="activity_staff_by_staff")]

    def __str__(self):
        return f"{self.staff} @ {self.activity_id}"


class Attendance(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="attendance")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="attendance")

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [models.UniqueConstraint(fields=["activity", "person"], name="attendance_once")]

    def __str__(self):
        return f"{self.person} @ {self.activity_id}"


class MedicalAssessment(models.Model):
    """A health and drug-related needs assessment by a doctor or nurse (OS12)."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    external_id = models.CharField(_("external id"), max_length=64)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="medical_assessments")
    date = models.DateField(_("date"))
    by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+", verbose_name=_("by"))
    plan = models.BooleanField(_("with intervention/treatment plan"), default=False)
    # The parts of the assessment (seed 002 note 14): health condition, drug-related needs, and the plan itself.
    # Optional on the model: records imported under exchange v1 carry only `plan`.
    health_condition = models.TextField(_("Health condition (physical and mental)"), blank=True)
    drug_needs = models.TextField(_("Drug use and drug-related needs"), blank=True)
    plan_details = models.TextField(_("Intervention / treatment plan"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("medical assessment")
        verbose_name_plural = _("medical assessments")
        constraints = [models.UniqueConstraint(fields=["unit", "external_id"], name="assessment_external_id_unique")]

    def __str__(self):
        return f"{self.person} {self.date}"


class UrineResult(models.TextChoices):
    NEGATIVE = "negative", _("Negative")
    POSITIVE = "positive", _("Positive")


#: Plausible ranges for vital signs (inclusive): a figure outside is a typing error, refused with the range.
VITAL_RANGES = {
    "systolic": (60, 260, "mmHg"),
    "diastolic": (30, 160, "mmHg"),
    "pulse": (30, 220, "/min"),
    "temperature": (34, 43, "°C"),
    "weight": (20, 300, "kg"),
}


def _in_range(field) -> Q:
    low, high, _unit = VITAL_RANGES[field]
    return Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__gte": low, f"{field}__lte": high})


class NursingRecord(models.Model):
    """The clinical part of a nursing session: vital signs, a urine drug test, medication notes.

    It hangs off the nursing activity, which alone is counted (OS14): recording these changes no figure.
    """

    activity = models.OneToOneField(Activity, on_delete=models.CASCADE, related_name="nursing")
    systolic = models.PositiveSmallIntegerField(_("Blood pressure: systolic (mmHg)"), null=True, blank=True)
    diastolic = models.PositiveSmallIntegerField(_("Blood pressure: diastolic (mmHg)"), null=True, blank=True)
    pulse = models.PositiveSmallIntegerField(_("Pulse (beats per minute)"), null=True, blank=True)
    temperature = models.DecimalField(_("Temperature (°C)"), max_digits=3, decimal_places=1, null=True, blank=True)
    weight = models.DecimalField(_("Weight (kg)"), max_digits=4, decimal_places=1, null=True, blank=True)
    medication = models.TextField(_("Medication notes"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Nursing record")
        verbose_name_plural = _("Nursing records")
        constraints = [
            *[models.CheckConstraint(condition=_in_range(f), name=f"nursing_{f}_plausible") for f in VITAL_RANGES],
            models.CheckConstraint(condition=Q(systolic__isnull=True, diastolic__isnull=True)
                                   | Q(systolic__gt=F("diastolic")), name="nursing_blood_pressure_whole"),
        ]

    def __str__(self):
        return f"{self.activity}"

    @property
    def blood_pressure(self) -> str:
        return f"{self.systolic}/{self.diastolic}" if self.systolic is not None else ""


class UrineTest(models.Model):
    """One substance of a nursing session's urine drug panel; a substance without a row was not tested."""

    record = models.ForeignKey(NursingRecord, on_delete=models.CASCADE, related_name="urine")
    drug = models.CharField(_("Drug"), max_length=32, choices=Drug.choices)
    result = models.CharField(_("Result"), max_length=8, choices=UrineResult.choices)

    class Meta:
        verbose_name = _("Urine test result")
        verbose_name_plural = _("Urine test results")
        constraints = [models.UniqueConstraint(fields=["record", "drug"], name="urine_test_once_per_drug")]

    def __str__(self):
        return f"{self.get_drug_display()} {self.get_result_display()}"


class FeedbackTopic(models.TextChoices):
    DRUG_HARM = "drug_harm", _("understanding of drug harm")
    RECOVERY = "recovery", _("understanding of recovery")
    PARENTING = "parenting", _("parenting efficacy")
    DRUG_USE = "drug_use", _("drug use")


class Feedback(models.Model):
    """A feedback form collected at an activity; belongs to the period of its activity."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    external_id = models.CharField(_("external id"), max_length=64)
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="feedback")
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="feedback")
    school = models.ForeignKey(School, null=True, blank=True, on_delete=models.PROTECT, related_name="feedback")
    topic = models.CharField(_("topic"), max_length=16, choices=FeedbackTopic.choices)
    positive = models.BooleanField(_("positive"))

    class Meta:
        verbose_name = _("feedback form")
        verbose_name_plural = _("feedback forms")
        constraints = [models.UniqueConstraint(fields=["unit", "external_id"], name="feedback_external_id_unique")]

    def __str__(self):
        return f"{self.get_topic_display()} {'+' if self.positive else '-'}"


class Training(models.Model):
    """Work-related training attended by a staff member (OC10 counts paid ones of peer workers)."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    external_id = models.CharField(_("external id"), max_length=64)
    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="trainings")
    date = models.DateField(_("date"))
    paid = models.BooleanField(_("paid"), default=False)
    title = models.CharField(_("title"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("staff training")
        verbose_name_plural = _("staff trainings")
        constraints = [models.UniqueConstraint(fields=["unit", "external_id"], name="training_external_id_unique")]

    def __str__(self):
        return f"{self.title or self.staff} {self.date}"
