"""The figures a city drug-abuse prevention centre reports (DOMAIN.md "Taiwan city drug-abuse prevention
centre", seed 004: Kaohsiung 2017), each a rule of the same counting engine as the annual return
(`rules()`), so every figure opens the records counted and those left out with the reason.

`report()` lays the figures out as the seed's tables with percentage shares that add up to 100%
(`tongxing.lib.percentages`, whose default rule was read off the seed's tables 1–3), each table to the
precision the returns print it to (`DEFAULT_DECIMALS`, settable per table).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from django.db.models import Case as CaseWhen
from django.db.models import (
    Count,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    Sum,
    Value,
    When,
)
from django.utils.translation import gettext_lazy as _

from tongxing.activities.models import Activity, ActivityKind, Attendance, GroupKind
from tongxing.cases.models import (
    CATEGORIES_BY_REGION,
    NOT_A_REFERRAL,
    CaseType,
    Episode,
    Referral,
    ReferralCategory,
    ReferralStatus,
    counted_referral,
    not_cancelled_or_withdrawn,
    sent_with_consent,
)
from tongxing.cases.models import Case as CaseFile
from tongxing.lib.percentages import LAST_ABSORBS, format_share, shares
from tongxing.organisations.models import Region
from tongxing.people.models import Person, Sex
from tongxing.standards.engine import Check, SubqueryCount, Tally, age_on, evaluate

from . import kpi as kpi_language
from .figures import CONTACT_KINDS, CONTACT_LABELS, FIGURES
from .models import (
    CallerType,
    Consultation,
    ConsultationCategory,
    HotlineCall,
    HotlineItem,
    Kpi,
    Lecture,
    LectureRegistrant,
    PreReleaseKind,
    PreReleaseSession,
    ServiceItem,
)


@dataclass(frozen=True)
class Span:
    """Any reporting period, both ends included (the FY-bound `engine.Period` does not fit a city's
    calendar-year and monthly figures)."""

    start: dt.date
    end: dt.date

    @classmethod
    def year(cls, year: int) -> Span:
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 31))

    @classmethod
    def month(cls, year: int, month: int) -> Span:
        following = dt.date(year + month // 12, month % 12 + 1, 1)
        return cls(dt.date(year, month, 1), following - dt.timedelta(days=1))

    def dates(self, field_name: str) -> Q:
        return Q(**{f"{field_name}__gte": self.start, f"{field_name}__lte": self.end})


# --- The rules: every figure is a Tally of the counting engine (`tongxing.standards.engine`) -------------
#
# Each figure is named "table:key" (a cell) or a plain name; its candidates are the unit's records near it and
# its checks say why a candidate is not counted, so the figure and its drill-down come from one definition and
# `evaluate` counts all the figures sharing a base of records in one query.

AGE_BANDS = (  # (key, youngest, oldest) in whole years at the end of the period
    ("to_19", None, 19), ("20_29", 20, 29), ("30_39", 30, 39), ("40_49", 40, 49),
    ("50_59", 50, 59), ("60_69", 60, 69), ("70_up", 70, None),
)
AGE_LABELS = {
    "to_19": _("19 and under"), "20_29": _("20–29"), "30_39": _("30–39"),
    "40_49": _("40–49"), "50_59": _("50–59"), "60_69": _("60–69"),
    "70_up": _("70 and over"), "unknown": _("age unknown"),
}


def _age_band(youngest, oldest) -> Q:
    bounds = Q(age__isnull=False)
    if youngest is not None:
        bounds &= Q(age__gte=youngest)
    if oldest is not None:
        bounds &= Q(age__lte=oldest)
    return bounds


def registered_check(unit, span: Span) -> Check:
    """Registered (列管) in the period: client of a drug-user (PSA) case of the unit with an episode open at some
    time in the span, each person once however many cases or episodes (seed 004: 4,940 人)."""
    # One list of the registered, built once: a correlated EXISTS per person and figure was planned, on statistics
    # left by an earlier import's ANALYZE, as a scan of every episode for each of thousands of people.
    open_episode = Episode.objects.filter(
        case__unit=unit, case__type=CaseType.PSA, opened__lte=span.end,
    ).filter(Q(closed__isnull=True) | Q(closed__gte=span.start))
    return Check(_("No drug-user case episode open in the period"), Q(pk__in=open_episode.values("case__client")))


def attendance_weight():
    """An activity's person-times: its named attendances plus its anonymous head count."""
    return ExpressionWrapper(SubqueryCount(Attendance.objects.filter(activity=OuterRef("pk")).values("pk"))
                             + F("headcount"), output_field=IntegerField())


def lecture_weights() -> tuple:
    """A lecture's (required, attended): from its list of names when it has one, else the counts entered."""
    names = LectureRegistrant.objects.filter(lecture=OuterRef("pk"))
    listed = Exists(names)
    required = CaseWhen(When(listed, then=SubqueryCount(names.values("pk"))), default=F("required"),
                        output_field=IntegerField())
    attended = CaseWhen(When(listed, then=SubqueryCount(names.filter(attended=True).values("pk"))),
                        default=F("attended"), output_field=IntegerField())
    return required, attended


def rules(unit, span: Span) -> dict[str, Tally]:
    """Every figure of seed 004 for `unit` over `span` as a rule of the engine."""
    people = Person.objects.filter(pk__in=CaseFile.objects.filter(unit=unit, type=CaseType.PSA).values("client")).annotate(
        age=age_on("birth_date", Value(span.end, output_field=DateField())))
    registered = registered_check(unit, span)
    contacts = Activity.objects.filter(span.dates("date"), unit=unit, kind__in=CONTACT_KINDS)
    referrals = Referral.objects.filter(span.dates("date"), unit=unit)
    referral_checks = [Check(_("A referral in, not out"), Q(direction="out")),
                       Check(_("Cancelled or withdrawn before it was acted on"), not_cancelled_or_withdrawn()),
                       Check(_("Not sent: waiting for the person's consent"), sent_with_consent())]
    sessions = PreReleaseSession.objects.filter(span.dates("date"), unit=unit)
    lectures = Lecture.objects.filter(span.dates("date"), unit=unit)
    required, attended = lecture_weights()
    consultations = Consultation.objects.filter(span.dates("lecture__date"), lecture__unit=unit)
    calls = HotlineCall.objects.filter(span.dates("date"), unit=unit)
    items = HotlineItem.objects.filter(span.dates("call__date"), call__unit=unit)
    groups = Activity.objects.filter(span.dates("date"), unit=unit, kind=ActivityKind.GROUP_SESSION,
                                     group__kind=GroupKind.MUTUAL_HELP)
    out = {}
    for sex in SEX_ORDER:
        out[f"sex:{sex}"] = Tally(people, [registered], within=Q(sex=sex))
    for key, youngest, oldest in AGE_BANDS:
        out[f"age:{key}"] = Tally(people, [registered], within=_age_band(youngest, oldest))
    out["age:unknown"] = Tally(people, [registered], within=Q(birth_date__isnull=True))
    for kind in CONTACT_KINDS:
        out[f"contacts:{kind}"] = Tally(contacts, weight=attendance_weight(), within=Q(kind=kind))
    for category in ReferralCategory.values:
        out[f"referrals:{category}"] = Tally(referrals, referral_checks, within=Q(category=category))
    for status in ReferralStatus.values:
        if status not in NOT_A_REFERRAL:
            out[f"referral_status:{status}"] = Tally(referrals, referral_checks, within=Q(status=status))
    for kind in PreReleaseKind.values:
        out[f"prerelease:{kind}:sessions"] = Tally(sessions, within=Q(kind=kind))
        out[f"prerelease:{kind}:person_times"] = Tally(sessions, weight=F("participants"), within=Q(kind=kind))
    out["lectures"] = Tally(lectures)
    out["lecture_required"] = Tally(lectures, weight=required)
    out["lecture_attended"] = Tally(lectures, weight=attended)
    out["consultation_sessions"] = Tally(lectures, [Check(_("No consultation at the counselling station"),
                                                          Q(Exists(Consultation.objects.filter(
                                                              lecture=OuterRef("pk")))))])
    for category in ConsultationCategory.values:
        out[f"consultations:{category}"] = Tally(consultations, within=Q(category=category))
    for caller in CallerType.values:
        out[f"hotline_callers:{caller}"] = Tally(calls, within=Q(caller=caller))
    for category in ServiceItem.values:
        out[f"hotline_items:{category}"] = Tally(items, within=Q(category=category))
    out["support_group_sessions"] = Tally(groups)
    out["support_group_person_times"] = Tally(groups, weight=attendance_weight())
    return out


def figure_label(name: str) -> str:
    """A rule's name in the reader's language ("sex:M" → 男 / Male; "lecture_attended" → its label)."""
    if name in FIGURES:
        return str(FIGURES[name])
    table_key, _sep, key = name.partition(":")
    labels = {"sex": dict(Sex.choices), "age": AGE_LABELS, "contacts": CONTACT_LABELS,
              "referrals": dict(ReferralCategory.choices), "referral_status": dict(ReferralStatus.choices),
              "consultations": dict(ConsultationCategory.choices), "hotline_callers": dict(CallerType.choices),
              "hotline_items": dict(ServiceItem.choices)}.get(table_key)
    if labels is not None:
        return f"{TABLE_TITLES[table_key]} · {labels.get(key, key)}"
    if table_key == "prerelease":
        kind, _sep, measure = key.partition(":")
        return str(FIGURES.get(f"prerelease_{kind}_{measure}", name))
    return name


def counts(unit, span: Span) -> dict[str, int]:
    """Every rule's figure, each base of records read once."""
    return evaluate(rules(unit, span))


#: Table 2's columns: Taiwan's categories, "other" and any other region's only when a referral carries one.
OPTIONAL_CATEGORIES = (ReferralCategory.OTHER, *(c for c in ReferralCategory if c not in
                                                  CATEGORIES_BY_REGION[Region.TAIWAN]))


def referrals_by_category_and_status(unit, span: Span) -> dict[tuple[str, str], int]:
    """Referrals out made in the period, by (destination category, closed-loop status); a cancelled or withdrawn
    referral is not a referral (DOMAIN.md "Taiwan")."""
    rows = (Referral.objects.filter(span.dates("date"), counted_referral(), unit=unit, direction="out").order_by()
            .values("category", "status").annotate(n=Count("pk")))
    return {(row["category"], row["status"]): row["n"] for row in rows}


def prerelease_by_institution(unit, span: Span) -> list[dict]:
    """Sessions and person-times of pre-release counselling per institution and kind (seed 004: 團體輔導
    92 場/5,602 人次, 個別輔導 56 場/749 人次, 懇親會 4 場/314 人次 in 5 institutions)."""
    return list(PreReleaseSession.objects.filter(span.dates("date"), unit=unit).order_by("institution__name")
                .values("institution__name", "kind").annotate(sessions=Count("pk"), person_times=Sum("participants")))


SEX_ORDER = (Sex.MALE, Sex.FEMALE, Sex.OTHER)  # the seed lists 男 first


# --- Tables ------------------------------------------------------------------------------------------

TABLE_TITLES = {
    "sex": _("Registered cases by sex"), "age": _("Registered cases by age"),
    "contacts": _("Table 1 Contacts by type"),
    "referrals": _("Table 2 Referrals by destination"),
    "referral_status": _("Referral closed-loop outcomes"),
    "consultations": _("Table 3 Counselling-station consultations by category"),
    "hotline_callers": _("Hotline calls by caller"), "hotline_items": _("Hotline service items"),
}
CALLER_LABELS = dict(CallerType.choices)
PRERELEASE_LABELS = dict(PreReleaseKind.choices)
PERSONS = _("number of persons")
PERSON_TIMES = _("attendances")
ITEMS = _("item-times")
CALLS = _("calls")


#: The precision each table's shares are printed to, as the returns print them (DOMAIN.md "Taiwan"): two
#: decimals for sex and age-band shares and hotline items of service, one for Tables 1–3 and the rest.
DEFAULT_DECIMALS = {"sex": 2, "age": 2, "hotline_items": 2}
TABLE_KEYS = ("sex", "age", "contacts", "referrals", "referral_status", "consultations", "hotline_callers",
              "hotline_items")


def decimals_for(overrides: dict | None = None) -> dict[str, int]:
    """Each table's decimals: the seed's layout, with any table set otherwise (0–4 places)."""
    chosen = {key: DEFAULT_DECIMALS.get(key, 1) for key in TABLE_KEYS}
    for key, places in (overrides or {}).items():
        if key not in chosen or not isinstance(places, int) or isinstance(places, bool) or not 0 <= places <= 4:
            raise ValueError(f"precision {key}={places!r}: a table of {', '.join(TABLE_KEYS)} and 0–4 decimals")
        chosen[key] = places
    return chosen


@dataclass
class Row:
    key: str
    label: object
    count: int
    share: Decimal
    decimals: int = 1
    rule: str = ""  # the figure's rule name, for its drill-down

    @property
    def share_text(self) -> str:
        return format_share(self.share, self.decimals)


@dataclass
class Table:
    """Counts by category with their shares; `rows` in the seed's column order (the last absorbs)."""

    key: str
    title: object
    measure: object
    rows: list[Row]
    decimals: int = 1
    total: int = field(init=False)
    total_share: Decimal = field(init=False)

    def __post_init__(self):
        self.total = sum(row.count for row in self.rows)
        self.total_share = sum((row.share for row in self.rows), Decimal(0).scaleb(-self.decimals))

    @property
    def total_share_text(self) -> str:
        return format_share(self.total_share, self.decimals)


def table(key, title, measure, columns, counts: dict, method: str, optional=(), decimals: int = 1) -> Table:
    """`columns` is [(key, label)]; `counts` maps "table:key" rule names to figures; keys in `optional` are left
    out when zero (e.g. sex "other")."""
    shown = [(k, label) for k, label in columns if k not in optional or counts.get(f"{key}:{k}", 0)]
    values = [counts.get(f"{key}:{k}", 0) for k, _label in shown]
    rows = [Row(k, label, n, share, decimals, f"{key}:{k}") for (k, label), n, share in
            zip(shown, values, shares(values, decimals=decimals, method=method), strict=True)]
    return Table(key, title, measure, rows, decimals)


# --- The report ------------------------------------------------------------------------------------------


@dataclass
class KpiResult:
    kpi: Kpi
    achieved: Fraction | None
    met: bool | None

    @property
    def achieved_text(self) -> str:
        return _kpi_text(self.kpi, self.achieved)

    @property
    def target_text(self) -> str:
        return _kpi_text(self.kpi, Fraction(self.kpi.target))

    @property
    def formula_text(self) -> str:
        """The formula in the domain's words ("實際出席人數 ÷ 應出席人數"), never its code."""
        words = re.sub(r"[A-Za-z_][A-Za-z0-9_]*", lambda m: str(FIGURES.get(m.group(), m.group())), self.kpi.formula)
        return words.replace("/", " ÷ ").replace("*", " × ")


def _kpi_text(kpi: Kpi, value: Fraction | None) -> str:
    if value is None:
        return "—"
    decimal = Decimal(value.numerator) / Decimal(value.denominator)
    return format_share(decimal) if kpi.as_percent else f"{decimal.quantize(Decimal('0.01')):f}"


def kpi_results(unit, span: Span, figures: dict) -> list[KpiResult]:
    """The unit's KPIs that apply to any part of the period, each evaluated on the period's figures
    (seed 004: 講習出席率 ≥ 70%; 107 年 個別諮詢 ÷ 出席講習 ≥ 11%)."""
    results = []
    for kpi in Kpi.objects.filter(unit=unit, starts__lte=span.end, ends__gte=span.start).order_by("starts", "name"):
        value = kpi_language.evaluate(kpi.formula, figures)
        if value is not None and kpi.as_percent:
            value *= 100  # targets of percentage KPIs are entered in percent
        results.append(KpiResult(kpi, value, kpi_language.met(value, kpi.target, kpi.comparison)))
    return results


def report(unit, span: Span, *, method: str = LAST_ABSORBS, precision: dict | None = None) -> dict:
    """Every table of seed 004 for `unit` over `span`, the named figures, and the KPIs; `precision` sets any
    table's decimals (`decimals_for`)."""
    places = decimals_for(precision)
    n = counts(unit, span)

    def laid_out(key, title, measure, columns, optional=()):
        return table(key, title, measure, columns, n, method, optional, places[key])

    tables = {
        "sex": laid_out("sex", TABLE_TITLES["sex"], PERSONS,
                        [(s, Sex(s).label) for s in SEX_ORDER], optional=(Sex.OTHER,)),
        "age": laid_out("age", TABLE_TITLES["age"], PERSONS,
                        [(k, AGE_LABELS[k]) for k, *_bounds in AGE_BANDS] + [("unknown", AGE_LABELS["unknown"])],
                        optional=("unknown",)),
        "contacts": laid_out("contacts", TABLE_TITLES["contacts"], PERSON_TIMES,
                             [(k, CONTACT_LABELS[k]) for k in CONTACT_KINDS]),
        # Taiwan's destination categories; another region's appear only where a record carries one.
        "referrals": laid_out("referrals", TABLE_TITLES["referrals"], PERSON_TIMES,
                              list(ReferralCategory.choices), optional=OPTIONAL_CATEGORIES),
        "referral_status": laid_out("referral_status", TABLE_TITLES["referral_status"], PERSON_TIMES,
                                    [c for c in ReferralStatus.choices if c[0] not in NOT_A_REFERRAL]),
        "consultations": laid_out("consultations", TABLE_TITLES["consultations"], PERSON_TIMES,
                                  list(ConsultationCategory.choices)),
        "hotline_callers": laid_out("hotline_callers", TABLE_TITLES["hotline_callers"], CALLS,
                                    list(CallerType.choices)),
        "hotline_items": laid_out("hotline_items", TABLE_TITLES["hotline_items"], ITEMS,
                                  list(ServiceItem.choices)),
    }
    prerelease = _prerelease_table(prerelease_by_institution(unit, span), n)
    callers = {k: n[f"hotline_callers:{k}"] for k in CallerType.values}
    figures = {
        "registered_cases": tables["sex"].total,
        "registered_male": n[f"sex:{Sex.MALE}"], "registered_female": n[f"sex:{Sex.FEMALE}"],
        "contacts": tables["contacts"].total,
        **{f"contacts_{k}": n[f"contacts:{k}"] for k in CONTACT_KINDS},
        "referrals": tables["referrals"].total,
        **{f"referrals_{k}": n[f"referrals:{k}"] for k in ReferralCategory.values},
        "referrals_closed_loop": tables["referrals"].total - n[f"referral_status:{ReferralStatus.SENT}"],
        "referrals_attended": n[f"referral_status:{ReferralStatus.ATTENDED}"],
        **{f"prerelease_{k}_{m}": n[f"prerelease:{k}:{m}"] for k in PreReleaseKind.values
           for m in ("sessions", "person_times")},
        "lectures": n["lectures"], "lecture_required": n["lecture_required"],
        "lecture_attended": n["lecture_attended"],
        "consultations": tables["consultations"].total, "consultation_sessions": n["consultation_sessions"],
        **{f"consultations_{k}": n[f"consultations:{k}"] for k in ConsultationCategory.values},
        "hotline_calls": tables["hotline_callers"].total,
        **{f"hotline_calls_{k}": callers[k] for k in CallerType.values},
        "hotline_calls_client_family": callers[CallerType.CLIENT] + callers[CallerType.FAMILY],
        "hotline_items": tables["hotline_items"].total,
        **{f"hotline_items_{k}": n[f"hotline_items:{k}"] for k in ServiceItem.values},
        "support_group_sessions": n["support_group_sessions"],
        "support_group_person_times": n["support_group_person_times"],
    }
    assert figures.keys() == FIGURES.keys(), "every figure needs a label, and every label a figure"
    lectures = {"sessions": n["lectures"], "required": n["lecture_required"], "attended": n["lecture_attended"]}
    return {
        "span": span, "method": method, "precision": places, "tables": tables, "prerelease": prerelease,
        "figures": figures,
        "lecture": {**lectures, "rate": _ratio(lectures["attended"], lectures["required"]),
                    "consultation_rate": _ratio(figures["consultations"], lectures["attended"])},
        "hotline": {"client_family_share": _ratio(figures["hotline_calls_client_family"], figures["hotline_calls"])},
        "kpis": kpi_results(unit, span, figures),
    }


def _ratio(numerator: int, denominator: int) -> Decimal | None:
    """A single ratio in percent, rounded half up to one decimal by `shares` (None without a denominator)."""
    if not denominator:
        return None
    return shares([numerator, denominator - numerator], method="plain")[0]


def _prerelease_table(rows: list[dict], n: dict) -> dict:
    """Per institution: sessions and person-times of each kind, plus the totals row (the engine's figures)."""
    kinds = PreReleaseKind.values
    empty = {k: {"sessions": 0, "person_times": 0} for k in kinds}
    by_institution: dict[str, dict] = {}
    totals = {k: {m: n[f"prerelease:{k}:{m}"] for m in ("sessions", "person_times")} for k in kinds}
    for row in rows:
        cells = by_institution.setdefault(row["institution__name"], {k: dict(v) for k, v in empty.items()})
        cells[row["kind"]] = {"sessions": row["sessions"], "person_times": row["person_times"]}
    return {
        "kinds": [(k, PRERELEASE_LABELS[k]) for k in kinds],
        "rows": [{"institution": name, "cells": [cells[k] for k in kinds]} for name, cells in by_institution.items()],
        "totals": totals,
        "total_cells": [{**totals[k], "sessions_rule": f"prerelease:{k}:sessions",
                         "person_times_rule": f"prerelease:{k}:person_times"} for k in kinds],
    }


__all__ = [
    "DEFAULT_DECIMALS", "FIGURES", "Span", "Table", "counts", "decimals_for", "kpi_results",
    "prerelease_by_institution", "referrals_by_category_and_status", "report", "rules",
]
