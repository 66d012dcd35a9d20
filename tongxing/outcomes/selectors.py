"""Reading instruments and administrations within a user's scope, and feeding the analysis."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from tongxing.accounts.scope import people_for, units_for

from . import analysis
from .models import Administration, Instrument, RiskAlert, Use
from .scoring import spec_of


def instruments_for(user) -> QuerySet[Instrument]:
    """The shipped library and the instruments of the user's organisation(s)."""
    if not user.is_authenticated:
        return Instrument.objects.none()
    organisations = units_for(user).values("organisation")
    return Instrument.objects.filter(Q(organisation__isnull=True) | Q(organisation__in=organisations))


def administrations_for(user) -> QuerySet[Administration]:
    """Forms of the people the user may look up."""
    return Administration.objects.filter(unit__in=units_for(user), person__in=people_for(user))


def forms(administrations: QuerySet[Administration]) -> list[analysis.Form]:
    """The administrations as `analysis.Form`s, in one query."""
    rows = administrations.values_list("person_id", "time_point", "date", "pk", "total")
    return [analysis.Form(person, point, date, total, pk) for person, point, date, pk, total in rows]


def in_range(administrations: QuerySet[Administration], start, end) -> QuerySet[Administration]:
    return administrations.filter(date__gte=start, date__lte=end)


def analyse(instrument: Instrument, administrations: QuerySet[Administration], *, rule: str = analysis.ANY_CHANGE,
            min_change: float | None = None, agree_at: int | None = None, after: str = "post"):
    """Pre/post figures (or, for a post-only instrument, % agreeing) of `administrations` of `instrument`."""
    administrations = administrations.filter(instrument=instrument)
    if instrument.use == Use.POST_ONLY:
        totals = administrations.values_list("total", flat=True)
        threshold = agree_at if agree_at is not None else instrument.agree_at
        return analysis.post_only(list(totals), agree_at=threshold, better=instrument.better)
    lowest = highest = 0
    if rule == analysis.HALF_REDUCTION:
        spec = spec_of(instrument)
        lowest, highest = spec.lowest, spec.highest
    change = min_change if min_change is not None else (instrument.min_change or 0)
    return analysis.pre_post(forms(administrations), better=instrument.better, rule=rule, min_change=change,
                             lowest=lowest, highest=highest, after=after)


def open_risk_alerts(user, *, person=None, case=None) -> QuerySet[RiskAlert]:
    """Alerts not yet acknowledged for people the user may look up (the case's worker and team, the supervisor)."""
    qs = RiskAlert.objects.filter(acknowledged_at__isnull=True, unit__in=units_for(user),
                                  person__in=people_for(user))
    if person is not None:
        qs = qs.filter(person=person)
    if case is not None:
        qs = qs.filter(Q(case=case) | Q(person=case.client))
    return qs.select_related("person", "administration__instrument", "case__worker").order_by("-raised_at", "-pk")


def risk_alerts_shown(user, *, person=None, case=None, limit=None) -> list[RiskAlert]:
    """The open alerts a page shows (open_risk_alerts), newest first, at most `limit`.

    Their ids come first, from the alerts table alone: most pages have none, and PostgreSQL takes longer to plan
    the six-table join that names an alert's person, questionnaire and case worker than to find that there are
    none. The join then reads only the alerts found, still within the user's scope."""
    alerts = open_risk_alerts(user, person=person, case=case)
    ids = alerts.values_list("pk", flat=True)
    ids = list(ids[:limit] if limit is not None else ids)
    return list(alerts.filter(pk__in=ids)) if ids else []
