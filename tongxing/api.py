"""The read API (django-ninja, OpenAPI at /api/docs): the same scope rules and counting engine as the pages.

Session authentication (CSRF-checked for writes), so a signed-in browser or a script holding a session may call it;
every operation answers only within the caller's scope (tongxing.accounts.scope).
"""

from __future__ import annotations

import datetime as dt
import json

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from ninja import NinjaAPI, Schema
from ninja.errors import HttpError
from ninja.openapi.docs import Swagger
from ninja.security import django_auth

from tongxing.accounts.scope import people_for, units_for
from tongxing.audit.models import Action
from tongxing.audit.services import record
from tongxing.standards.codes import OUTCOME_STANDARDS, OUTPUT_STANDARDS
from tongxing.standards.drilldown import audit_drilldown, drilldown
from tongxing.standards.engine import Period
from tongxing.standards.fsa import Scope
from tongxing.standards.report import annual_return_document


class OwnSwagger(Swagger):
    """The docs page from ninja's own template and static Swagger files (settings.NINJA_DIR): no CDN, no inline
    script (CSP). Ninja picks those only when it is an installed app, which would import it at start-up."""

    def render_page(self, request, api, **kwargs):
        self.settings["url"] = self.get_openapi_url(api, kwargs)
        # Session authentication: the page's "try it out" sends the CSRF token with writes.
        context = {"swagger_settings": json.dumps(self.settings, indent=1), "api": api, "add_csrf": True}
        return render(request, self.template, context)


# The schema and docs are for signed-in users too: least privilege applies to what the API offers.
api = NinjaAPI(title="Tongxing 同行", version="1", auth=django_auth, urls_namespace="api",
               docs=OwnSwagger(), docs_decorator=login_required)


class UnitOut(Schema):
    code: str
    name: str
    organisation: str


class PersonOut(Schema):
    id: int
    external_id: str
    name: str
    name_en: str
    sex: str
    birth_date: dt.date | None


class DrilldownRow(Schema):
    record: dict
    counted: bool
    weight: float
    reasons: list[str]
    withheld: bool = False  # the record's person is outside the caller's person scope: identifying fields masked


def _unit(request, code):
    return get_object_or_404(units_for(request.user).select_related("organisation"), code=code)


@api.get("/units", response=list[UnitOut], summary="Units the caller may see")
def units(request):
    return [UnitOut(code=u.code, name=u.name, organisation=u.organisation.name)
            for u in units_for(request.user).select_related("organisation").order_by("code")]


@api.get("/units/{code}/fsa/{fy}", summary="The annual return as in EXCHANGE.md (report fsa --format json)")
def annual_return(request, code: str, fy: int):
    if not 1990 <= fy <= 2200:
        raise Http404("financial year out of range")
    unit = _unit(request, code)
    with transaction.atomic():
        record(Action.EXPORT, request=request, obj=unit, unit_code=unit.code, summary=f"API annual return {fy}")
    return annual_return_document(unit, fy)


@api.get("/units/{code}/fsa/{fy}/{standard}", response=list[DrilldownRow],
         summary="The records near one standard: counted or left out, with the reasons")
def standard_records(request, code: str, fy: int, standard: str):
    if standard not in OUTPUT_STANDARDS and standard not in OUTCOME_STANDARDS or not 1990 <= fy <= 2200:
        raise Http404("unknown standard or year")
    unit = _unit(request, code)
    data = drilldown(standard, Scope(unit, Period.financial_year(fy)), request.user)
    audit_drilldown(request, unit, fy, standard, data, via="API")
    fields = [c for c, _label in data["columns"]]
    return [DrilldownRow(record={f: _plain(row.get(f)) for f in fields}, counted=row["counted"],
                         weight=float(row["weight"] or 0), reasons=[str(r) for r in row["reasons"]],
                         withheld=row.get("withheld", False))
            for row in data["rows"]]


@api.get("/units/{code}/taiwan/{year}", summary="City statistics (seed 004) as in docs/reports.md "
                                               "(report taiwan --format json)")
def taiwan_statistics(request, code: str, year: int, month: int | None = None, precision: str = ""):
    """`precision` sets tables' decimals as `age=1,contacts=2`; `month` narrows the year to one month."""
    from tongxing.prevention.document import statistics_document
    from tongxing.prevention.services import record_export
    from tongxing.prevention.statistics import Span, report

    if not 1900 <= year <= 2200 or month is not None and not 1 <= month <= 12:
        raise Http404("year or month out of range")
    unit = _unit(request, code)
    span = Span.month(year, month) if month else Span.year(year)
    try:
        chosen = {t.strip(): int(n) for t, _sep, n in (p.partition("=") for p in precision.split(",") if p.strip())}
        data = report(unit, span, precision=chosen)
    except ValueError as error:
        raise HttpError(422, str(error)) from None
    record_export(unit=unit, user=request.user, fmt="API json", span=span, request=request)
    return statistics_document(unit, data)


@api.get("/projects/{code}", summary="A funded project's indicators as in docs/reports.md "
                                     "(report project --format json)")
def project_report(request, code: str, unit: str | None = None):
    from tongxing.projects.document import project_document
    from tongxing.projects.selectors import dashboard, projects_for

    found = projects_for(request.user).filter(code=code).select_related("unit")
    if unit:
        found = found.filter(unit__code=unit)
    projects = list(found[:2])
    if len(projects) != 1:
        raise Http404("no such project (or two units share the code: give ?unit=)")
    project = projects[0]
    with transaction.atomic():
        record(Action.EXPORT, request=request, obj=project, unit_code=project.unit.code,
               summary=f"{project.code} report via API")
    return project_document(project, dashboard(project))


@api.get("/people", response=list[PersonOut], summary="Find people by name, phone or id (at most 20)")
def people(request, q: str):
    query = q.strip()
    if len(query) < 2:
        return []
    found = people_for(request.user).filter(
        Q(name__icontains=query) | Q(name_en__icontains=query) | Q(phone__contains=query)
        | Q(external_id__iexact=query)).order_by("name", "pk")[:20]
    result = list(found)
    with transaction.atomic():
        for person in result:
            record(Action.VIEW, request=request, obj=person, summary="API people search")
    return [PersonOut(id=p.pk, external_id=p.external_id, name=p.name, name_en=p.name_en, sex=p.sex,
                      birth_date=p.birth_date) for p in result]


def _plain(value):
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


urlpatterns = api.urls[0]  # mounted lazily by tongxing/urls.py
