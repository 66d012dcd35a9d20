from django.conf import settings
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Trim
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tongxing.organisations.models import Agency, Region, Staff, Unit
from tongxing.people.models import Person


class CaseType(models.TextChoices):
    PSA = "psa", _("PSA case")
    FAMILY = "family", _("family case")


class Case(models.Model):
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="cases")
    external_id = models.CharField(_("external id"), max_length=64)
    type = models.CharField(_("type"), max_length=16, choices=CaseType.choices)
    parent_case = models.BooleanField(_("pregnant/parent case"), default=False)
    client = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="cases_as_client",
                               verbose_name=_("client"))
    worker = models.ForeignKey(Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="caseload",
                               verbose_name=_("case worker"))
    members = models.ManyToManyField(Person, blank=True, related_name="cases_as_member",
                                     verbose_name=_("members"))
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="merged_family_cases", verbose_name=_("merged into"))
    next_action_due = models.DateField(_("next action due"), null=True, blank=True)
    next_action = models.CharField(_("next action"), max_length=200, blank=True)
    history = HistoricalRecords(m2m_fields=[members])

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
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
    opened = models.DateField(_("opened"))
    closed = models.DateField(_("closed"), null=True, blank=True)
    plan_achieved = models.BooleanField(_("case plan achieved"), null=True, blank=True)
    last_drug_use = models.DateField(_("last drug use"), null=True, blank=True)
    closure_reason = models.CharField(_("closure reason"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("episode")
        verbose_name_plural = _("episodes")
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
        indexes = [
            # "Is the case open?" (every caseload, list and home page): a quarter of the episodes, so PostgreSQL
            # hashed a scan of every episode of the organisation for a unit's cases (national home); from this
            # index it reads only the open ones, in case order, or looks each case up.
            models.Index(fields=["case"], condition=Q(closed__isnull=True), name="episode_open_by_case"),
        ]

    def __str__(self):
        return f"{self.case} {self.opened}–{self.closed or ''}"


class CasePlan(models.Model):
    """個案計劃: complete when all four parts are written (DOMAIN.md "Case plan")."""

    episode = models.OneToOneField(Episode, on_delete=models.CASCADE, related_name="plan")
    date = models.DateField(_("date"))
    direction = models.TextField(_("direction agreed"), blank=True)
    timetable = models.TextField(_("timetable"), blank=True)
    actions = models.TextField(_("actions"), blank=True)
    goals = models.TextField(_("measurable goals"), blank=True)
    # Bumped on every save: an editor posting an older revision was overtaken by someone else's save.
    revision = models.PositiveIntegerField(_("revision"), default=0)
    history = HistoricalRecords()

    PARTS = ("direction", "timetable", "actions", "goals")

    class Meta:
        verbose_name = _("case plan")
        verbose_name_plural = _("case plans")

    def __str__(self):
        return f"{self.episode} {self.date}"

    @classmethod
    def all_parts_written(cls, path: str = "") -> Q:
        """Each part's trimmed text is not the empty text (blank-only text is not written), as the annual return
        counts a complete plan; `path` leads from the queried model to the plan. An inequality compares lengths
        first whatever the collation, where LENGTH would count every part's characters for each rule."""
        return Q(*(~Q(Exact(Trim(f"{path}{part}"), Value(""))) for part in cls.PARTS))

    @property
    def is_complete(self):
        return all(getattr(self, part).strip() for part in self.PARTS)


class ApprovalKind(models.TextChoices):
    PLAN = "plan", _("Case plan")
    CLOSURE = "closure", _("Closing the episode")


class ApprovalStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned")


class Approval(models.Model):
    """A worker's case plan or closing of an episode put to the unit's supervisor (issue 19), where the unit asks
    for it (Unit.approval_required).

    A closure is held here, not on the episode, until approved: the episode stays open for every count until
    then, and approving writes the closure with the worker's date and outcome. A plan is written when saved (it
    was agreed with the client that day and counts for OS4 as written); its approval is the supervisor's sign-off
    of that plan, and a plan changed after it waits for approval again."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="approvals")
    kind = models.CharField(_("What"), max_length=16, choices=ApprovalKind.choices)
    status = models.CharField(_("status"), max_length=16, choices=ApprovalStatus.choices,
                              default=ApprovalStatus.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("Submitted by"))
    requested_at = models.DateTimeField(_("Submitted at"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("Decided by"))
    decided_at = models.DateTimeField(_("Decided at"), null=True, blank=True)
    comment = models.TextField(_("Supervisor's comment"), blank=True)
    # The closure proposed (kind "closure"): written to the episode when approved.
    closed = models.DateField(_("closed"), null=True, blank=True)
    plan_achieved = models.BooleanField(_("case plan achieved"), null=True, blank=True)
    last_drug_use = models.DateField(_("last drug use"), null=True, blank=True)
    closure_reason = models.CharField(_("closure reason"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Approval")
        verbose_name_plural = _("Approvals")
        ordering = ["requested_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["episode", "kind"], condition=Q(status="pending"),
                                    name="approval_one_pending_per_episode_and_kind"),
            models.CheckConstraint(condition=Q(status="pending") | Q(decided_at__isnull=False),
                                   name="approval_decided_when_not_pending"),
            models.CheckConstraint(condition=~Q(status="returned") | ~Q(comment=""),
                                   name="approval_returned_with_reason"),
            models.CheckConstraint(condition=~Q(kind="closure") | Q(closed__isnull=False),
                                   name="approval_closure_has_date"),
        ]
        indexes = [models.Index(fields=["status", "episode"], name="approval_status_episode")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.get_status_display()}"


class Party(models.TextChoices):
    FAMILY = "family", _("family")
    STAKEHOLDER = "stakeholder", _("stakeholder")


class Stakeholder(models.TextChoices):
    PROBATION = "probation", _("probation")
    SCHOOL = "school", _("school")
    MEDICAL = "medical", _("medical")
    POLICE = "police", _("police")
    CORRECTIONAL = "correctional", _("correctional")
    YOUTH_OUTREACH = "youth_outreach", _("youth outreach")
    FAMILY_SERVICE = "family_service", _("family service")
    MENTAL_HEALTH = "mental_health", _("mental health")
    TREATMENT_CENTRE = "treatment_centre", _("treatment centre")
    OTHER = "other", _("other")


class Stage(models.TextChoices):
    INTAKE = "intake", _("intake")
    INTERVENTION = "intervention", _("intervention")
    TERMINATION = "termination", _("termination")


class Mode(models.TextChoices):
    PHONE = "phone", _("phone")
    INTERVIEW = "interview", _("interview")
    HOME_VISIT = "home_visit", _("home visit")
    MEETING = "meeting", _("meeting")
    JOINT_INTERVIEW = "joint_interview", _("joint interview")
    REFERRAL = "referral", _("referral")


class Involvement(models.Model):
    """家人參與 / 持份者參與: a dated record of a family member or stakeholder taking part."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    external_id = models.CharField(_("external id"), max_length=64)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="involvements")
    date = models.DateField(_("date"))
    party = models.CharField(_("party"), max_length=16, choices=Party.choices)
    stakeholder = models.CharField(_("stakeholder type"), max_length=32, choices=Stakeholder.choices,
                                   blank=True)
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices, blank=True)
    mode = models.CharField(_("mode"), max_length=16, choices=Mode.choices, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("involvement")
        verbose_name_plural = _("involvements")
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
    MDCC = "mdcc", _("multi-disciplinary case conference")
    CASE_REVIEW = "case_review", _("case review")
    CONSULTATION = "consultation", _("counselling enquiry")


class Collaboration(models.Model):
    """專業人員協作 on a pregnant/parent case (OS7)."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    external_id = models.CharField(_("external id"), max_length=64)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="collaborations")
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=16, choices=CollaborationKind.choices)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("professional collaboration")
        verbose_name_plural = _("professional collaborations")
        constraints = [models.UniqueConstraint(fields=["unit", "external_id"], name="collaboration_external_id_unique")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.date}"


class ReferralCategory(models.TextChoices):
    MEDICAL_TREATMENT = "medical_treatment", _("health bureau medical treatment")
    SOCIAL_WELFARE = "social_welfare", _("social welfare protection")
    EMPLOYMENT = "employment", _("labour bureau employment")
    REHABILITATION_PROTECTION = "rehabilitation_protection", _("rehabilitation-protection association")
    NGO = "ngo", _("other NGOs/charities")
    HALFWAY_HOUSE = "halfway_house", _("halfway house")
    # Hong Kong (seed 002, the service agreement's essential service 6): specialist treatment, substance abuse
    # clinics and other modes of drug treatment and rehabilitation.
    SPECIALIST_TREATMENT = "specialist_treatment", _("specialist treatment")
    SUBSTANCE_ABUSE_CLINIC = "substance_abuse_clinic", _("substance abuse clinic")
    DRUG_TREATMENT_REHABILITATION = "drug_treatment_rehabilitation", _(
        "other drug treatment and rehabilitation services")
    OTHER = "other", _("other")


#: The destination categories a unit is offered, by its region: Taiwan's are seed 004's Table 2 (轉介單位類別),
#: Hong Kong's the services the service agreement names for referral (seed 002).
CATEGORIES_BY_REGION = {
    Region.TAIWAN: (ReferralCategory.MEDICAL_TREATMENT, ReferralCategory.SOCIAL_WELFARE, ReferralCategory.EMPLOYMENT,
                    ReferralCategory.REHABILITATION_PROTECTION, ReferralCategory.NGO, ReferralCategory.HALFWAY_HOUSE,
                    ReferralCategory.OTHER),
    Region.HONG_KONG: (ReferralCategory.SPECIALIST_TREATMENT, ReferralCategory.SUBSTANCE_ABUSE_CLINIC,
                       ReferralCategory.DRUG_TREATMENT_REHABILITATION, ReferralCategory.OTHER),
}


#: Macao's units (and a unit in a time zone of no known region) are offered Hong Kong's categories.
HONG_KONG_LIKE = CATEGORIES_BY_REGION[Region.HONG_KONG]


def categories_for(unit) -> list[tuple[str, str]]:
    """The destination categories offered to `unit`, as (code, label) choices."""
    return [(c.value, c.label) for c in CATEGORIES_BY_REGION.get(unit.region, HONG_KONG_LIKE)]


class ReferralStatus(models.TextChoices):
    SENT = "sent", _("sent")
    ACCEPTED = "accepted", _("accepted")
    ATTENDED = "attended", _("attended")
    NOT_ATTENDED = "not_attended", _("not attended")
    DECLINED = "declined", _("declined")
    CANCELLED = "cancelled", _("Cancelled")
    WITHDRAWN = "withdrawn", _("Withdrawn")


#: DOMAIN.md "Taiwan": a referral cancelled or withdrawn before it is acted on is not a referral in any count;
#: it stays in the record with its reason.
NOT_A_REFERRAL = (ReferralStatus.CANCELLED, ReferralStatus.WITHDRAWN)


def not_cancelled_or_withdrawn() -> Q:
    """DOMAIN.md "Taiwan": a referral cancelled or withdrawn before it is acted on is not a referral in any count."""
    return ~Q(status__in=NOT_A_REFERRAL)


def sent_with_consent() -> Q:
    """A referral out waiting for the person's consent has not been sent: nothing was disclosed and nothing was
    referred yet, so no count reads it until the consent is recorded."""
    return Q(awaiting_consent=False)


def counted_referral() -> Q:
    """The referrals every count reads: all but those cancelled, withdrawn or still waiting for consent."""
    return not_cancelled_or_withdrawn() & sent_with_consent()


class Referral(models.Model):
    """轉介: in (source) and out (destination), with a closed-loop status."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    external_id = models.CharField(_("external id"), max_length=64)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="referrals")
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="referrals")
    direction = models.CharField(_("direction"), max_length=3, choices=[("in", _("in")), ("out", _("out"))])
    category = models.CharField(_("category"), max_length=32, choices=ReferralCategory.choices)
    agency = models.CharField(_("agency"), max_length=200, blank=True)
    # The agency chosen from the unit's list; `agency` keeps its name as it was when referred.
    destination = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="referrals",
                                    verbose_name=_("Destination agency"))
    date = models.DateField(_("date"))
    reason = models.TextField(_("Reason for referral"), blank=True)
    notes = models.TextField(_("Notes"), blank=True)
    awaiting_consent = models.BooleanField(_("Waiting for the person's consent"), default=False)
    status = models.CharField(_("status"), max_length=16, choices=ReferralStatus.choices, default=ReferralStatus.SENT)
    status_date = models.DateField(_("status date"), null=True, blank=True)
    status_reason = models.TextField(_("Reason for cancelling or withdrawing"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        constraints = [
            models.UniqueConstraint(fields=["unit", "external_id"], name="referral_external_id_unique"),
            models.CheckConstraint(condition=Q(status_date__isnull=True) | Q(status_date__gte=F("date")),
                                   name="referral_status_after_sent"),
            models.CheckConstraint(condition=~Q(status__in=NOT_A_REFERRAL) | ~Q(status_reason=""),
                                   name="referral_cancelled_with_reason"),
        ]

    def __str__(self):
        return f"{self.get_category_display()} {self.date}"
