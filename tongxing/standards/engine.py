"""The counting engine: a rule is a set of candidate records and named checks.

A `Tally` names the records near a rule (its candidates) and the checks a
record must pass to be counted. The same definition gives the figure and the
drill-down (the candidates, each with the reasons it was excluded), so what a
supervisor checks is exactly what was counted. `evaluate` computes many rules
at once: rules sharing a base of candidates are summed in one query over it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import connections
from django.db.models import (
    BooleanField,
    Case,
    ExpressionWrapper,
    Func,
    IntegerField,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, ExtractDay, ExtractMonth, ExtractYear
from django.db.models.lookups import GreaterThan


@dataclass(frozen=True)
class Period:
    """A reporting period: the financial year `fy` (1 April – 31 March), cumulative up to `end`."""

    fy: int
    end: dt.date

    @classmethod
    def financial_year(cls, fy: int) -> Period:
        return cls(fy, dt.date(fy + 1, 3, 31))

    @property
    def start(self) -> dt.date:
        return dt.date(self.fy, 4, 1)

    @property
    def last_day(self) -> dt.date:
        return dt.date(self.fy + 1, 3, 31)

    def quarters(self) -> list[Period]:
        ends = [dt.date(self.fy, 6, 30), dt.date(self.fy, 9, 30), dt.date(self.fy, 12, 31), self.last_day]
        return [Period(self.fy, e) for e in ends]

    def share_of_year(self) -> Decimal:
        """The pro-rata expectation: the part of the year elapsed by `end`, in whole months."""
        months = (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1
        return Decimal(months) / 12

    def dates(self, field_name: str) -> Q:
        return Q(**{f"{field_name}__gte": self.start, f"{field_name}__lte": self.end})


@dataclass(frozen=True)
class Check:
    """A condition a candidate must meet; `reason` says why a record failing it is not counted.

    `after_earlier` marks a check whose condition is only stated for records passing the checks before it
    (such as "among the person's first four counted sessions"); its reason is given only for those.
    """

    reason: str
    passes: Q
    after_earlier: bool = False


@dataclass
class Tally:
    """`candidates` is the base of records a rule may share with other rules (`evaluate` reads each base once);
    `within` narrows it to this rule's candidates."""

    candidates: QuerySet
    checks: list[Check] = field(default_factory=list)
    weight: object = None  # an expression giving each counted record's contribution; default 1
    within: Q = field(default_factory=Q)

    def records(self) -> QuerySet:
        return self.candidates.filter(self.within)

    def counted(self) -> QuerySet:
        qs = self.records()
        for check in self.checks:
            qs = qs.filter(check.passes)
        return qs

    def value(self):
        qs = self.counted()
        if self.weight is None:
            return qs.count()
        return qs.aggregate(total=Coalesce(Sum(self.weight), Value(0)))["total"]

    def condition(self) -> Q:
        """`within` and every check, as one condition on the shared base."""
        condition = self.within
        for check in self.checks:
            condition &= check.passes
        return condition

    def per_record(self):
        """Each base record's contribution: its weight (1 by default) when counted, else 0."""
        contribution = Value(1) if self.weight is None else self.weight
        condition = self.condition()
        if not condition:  # a rule counting every candidate
            return ExpressionWrapper(contribution, output_field=IntegerField())
        return Case(When(condition, then=contribution), default=Value(0), output_field=IntegerField())

    def summary(self, column: str) -> list[str]:
        return [f"COALESCE(SUM({column}), 0)"]

    def read(self, sums: list):
        return sums[0]

    def explain(self, *fields, limit=None):
        """Every candidate as a dict of `fields`, with `counted` and the `reasons` it was left out."""
        qs = self.records().annotate(**{
            f"_check{i}": ExpressionWrapper(c.passes, output_field=BooleanField()) for i, c in enumerate(self.checks)
        })
        if self.weight is not None:
            qs = qs.annotate(_weight=self.weight)
        names = [f"_check{i}" for i in range(len(self.checks))]
        rows = qs.values(*fields, *names, *(["_weight"] if self.weight is not None else []))
        if limit:
            rows = rows[:limit]
        out = []
        for row in rows:
            reasons = []
            for check, name in zip(self.checks, names, strict=True):
                if not row.pop(name) and not (check.after_earlier and reasons):
                    reasons.append(check.reason)
            weight = row.pop("_weight", 1)
            out.append({**row, "counted": not reasons, "weight": weight if not reasons else 0, "reasons": reasons})
        return out


@dataclass
class Proportion:
    """An outcome standard: of the `base` records counted, those passing `success`."""

    base: Tally
    success: Check

    @property
    def candidates(self) -> QuerySet:
        return self.base.candidates

    def values(self) -> tuple[int, int]:
        return evaluate({"figure": self})["figure"]

    def per_record(self):
        """1 for a counted record that succeeds, 0 for one that does not, NULL for one not counted."""
        succeeded = Case(When(self.success.passes, then=Value(1)), default=Value(0))
        return Case(When(self.base.condition(), then=succeeded), default=None, output_field=IntegerField())

    def summary(self, column: str) -> list[str]:
        return [f"COALESCE(SUM({column}), 0)", f"COUNT({column})"]

    def read(self, sums: list) -> tuple[int, int]:
        return sums[0], sums[1]

    def explain(self, *fields, limit=None):
        rows = self.base.explain(*fields, limit=limit)
        counted_pks = set(self.base.counted().filter(self.success.passes).values_list("pk", flat=True))
        for row in rows:
            row["success"] = row["counted"] and row.get("pk") in counted_pks
            if row["counted"] and not row["success"]:
                row["reasons"] = [self.success.reason]
        return rows


def kinds_required(condition: Q, field_name: str = "kind") -> set | None:
    """The values of `field_name` a record must have to meet `condition`, or None where it allows any.

    Read from the condition's own terms (`kind=...`, `kind__in=...`, combined by AND and OR); anything else, or a
    negation, allows any value. A record outside the set meets the condition in no case.
    """
    if condition.negated:
        return None
    found = []
    for child in condition.children:
        if isinstance(child, Q):
            found.append(kinds_required(child, field_name))
        elif isinstance(child, tuple) and child[0] == field_name:
            found.append({child[1]})
        elif isinstance(child, tuple) and child[0] == f"{field_name}__in":
            found.append(set(child[1]))
        else:
            found.append(None)
    if condition.connector == Q.OR:
        return None if not found or None in found else set().union(*found)
    known = [k for k in found if k is not None]
    return set.intersection(*known) if known else None


def counted_base(candidates: QuerySet, rules) -> QuerySet:
    """`candidates` narrowed to the records `rules` may count, when every rule says which (its `within`): a record
    outside every rule's `within` contributes to none of them, so no figure changes.

    Where the rules name the kinds of record they count (`kind=...`), the base reads only those kinds: a unit's
    activities of the year through the (unit, kind, date) index. Otherwise, on PostgreSQL, the rules' `within`
    conditions themselves filter the base before its joins (the staff rows of peer workers and home-makers among
    every staff row of the unit's year); SQLite is left to its plan, which could turn two IN-lists on the staff
    rows' (activity, staff) index into a lookup for every pair.
    """
    tallies = [rule.base if isinstance(rule, Proportion) else rule for rule in rules]
    if any(f.name == "kind" for f in candidates.model._meta.get_fields()):
        kinds = [kinds_required(tally.within) for tally in tallies]
        if None not in kinds:
            return candidates.filter(kind__in=sorted(set().union(*kinds)))
    if connections[candidates.db].vendor == "postgresql" and all(tally.within for tally in tallies):
        either = Q()
        for within in {tally.within: None for tally in tallies}:  # each condition once: rules repeat their base's
            either |= within
        return candidates.filter(either)
    return candidates


def evaluate(rules: dict) -> dict:
    """Each rule's figure (a Tally's value, a Proportion's (numerator, denominator)).

    Rules built on the same candidate base (the same queryset object) are read together: one query gives each
    base record one column per rule (what it contributes) and sums the columns, so a base table is scanned once
    for all the standards counted from it and each rule's conditions are evaluated once per record.
    """
    bases: dict[int, tuple[QuerySet, list]] = {}
    for name, rule in rules.items():
        bases.setdefault(id(rule.candidates), (rule.candidates, []))[1].append(name)
    figures = {}
    for candidates, names in bases.values():
        # Cast: a rule whose condition can match nothing compiles to a bare NULL, which PostgreSQL types as text.
        columns = {f"_f{i}": Cast(rules[name].per_record(), IntegerField()) for i, name in enumerate(names)}
        base = counted_base(candidates, [rules[name] for name in names])
        sql, params = base.order_by().annotate(**columns).values(*columns).query.sql_with_params()
        summaries = [rules[name].summary(f"_f{i}") for i, name in enumerate(names)]
        connection = connections[candidates.db]
        fence = ""
        if any(len(summary) > 1 for summary in summaries):
            # A column read by two aggregates: an OFFSET keeps the planner from copying its conditions into both.
            fence = "OFFSET 0" if connection.vendor == "postgresql" else "LIMIT -1 OFFSET 0"
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {', '.join(sum(summaries, []))} FROM ({sql} {fence}) per_record", params)
            sums = [int(v) for v in cursor.fetchone()]
        for name, summary in zip(names, summaries, strict=True):
            figures[name], sums = rules[name].read(sums), sums[len(summary):]
    return figures


class SubqueryCount(Subquery):
    """COUNT(*) of a correlated queryset, as an integer expression."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) _count)"
    output_field = IntegerField()


class SubqueryCountDistinct(Subquery):
    """COUNT(DISTINCT `column`) of a correlated queryset selecting `column`, as an integer expression: a NULL is not
    counted, so the column is computed once per row rather than again in a filter leaving out its NULLs."""

    template = '(SELECT COUNT(DISTINCT "%(column)s") FROM (%(subquery)s) _count)'
    output_field = IntegerField()

    def __init__(self, queryset, column):
        super().__init__(queryset.values(column), column=column)


class PerDatabase(Func):
    """One condition written two equivalent ways, each database given the one its planner runs well."""

    output_field = BooleanField()

    def __init__(self, default, *, postgresql):
        super().__init__(default, postgresql)

    def as_sql(self, compiler, connection, **extra_context):
        return compiler.compile(self.source_expressions[0])

    def as_postgresql(self, compiler, connection, **extra_context):
        return compiler.compile(self.source_expressions[1])


class CalendarNumber(Func):
    """A date's year (`year`) or its month and day as one number (`month_day`: 1 April is 401), as an integer.

    SQLite reads it with its own strftime: Django's Extract there calls a Python function for every row.
    """

    output_field = IntegerField()
    SQLITE_FORMATS = {"year": "%Y", "month_day": "%m%d"}

    def __init__(self, date, part):
        super().__init__(date)
        self.part = part

    def as_sql(self, compiler, connection, **extra_context):
        date = self.source_expressions[0]
        number = ExtractYear(date) if self.part == "year" else ExtractMonth(date) * 100 + ExtractDay(date)
        return compiler.compile(number.resolve_expression(compiler.query))

    def as_sqlite(self, compiler, connection, **extra_context):
        date, params = compiler.compile(self.source_expressions[0])
        return f"CAST(strftime(%s, {date}) AS INTEGER)", (self.SQLITE_FORMATS[self.part], *params)


class DaysBetween(Func):
    """Whole days from date `earlier` to date `later` (negative if `later` is earlier), as a number.

    Subtracting dates gives days on PostgreSQL; on SQLite, julianday does it where Django's date difference calls a
    Python function for every row.
    """

    output_field = IntegerField()

    def __init__(self, later, earlier):
        super().__init__(later, earlier)

    def as_sql(self, compiler, connection, **extra_context):
        (later, later_params), (earlier, earlier_params) = (compiler.compile(e) for e in self.source_expressions)
        return f"({later} - {earlier})", (*later_params, *earlier_params)

    def as_sqlite(self, compiler, connection, **extra_context):
        (later, later_params), (earlier, earlier_params) = (compiler.compile(e) for e in self.source_expressions)
        return f"(julianday({later}) - julianday({earlier}))", (*later_params, *earlier_params)


def age_on(birth, on):
    """Whole years from date expression `birth` to date expression `on` (birthday reached = older)."""
    before_birthday = Case(When(GreaterThan(CalendarNumber(birth, "month_day"), CalendarNumber(on, "month_day")),
                                then=Value(1)), default=Value(0))
    return ExpressionWrapper(CalendarNumber(on, "year") - CalendarNumber(birth, "year") - before_birthday,
                             output_field=IntegerField())


def round_half_up(value, places: int):
    """Decimal rounding as funders do it by hand (0.125 → 0.13), not banker's rounding."""
    if value is None:
        return None
    q = Decimal(1).scaleb(-places)
    return float(Decimal(str(value)).quantize(q, rounding=ROUND_HALF_UP))
