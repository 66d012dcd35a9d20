"""The figures a city drug-abuse prevention centre reports (DOMAIN.md "Taiwan city drug-abuse prevention
centre", seed 004: Kaohsiung 2017), each counted by one small set-based query over the records.

Every function takes the unit and a `Span` (any date range) and returns plain counts; `report()`
lays them out as the seed's tables with percentage shares that add up to 100.0%
(`tongxing.lib.percentages`, whose default rule was read off the seed's tables 1–3).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from django.db.models import Case as CaseWhen
from django.db.models import Count, DateField, Exists, OuterRef, Q, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from tongxing.activities.models import Activity, ActivityKind, Attendance, GroupKind
from tongxing.cases.models import (
    NOT_A_REFERRAL,
    CaseType,
    Episode,
    Referral,
    ReferralCategory,
    ReferralStatus,
    counted_referral,
)
from tongxing.lib.percentages import LAST_ABSORBS, format_share, shares
from tongxing.people.models import Person, Sex
from tongxing.standards.engine import age_on

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

    def dates(self, field_name: str) -> Q:
        return Q(**{f"{field_name}__gte": self.start, f"{field_name}__lte": self.end})


# --- Registered cases (seed 004 一(一)1, 圖一, 圖二) ---------------------------------------------

AGE_BANDS = (  # (key, youngest, oldest) in whole years at the end of the period
    ("to_19", None, 19), ("20_29", 20, 29), ("30_39", 30, 39), ("40_49", 40, 49),
    ("50_59", 50, 59), ("60_69", 60, 69), ("70_up", 70, None),
)
AGE_LABELS = {
    "to_19": _("19 歲以下 19 and under"), "20_29": _("20–29 歲 20–29"), "30_39": _("30–39 歲 30–39"),
    "40_49": _("40–49 歲 40–49"), "50_59": _("50–59 歲 50–59"), "60_69": _("60–69 歲 60–69"),
    "70_up": _("70 歲以上 70 and over"), "unknown": _("年齡不詳 age unknown"),
}


def registered_people(unit, span: Span):
    """People registered (列管) in the period: clients of a drug-user (PSA) case of the unit with an episode
    open at some time in the span, each person once however many cases or episodes (seed 004: 4,940 人)."""
    open_episode = Episode.objects.filter(
        case__client=OuterRef("pk"), case__unit=unit, case__type=CaseType.PSA, opened__lte=span.end,
    ).filter(Q(closed__isnull=True) | Q(closed__gte=span.start))
    return Person.objects.filter(Exists(open_episode))


def registered_by_sex(unit, span: Span) -> dict[str, int]:
    """Registered people by sex (seed 004 圖一: 男 4,185, 女 755)."""
    rows = registered_people(unit, span).order_by().values("sex").annotate(n=Count("pk"))
    return {row["sex"]: row["n"] for row in rows}


def registered_by_age(unit, span: Span) -> dict[str, int]:
    """Registered people by age band at the end of the period (seed 004 圖二: ≤19 … ≥70);
    people without a birth date are counted as "unknown"."""
    age = age_on("birth_date", Value(span.end, output_field=DateField()))
    whens = []
    for key, youngest, oldest in AGE_BANDS:
        bounds = Q(age__lte=oldest) if youngest is None else Q(age__gte=youngest)
        if youngest is not None and oldest is not None:
            bounds &= Q(age__lte=oldest)
        whens.append(When(bounds, then=Value(key)))
    rows = (registered_people(unit, span).order_by().annotate(age=age)
            .annotate(band=CaseWhen(*whens, default=Value("unknown"))).values("band").annotate(n=Count("pk")))
    return {row["band"]: row["n"] for row in rows}


# --- Contacts (seed 004 表一) ----------------------------------------------------------------------


def _person_times(activities) -> dict[str, int]:
    """Person-times per activity kind: attendance rows plus the anonymous headcount (two aggregates,
    because summing headcount across the attendance join would multiply it)."""
    named = (Attendance.objects.filter(activity__in=activities).order_by().values("activity__kind")
             .annotate(n=Count("pk")))
    anonymous = activities.order_by().values("kind").annotate(n=Sum("headcount"))
    totals: dict[str, int] = {}
    for row in named:
        totals[row["activity__kind"]] = totals.get(row["activity__kind"], 0) + row["n"]
    for row in anonymous:
        totals[row["kind"]] = totals.get(row["kind"], 0) + (row["n"] or 0)
    return totals


def contacts_by_type(unit, span: Span) -> dict[str, int]:
    """Contacts by type in person-times (seed 004 表一: 電訪 27,749, 家訪 5,048, 面談 846, 其他 1,365)."""
    activities = Activity.objects.filter(span.dates("date"), unit=unit, kind__in=CONTACT_KINDS)
    return _person_times(activities)


# --- Referrals (seed 004 表二) ---------------------------------------------------------------------


def referrals_by_category_and_status(unit, span: Span) -> dict[tuple[str, str], int]:
    """Referrals out made in the period, person-times by (destination category, closed-loop status)
    (seed 004 表二: 294 人次); one query serves both the destination table and the closed loop. A cancelled or
    withdrawn referral is not a referral (DOMAIN.md "Taiwan")."""
    rows = (Referral.objects.filter(span.dates("date"), counted_referral(), unit=unit, direction="out").order_by()
            .values("category", "status").annotate(n=Count("pk")))
    return {(row["category"], row["status"]): row["n"] for row in rows}


# --- Pre-release counselling (seed 004 一(二)) ---------------------------------------------------


def prerelease_by_institution(unit, span: Span) -> list[dict]:
    """Sessions and person-times of pre-release counselling per institution and kind (seed 004: 團體輔導
    92 場/5,602 人次, 個別輔導 56 場/749 人次, 懇親會 4 場/314 人次 in 5 institutions)."""
    return list(PreReleaseSession.objects.filter(span.dates("date"), unit=unit).order_by("institution__name")
                .values("institution__name", "kind").annotate(sessions=Count("pk"), person_times=Sum("participants")))


# --- Mandatory lectures and the counselling station (seed 004 一(三), 表三) -------------------------


def lecture_totals(unit, span: Span) -> dict[str, int]:
    """Lectures held, people required to attend and people who attended (seed 004: 26 場/1,357 人次,
    出席率 92%; 107 年 1 月 118 應出席, 94 出席)."""
    return Lecture.objects.filter(span.dates("date"), unit=unit).aggregate(
        sessions=Count("pk"), required=Coalesce(Sum("required"), 0), attended=Coalesce(Sum("attended"), 0))


def consultations_by_category(unit, span: Span) -> dict[str, int]:
    """Counselling-station consultations by category at the period's lectures (seed 004 表三: 196 人次)."""
    rows = (Consultation.objects.filter(span.dates("lecture__date"), lecture__unit=unit).order_by()
            .values("category").annotate(n=Count("pk")))
    return {row["category"]: row["n"] for row in rows}


def consultation_sessions(unit, span: Span) -> int:
    """Lectures at which the counselling station gave at least one consultation (seed 004: 24 場次)."""
    return Lecture.objects.filter(span.dates("date"), unit=unit).filter(
        Exists(Consultation.objects.filter(lecture=OuterRef("pk")))).count()


# --- Hotline (seed 004 一(四)) ----------------------------------------------------------------------


def hotline_calls_by_caller(unit, span: Span) -> dict[str, int]:
    """Hotline calls by caller type (seed 004: 1,014 通, 個案與家屬 509 通)."""
    rows = HotlineCall.objects.filter(span.dates("date"), unit=unit).order_by().values("caller").annotate(n=Count("pk"))
    return {row["caller"]: row["n"] for row in rows}


def hotline_items_by_category(unit, span: Span) -> dict[str, int]:
    """Items of service given on hotline calls, by category (seed 004: 1,055 項次, 心理支持 497,
    第三、四級毒品危害講習 181)."""
    rows = (HotlineItem.objects.filter(span.dates("call__date"), call__unit=unit).order_by()
            .values("category").annotate(n=Count("pk")))
    return {row["category"]: row["n"] for row in rows}


# --- Community support groups (seed 004 一(五)) ------------------------------------------------------


def support_groups(unit, span: Span) -> dict[str, int]:
    """Sessions and person-times of community support groups: group sessions of the unit's mutual-help
    groups (seed 004: 51 場次/482 人次)."""
    sessions = Activity.objects.filter(span.dates("date"), unit=unit, kind=ActivityKind.GROUP_SESSION,
                                       group__kind=GroupKind.MUTUAL_HELP)
    return {"sessions": sessions.count(),
            "person_times": _person_times(sessions).get(ActivityKind.GROUP_SESSION, 0)}


# --- Tables ------------------------------------------------------------------------------------------

SEX_ORDER = (Sex.MALE, Sex.FEMALE, Sex.OTHER)  # the seed lists 男 first
CALLER_LABELS = dict(CallerType.choices)
PRERELEASE_LABELS = dict(PreReleaseKind.choices)
PERSONS = _("人數 persons")
PERSON_TIMES = _("人次 person-times")
ITEMS = _("項次 items")
CALLS = _("通數 calls")


@dataclass
class Row:
    key: str
    label: object
    count: int
    share: Decimal

    @property
    def share_text(self) -> str:
        return format_share(self.share)


@dataclass
class Table:
    """Counts by category with their shares; `rows` in the seed's column order (the last absorbs)."""

    key: str
    title: object
    measure: object
    rows: list[Row]
    total: int = field(init=False)
    total_share: Decimal = field(init=False)

    def __post_init__(self):
        self.total = sum(row.count for row in self.rows)
        self.total_share = sum((row.share for row in self.rows), Decimal("0.0"))

    @property
    def total_share_text(self) -> str:
        return format_share(self.total_share)


def table(key, title, measure, columns, counts: dict, method: str, optional=()) -> Table:
    """`columns` is [(key, label)]; keys in `optional` are left out when zero (e.g. sex "other")."""
    shown = [(k, label) for k, label in columns if k not in optional or counts.get(k, 0)]
    values = [counts.get(k, 0) for k, _label in shown]
    return Table(key, title, measure, [Row(k, label, n, s) for (k, label), n, s in
                                       zip(shown, values, shares(values, method=method), strict=True)])




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


def report(unit, span: Span, *, method: str = LAST_ABSORBS) -> dict:
    """Every table of seed 004 for `unit` over `span`, the named figures, and the KPIs."""
    sex = registered_by_sex(unit, span)
    age = registered_by_age(unit, span)
    contacts = contacts_by_type(unit, span)
    referral_cells = referrals_by_category_and_status(unit, span)
    by_category, by_status = {}, {}
    for (category, status), n in referral_cells.items():
        by_category[category] = by_category.get(category, 0) + n
        by_status[status] = by_status.get(status, 0) + n
    consultations = consultations_by_category(unit, span)
    lectures = lecture_totals(unit, span)
    callers = hotline_calls_by_caller(unit, span)
    items = hotline_items_by_category(unit, span)
    groups = support_groups(unit, span)
    prerelease_rows = prerelease_by_institution(unit, span)

    tables = {
        "sex": table("sex", _("列管個案性別 Registered cases by sex"), PERSONS,
                     [(s, Sex(s).label) for s in SEX_ORDER], sex, method, optional=(Sex.OTHER,)),
        "age": table("age", _("列管個案年齡分布 Registered cases by age"), PERSONS,
                     [(k, AGE_LABELS[k]) for k, *_bounds in AGE_BANDS] + [("unknown", AGE_LABELS["unknown"])],
                     age, method, optional=("unknown",)),
        "contacts": table("contacts", _("表一 訪視服務類型 Table 1 Contacts by type"), PERSON_TIMES,
                          [(k, CONTACT_LABELS[k]) for k in CONTACT_KINDS], contacts, method),
        "referrals": table("referrals", _("表二 資源轉介情形 Table 2 Referrals by destination"), PERSON_TIMES,
                           list(ReferralCategory.choices), by_category, method,
                           optional=(ReferralCategory.OTHER,)),
        "referral_status": table("referral_status", _("轉介閉環追蹤 Referral closed-loop outcomes"), PERSON_TIMES,
                                 [c for c in ReferralStatus.choices if c[0] not in NOT_A_REFERRAL], by_status,
                                 method),
        "consultations": table("consultations", _("表三 心靈諮詢站諮詢類型 Table 3 Counselling-station "
                                                  "consultations by category"), PERSON_TIMES,
                               list(ConsultationCategory.choices), consultations, method),
        "hotline_callers": table("hotline_callers", _("專線來電者 Hotline calls by caller"), CALLS,
                                 list(CallerType.choices), callers, method),
        "hotline_items": table("hotline_items", _("專線服務項目 Hotline service items"), ITEMS,
                               list(ServiceItem.choices), items, method),
    }
    prerelease = _prerelease_table(prerelease_rows)
    figures = {
        "registered_cases": tables["sex"].total,
        "registered_male": sex.get(Sex.MALE, 0), "registered_female": sex.get(Sex.FEMALE, 0),
        "contacts": tables["contacts"].total,
        **{f"contacts_{k}": contacts.get(k, 0) for k in CONTACT_KINDS},
        "referrals": tables["referrals"].total,
        **{f"referrals_{k}": by_category.get(k, 0) for k in ReferralCategory.values},
        "referrals_closed_loop": tables["referrals"].total - by_status.get(ReferralStatus.SENT, 0),
        "referrals_attended": by_status.get(ReferralStatus.ATTENDED, 0),
        **{f"prerelease_{k}_{m}": prerelease["totals"][k][m] for k in PreReleaseKind.values
           for m in ("sessions", "person_times")},
        "lectures": lectures["sessions"], "lecture_required": lectures["required"],
        "lecture_attended": lectures["attended"],
        "consultations": tables["consultations"].total, "consultation_sessions": consultation_sessions(unit, span),
        **{f"consultations_{k}": consultations.get(k, 0) for k in ConsultationCategory.values},
        "hotline_calls": tables["hotline_callers"].total,
        **{f"hotline_calls_{k}": callers.get(k, 0) for k in CallerType.values},
        "hotline_calls_client_family": callers.get(CallerType.CLIENT, 0) + callers.get(CallerType.FAMILY, 0),
        "hotline_items": tables["hotline_items"].total,
        **{f"hotline_items_{k}": items.get(k, 0) for k in ServiceItem.values},
        "support_group_sessions": groups["sessions"], "support_group_person_times": groups["person_times"],
    }
    assert figures.keys() == FIGURES.keys(), "every figure needs a label, and every label a figure"
    return {
        "span": span, "method": method, "tables": tables, "prerelease": prerelease, "figures": figures,
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


def _prerelease_table(rows: list[dict]) -> dict:
    """Per institution: sessions and person-times of each kind, plus the totals row."""
    kinds = PreReleaseKind.values
    empty = {k: {"sessions": 0, "person_times": 0} for k in kinds}
    by_institution: dict[str, dict] = {}
    totals = {k: {"sessions": 0, "person_times": 0} for k in kinds}
    for row in rows:
        cells = by_institution.setdefault(row["institution__name"], {k: dict(v) for k, v in empty.items()})
        cells[row["kind"]] = {"sessions": row["sessions"], "person_times": row["person_times"]}
        totals[row["kind"]]["sessions"] += row["sessions"]
        totals[row["kind"]]["person_times"] += row["person_times"]
    return {
        "kinds": [(k, PRERELEASE_LABELS[k]) for k in kinds],
        "rows": [{"institution": name, "cells": [cells[k] for k in kinds]} for name, cells in by_institution.items()],
        "totals": totals,
        "total_cells": [totals[k] for k in kinds],
    }


__all__ = [
    "FIGURES", "Span", "Table", "consultation_sessions", "consultations_by_category", "contacts_by_type",
    "hotline_calls_by_caller", "hotline_items_by_category", "kpi_results", "lecture_totals",
    "prerelease_by_institution", "referrals_by_category_and_status", "registered_by_age", "registered_by_sex",
    "registered_people", "report", "support_groups",
]
