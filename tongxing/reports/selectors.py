"""The organisation's year at a glance: every unit the viewer may see, one row each, counted unit by unit in
grouped queries (a fixed number of queries however many units there are)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count, F, IntegerField, Q
from django.db.models.functions import Cast

from tongxing.accounts.scope import may_see_risk_alerts, overview_units
from tongxing.activities.models import Activity, Attendance
from tongxing.cases.models import Episode
from tongxing.lib.sql import InList
from tongxing.outcomes.selectors import open_risk_alerts
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


def key_standards_by_unit(units, period: Period) -> dict:
    """{unit pk: {code: achieved}} for KEY_STANDARDS, each unit's rules exactly as its annual return builds them.

    The engine reads one base of records per query for one unit; here each base's per-unit statements are joined
    with UNION ALL, so one query per base answers for every unit (the return's own SQL, so its own figures).
    """
    groups: dict[tuple, list] = {}
    for unit in units:
        scope = fsa.Scope(unit, period)
        rules = {code: fsa.in_annual_return(OUTPUT_RULES[code](scope)) for code in KEY_STANDARDS}
        bases: dict[int, tuple] = {}
        for code, rule in rules.items():
            bases.setdefault(id(rule.candidates), (rule.candidates, []))[1].append(code)
        for candidates, codes in bases.values():
            groups.setdefault(tuple(codes), []).append((unit.pk, candidates, [rules[c] for c in codes]))
    figures: dict[int, dict] = {unit.pk: {} for unit in units}
    for codes, members in groups.items():
        parts, params, rules_of = [], [], {}
        for pk, candidates, rules in members:
            rules_of[pk] = rules
            columns = {f"_f{i}": Cast(rule.per_record(), IntegerField()) for i, rule in enumerate(rules)}
            base = counted_base(candidates, rules)
            sql, more = base.order_by().annotate(**columns).values(*columns).query.sql_with_params()
            summaries = [rule.summary(f"_f{i}") for i, rule in enumerate(rules)]
            # As the engine does: a column read by two aggregates is fenced so its conditions are not copied.
            fence = "" if all(len(s) == 1 for s in summaries) else (
                "OFFSET 0" if connection.vendor == "postgresql" else "LIMIT -1 OFFSET 0")
            parts.append(f"SELECT {int(pk)}, {', '.join(sum(summaries, []))} FROM ({sql} {fence}) per_record")
            params.extend(more)
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(parts), params)
            for pk, *sums in cursor.fetchall():
                sums = [int(v) for v in sums]
                for code, rule in zip(codes, rules_of[pk], strict=True):
                    width = len(rule.summary(""))
                    figures[pk][code], sums = rule.read(sums[:width]), sums[width:]
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
    activities = _per_unit(Activity.objects.filter(in_year, unit__in=units).order_by().values("unit")
                           .annotate(n=Count("pk")).values_list("unit", "n"))
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
