import zoneinfo

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tongxing.cases.models import Case
from tongxing.organisations.models import School, Staff, Unit, Workplace
from tongxing.people.models import Person


class GroupKind(models.TextChoices):
    COUNSELLING = "counselling", _("治療／輔導小組 counselling group")
    FAMILY_RELATIONSHIP = "family_relationship", _("建立家庭關係小組 family-relationship-building group")
    MUTUAL_HELP = "mutual_help", _("互助小組 mutual-help group")
    FAMILY_SUPPORT = "family_support", _("家人支援小組 family support group")
    MOTIVATION = "motivation", _("動機提升 motivation enhancement")
    VOCATIONAL = "vocational", _("職業訓練 vocational")
    OTHER = "other", _("其他 other")


class Group(models.Model):
    """A group programme; its sessions are the group_session activities that name it."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="groups")
    external_id = models.CharField(_("外部編號 external id"), max_length=64)
    kind = models.CharField(_("類別 kind"), max_length=32, choices=GroupKind.choices)
    title = models.CharField(_("名稱 title"), max_length=200)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("小組 group")
        verbose_name_plural = _("小組 groups")
        constraints = [models.UniqueConstraint(fields=["unit", "external_id"], name="group_external_id_unique")]

    def __str__(self):
        return self.title


class ActivityKind(models.TextChoices):
    OUTREACH = "outreach", _("外展 outreach")
    INTERVIEW = "interview", _("面談 interview")
    PHONE = "phone", _("電話 phone call")
    HOME_VISIT = "home_visit", _("家訪 home visit")
    ESCORT = "escort", _("陪診／陪同 escort")
    BRIEF_COUNSELLING = "brief_counselling", _("簡短輔導 brief counselling")
    GROUP_SESSION = "group_session", _("小組節數 group session")
    EDUCATION = "education", _("禁毒教育及宣傳 education and publicity")
    PROFESSIONAL_TRAINING = "professional_training", _("專業培訓 professional training")
    CONSULTATION = "consultation", _("診症／治療 consultation/treatment")
    NURSING = "nursing", _("護理 nursing session")
    HOMEMAKER_SERVICE = "homemaker_service", _("家務指導 home-maker service")
    HOTLINE_CALL = "hotline_call", _("熱線 hotline call")
    OTHER = "other", _("其他 other")


class ActivityFormat(models.TextChoices):
    TALK = "talk", _("講座 talk")
    WORKSHOP = "workshop", _("工作坊 workshop")
    GROUP = "group", _("小組 group")
    EXHIBITION = "exhibition", _("展覽 exhibition")
    PUBLICATION = "publication", _("刊物 publication")
    MEDIA = "media", _("媒體 media")
    WEB = "web", _("網頁 web")
    SOUVENIR = "souvenir", _("紀念品 souvenir")
    LARGE_EVENT = "large_event", _("大型活動 large event")


class Funding(models.TextChoices):
    MEDICAL_SUPPORT = "medical_support", _("駐場醫療支援 on-site medical support")


class Activity(models.Model):
    """Any piece of work with a time, staff and people served: one model for every kind.

    `date`, `start_time` and `minutes` restate `start`/`end` in the unit's local
    wall-clock so that counting rules ("≥1 h", "in the evening", "in the year")
    are plain column comparisons on both databases; `derive()` keeps them true.
    """

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="activities")
    external_id = models.CharField(_("外部編號 external id"), max_length=64)
    kind = models.CharField(_("類別 kind"), max_length=32, choices=ActivityKind.choices)
    format = models.CharField(_("形式 format"), max_length=16, choices=ActivityFormat.choices, blank=True)
    start = models.DateTimeField(_("開始 start"))
    end = models.DateTimeField(_("結束 end"))
    date = models.DateField(_("日期 date"), editable=False)
    start_time = models.TimeField(_("開始時間 start time"), editable=False)
    minutes = models.PositiveIntegerField(_("分鐘 minutes"), editable=False)
    full_day = models.BooleanField(_("全日 full day"), default=False)
    staff = models.ManyToManyField(Staff, through="ActivityStaff", related_name="activities",
                                   verbose_name=_("職員 staff"))
    people = models.ManyToManyField(Person, through="Attendance", related_name="activities",
                                    verbose_name=_("服務使用者 people served"))
    headcount = models.PositiveIntegerField(_("匿名人數 anonymous headcount"), default=0)
    psa_contacted = models.PositiveIntegerField(_("接觸吸毒者人數 PSA contacted"), null=True, blank=True)
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="activities",
                             verbose_name=_("個案 case"))
    group = models.ForeignKey(Group, null=True, blank=True, on_delete=models.PROTECT, related_name="sessions",
                              verbose_name=_("小組 group"))
    school = models.ForeignKey(School, null=True, blank=True, on_delete=models.PROTECT, related_name="activities",
                               verbose_name=_("學校 school"))
    workplace = models.ForeignKey(Workplace, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="activities", verbose_name=_("工作間 workplace"))
    funded_by = models.CharField(_("資助來源 funded by"), max_length=32, choices=Funding.choices, blank=True)
    project = models.ForeignKey("projects.Project", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="activities", verbose_name=_("Funded project"))
    place = models.CharField(_("地點 place"), max_length=200, blank=True)
    note = models.TextField(_("紀錄 note"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("服務活動 activity")
        verbose_name_plural = _("服務活動 activities")
        constraints = [
            models.UniqueConstraint(fields=["unit", "external_id"], name="activity_external_id_unique"),
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="activity_end_after_start"),
            models.CheckConstraint(condition=Q(group__isnull=True) | Q(kind="group_session"),
                                   name="activity_group_only_on_sessions"),
        ]
        indexes = [models.Index(fields=["unit", "kind", "date"], name="activity_unit_kind_date")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.start:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        self.derive(zoneinfo.ZoneInfo(self.unit.timezone))
        super().save(*args, **kwargs)

    def derive(self, tz: zoneinfo.ZoneInfo):
        self.date, self.start_time, self.minutes = derived_times(self.start, self.end, tz)


def derived_times(start, end, tz: zoneinfo.ZoneInfo):
    """An activity's local date, local start time (to the minute) and length in minutes, from its start and end."""
    local = start.astimezone(tz)
    return local.date(), local.time().replace(second=0, microsecond=0), int((end - start).total_seconds() // 60)


class ActivityStaff(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="staffing")
    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="staffing")

    class Meta:
        verbose_name = _("負責職員 activity staff")
        verbose_name_plural = _("負責職員 activity staff")
        constraints = [models.UniqueConstraint(fields=["activity", "staff"], name="activity_staff_once")]

    def __str__(self):
        return f"{self.staff} @ {self.activity_id}"


class Attendance(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="attendance")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="attendance")

    class Meta:
        verbose_name = _("出席 attendance")
        verbose_name_plural = _("出席 attendance")
        constraints = [models.UniqueConstraint(fields=["activity", "person"], name="attendance_once")]

    def __str__(self):
        return f"{self.person} @ {self.activity_id}"


class MedicalAssessment(models.Model):
    """A health and drug-related needs assessment by a doctor or nurse (OS12)."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    external_id = models.CharField(_("外部編號 external id"), max_length=64)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="medical_assessments")
    date = models.DateField(_("日期 date"))
    by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+", verbose_name=_("評估者 by"))
    plan = models.BooleanField(_("有介入／治療計劃 with intervention/treatment plan"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("醫療評估 medical assessment")
        verbose_name_plural = _("醫療評估 medical assessments")
        constraints = [models.UniqueConstraint(fields=["unit", "external_id"], name="assessment_external_id_unique")]

    def __str__(self):
        return f"{self.person} {self.date}"


class FeedbackTopic(models.TextChoices):
    DRUG_HARM = "drug_harm", _("認識毒品禍害 understanding of drug harm")
    RECOVERY = "recovery", _("認識康復 understanding of recovery")
    PARENTING = "parenting", _("親職效能 parenting efficacy")
    DRUG_USE = "drug_use", _("吸毒情況 drug use")


class Feedback(models.Model):
    """A feedback form collected at an activity; belongs to the period of its activity."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    external_id = models.CharField(_("外部編號 external id"), max_length=64)
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="feedback")
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="feedback")
    school = models.ForeignKey(School, null=True, blank=True, on_delete=models.PROTECT, related_name="feedback")
    topic = models.CharField(_("主題 topic"), max_length=16, choices=FeedbackTopic.choices)
    positive = models.BooleanField(_("正面 positive"))

    class Meta:
        verbose_name = _("意見調查 feedback form")
        verbose_name_plural = _("意見調查 feedback forms")
        constraints = [models.UniqueConstraint(fields=["unit", "external_id"], name="feedback_external_id_unique")]

    def __str__(self):
        return f"{self.get_topic_display()} {'+' if self.positive else '-'}"


class Training(models.Model):
    """Work-related training attended by a staff member (OC10 counts paid ones of peer workers)."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    external_id = models.CharField(_("外部編號 external id"), max_length=64)
    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="trainings")
    date = models.DateField(_("日期 date"))
    paid = models.BooleanField(_("受薪 paid"), default=False)
    title = models.CharField(_("名稱 title"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("職員培訓 staff training")
        verbose_name_plural = _("職員培訓 staff trainings")
        constraints = [models.UniqueConstraint(fields=["unit", "external_id"], name="training_external_id_unique")]

    def __str__(self):
        return f"{self.title or self.staff} {self.date}"
