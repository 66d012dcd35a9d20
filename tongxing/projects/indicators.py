"""Achieved figures of a project's indicators: one small function per output kind, set-based.

Each output kind is counted from the project's own activities and its enrolled participants' attendance in the
project period through the counting engine (`Tally`/`Check`), so a figure and the records behind it (its
drill-down) come from one definition. The %
of target is rounded half up to 2 places: seed 000 prints 134%, 98.75%, 611.25%, 277.05%.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from decimal import Decimal

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Sum
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from tongxing.activities.models import Activity, ActivityStaff, Attendance
from tongxing.lib.sql import InList
from tongxing.outcomes import analysis
from tongxing.outcomes.models import Administration, TimePoint, Use
from tongxing.outcomes.selectors import analyse
from tongxing.people.models import Person
from tongxing.standards.engine import Check, SubqueryCount, Tally, round_half_up

from .models import Enrolment, OutcomeIndicator, OutputIndicator, OutputKind, Programme, Project


@dataclass(frozen=True)
class DateRange:
    """A project period: any first and last day, inclusive (the engine's `Period` is a financial year)."""

    start: dt.date
    end: dt.date

    @classmethod
    def of(cls, project: Project) -> DateRange:
        return cls(project.start, project.end)

    def dates(self, field_name: str) -> Q:
        return Q(**{f"{field_name}__gte": self.start, f"{field_name}__lte": self.end})


def programme_match(programme: Programme) -> Q:
    """The programme's filters on Activity; needs `groups` and `staff` prefetched (no query per indicator)."""
    q = Q()
    if programme.activity_format:
        q &= Q(format=programme.activity_format)
    if programme.group_kinds:
        q &= Q(group__kind__in=programme.group_kinds)
    groups = [g.pk for g in programme.groups.all()]
    if groups:
        q &= Q(group__in=groups)
    staff = [s.pk for s in programme.staff.all()]
    if staff:
        q &= Q(pk__in=ActivityStaff.objects.filter(staff__in=staff).values("activity"))
    if programme.case_type:
        q &= Q(case__type=programme.case_type)
    return q


def enrolled(project_id: int, person, on) -> Exists:
    """`person` is enrolled in the project on the day `on` (both expressions of the outer query)."""
    return Exists(Enrolment.objects.filter(project_id=project_id, person=person, date__lte=on).filter(
        Q(ended__isnull=True) | Q(ended__gte=on)))


def enrolled_attendance(project_id: int) -> QuerySet[Attendance]:
    """Attendances of participants enrolled in the project on the activity's day.

    Read from the project's enrolments (the project's few participants, then each one's attendance), and used
    as a list built once per query: a correlated EXISTS per activity or attendance row lets a planner without
    statistics re-run the enrolment check for every row of every candidate.
    """
    participants = Enrolment.objects.filter(project_id=project_id).values("person")
    return Attendance.objects.filter(person__in=participants).filter(
        enrolled(project_id, OuterRef("person"), OuterRef("activity__date")))


def has_enrolled_participant(project_id: int) -> Q:
    """An activity serving named people serves at least one enrolled in the project that day; an activity for
    an anonymous audience only (a head count) has no one to enrol."""
    return ~Exists(Attendance.objects.filter(activity=OuterRef("pk"))) | Q(
        InList(F("pk"), enrolled_attendance(project_id).values("activity")))


def session_tally(programme: Programme, period: DateRange) -> Tally:
    """The programme's sessions (DOMAIN.md "Funded projects", scope): the project's own activities of the
    programme within the project period, serving its enrolled participants. The candidates are the project's
    activities and the unit's activities of the same kinds in the period, so the centre's other work shows,
    with its reason, in the drill-down."""
    project_id = programme.project_id
    candidates = Activity.objects.filter(unit_id=programme.project.unit_id).filter(
        Q(project_id=project_id) | period.dates("date"))
    if programme.activity_kinds:
        candidates = candidates.filter(kind__in=programme.activity_kinds)
    return Tally(candidates, [
        Check(_("Outside the project period"), period.dates("date")),
        Check(_("Not one of the project's activities"), Q(project_id=project_id)),
        Check(_("Not of this programme"), programme_match(programme)),
        Check(_("None of its participants enrolled in the project"), has_enrolled_participant(project_id)),
    ])


def _sessions(programme, period) -> QuerySet[Activity]:
    return session_tally(programme, period).counted()


def attendance_tally(programme: Programme, period: DateRange) -> Tally:
    """Attendances at the programme's sessions; only an enrolled participant's counts (DOMAIN.md scope)."""
    return Tally(_attendance_at_sessions(programme, period), [
        Check(_("Not enrolled in the project on that day"),
              Q(InList(F("pk"), enrolled_attendance(programme.project_id).values("pk")))),
    ])


def _attendance_at_sessions(programme, period) -> QuerySet[Attendance]:
    """Attendance at the programme's sessions, the sessions a list built once (also inside a per-person count)."""
    return Attendance.objects.filter(InList(F("activity"), _sessions(programme, period).values("pk")))


def attendee_tally(programme: Programme, period: DateRange, checks=()) -> Tally:
    """People attending the programme's sessions, each with the number of sessions attended while enrolled."""
    counted = attendance_tally(programme, period).counted()
    people = Person.objects.filter(InList(F("pk"), _attendance_at_sessions(programme, period).values("person")))
    people = people.annotate(sessions=SubqueryCount(counted.filter(person=OuterRef("pk")).values("pk")))
    return Tally(people, [Check(_("Not enrolled in the project at any of its sessions"), Q(sessions__gte=1)),
                          *checks])


def _attendees(programme, period) -> QuerySet[Person]:
    return attendee_tally(programme, period).counted()


def recruited_tally(programme: Programme, period: DateRange) -> Tally:
    """Distinct persons recruited: enrolled in the programme, or attending its sessions, while enrolled in the
    project within its period (an open group enrols by attending)."""
    project_id = programme.project_id
    # Two lists of people, each built once, rather than an EXISTS pair tried on every person of the database.
    in_programme = InList(F("pk"), Enrolment.objects.filter(programme=programme).values("person"))
    attending = InList(F("pk"), _attendance_at_sessions(programme, period).values("person"))
    in_project = Enrolment.objects.filter(project_id=project_id, person=OuterRef("pk"), date__lte=period.end).filter(
        Q(ended__isnull=True) | Q(ended__gte=period.start))
    return Tally(Person.objects.filter(Q(in_programme) | Q(attending)), [
        Check(_("Not enrolled in the project during its period"), Q(Exists(in_project))),
    ])


def sessions(indicator: OutputIndicator, period: DateRange) -> int:
    """Sessions held: seed 000 "舉辦不少於12次分享活動/講座"; seed 001 "300節…小組", "140次跟進節數"."""
    return session_tally(indicator.programme, period).value()


def recruited(indicator: OutputIndicator, period: DateRange) -> int:
    """Seed 000 "合共招收200名公眾人士", "招收40名吸毒者家人"; seed 001 "向60位吸毒人士家人"."""
    return recruited_tally(indicator.programme, period).value()


def _at_least(n):
    return Check(format_lazy(_("Fewer than {n} sessions"), n=n), Q(sessions__gte=n))


def _at_most(n):
    return Check(format_lazy(_("More than {n} sessions"), n=n), Q(sessions__lte=n))


def attending(indicator: OutputIndicator, period: DateRange) -> int:
    """Persons attending at least N sessions: seed 000 "不少於160名參加者出席1節", "70% (或28名) 出席不少於3節"."""
    return attendee_tally(indicator.programme, period, [_at_least(indicator.at_least)]).value()


def person_times(indicator: OutputIndicator, period: DateRange) -> int:
    """Enrolled participants' attendances plus anonymous head counts: seed 000 "接觸300人次", "出席人次達80人次";
    seed 001 "1200人次"."""
    known = attendance_tally(indicator.programme, period).value()
    return known + (_sessions(indicator.programme, period).aggregate(n=Sum("headcount"))["n"] or 0)


def persons_between(indicator: OutputIndicator, period: DateRange) -> int:
    """Persons receiving a to b sessions: seed 000 "為80名吸毒者…提供每人1-3次中醫服務". Interpretation:
    a person with more than b sessions is outside the indicator and not counted."""
    checks = [_at_least(indicator.at_least), _at_most(indicator.at_most)]
    return attendee_tally(indicator.programme, period, checks).value()


def hours(indicator: OutputIndicator, period: DateRange) -> Decimal:
    """Hours of the sessions: seed 001 "72小時督導" (achieved 69.5)."""
    minutes = Tally(_sessions(indicator.programme, period), weight=F("minutes")).value()
    return Decimal(minutes) / 60


def days(indicator: OutputIndicator, period: DateRange) -> int:
    """Distinct days with a session: seed 001 "向15位業界同工提供3天培訓"."""
    return _sessions(indicator.programme, period).values("date").distinct().count()


def manual(indicator: OutputIndicator, period: DateRange) -> Decimal | None:
    """A figure entered by hand with its evidence: seed 000 "Yanaship面書專頁接觸 5,541 人次"."""
    return indicator.manual_value


def output_tally(indicator: OutputIndicator, period: DateRange) -> Tally | None:
    """The records behind an output figure, for its drill-down (None for a figure entered by hand)."""
    programme = indicator.programme
    if indicator.kind in (OutputKind.SESSIONS, OutputKind.HOURS, OutputKind.DAYS):
        return session_tally(programme, period)
    if indicator.kind == OutputKind.RECRUITED:
        return recruited_tally(programme, period)
    if indicator.kind == OutputKind.ATTENDING:
        return attendee_tally(programme, period, [_at_least(indicator.at_least)])
    if indicator.kind == OutputKind.PERSONS_BETWEEN:
        return attendee_tally(programme, period, [_at_least(indicator.at_least), _at_most(indicator.at_most)])
    if indicator.kind == OutputKind.PERSON_TIMES:
        return attendance_tally(programme, period)
    return None


COUNTERS = {
    OutputKind.SESSIONS: sessions,
    OutputKind.RECRUITED: recruited,
    OutputKind.ATTENDING: attending,
    OutputKind.PERSON_TIMES: person_times,
    OutputKind.PERSONS_BETWEEN: persons_between,
    OutputKind.HOURS: hours,
    OutputKind.DAYS: days,
    OutputKind.MANUAL: manual,
}


def percent(part, whole) -> float | None:
    if part is None or not whole:
        return None
    return round_half_up(Decimal(part) * 100 / Decimal(whole), 2)


@dataclass
class OutputFigure:
    indicator: OutputIndicator
    achieved: object  # the count, hours or hand-entered figure
    recruited: int | None = None  # the base of a "% of recruited" target
    share: float | None = None  # achieved as % of recruited
    percent_of_target: float | None = None


def output_figure(indicator: OutputIndicator, period: DateRange) -> OutputFigure:
    achieved = COUNTERS[indicator.kind](indicator, period)
    figure = OutputFigure(indicator, achieved)
    if indicator.kind == OutputKind.ATTENDING:
        figure.recruited = recruited(indicator, period)
        figure.share = percent(achieved, figure.recruited)
    if indicator.target_is_percent:
        # From the exact share, not the rounded one: 31 of 49 against 70% is 90.38%, not 63.27 / 70 = 90.39%.
        exact = Decimal(achieved) * 100 / figure.recruited if figure.recruited else None
        figure.percent_of_target = percent(exact, indicator.target)
    else:
        figure.percent_of_target = percent(achieved, indicator.target)
    return figure


@dataclass
class OutcomeFigure:
    indicator: OutcomeIndicator
    result: object  # analysis.PrePost or analysis.PostOnly
    verdict: analysis.Verdict


def outcome_tally(indicator: OutcomeIndicator, period: DateRange) -> Tally:
    """The questionnaires an outcome indicator reads (DOMAIN.md "Funded projects", scope): the instrument's forms
    of participants enrolled in the project on the day each was given, within the project period."""
    project = indicator.project
    candidates = Administration.objects.filter(unit_id=project.unit_id, instrument_id=indicator.instrument_id)
    checks = [
        Check(_("Outside the project period"), period.dates("date")),
        Check(_("Not enrolled in the project on that day"),
              Q(enrolled(project.pk, OuterRef("person"), OuterRef("date")))),
    ]
    if indicator.group_id:
        checks.append(Check(_("Not of this programme"), Q(programme_id=indicator.group_id)))
    return Tally(candidates, checks)


def outcome_administrations(indicator: OutcomeIndicator, period: DateRange) -> QuerySet[Administration]:
    return outcome_tally(indicator, period).counted()


def paired_tally(indicator: OutcomeIndicator, period: DateRange) -> Tally:
    """`outcome_tally` for the drill-down: a pre/post pair needs both, so a form whose partner is not counted is
    shown with that reason (the analysis reports such forms as unpaired)."""
    tally = outcome_tally(indicator, period)
    if indicator.instrument.use == Use.POST_ONLY:
        return tally
    counted = tally.counted()
    partner = counted.filter(person=OuterRef("person"))
    pre, after = TimePoint.PRE, indicator.after
    paired = (Q(time_point=pre) & Exists(partner.filter(time_point=after))) | (
        Q(time_point=after) & Exists(partner.filter(time_point=pre)))
    return replace(tally, checks=[*tally.checks, Check(_("No matching pre or post test"), paired,
                                                        after_earlier=True)])


def outcome_figure(indicator: OutcomeIndicator, period: DateRange) -> OutcomeFigure:
    result = analyse(indicator.instrument, outcome_administrations(indicator, period), rule=indicator.rule,
                     min_change=indicator.min_change, after=indicator.after)
    verdict = analysis.judge(indicator.criterion, result, threshold=indicator.threshold,
                             alpha=float(indicator.alpha))
    return OutcomeFigure(indicator, result, verdict)


def project_figures(project: Project) -> dict:
    """Every indicator's figure; queries grow with the number of indicators, never with the records."""
    period = DateRange.of(project)
    outputs = (project.outputs.select_related("programme__project")
               .prefetch_related("programme__groups", "programme__staff"))
    outcomes = project.outcomes.select_related("instrument", "project")
    return {
        "period": period,
        "outputs": [output_figure(i, period) for i in outputs],
        "outcomes": [outcome_figure(i, period) for i in outcomes],
    }

