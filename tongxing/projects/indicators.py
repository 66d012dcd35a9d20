"""Achieved figures of a project's indicators: one small function per output kind, set-based.

Each output kind is counted from the unit's activities and attendance in the project period through the
counting engine (`Tally`/`Check`), so a figure and the records behind it come from one definition. The %
of target is rounded half up to 2 places: seed 000 prints 134%, 98.75%, 611.25%, 277.05%.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet, Sum

from tongxing.activities.models import Activity, ActivityStaff, Attendance
from tongxing.outcomes import analysis
from tongxing.outcomes.models import Administration
from tongxing.outcomes.selectors import analyse
from tongxing.people.models import Person
from tongxing.standards.engine import Check, Tally, round_half_up

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


def session_tally(programme: Programme, period: DateRange) -> Tally:
    """The programme's sessions in the period: the unit's activities of its kinds, checked against the rest."""
    candidates = Activity.objects.filter(unit_id=programme.project.unit_id)
    if programme.activity_kinds:
        candidates = candidates.filter(kind__in=programme.activity_kinds)
    return Tally(candidates, [
        Check("不在計劃期內 outside the project period", period.dates("date")),
        Check("不屬此計劃活動 not of this programme", programme_match(programme)),
    ])


def _sessions(programme, period) -> QuerySet[Activity]:
    return session_tally(programme, period).counted()


def _attendees(programme, period) -> QuerySet[Person]:
    """People with their number of sessions of the programme in the period."""
    sessions = _sessions(programme, period)
    return Person.objects.filter(attendance__activity__in=sessions).annotate(
        sessions=Count("attendance", filter=Q(attendance__activity__in=sessions)))


def sessions(indicator: OutputIndicator, period: DateRange) -> int:
    """Sessions held: seed 000 "舉辦不少於12次分享活動/講座"; seed 001 "300節…小組", "140次跟進節數"."""
    return session_tally(indicator.programme, period).value()


def recruited(indicator: OutputIndicator, period: DateRange) -> int:
    """Distinct persons recruited: enrolled in the period, or attending a session (an open group enrols by
    attending). Seed 000 "合共招收200名公眾人士", "招收40名吸毒者家人"; seed 001 "向60位吸毒人士家人"."""
    programme = indicator.programme
    enrolled = Enrolment.objects.filter(programme=programme).filter(period.dates("date")).values("person")
    attended = Attendance.objects.filter(activity__in=_sessions(programme, period)).values("person")
    return Person.objects.filter(Q(pk__in=enrolled) | Q(pk__in=attended)).count()


def attending(indicator: OutputIndicator, period: DateRange) -> int:
    """Persons attending at least N sessions: seed 000 "不少於160名參加者出席1節", "70% (或28名) 出席不少於3節"."""
    n = indicator.at_least
    return Tally(_attendees(indicator.programme, period),
                 [Check(f"少於{n}節 fewer than {n} sessions", Q(sessions__gte=n))]).value()


def person_times(indicator: OutputIndicator, period: DateRange) -> int:
    """Attendances plus anonymous head counts: seed 000 "接觸300人次", "出席人次達80人次"; seed 001 "1200人次"."""
    counted = _sessions(indicator.programme, period)
    known = Attendance.objects.filter(activity__in=counted).count()
    return known + (counted.aggregate(n=Sum("headcount"))["n"] or 0)


def persons_between(indicator: OutputIndicator, period: DateRange) -> int:
    """Persons receiving a to b sessions: seed 000 "為80名吸毒者…提供每人1-3次中醫服務". Interpretation:
    a person with more than b sessions is outside the indicator and not counted."""
    a, b = indicator.at_least, indicator.at_most
    return Tally(_attendees(indicator.programme, period), [
        Check(f"少於{a}節 fewer than {a} sessions", Q(sessions__gte=a)),
        Check(f"多於{b}節 more than {b} sessions", Q(sessions__lte=b)),
    ]).value()


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


def outcome_administrations(indicator: OutcomeIndicator, period: DateRange) -> QuerySet[Administration]:
    qs = Administration.objects.filter(unit_id=indicator.project.unit_id, instrument_id=indicator.instrument_id)
    qs = qs.filter(period.dates("date"))
    if indicator.group_id:
        qs = qs.filter(programme_id=indicator.group_id)
    return qs


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

