from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tongxing.organisations.models import Staff, Unit
from tongxing.people.models import Person


class CaseType(models.TextChoices):
    PSA = "psa", _("吸毒者個案 PSA case")
    FAMILY = "family", _("家人個案 family case")


class Case(models.Model):
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="cases")
    external_id = models.CharField(_("外部編號 external id"), max_length=64)
    type = models.CharField(_("類別 type"), max_length=16, choices=CaseType.choices)
    parent_case = models.BooleanField(_("吸毒孕婦／家長個案 pregnant/parent case"), default=False)
    client = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="cases_as_client",
                               verbose_name=_("服務對象 client"))
    worker = models.ForeignKey(Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="caseload",
                               verbose_name=_("負責社工 case worker"))
    members = models.ManyToManyField(Person, blank=True, related_name="cases_as_member",
                                     verbose_name=_("個案成員 members"))
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="merged_family_cases", verbose_name=_("已合併至 merged into"))
    next_action_due = models.DateField(_("下次跟進日期 next action due"), null=True, blank=True)
    next_action = models.CharField(_("下次跟進事項 next action"), max_length=200, blank=True)
    history = HistoricalRecords(m2m_fields=[members])

    class Meta:
        verbose_name = _("個案 case")
        verbose_name_plural = _("個案 cases")
        constraints = [
            models.UniqueConstraint(fields=["unit", "external_id"], name="case_external_id_unique"),
            # Only a family case is merged, and only into a PSA case (DOMAIN.md "Cases").
            models.CheckConstraint(condition=Q(merged_into__isnull=True) | Q(type="family"),
                                   name="case_only_family_cases_merge"),
            models.CheckConstraint(condition=Q(parent_case=False) | Q(type="psa"),
                                   name="case_parent_flag_on_psa_cases"),
        ]

    def __str__(self):
        return self.external_id


class Episode(models.Model):
    """A case is open in episodes: opened, possibly closed, possibly reopened later."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="episodes")
    opened = models.DateField(_("開案日期 opened"))
    closed = models.DateField(_("結案日期 closed"), null=True, blank=True)
    plan_achieved = models.BooleanField(_("達成個案計劃 case plan achieved"), null=True, blank=True)
    last_drug_use = models.DateField(_("最後吸毒日期 last drug use"), null=True, blank=True)
    closure_reason = models.CharField(_("結案原因 closure reason"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("個案階段 episode")
        verbose_name_plural = _("個案階段 episodes")
        ordering = ["opened", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(closed__isnull=True) | Q(closed__gte=F("opened")),
                                   name="episode_closed_after_opened"),
            models.CheckConstraint(
                condition=Q(closed__isnull=False) | Q(plan_achieved__isnull=True, last_drug_use__isnull=True),
                name="episode_closure_outcome_only_when_closed",
            ),
            models.UniqueConstraint(fields=["case", "opened"], name="episode_opened_once_per_case"),
        ]

    def __str__(self):
        return f"{self.case} {self.opened}–{self.closed or ''}"


class CasePlan(models.Model):
    """個案計劃: complete when all four parts are written (DOMAIN.md "Case plan")."""

    episode = models.OneToOneField(Episode, on_delete=models.CASCADE, related_name="plan")
    date = models.DateField(_("日期 date"))
    direction = models.TextField(_("(i) 方向 direction agreed"), blank=True)
    timetable = models.TextField(_("(ii) 時間表 timetable"), blank=True)
    actions = models.TextField(_("(iii) 行動 actions"), blank=True)
    goals = models.TextField(_("(iv) 可量度目標 measurable goals"), blank=True)
    # Bumped on every save: an editor posting an older revision was overtaken by someone else's save.
    revision = models.PositiveIntegerField(_("修訂版本 revision"), default=0)
    history = HistoricalRecords()

    COMPLETE = ~Q(direction="") & ~Q(timetable="") & ~Q(actions="") & ~Q(goals="")

    class Meta:
        verbose_name = _("個案計劃 case plan")
        verbose_name_plural = _("個案計劃 case plans")

    def __str__(self):
        return f"{self.episode} {self.date}"

    @property
    def is_complete(self):
        return all(s.strip() for s in (self.direction, self.timetable, self.actions, self.goals))


class Party(models.TextChoices):
    FAMILY = "family", _("家人 family")
    STAKEHOLDER = "stakeholder", _("持份者 stakeholder")


class Stakeholder(models.TextChoices):
    PROBATION = "probation", _("感化 probation")
    SCHOOL = "school", _("學校 school")
    MEDICAL = "medical", _("醫護 medical")
    POLICE = "police", _("警方 police")
    CORRECTIONAL = "correctional", _("懲教 correctional")
    YOUTH_OUTREACH = "youth_outreach", _("青少年外展 youth outreach")
    FAMILY_SERVICE = "family_service", _("綜合家庭服務 family service")
    MENTAL_HEALTH = "mental_health", _("精神健康 mental health")
    TREATMENT_CENTRE = "treatment_centre", _("戒毒治療中心 treatment centre")
    OTHER = "other", _("其他 other")


class Stage(models.TextChoices):
    INTAKE = "intake", _("接案 intake")
    INTERVENTION = "intervention", _("介入 intervention")
    TERMINATION = "termination", _("結案 termination")


class Mode(models.TextChoices):
    PHONE = "phone", _("電話 phone")
    INTERVIEW = "interview", _("面談 interview")
    HOME_VISIT = "home_visit", _("家訪 home visit")
    MEETING = "meeting", _("會議 meeting")
    JOINT_INTERVIEW = "joint_interview", _("聯合面談 joint interview")
    REFERRAL = "referral", _("轉介 referral")


class Involvement(models.Model):
    """家人參與 / 持份者參與: a dated record of a family member or stakeholder taking part."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    external_id = models.CharField(_("外部編號 external id"), max_length=64)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="involvements")
    date = models.DateField(_("日期 date"))
    party = models.CharField(_("參與者 party"), max_length=16, choices=Party.choices)
    stakeholder = models.CharField(_("持份者類別 stakeholder"), max_length=32, choices=Stakeholder.choices,
                                   blank=True)
    stage = models.CharField(_("階段 stage"), max_length=16, choices=Stage.choices, blank=True)
    mode = models.CharField(_("形式 mode"), max_length=16, choices=Mode.choices, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("參與 involvement")
        verbose_name_plural = _("參與 involvements")
        constraints = [
            models.UniqueConstraint(fields=["unit", "external_id"], name="involvement_external_id_unique"),
            models.CheckConstraint(condition=Q(party="family") | ~Q(stakeholder=""),
                                   name="involvement_stakeholder_named"),
        ]
        # The counting rules look up a case's involvements of one party within an episode's dates (OS6, OC3, OC9).
        indexes = [models.Index(fields=["case", "party", "date"], name="involvement_case_party_date")]

    def __str__(self):
        return f"{self.get_party_display()} {self.date}"


class CollaborationKind(models.TextChoices):
    MDCC = "mdcc", _("多專業個案會議 multi-disciplinary case conference")
    CASE_REVIEW = "case_review", _("個案檢討 case review")
    CONSULTATION = "consultation", _("諮詢 consultation")


class Collaboration(models.Model):
    """專業人員協作 on a pregnant/parent case (OS7)."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    external_id = models.CharField(_("外部編號 external id"), max_length=64)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="collaborations")
    date = models.DateField(_("日期 date"))
    kind = models.CharField(_("類別 kind"), max_length=16, choices=CollaborationKind.choices)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("專業協作 professional collaboration")
        verbose_name_plural = _("專業協作 professional collaborations")
        constraints = [models.UniqueConstraint(fields=["unit", "external_id"], name="collaboration_external_id_unique")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.date}"


class ReferralCategory(models.TextChoices):
    MEDICAL_TREATMENT = "medical_treatment", _("衛生局醫療戒治 health bureau medical treatment")
    SOCIAL_WELFARE = "social_welfare", _("社會福利保護 social welfare protection")
    EMPLOYMENT = "employment", _("勞工局就業 labour bureau employment")
    REHABILITATION_PROTECTION = "rehabilitation_protection", _("更生保護會 rehabilitation-protection association")
    NGO = "ngo", _("其他民間團體 other NGOs/charities")
    HALFWAY_HOUSE = "halfway_house", _("中途之家 halfway house")
    OTHER = "other", _("其他 other")


class ReferralStatus(models.TextChoices):
    SENT = "sent", _("已轉介 sent")
    ACCEPTED = "accepted", _("已接收 accepted")
    ATTENDED = "attended", _("已出席 attended")
    NOT_ATTENDED = "not_attended", _("未出席 not attended")
    DECLINED = "declined", _("拒絕 declined")
    CANCELLED = "cancelled", _("Cancelled")
    WITHDRAWN = "withdrawn", _("Withdrawn")


#: DOMAIN.md "Taiwan": a referral cancelled or withdrawn before it is acted on is not a referral in any count;
#: it stays in the record with its reason.
NOT_A_REFERRAL = (ReferralStatus.CANCELLED, ReferralStatus.WITHDRAWN)


def counted_referral() -> Q:
    """The referrals every count reads: all but those cancelled or withdrawn (DOMAIN.md "Taiwan")."""
    return ~Q(status__in=NOT_A_REFERRAL)


class Referral(models.Model):
    """轉介: in (source) and out (destination), with a closed-loop status."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    external_id = models.CharField(_("外部編號 external id"), max_length=64)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="referrals")
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="referrals")
    direction = models.CharField(_("方向 direction"), max_length=3, choices=[("in", _("轉入 in")), ("out", _("轉出 out"))])
    category = models.CharField(_("類別 category"), max_length=32, choices=ReferralCategory.choices)
    agency = models.CharField(_("機構 agency"), max_length=200, blank=True)
    date = models.DateField(_("日期 date"))
    status = models.CharField(_("狀態 status"), max_length=16, choices=ReferralStatus.choices, default=ReferralStatus.SENT)
    status_date = models.DateField(_("狀態日期 status date"), null=True, blank=True)
    status_reason = models.TextField(_("Reason for cancelling or withdrawing"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("轉介 referral")
        verbose_name_plural = _("轉介 referrals")
        constraints = [
            models.UniqueConstraint(fields=["unit", "external_id"], name="referral_external_id_unique"),
            models.CheckConstraint(condition=Q(status_date__isnull=True) | Q(status_date__gte=F("date")),
                                   name="referral_status_after_sent"),
            models.CheckConstraint(condition=~Q(status__in=NOT_A_REFERRAL) | ~Q(status_reason=""),
                                   name="referral_cancelled_with_reason"),
        ]

    def __str__(self):
        return f"{self.get_category_display()} {self.date}"
