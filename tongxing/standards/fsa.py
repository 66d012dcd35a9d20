"""The funder's service agreement (seed 002): output standards OS1–OS17 and outcome standards OC1–OC10.

Each standard is one function named by what it counts, returning a `Tally` or
a `Proportion` over the unit's records for a period; its docstring cites the
DOMAIN.md row and states the reading taken where the row is silent.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field, replace
from functools import cached_property

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    FilteredRelation,
    Func,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, ExtractIsoWeekDay, Greatest, Least, RowNumber
from django.db.models.lookups import GreaterThanOrEqual, IsNull, LessThan, LessThanOrEqual
from django.utils.translation import gettext_lazy as _

from tongxing.activities.models import (
    Activity,
    ActivityKind,
    ActivityStaff,
    Attendance,
    Feedback,
    FeedbackTopic,
    GroupKind,
    MedicalAssessment,
    Training,
)
from tongxing.cases.models import Case as CaseFile
from tongxing.cases.models import CasePlan, CaseType, Collaboration, Episode, Involvement, Party
from tongxing.lib.sql import InList
from tongxing.organisations.models import (
    Establishment,
    OpeningHours,
    PeerType,
    Role,
    School,
    SchoolKind,
    Staff,
    StaffRole,
)
from tongxing.people.models import PROACTIVE_CHANNELS, Child, DrugUse, Person

from .engine import (
    Check,
    DaysBetween,
    PerDatabase,
    Period,
    Proportion,
    SubqueryCount,
    SubqueryCountDistinct,
    Tally,
    age_on,
)

# Numbers the agreement fixes (DOMAIN.md), named so each rule reads like its row.
ONE_HOUR = 60
FULL_DAY_CAP = 3
EVENING_FROM = dt.time(18, 0)
PSA_WINDOW = dt.timedelta(days=183)
PARENT_PSA_WINDOW = dt.timedelta(days=365)
CHILD_AGE = 12
YOUNG_AGE = 21
ABSTINENT = dt.timedelta(days=90)
BRIEF_SESSIONS_PER_PERSON = 4
GROUP_MIN_SESSIONS = 4
GROUP_SMALL = 6
FAMILY_GROUP_MIN_FAMILIES = 2
FAMILY_CASE_SHARE_LIMIT = 0.15
SW_OR_NURSE = (Role.SOCIAL_WORKER, Role.NURSE)
FAR_FUTURE = dt.date(9999, 12, 31)  # the end of an episode that is still open


class base(cached_property):  # lower case: a decorator, like cached_property
    """A Scope's base of records: the unit's records the method returns, placed in the scope's period by
    `date_field` (None: every period reads them all). One object per scope, so the rules built on it are
    recognised as sharing it and `evaluate` reads it in one query."""

    def __init__(self, date_field: str | None):
        self.date_field = date_field

    def __call__(self, records):
        def in_period(scope: Scope) -> QuerySet:
            qs = records(scope)
            return qs.filter(scope.period.dates(self.date_field)) if self.date_field else qs

        super().__init__(in_period)
        self.__doc__ = records.__doc__
        return self


@dataclass
class Scope:
    """One unit's records for one period, read through its bases."""

    unit: object
    period: Period
    warnings: list[str] = field(default_factory=list)

    @base("date")
    def _activities(self) -> QuerySet:
        return Activity.objects.filter(unit=self.unit)

    def activities(self, *kinds) -> QuerySet:
        return self._activities.filter(kind__in=kinds) if kinds else self._activities

    @base(None)
    def episodes(self) -> QuerySet:
        """The episodes of the unit's cases, reached through the list of its cases (see `of_activities`)."""
        return with_complete_plan(
            Episode.objects.filter(InList(F("case"), CaseFile.objects.filter(unit=self.unit).values("pk"))))

    def of_activities(self, records: QuerySet, *kinds) -> QuerySet:
        """`records` (rows naming an activity) of the unit's activities in the period, of `kinds` if given.

        The activities are one list built once, and each drives a lookup in the records' activity index: joined
        on the unit instead, a planner reads every record of every unit when the unit holds a large share.
        """
        return records.filter(InList(F("activity"), self.activities(*kinds).values("pk")))

    def activity_id_range(self) -> Q:
        """Rows whose `activity` lies between the first and last id of the unit's activities in the period.

        On PostgreSQL, one ordered range of an index on `activity` holding every row of those activities (and
        any of other units or periods in between, which the caller's own activities leave out), read once rather
        than one index descent per activity.
        """
        activities = self._activities.order_by().values("unit")
        return Q(activity__gte=Subquery(activities.annotate(_first=Min("pk")).values("_first")),
                 activity__lte=Subquery(activities.annotate(_last=Max("pk")).values("_last")))

    @base("activity__date")
    def staff_present(self) -> QuerySet:
        """Staff attendance at the unit's activities in the period."""
        return self.of_activities(ActivityStaff.objects.all())

    @base("identified_on")
    def identified(self) -> QuerySet:
        """People first identified in the period."""
        return Person.objects.filter(unit=self.unit)

    @base("activity__date")
    def feedback(self) -> QuerySet:
        """Forms collected at the unit's activities in the period."""
        return self.of_activities(Feedback.objects.filter(unit=self.unit))

    @base("date")
    def collaborations(self) -> QuerySet:
        return Collaboration.objects.filter(unit=self.unit)

    @base("date")
    def assessments(self) -> QuerySet:
        """Health and drug-related needs assessments in the period."""
        return MedicalAssessment.objects.filter(unit=self.unit)

    @base("date")
    def trainings(self) -> QuerySet:
        return Training.objects.filter(unit=self.unit)

    @base("activity__date")
    def brief_counselling(self) -> QuerySet:
        """The person each brief-counselling session in the period served (see `brief_counselling_sessions`)."""
        return _brief_counselling_served(self._activities)

    def on_bases_of(self, latest: Scope, rule: Tally | Proportion) -> Tally | Proportion:
        """`rule`, built for this scope, read from the bases of `latest`, a period with the same start ending no
        earlier (the cumulative quarters of a year).

        This period's end becomes a condition within `latest`'s bases, placed first so that later records skip
        the checks; rules of several periods then share each base and are counted in one query.
        """
        if latest is self:
            return rule
        if self.period.start != latest.period.start or self.period.end > latest.period.end:
            raise ValueError(f"{self.period} does not start with {latest.period} or ends after it")
        tally = rule.base if isinstance(rule, Proportion) else rule
        for name, records in vars(Scope).items():
            if isinstance(records, base) and self.__dict__.get(name) is tally.candidates:
                until_end = Q(**{f"{records.date_field}__lte": self.period.end}) if records.date_field else Q()
                moved = replace(tally, candidates=getattr(latest, name), within=until_end & tally.within)
                return replace(rule, base=moved) if isinstance(rule, Proportion) else moved
        raise ValueError("the rule is not counted over a base of its scope")


# --- shared conditions -----------------------------------------------------------------------

def role_holders(*roles) -> QuerySet:
    """The staff holding one of `roles`, as one list a query builds once."""
    return StaffRole.objects.filter(role__in=roles).values("staff")


def holds(role) -> Q:
    """The record's staff member holds `role`."""
    return Q(staff__in=role_holders(role))


def staffed_by(*roles, activity="pk") -> Q:
    """The activity (`activity` names it in the outer query) has a staff member holding one of `roles`.

    Each staff row's role is one probe of the (staff, role) index. On PostgreSQL both steps are scalar subqueries,
    which no planner turns into a join: the activity's first staff row holding a role, each staff row's first such
    role. As EXISTS, PostgreSQL may plan the role probe as a hash of every role once per activity, or (in a WHERE
    clause, OS9's first-four list) a semi-join hashing the staff rows of every role holder of every unit; a list of
    the role holders instead is searched element by element for every staff row, so its cost grows with the
    organisation's staff.
    """
    staff = ActivityStaff.objects.filter(activity=OuterRef(activity))
    holding = StaffRole.objects.filter(staff=OuterRef("staff"), role__in=roles)
    # Each step selects a column of the index it probes ((staff, role), (activity, staff)): an index-only read, no row.
    first_role = Subquery(holding.values("staff")[:1])
    first_holder = Subquery(staff.filter(IsNull(first_role, False)).values("staff")[:1])
    return Q(PerDatabase(Exists(staff.filter(Exists(holding))), postgresql=IsNull(first_holder, False)))


# The path from each base's records to their activity, for the activities of funded projects.
ACTIVITY_PATHS = {Activity: "", ActivityStaff: "activity__", Attendance: "activity__", Feedback: "activity__"}
OUTSIDE_RETURN = _("An activity of a funded project that does not count in the annual return")


def in_annual_return(rule: Tally | Proportion) -> Tally | Proportion:
    """DOMAIN.md "Funded projects": whether a project's activities also count in the annual return is a setting
    of the project; where they do not, every standard leaves them out and its drill-down names the project.
    Rules over records other than activities are returned as they are."""
    tally = rule.base if isinstance(rule, Proportion) else rule
    path = ACTIVITY_PATHS.get(tally.candidates.model)
    if path is None:
        return rule
    projects = Activity._meta.get_field("project").related_model.objects.filter(counts_in_annual_return=False)
    check = Check(OUTSIDE_RETURN, ~Q(**{f"{path}project__in": projects.values("pk")}))
    checked = replace(tally, checks=[check, *tally.checks])
    return replace(rule, base=checked) if isinstance(rule, Proportion) else checked


AT_LEAST_ONE_HOUR = Check(_("under 1 hour"), Q(minutes__gte=ONE_HOUR))
BY_SW_OR_NURSE = Check(_("no social worker or nurse"), staffed_by(*SW_OR_NURSE))


def full_day_units():
    """DOMAIN.md "full day ≤3": a full-day activity counts its whole hours, capped at 3; others 1."""
    return Case(
        When(full_day=True, then=Least(F("minutes") / 60, Value(FULL_DAY_CAP))),
        default=Value(1), output_field=IntegerField(),
    )


def with_complete_plan(episodes: QuerySet) -> QuerySet:
    """`episodes` joined to their plan where all four parts are written, as `complete_plan` (see PLAN_COMPLETE).

    The parts are tested once per episode, in the join: as a check, each rule needing a complete plan trimmed
    the four texts again for every episode (eight rules, a third of the episodes query).
    """
    return episodes.annotate(complete_plan=FilteredRelation("plan", condition=CasePlan.all_parts_written("plan__")))


# On a base of episodes `with_complete_plan`.
PLAN_COMPLETE = Check(_("case plan lacks one of its four parts"), Q(complete_plan__isnull=False))
NOT_MERGED = Check(_("family case merged into a PSA case"), Q(case__merged_into__isnull=True))


# --- output standards ------------------------------------------------------------------------

def outreach_sessions(s: Scope) -> Tally:
    """OS1 — outreach ≥1 h with direct contact with ≥1 suspected/confirmed PSA (psa_contacted ≥ 1)."""
    return Tally(s.activities(), [
        AT_LEAST_ONE_HOUR,
        Check(_("no direct contact with a PSA"), Q(psa_contacted__gte=1)),
    ], within=Q(kind=ActivityKind.OUTREACH))


def evening_outreach_sessions(s: Scope) -> Tally:
    """OS1(a) — of OS1, starting at or after the later of 18:00 and the unit's closing time that day.

    A day the unit is closed uses 18:00.
    """
    closing = Subquery(OpeningHours.objects.filter(unit=OuterRef("unit"), weekday=ExtractIsoWeekDay(OuterRef("date")))
                       .values("closes")[:1])
    evening_from = Greatest(Coalesce(closing, Value(EVENING_FROM)), Value(EVENING_FROM))
    tally = outreach_sessions(s)
    tally.checks.append(Check(_("starts before the evening"),
                              Q(GreaterThanOrEqual(F("start_time"), evening_from))))
    return tally


def _latest_drug_use():
    return Subquery(DrugUse.objects.filter(person=OuterRef("pk"), last_used__isnull=False)
                    .order_by("-last_used").values("last_used")[:1])


def _is_parent_on(date_ref) -> Q:
    """Pregnant, or a parent of a child under 12 on the date (DOMAIN.md "Service users")."""
    young_child = Child.objects.annotate(_age=age_on(F("birth_date"), date_ref)).filter(
        person=OuterRef("pk"), _age__lt=CHILD_AGE)
    return Q(pregnant=True) | Q(Exists(young_child))


def _of_a_parent_case(case="case") -> Q:
    """The case the record names (`case`) is a pregnant/parent case, or was merged into one.

    A subquery, not a join: only the records reaching this check read their case."""
    return Q(Exists(CaseFile.objects.filter(pk=OuterRef(case)).filter(
        Q(parent_case=True) | Q(merged_into__parent_case=True))))


def proactively_identified_psa(s: Scope) -> Tally:
    """OS2 — PSA first identified in the year through a proactive channel.

    Proactive: outreach, friends/family, publicity, social media; professional and community referrals
    and self-referral are not. The person must be a PSA on that date: use within 183 days
    (365 for a pregnant woman or a parent of a child under 12).
    """
    gap = DaysBetween(F("identified_on"), _latest_drug_use())
    return Tally(s.identified, [
        Check(_("not a proactive channel"),
              Q(identification_channel__in=PROACTIVE_CHANNELS)),
        Check(_("not a PSA on that date"),
              Q(LessThanOrEqual(gap, PSA_WINDOW.days))
              | _is_parent_on(OuterRef("identified_on")) & Q(LessThanOrEqual(gap, PARENT_PSA_WINDOW.days))),
    ])


def young_proactively_identified_psa(s: Scope) -> Tally:
    """OS3 — of OS2, aged under 21 on the identification date."""
    tally = proactively_identified_psa(s)
    tally.checks.append(Check(_("aged 21 or over"),
                              Q(LessThan(age_on(F("birth_date"), F("identified_on")), YOUNG_AGE))))
    return tally


def _in_hand_or_opened(s: Scope) -> Q:
    """Episodes in hand on 1 April (opened before it, not closed before it) or opened in the period."""
    start = s.period.start
    in_hand = Q(opened__lt=start) & (Q(closed__isnull=True) | Q(closed__gte=start))
    return in_hand | s.period.dates("opened")


def cases_with_plan(s: Scope) -> Tally:
    """OS4 — episodes in hand on 1 April or opened/reopened in the year, with a complete case plan.

    A family case merged into a PSA case is counted through that case, not again on its own.
    """
    return Tally(s.episodes, [NOT_MERGED, PLAN_COMPLETE], within=_in_hand_or_opened(s))


def psa_cases_with_plan(s: Scope) -> Tally:
    """OS4(a) — of OS4, PSA cases (pregnant/parent cases included); the rest are family cases."""
    tally = cases_with_plan(s)
    tally.checks.append(Check(_("family case"), Q(case__type=CaseType.PSA)))
    return tally


def parent_cases_with_plan(s: Scope) -> Tally:
    """OS4(b) — of OS4(a), pregnant/parent PSA cases."""
    tally = psa_cases_with_plan(s)
    tally.checks.append(Check(_("not a pregnant/parent case"), Q(case__parent_case=True)))
    return tally


def new_cases(s: Scope) -> Tally:
    """OS5 — episodes opened or reopened in the year.

    Reading (seed 002: "計入服務量標準第4項的個案數目"): only cases counted in OS4, so with a complete plan.
    """
    return Tally(s.episodes, [NOT_MERGED, PLAN_COMPLETE], within=s.period.dates("opened"))


class CaseAndMergedCases(Func):
    """The ids of case `case` (an outer reference) and of the family cases merged into it, as one SELECT:
    the case itself, then those the merged-into index gives (a UNION ALL, never an OR across the merge)."""

    output_field = IntegerField()

    def as_sql(self, compiler, connection, **extra_context):
        case, params = compiler.compile(self.source_expressions[0])
        q = connection.ops.quote_name
        merged_into = CaseFile._meta.get_field("merged_into").column
        return (f"(SELECT {case} UNION ALL SELECT merged.{q(CaseFile._meta.pk.column)} "
                f"FROM {q(CaseFile._meta.db_table)} merged WHERE merged.{q(merged_into)} = {case})", (*params, *params))


def _involvements(party, period=None) -> QuerySet:
    """Involvements of `party` dated within the outer episode, on its case or a family case merged into it.

    The cases are an IN-list, so each is one lookup in the involvements' case index whatever the proportions: an
    OR across the merge join lets the planner scan every involvement of the party for every episode.
    """
    qs = Involvement.objects.filter(InList(F("case"), CaseAndMergedCases(OuterRef("case"))), party=party,
                                    date__gte=OuterRef("opened"))
    qs = qs.filter(date__lte=Coalesce(OuterRef("closed"), Value(FAR_FUTURE)))
    return qs.filter(period.dates("date")) if period is not None else qs


def _involved(party, period=None) -> Q:
    return Q(Exists(_involvements(party, period)))


def cases_with_stakeholders(s: Scope) -> Tally:
    """OS6 — OS4 episodes with ≥1 stakeholder involvement dated in the year and within the episode."""
    tally = cases_with_plan(s)
    tally.checks.append(Check(_("no stakeholder involvement in the year"),
                              _involved(Party.STAKEHOLDER, s.period)))
    return tally


def parent_case_collaborations(s: Scope) -> Tally:
    """OS7 — professional collaboration events in the year on pregnant/parent cases (any date vs episode)."""
    return Tally(s.collaborations, [Check(_("not a pregnant/parent case"), _of_a_parent_case())])


def _groups_with_enough_long_sessions(s: Scope) -> QuerySet:
    """The groups of the period's group sessions having ≥4 sessions of ≥1 h over their whole life, as one list
    built once: counted for each session instead, a group's sessions were counted again for each of them."""
    groups = s.activities(ActivityKind.GROUP_SESSION).values("group")
    long_sessions = Activity.objects.filter(InList(F("group"), groups), kind=ActivityKind.GROUP_SESSION,
                                            minutes__gte=ONE_HOUR)
    return long_sessions.values("group").annotate(_n=Count("pk")).filter(_n__gte=GROUP_MIN_SESSIONS).values("group")


def counselling_group_sessions(s: Scope) -> Tally:
    """OS8 — sessions ≥1 h with a SW and/or nurse, of counselling groups with ≥4 sessions of ≥1 h in all.

    "In all" is over the group's whole life (a group may run across years). Full day ≤3.
    """
    return Tally(
        s.activities(),
        [AT_LEAST_ONE_HOUR, BY_SW_OR_NURSE,
         Check(_("group has fewer than 4 sessions of 1 hour"),
               Q(group__in=_groups_with_enough_long_sessions(s)))],
        weight=full_day_units(), within=Q(kind=ActivityKind.GROUP_SESSION, group__kind=GroupKind.COUNSELLING),
    )


def _case_in_hand(person="person", date="activity__date") -> Q:
    """The person is client or member of a case with an episode open on the date."""
    open_on = Q(opened__lte=OuterRef(date)) & (Q(closed__isnull=True) | Q(closed__gte=OuterRef(date)))
    return (Q(Exists(Episode.objects.filter(open_on, case__client=OuterRef(person))))
            | Q(Exists(Episode.objects.filter(open_on, case__members=OuterRef(person)))))


def _first_person_served() -> Q:
    """Brief counselling serves people[0]: the attendance row entered first."""
    return ~Q(Exists(Attendance.objects.filter(activity=OuterRef("activity"), pk__lt=OuterRef("pk"))))


def _brief_counselling_served(activities: QuerySet) -> QuerySet:
    """The first person served (see `_first_person_served`) at each brief-counselling session of `activities`,
    the sessions one list whose each drives a lookup in the attendance's activity index."""
    sessions = activities.filter(kind=ActivityKind.BRIEF_COUNSELLING).values("pk")
    return Attendance.objects.filter(InList(F("activity"), sessions)).filter(_first_person_served())


def brief_counselling_sessions(s: Scope) -> Tally:
    """OS9 — brief counselling ≥1 h by a SW and/or nurse for a person (people[0]) with no case in hand that day.

    Only a person's first 4 such sessions ever count. Nursing and consultation sessions are never counted here.
    Counted over attendance rows (one per session: its first person) so the person is a plain column.
    """
    session = [Check(_("under 1 hour"), Q(activity__minutes__gte=ONE_HOUR)),
               Check(BY_SW_OR_NURSE.reason, staffed_by(*SW_OR_NURSE, activity="activity")),
               Check(_("person had a case in hand that day"), ~_case_in_hand())]
    # The person's sessions passing those checks, numbered once over their whole history, rather than
    # recounting each session's earlier ones.
    history = _brief_counselling_served(Activity.objects.filter(unit=s.unit, date__lte=s.period.end))
    # The sessions' own conditions restated on the join to them, so their index reaches them: otherwise PostgreSQL
    # may hash every activity of every unit to read each session's length and start.
    history = history.filter(activity__unit=s.unit, activity__date__lte=s.period.end)
    # Only the people served in the period are numbered (each one's whole history still): one list, each person
    # an index lookup, rather than numbering everyone the unit ever served. PostgreSQL only: SQLite then reads the
    # list's attendance check again for each of the unit's sessions (OS9 query ~23 -> ~109 ms at city scale).
    # Every participant of the period's sessions, not only each one's first person: a list of more people numbers the
    # same sessions of each, and is read from the sessions' attendance alone, without the first-person test or the
    # join to the activity's date.
    served = Attendance.objects.filter(InList(F("activity"), s.activities(ActivityKind.BRIEF_COUNSELLING).values("pk")))
    history = history.filter(PerDatabase(Value(True), postgresql=InList(F("person"), served.values("person"))))
    first_four = Tally(history, session).counted().annotate(_nth=Window(
        RowNumber(), partition_by=F("person"), order_by=[F("activity__start").asc(), F("activity_id").asc()],
    )).filter(_nth__lte=BRIEF_SESSIONS_PER_PERSON).values("pk")
    return Tally(s.brief_counselling, [
        *session,
        Check(_("person already had 4 brief-counselling sessions"),
              Q(InList(F("pk"), first_four)), after_earlier=True),
    ])


SESSION_FORMATS = ("talk", "workshop", "group")


def education_sessions(s: Scope) -> Tally:
    """OS10 — education/publicity and professional training by a SW and/or nurse.

    Talks, workshops and groups count when ≥1 h (full day ≤3); other formats (exhibition, publication,
    media, web, souvenir, large event) count 1 each whatever their length.
    """
    return Tally(
        s.activities(),
        [BY_SW_OR_NURSE,
         Check(_("talk, workshop or group under 1 hour"),
               ~Q(format__in=SESSION_FORMATS) | Q(minutes__gte=ONE_HOUR))],
        weight=Case(When(format__in=SESSION_FORMATS, then=full_day_units()), default=Value(1),
                    output_field=IntegerField()),
        within=Q(kind__in=(ActivityKind.EDUCATION, ActivityKind.PROFESSIONAL_TRAINING)),
    )


def _by_doctor_or_nurse() -> Q:
    return Q(by__in=role_holders(Role.DOCTOR, Role.NURSE))


def _qualifying_assessments(unit):
    return MedicalAssessment.objects.filter(_by_doctor_or_nurse(), unit=unit, plan=True)


def medical_support_psa(s: Scope) -> Tally:
    """OS12 — PSA whose first health and drug-related needs assessment with a plan, by a doctor or nurse,
    is in the year (an earlier assessment without a plan does not count as the first)."""
    earlier = _qualifying_assessments(s.unit).filter(person=OuterRef("person")).filter(
        Q(date__lt=OuterRef("date")) | Q(date=OuterRef("date"), pk__lt=OuterRef("pk")))
    return Tally(s.assessments, [
        Check(_("no intervention/treatment plan"), Q(plan=True)),
        Check(_("not by a doctor or nurse"), _by_doctor_or_nurse()),
        Check(_("person was assessed before"), ~Q(Exists(earlier))),
    ])


def consultation_sessions(s: Scope) -> Tally:
    """OS13 — consultation/treatment sessions funded by the on-site medical support, with a nurse and/or SW."""
    return Tally(s.activities(), [
        Check(_("not funded by the on-site medical support"), Q(funded_by="medical_support")),
        BY_SW_OR_NURSE,
    ], within=Q(kind=ActivityKind.CONSULTATION))


def nursing_sessions(s: Scope) -> Tally:
    """OS14 — nursing sessions by nurses for PSA (someone served; no length limit)."""
    return Tally(s.activities(), [
        Check(_("no nurse"), staffed_by(Role.NURSE)),
        Check(_("nobody served"),
              Q(headcount__gt=0) | Q(Exists(Attendance.objects.filter(activity=OuterRef("pk"))))),
    ], within=Q(kind=ActivityKind.NURSING))


def peer_support_sessions(s: Scope, ex_user_only=False) -> Tally:
    """OS15 — activities ≥1 h delivered or co-delivered by peer support workers: each peer present counts one.

    OS15(a) with `ex_user_only`: only ex-user peer workers. The activity still counts under its own standard.
    """
    checks = [Check(_("under 1 hour"), Q(activity__minutes__gte=ONE_HOUR))]
    if ex_user_only:
        checks.append(Check(_("family peer worker, not an ex-user"),
                            Q(staff__in=Staff.objects.filter(peer_type=PeerType.EX_USER))))
    return Tally(s.staff_present, checks, within=holds(Role.PEER_SUPPORT_WORKER))


def _families_taking_part():
    """Distinct families among the participants (DOMAIN.md OS16).

    A participant's family is the case they are in (as client first, else as member; the first such case), a
    family case merged into a PSA case being that PSA case; a participant in no case makes no family.
    """
    def first_case(**membership):
        return Subquery(CaseFile.objects.filter(**membership).order_by("pk").annotate(
            _family=Coalesce("merged_into", "pk")).values("_family")[:1])

    family = Coalesce(first_case(client=OuterRef("person")), first_case(members=OuterRef("person")),
                      output_field=IntegerField())
    per_participant = Attendance.objects.filter(activity=OuterRef("pk")).annotate(_family=family)
    return SubqueryCountDistinct(per_participant, "_family")


def family_group_sessions(s: Scope) -> Tally:
    """OS16 — family-relationship-building group sessions led by a SW, ≥2 families, ≥1 h, full day ≤3."""
    return Tally(
        s.activities(),
        [AT_LEAST_ONE_HOUR, Check(_("no social worker"), staffed_by(Role.SOCIAL_WORKER)),
         Check(_("fewer than 2 families"),
               Q(GreaterThanOrEqual(_families_taking_part(), FAMILY_GROUP_MIN_FAMILIES)))],
        weight=full_day_units(), within=Q(kind=ActivityKind.GROUP_SESSION, group__kind=GroupKind.FAMILY_RELATIONSHIP),
    )


def _homemaker_visits_serving_a_parent(s: Scope) -> Q:
    """The activity, a home-maker's visit recorded on no case, had among its participants a pregnant/parent PSA,
    a pregnant woman, a parent of a child under 12 on the day, or a client or member of a pregnant/parent case.

    Lists built once, each step one index lookup: the home-makers' caseless visits, their participants, and
    which of those are parents. An OR of correlated EXISTS lets PostgreSQL hash every case and every person.
    """
    visits = s.staff_present.filter(holds(Role.HOMEMAKER), activity__case__isnull=True).values("activity")
    participation = Attendance.objects.filter(InList(F("activity"), visits))
    participants = participation.values("person")
    parent_case_clients = CaseFile.objects.filter(InList(F("client"), participants), parent_case=True)
    parent_case_members = CaseFile.members.through.objects.filter(InList(F("person"), participants),
                                                                  case__parent_case=True)
    pregnant = Person.objects.filter(InList(F("pk"), participants), pregnant=True)
    by_case_or_pregnancy = participation.filter(
        Q(InList(F("person"), parent_case_clients.values("client")))
        | Q(InList(F("person"), parent_case_members.values("person")))
        | Q(InList(F("person"), pregnant.values("pk"))))
    young_child = Child.objects.annotate(_age=age_on(F("birth_date"), OuterRef("activity__date"))).filter(
        person=OuterRef("person"), _age__lt=CHILD_AGE)
    with_young_child = participation.filter(Exists(young_child))
    return (Q(InList(F("activity"), by_case_or_pregnancy.values("activity")))
            | Q(InList(F("activity"), with_young_child.values("activity"))))


def homemaker_service_minutes(s: Scope) -> Tally:
    """OS17 — face-to-face minutes by home-makers for pregnant/parent PSA and their significant others,
    summed per home-maker present (two home-makers for an hour give two hours)."""
    return Tally(s.staff_present, [Check(
        _("not for a pregnant/parent PSA or their family"),
        _of_a_parent_case("activity__case")
        | Q(activity__case__isnull=True) & _homemaker_visits_serving_a_parent(s))],
        weight=F("activity__minutes"), within=holds(Role.HOMEMAKER))


# --- OS11 schools --------------------------------------------------------------------------------

@dataclass
class SchoolFigures:
    base: int
    served: set
    converted: dict
    workplaces: int
    achieved: float | None
    deductions: dict


CONVERSION_ORDER = ("post_secondary", "family_brief", "family_group")
CASES_PER_SCHOOL = 0.54
NEW_CASE_SHARE = 0.23
BRIEF_PER_SCHOOL = 2.02
GROUP_PER_SCHOOL = 1.62
WORKPLACE_THRESHOLD = 0.70
WORKPLACE_SHARE = 0.10
WORKPLACE_MIN_EMPLOYEES = 5
SCHOOL_SERVICE_KINDS = (ActivityKind.EDUCATION, ActivityKind.GROUP_SESSION)


def base_schools(s: Scope):
    """OS11 base: secondary schools in the service area with school social work, not international/ESF."""
    return School.objects.filter(unit=s.unit, kind=SchoolKind.SECONDARY, in_service_area=True,
                                 school_social_work=True, international_or_esf=False)


def served_schools(s: Scope) -> set:
    """OS11 served: base schools, not in the Healthy School Programme, that had an anti-drug service
    (education or a group session) in the year; professional training for staff does not serve a school."""
    at_schools = s.activities(*SCHOOL_SERVICE_KINDS).filter(school__isnull=False).values("school")
    return set(base_schools(s).filter(healthy_school_programme=False, pk__in=at_schools).values_list("pk", flat=True))


def post_secondary_sessions(s: Scope) -> int:
    """Sessions (≥1 h, full day ≤3) at post-secondary or vocational institutions: the post-secondary cap.

    The school's kind is a scalar subquery, one school lookup per session of the unit's year: as a join,
    PostgreSQL merged every school activity of every unit, read through the school index."""
    school_kind = Subquery(School.objects.filter(pk=OuterRef("school")).values("kind")[:1])
    sessions = s.activities(*SCHOOL_SERVICE_KINDS).alias(_school_kind=school_kind)  # no school: no kind, not counted
    return Tally(sessions.filter(_school_kind__in=(SchoolKind.POST_SECONDARY, SchoolKind.VOCATIONAL)),
                 [AT_LEAST_ONE_HOUR], weight=full_day_units()).value()


def served_workplaces(s: Scope) -> int:
    return s.activities(ActivityKind.EDUCATION).filter(
        workplace__employees__gte=WORKPLACE_MIN_EMPLOYEES).values("workplace").distinct().count()


def schools_served(s: Scope) -> SchoolFigures:
    """OS11 — DOMAIN.md "Schools (OS11)": served + converted (+ workplaces once 70% is reached) over the base.

    Conversions never exceed the unserved base schools, post-secondary ones never exceed the sessions held
    there; routes apply in the order post-secondary, family+brief, family+group; the excess is ignored
    with a warning. Converted family routes are deducted from OS4, OS5 (23% of the cases), OS8 and OS9.
    """
    from tongxing.standards.models import SchoolConversion

    base = base_schools(s).count()
    served = served_schools(s)
    requested = {r: 0 for r in CONVERSION_ORDER}
    for route, schools in SchoolConversion.objects.filter(unit=s.unit, fy=s.period.fy).values_list(
            "route", "schools"):
        requested[route] += schools
    capacity = base - len(served)
    converted = {}
    for route in CONVERSION_ORDER:
        limit = capacity if route != "post_secondary" else min(capacity, post_secondary_sessions(s))
        converted[route] = max(0, min(requested[route], limit))
        if requested[route] > converted[route]:
            s.warnings.append(_("OS11: %(route)s conversion of %(requested)d schools exceeds the limit; "
                                "%(applied)d applied") % {"route": route, "requested": requested[route],
                                                          "applied": converted[route]})
        capacity -= converted[route]
    total = len(served) + sum(converted.values())
    workplaces = 0
    if base and total >= WORKPLACE_THRESHOLD * base - 1e-9:
        workplaces = max(0, min(served_workplaces(s), math.floor(WORKPLACE_SHARE * base + 1e-9), base - total))
    family = converted["family_brief"] + converted["family_group"]
    return SchoolFigures(
        base=base, served=served, converted=converted, workplaces=workplaces,
        achieved=(total + workplaces) / base if base else None,
        deductions={"OS4": CASES_PER_SCHOOL * family, "OS5": CASES_PER_SCHOOL * NEW_CASE_SHARE * family,
                    "OS8": GROUP_PER_SCHOOL * converted["family_group"],
                    "OS9": BRIEF_PER_SCHOOL * converted["family_brief"]},
    )


# --- outcome standards ---------------------------------------------------------------------------

def closed_cases_plan_achieved(s: Scope) -> Proportion:
    """OC1 — episodes closed in the year with a (complete) case plan → plan achieved."""
    base = Tally(s.episodes, [NOT_MERGED, PLAN_COMPLETE], within=s.period.dates("closed"))
    return Proportion(base, Check(_("plan not achieved"), Q(plan_achieved=True)))


def abstinent_at_closure(s: Scope) -> Proportion:
    """OC2 — PSA episodes closed in the year → last drug use ≥90 days before closure (89 is not)."""
    base = Tally(s.episodes, [Check(_("family case"), Q(case__type=CaseType.PSA))],
                 within=s.period.dates("closed"))
    abstinent = DaysBetween(F("closed"), F("last_drug_use"))
    return Proportion(base, Check(_("used within 90 days of closure"),
                                  Q(GreaterThanOrEqual(abstinent, ABSTINENT.days))))


def psa_cases_with_family(s: Scope) -> Proportion:
    """OC3 — OS4(a) episodes → ≥1 family involvement within the episode (any date in it)."""
    base = psa_cases_with_plan(s)
    return Proportion(base, Check(_("no family involvement"), _involved(Party.FAMILY)))


def _feedback(s: Scope, *topics) -> Tally:
    """Forms collected at the unit's activities in the period, on `topics`, to be checked."""
    return Tally(s.feedback, within=Q(topic__in=topics))


POSITIVE = Check(_("not positive"), Q(positive=True))


def school_feedback(s: Scope, served: set) -> Proportion:
    """OC4 — forms on drug harm collected at activities in served schools (OS11) → better understanding."""
    base = _feedback(s, FeedbackTopic.DRUG_HARM)
    base.checks.append(Check(_("not a served school"),
                             Q(school__in=served) | Q(school__isnull=True, activity__school__in=served)))
    return Proportion(base, POSITIVE)


def medical_support_feedback(s: Scope) -> Proportion:
    """OC5 — forms from OS12 persons → better understanding of drug harm."""
    os12_people = medical_support_psa(s).counted().values("person")
    base = _feedback(s, FeedbackTopic.DRUG_HARM)
    base.checks.append(Check(_("not an OS12 person"), Q(person__in=os12_people)))
    return Proportion(base, POSITIVE)


def peer_support_feedback(s: Scope) -> Proportion:
    """OC6 — forms on drug harm / recovery at activities a peer worker took part in (any length) → positive."""
    # On PostgreSQL the period's activities a peer worker took part in are one list, hashed once, that each form
    # looks up: probing each form's activity for its staff and their roles costs a probe per form, and forms are
    # many per activity (dense_feedback: feedback query ~20% less server CPU). SQLite builds that list slower than it
    # probes (big_groups: its feedback query ~12% more steps).
    # The list is read from the range of the period's activity ids (`activity_id_range`), not a lookup for each
    # activity: it may hold other activities too, but only the forms' own activities are looked up in it
    # (feedback query: national unit 154,082 -> 72,918 buffers, case_heavy 173,073 -> 75,584).
    with_peer = ActivityStaff.objects.filter(s.activity_id_range(), holds(Role.PEER_SUPPORT_WORKER)).values("activity")
    peer_present = staffed_by(Role.PEER_SUPPORT_WORKER, activity="activity")
    base = _feedback(s, FeedbackTopic.DRUG_HARM, FeedbackTopic.RECOVERY)
    base.checks.append(Check(_("no peer worker at the activity"),
                             Q(PerDatabase(peer_present, postgresql=Q(activity__in=with_peer)))))
    return Proportion(base, POSITIVE)


def _parent_case_feedback(s: Scope, topic) -> Proportion:
    # OS4(b)'s episodes, read from the unit's pregnant/parent PSA cases not merged (conditions OS4(b) checks itself),
    # so the list of clients looks up the episodes of those few cases, not of every case of the unit.
    parent_cases = CaseFile.objects.filter(unit=s.unit, parent_case=True, type=CaseType.PSA, merged_into__isnull=True)
    episodes = with_complete_plan(Episode.objects.filter(InList(F("case"), parent_cases.values("pk"))))
    os4b = replace(parent_cases_with_plan(s), candidates=episodes)
    parents = os4b.counted().values("case__client")
    base = _feedback(s, topic)
    base.checks.append(Check(_("not an OS4(b) client"), Q(person__in=parents)))
    return Proportion(base, POSITIVE)


def parenting_feedback(s: Scope) -> Proportion:
    """OC7 — responses from OS4(b) clients → better parenting efficacy, self-esteem, family relations."""
    return _parent_case_feedback(s, FeedbackTopic.PARENTING)


def drug_use_feedback(s: Scope) -> Proportion:
    """OC8 — responses from OS4(b) clients → drug use reduced or stopped."""
    return _parent_case_feedback(s, FeedbackTopic.DRUG_USE)


def parent_cases_with_stakeholders(s: Scope) -> Proportion:
    """OC9 — OS4(b) episodes → ≥2 distinct stakeholder categories involved during the episode."""
    kinds = SubqueryCount(_involvements(Party.STAKEHOLDER).values("stakeholder").distinct())
    return Proportion(parent_cases_with_plan(s), Check(_("fewer than 2 kinds of stakeholder"),
                                                       Q(GreaterThanOrEqual(kinds, 2))))


def peer_establishment(s: Scope) -> int:
    """Peer-worker establishment as at 1 October of the year (latest row on or before it, else the first after)."""
    as_of = dt.date(s.period.fy, 10, 1)
    rows = Establishment.objects.filter(unit=s.unit, role=Role.PEER_SUPPORT_WORKER)
    row = rows.filter(as_of__lte=as_of).order_by("-as_of").first() or rows.order_by("as_of").first()
    if row is not None:
        return row.count
    return Staff.objects.filter(unit=s.unit, roles__role=Role.PEER_SUPPORT_WORKER).count()


def paid_peer_trainings(s: Scope) -> Tally:
    """OC10 numerator — paid work-related training sessions attended by peer workers in the year."""
    return Tally(s.trainings, [Check(_("unpaid training"), Q(paid=True))],
                 within=holds(Role.PEER_SUPPORT_WORKER))
