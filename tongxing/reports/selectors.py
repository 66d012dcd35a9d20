"""The organisation's year at a glance: every unit the viewer may see, one row each, counted in queries grouped by
unit (a fixed number of queries however many units there are)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count, F, IntegerField, Q, QuerySet
from django.db.models.functions import Cast

from tongxing.accounts.scope import may_see_risk_alerts, overview_units
from tongxing.activities.models import Activity, ActivityStaff, Attendance
from tongxing.cases.models import Episode
from tongxing.lib.sql import InList
from tongxing.outcomes.selectors import open_risk_alerts
from tongxing.people.models import Person
from tongxing.standards import fsa
from tongxing.standards.engine import Period, counted_base
from tongxing.standards.models import AgreedLevel
from tongxing.standards.report import OUTPUT_RULES, _number

# The standards shown for each unit: counts of work done in the year that no school conversion deducts from
# (OS4, OS5, OS8 and OS9 are), so each equals the unit's annual return without its schools being counted.
KEY_STANDARDS = ("OS1", "OS2", "OS10", "OS13", "OS14", "OS15")


@dataclass
class UnitYear:
    unit: object
    people: int = 0
    open_cases: int = 0
    activities: int = 0
    standards: list[dict] = field(default_factory=list)
    risk_alerts: int | None = None

    @property
    def behind(self) -> int:
        return sum(1 for s in self.standards if s["behind"])


@dataclass
class _Units(fsa.Scope):
    """Several units' records for one period: each base of `fsa.Scope` over all of `units`, read once for all of
    them and grouped by unit (UNIT_OF), so a rule built on it counts each unit's records exactly as that unit's own
    scope does. Only for rules that read their unit through the bases alone: the single `unit` of this scope is
    `_NO_UNIT`, which no query accepts, so a rule reading it fails rather than counting the wrong records."""

    units: list = field(default_factory=list)

    @fsa.base("date")
    def _activities(self) -> QuerySet:
        return Activity.objects.filter(unit__in=self.units)

    @fsa.base("identified_on")
    def identified(self) -> QuerySet:
        return Person.objects.filter(unit__in=self.units)

    @fsa.base("activity__date")
    def staff_present(self) -> QuerySet:
        # Joined to the activities rather than a list of their ids, which is one probe of the staff rows' index per
        # activity, 300,000 for the national auditor: joined, PostgreSQL hashes the units' year and reads the staff
        # rows once (national auditor: 1.78M -> 17k buffers, server CPU 1000 -> 410 ms), or still probes for a few.
        return ActivityStaff.objects.filter(activity__unit__in=self.units)


_NO_UNIT = object()
# Each base's path from its records to their unit.
UNIT_OF = {Activity: "unit", Person: "unit", ActivityStaff: "activity__unit"}


def key_standards_by_unit(units, period: Period) -> dict:
    """{unit pk: {code: achieved}} for KEY_STANDARDS, each unit's rules exactly as its annual return builds them.

    The rules are built once over every unit's records (`_Units`) and each base is read in one query grouped by
    unit, rather than one statement per unit joined by UNION ALL: 20 units were 20 copies of each statement to build
    in Python and plan (the national auditor's page: 580 -> 100 ms of this process's CPU).
    """
    scope = _Units(unit=_NO_UNIT, period=period, units=list(units))
    rules = {code: fsa.in_annual_return(OUTPUT_RULES[code](scope)) for code in KEY_STANDARDS}
    bases: dict[int, tuple] = {}
    for code, rule in rules.items():
        bases.setdefault(id(rule.candidates), (rule.candidates, []))[1].append(code)
    figures: dict[int, dict] = {unit.pk: {} for unit in units}
    for candidates, codes in bases.values():
        base_rules = [rules[c] for c in codes]
        columns = {f"_f{i}": Cast(rule.per_record(), IntegerField()) for i, rule in enumerate(base_rules)}
        base = counted_base(candidates, base_rules).order_by().annotate(_unit=F(UNIT_OF[candidates.model]))
        sql, params = base.annotate(**columns).values("_unit", *columns).query.sql_with_params()
        summaries = [rule.summary(f"_f{i}") for i, rule in enumerate(base_rules)]
        # As the engine does: a column read by two aggregates is fenced so its conditions are not copied.
        fence = "" if all(len(s) == 1 for s in summaries) else (
            "OFFSET 0" if connection.vendor == "postgresql" else "LIMIT -1 OFFSET 0")
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT _unit, {', '.join(sum(summaries, []))} FROM ({sql} {fence}) per_record "
                           "GROUP BY _unit", params)
            sums_of = {pk: [int(v) for v in sums] for pk, *sums in cursor.fetchall()}
        for pk in figures:
            sums = sums_of.get(pk, [0] * sum(len(s) for s in summaries))  # no record of the base: every sum is 0
            for code, rule, summary in zip(codes, base_rules, summaries, strict=True):
                figures[pk][code], sums = rule.read(sums[:len(summary)]), sums[len(summary):]
    return figures


def agreed_levels(units, fy: int, codes) -> dict:
    """{unit pk: {code: agreed level}} for `codes`, as each unit's annual return reads them."""
    levels: dict[int, dict] = {}
    for unit, code, value in AgreedLevel.objects.filter(unit__in=units, fy=fy, standard__in=codes).values_list(
            "unit", "standard", "value"):
        levels.setdefault(unit, {})[code] = _number(value)
    return levels


def people_served(units, period: Period) -> dict:
    """{unit pk: the people attending any of its activities in the period}, one UNION ALL branch per unit.

    Each unit's activities of the period are one list (the (unit, date) index), and each drives a lookup in the
    attendance's activity index, so a unit's count reads its own year's attendance only: grouped over every unit
    at once, PostgreSQL hashes and sorts the whole year's attendance of the organisation, spilling to disk.
    """
    parts, params = [], []
    for unit in units:
        activities = Activity.objects.filter(period.dates("date"), unit=unit).values("pk")
        sql, more = Attendance.objects.filter(InList(F("activity"), activities)).values("person").query.sql_with_params()
        parts.append(f"SELECT {int(unit.pk)}, COUNT(DISTINCT attending.person) FROM ({sql}) attending")
        params.extend(more)
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        return dict(cursor.fetchall())


def _per_unit(rows) -> dict:
    return {unit: n for unit, n in rows}


def _share_of_year(period: Period, today: dt.date) -> float:
    elapsed = (min(today, period.end) - period.start).days + 1
    return max(0.0, min(1.0, elapsed / ((period.end - period.start).days + 1)))


def organisation_year(user, fy: int, today: dt.date) -> list[UnitYear]:
    """One row per unit on the viewer's organisation-wide page, in unit order."""
    units = list(overview_units(user).order_by("code"))
    if not units:
        return []
    period = Period.financial_year(fy)
    in_year = Q(date__gte=period.start, date__lte=period.end)
    # COUNT(*), not of the id: the (unit, date) index alone answers it, without reading the activities.
    activities = _per_unit(Activity.objects.filter(in_year, unit__in=units).order_by().values("unit")
                           .annotate(n=Count("*")).values_list("unit", "n"))
    people = people_served(units, period)
    # Open at the end of the year, or today while it runs; a family case merged into another is not counted twice.
    as_of = min(today, period.end)
    open_cases = _per_unit(Episode.objects.filter(
        Q(closed__isnull=True) | Q(closed__gt=as_of), case__unit__in=units, case__merged_into__isnull=True,
        opened__lte=as_of).order_by().values("case__unit").annotate(n=Count("case", distinct=True))
        .values_list("case__unit", "n"))
    alerts = None
    if may_see_risk_alerts(user):
        alerts = _per_unit(open_risk_alerts(user).filter(unit__in=units).order_by().values("unit")
                           .annotate(n=Count("pk")).values_list("unit", "n"))
    agreed = agreed_levels(units, fy, KEY_STANDARDS)
    achieved = key_standards_by_unit(units, period)
    share = _share_of_year(period, today)
    rows = []
    for unit in units:
        standards = []
        for code in KEY_STANDARDS:
            value, target = achieved[unit.pk][code], agreed.get(unit.pk, {}).get(code)
            standards.append({"code": code, "achieved": value, "agreed": target,
                              "percent": round(value / target * 100) if target else None,
                              "behind": bool(target) and value < target * share - 1e-9})
        rows.append(UnitYear(unit=unit, people=people.get(unit.pk, 0), open_cases=open_cases.get(unit.pk, 0),
                             activities=activities.get(unit.pk, 0), standards=standards,
                             risk_alerts=None if alerts is None else alerts.get(unit.pk, 0)))
    return rows
