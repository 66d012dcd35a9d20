"""The annual return (report fsa): every standard for a unit and financial year, per EXCHANGE.md."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.lookups import IsNull
from django.utils import translation
from django.utils.translation import gettext as _

from tongxing.activities.models import Activity, ActivityKind, ActivityStaff, Attendance, Group, GroupKind
from tongxing.lib.sql import InList

from . import fsa
from .codes import OUTCOME_STANDARDS, OUTPUT_STANDARDS
from .engine import PerDatabase, Period, evaluate, round_half_up
from .fsa import Scope
from .models import AgreedLevel
from .remembered import remembered

# Which rule counts each output standard (OS11 and OS17 are assembled below).
OUTPUT_RULES = {
    "OS1": fsa.outreach_sessions, "OS1a": fsa.evening_outreach_sessions,
    "OS2": fsa.proactively_identified_psa, "OS3": fsa.young_proactively_identified_psa,
    "OS4": fsa.cases_with_plan, "OS4a": fsa.psa_cases_with_plan, "OS4b": fsa.parent_cases_with_plan,
    "OS5": fsa.new_cases, "OS6": fsa.cases_with_stakeholders, "OS7": fsa.parent_case_collaborations,
    "OS8": fsa.counselling_group_sessions, "OS9": fsa.brief_counselling_sessions,
    "OS10": fsa.education_sessions, "OS12": fsa.medical_support_psa, "OS13": fsa.consultation_sessions,
    "OS14": fsa.nursing_sessions, "OS15": fsa.peer_support_sessions,
    "OS15a": lambda s: fsa.peer_support_sessions(s, ex_user_only=True),
    "OS16": fsa.family_group_sessions, "OS17": fsa.homemaker_service_minutes,
}
OUTCOME_RULES = {
    "OC1": fsa.closed_cases_plan_achieved, "OC2": fsa.abstinent_at_closure, "OC3": fsa.psa_cases_with_family,
    "OC5": fsa.medical_support_feedback, "OC6": fsa.peer_support_feedback, "OC7": fsa.parenting_feedback,
    "OC8": fsa.drug_use_feedback, "OC9": fsa.parent_cases_with_stakeholders,
}
DEDUCTED = ("OS4", "OS5", "OS8", "OS9")


def agreed_levels(unit, fy) -> dict:
    return {code: _number(value) for code, value in
            AgreedLevel.objects.filter(unit=unit, fy=fy).values_list("standard", "value")}


def _number(value: Decimal):
    return int(value) if value == value.to_integral_value() else float(value)


def _met(achieved, agreed):
    if achieved is None or agreed is None:
        return None
    return achieved >= agreed - 1e-9


def _output(achieved, agreed, **extra):
    return {"achieved": achieved, "agreed": agreed, "met": _met(achieved, agreed), **extra}


def _outcome(numerator, denominator, agreed):
    achieved = round_half_up(numerator / denominator, 4) if denominator else None
    return {"numerator": numerator, "denominator": denominator, "achieved": achieved, "agreed": agreed,
            "met": _met(achieved, agreed)}


def counting_rules(scope: Scope, served: set) -> dict:
    """The rule of every standard counted from records (OS11's schools and OC10's establishment apart)."""
    rules = {code: rule(scope) for code, rule in {**OUTPUT_RULES, **OUTCOME_RULES}.items()}
    rules["OC4"] = fsa.school_feedback(scope, served)
    rules["OC10"] = fsa.paid_peer_trainings(scope)
    return {code: fsa.in_annual_return(rule) for code, rule in rules.items()}


def compute_standards(scope: Scope, agreed: dict) -> dict:
    """All standards for the scope's period."""
    return cumulative_standards(scope, [scope], agreed)[0]


def cumulative_standards(latest: Scope, scopes: list[Scope], agreed: dict) -> list[dict]:
    """`compute_standards` for each of `scopes`, periods starting with `latest`'s and ending no later, counted
    together: every period's rules read `latest`'s bases, so each base is scanned once for all the periods.
    """
    schools = [fsa.schools_served(scope) for scope in scopes]
    rules = {}
    for i, (scope, served) in enumerate(zip(scopes, schools, strict=True)):
        for code, rule in counting_rules(scope, served.served).items():
            rules[i, code] = scope.on_bases_of(latest, rule)
    values = evaluate(rules)
    return [_standards(scope, agreed, {code: v for (j, code), v in values.items() if j == i}, served)
            for i, (scope, served) in enumerate(zip(scopes, schools, strict=True))]


def _standards(scope: Scope, agreed: dict, values: dict, schools: fsa.SchoolFigures) -> dict:
    """The standards of EXCHANGE.md from the counted `values` and the OS11 school figures."""
    values["OS17"] = round_half_up(values["OS17"] / 60, 2)
    standards = {}
    for code in OUTPUT_STANDARDS:
        if code == "OS11":
            standards[code] = _output(
                None if schools.achieved is None else round_half_up(schools.achieved, 4), agreed.get(code),
                served=len(schools.served), converted=sum(schools.converted.values()),
                workplaces=schools.workplaces, base=schools.base)
        elif code in DEDUCTED:
            # The conversion is annual; a quarter's cumulative figure carries its pro-rata part.
            before = values[code]
            deduction = schools.deductions[code] * float(scope.period.share_of_year())
            standards[code] = _output(round_half_up(before - deduction, 2), agreed.get(code),
                                      before_conversion=before)
        else:
            standards[code] = _output(values[code], agreed.get(code))
    values["OC10"] = (values["OC10"], fsa.peer_establishment(scope))
    for code in OUTCOME_STANDARDS:
        standards[code] = _outcome(*values[code], agreed.get(code))
    return standards


def data_quality_warnings(scope: Scope, standards: dict, agreed: dict) -> list[str]:
    """What a supervisor must see before signing (issue: annual return, "warnings")."""
    warnings = []
    # The few small groups first, then which of them OS8 counts: checking every session would cost a second OS8.
    # OS8 counts group sessions only, and naming the kind lets the (unit, kind, date) index find them. The groups
    # are one list, each a lookup of its sessions: as a semi-join, PostgreSQL read every group's sessions in
    # group order through the group index to find the few of the unit's year.
    in_period = scope.activities(ActivityKind.GROUP_SESSION).values("group")
    # A session with a sixth attendance row (one per person) makes its group large without counting it: the group's
    # first such session is one short probe of the attendance index, and only the other groups count their
    # participants (big_groups: ~100,000 attendance rows read and sorted -> ~130 groups, each a probe or two).
    nth = fsa.GROUP_SMALL
    sixth_attendee = Subquery(Attendance.objects.filter(activity=OuterRef("pk")).values("pk")[nth - 1:nth])
    large_session = Subquery(Activity.objects.filter(group=OuterRef("pk")).filter(IsNull(sixth_attendee, False))
                             .values("pk")[:1])
    small = dict(Group.objects.filter(InList(F("pk"), in_period), IsNull(large_session, True),
                                      kind=GroupKind.COUNSELLING).annotate(
        participants=Count("sessions__attendance__person", distinct=True)).filter(
        participants__lt=fsa.GROUP_SMALL).values_list("pk", "participants"))
    counted = fsa.counselling_group_sessions(scope).counted().filter(group__in=list(small)).values("group")
    small_groups = Group.objects.filter(pk__in=counted).order_by("external_id").values_list("external_id", "pk")
    for group_id, pk in small_groups:
        participants = small[pk]
        warnings.append(_("OS8: group %(group)s has %(n)d participants (fewer than 6)")
                        % {"group": group_id, "n": participants})
    share = family_case_share(standards, agreed)
    if share is not None and share > fsa.FAMILY_CASE_SHARE_LIMIT:
        warnings.append(_("OS4: family cases are %(share).1f%% of the agreed level (more than 15%%)")
                        % {"share": share * 100})
    closed_without_outcome = scope.episodes.filter(scope.period.dates("closed")).filter(
        plan_achieved__isnull=True).values_list("case__external_id", flat=True)
    for case_id in closed_without_outcome:
        warnings.append(_("Case %(case)s: episode closed without its closure outcome") % {"case": case_id})
    # The first staff row as a scalar subquery, which no planner turns into a join: one probe of the staff index per
    # activity, rather than an anti-join that may hash the staff rows of every unit. It selects the activity, so the
    # probe reads the index alone, not the staff row (national: ~4 -> ~3 buffers an activity).
    first_staff = Subquery(ActivityStaff.objects.filter(activity=OuterRef("pk")).values("activity")[:1])
    # PostgreSQL: the staff rows of the activities between the year's first and last activity id, one range of the
    # activity index read in order and hashed once (NOT IN is never made a join), rather than a descent of the index
    # for each activity (national unit: 45,310 -> 970 buffers; case_heavy 54,334 -> 1,052).
    in_range = ActivityStaff.objects.filter(scope.activity_id_range()).values("activity")
    no_staff = PerDatabase(IsNull(first_staff, True), postgresql=~Q(pk__in=in_range))
    unstaffed = scope.activities().filter(no_staff).values_list("external_id", flat=True)
    for activity_id in unstaffed:
        warnings.append(_("Activity %(activity)s has no staff") % {"activity": activity_id})
    return warnings


def pro_rata_warnings(period: Period, standards: dict) -> list[str]:
    share = period.share_of_year()
    out = []
    for code, figure in standards.items():
        agreed, achieved = figure.get("agreed"), figure.get("achieved")
        if code in OUTPUT_STANDARDS and code != "OS11" and agreed and achieved is not None:
            expected = float(Decimal(str(agreed)) * share)
            if achieved < expected - 1e-9:
                out.append(_("%(code)s: %(achieved)s is behind the pro-rata expectation %(expected).1f")
                           % {"code": code, "achieved": achieved, "expected": expected})
    return out


def behind_at_latest_quarter(fy: int, quarters: list[dict], today: dt.date) -> tuple[str, list[str]] | None:
    """While the year runs: the latest quarter ended by `today` and the standards behind its pro-rata expectation.

    `quarters` is `quarterly_progress`. Before the first quarter ends there is nothing to compare yet; once the
    year has ended, met or not met against the agreed level says it.
    """
    ended = [q for q in quarters if dt.date.fromisoformat(q["end"]) <= today]
    if not ended or ended[-1] is quarters[-1]:
        return None
    latest = ended[-1]
    return latest["end"], pro_rata_warnings(Period(fy, dt.date.fromisoformat(latest["end"])), latest["standards"])


def family_case_share(standards: dict, agreed: dict):
    """Family cases (OS4 − OS4a, before conversion) over the agreed OS4 level; must stay ≤15%."""
    if not agreed.get("OS4"):
        return None
    family = standards["OS4"]["before_conversion"] - standards["OS4a"]["achieved"]
    return round_half_up(family / agreed["OS4"], 4)


def fsa_report(unit, fy: int, end=None) -> dict:
    """The `report fsa --format json` object (EXCHANGE.md), cumulative to `end` (default: the year's end)."""
    period = Period(fy, end) if end else Period.financial_year(fy)
    scope = Scope(unit, period)
    agreed = agreed_levels(unit, fy)
    standards = compute_standards(scope, agreed)
    warnings = data_quality_warnings(scope, standards, agreed) + scope.warnings
    if period.end < period.last_day:
        warnings += pro_rata_warnings(period, standards)
    return {
        "unit": unit.code, "fy": fy, "period": [period.start.isoformat(), period.end.isoformat()],
        "standards": standards, "family_case_share": family_case_share(standards, agreed), "warnings": warnings,
    }


def remembered_fsa_report(unit, fy: int) -> dict:
    """`fsa_report` for the whole year, counted again only after a change to the records (remembered.py)."""
    return remembered("fsa_report", unit.pk, fy, compute=lambda: fsa_report(unit, fy))


def remembered_quarterly_progress(unit, fy: int, year_standards: dict) -> list[dict]:
    return remembered("quarterly_progress", unit.pk, fy,
                      compute=lambda: quarterly_progress(unit, fy, year_standards))


def annual_return_document(unit, fy: int) -> dict:
    """`fsa_report` as the machine contract of EXCHANGE.md: its warnings in English, whatever the reader's
    language, so a check outside reads the same object from the command line, the web export and the API."""
    with translation.override("en"):
        return fsa_report(unit, fy)


def quarterly_progress(unit, fy: int, year_standards: dict | None = None) -> list[dict]:
    """Cumulative figures at the end of each quarter with the pro-rata expectation.

    The quarters are counted together over the year's records. The fourth quarter is the whole year: pass the
    year's standards when they are already computed.
    """
    agreed = agreed_levels(unit, fy)
    quarters = Period.financial_year(fy).quarters()
    scopes = [Scope(unit, q) for q in quarters if year_standards is None or q.end < q.last_day]
    # The latest quarter counted holds the records of all the others.
    counted = cumulative_standards(scopes[-1], scopes, agreed)
    figures = {scope.period: standards for scope, standards in zip(scopes, counted, strict=True)}
    return [{"end": q.end.isoformat(), "share": float(q.share_of_year()),
             "standards": figures.get(q, year_standards)} for q in quarters]
