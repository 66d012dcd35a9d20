import datetime as dt
import json

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from tongxing.accounts.models import Level
from tongxing.accounts.scope import level_of, may_see_overview
from tongxing.audit.models import Action
from tongxing.audit.services import record
from tongxing.exchange.selectors import export_unit
from tongxing.lib.projection import Method, as_text, project
from tongxing.lib.xlsx import xlsx_response
from tongxing.organisations.selectors import units_for
from tongxing.privacy.deidentify import deidentify
from tongxing.standards.codes import OUTCOME_STANDARDS, OUTPUT_STANDARDS
from tongxing.standards.drilldown import audit_drilldown, drilldown
from tongxing.standards.engine import Period
from tongxing.standards.fsa import Scope
from tongxing.standards.report import (
    annual_return_document,
    behind_at_latest_quarter,
    fsa_report,
    remembered_fsa_report,
    remembered_quarterly_progress,
)
from tongxing.web.common import drilldown_response

from .selectors import KEY_STANDARDS, organisation_year

# The standards whose quarterly progress is charted: the ones a supervisor watches month by month.
QUARTER_CODES = ("OS1", "OS4", "OS5", "OS8", "OS9", "OS10", "OS13", "OS14", "OS15", "OS17")


def current_fy(today: dt.date | None = None) -> int:
    today = today or timezone.localdate()
    return today.year if today.month >= 4 else today.year - 1


def _unit(request, code):
    return get_object_or_404(units_for(request.user), code=code)


@login_required
@require_GET
def fsa_index(request):
    unit = units_for(request.user).order_by("code").first()
    if unit is None:
        raise Http404("no unit")
    return redirect("fsa-page", unit=unit.code, fy=current_fy())


# How each standard's year-end is projected (tongxing.lib.projection): the cases in hand on 1 April count from the
# year's first day, so OS4 and OS6 are not scaled with time; shares are not extrapolated; OC10 (paid trainings over
# a fixed establishment) and every other output standard grow as the work is done.
CARRIED = {"OS4", "OS4a", "OS4b", "OS6"}


def projection_method(code: str, ratio: bool) -> Method:
    if code in CARRIED:
        return Method.CARRIED
    if ratio and code != "OC10":
        return Method.RATE
    return Method.COUNT


def _rows(report, today: dt.date):
    year = Period.financial_year(report["fy"])
    for group, names in (("output", OUTPUT_STANDARDS), ("outcome", OUTCOME_STANDARDS)):
        for code, (zh, en) in names.items():
            figure = report["standards"][code]
            agreed, achieved = figure.get("agreed"), figure.get("achieved")
            ratio = group == "outcome" or code == "OS11"
            percent = (achieved / agreed * 100) if (agreed and achieved is not None and not ratio) else None
            outlook = project(achieved, agreed, start=year.start, end=year.last_day, today=today,
                              method=projection_method(code, ratio))
            yield {"code": code, "zh": zh, "en": en, "group": group, "ratio": ratio, "percent": percent, **figure,
                   "outlook": outlook, "projected_text": as_text(outlook.projected, percent=ratio),
                   "needed_text": as_text(outlook.needed_per_month, percent=ratio)}


@login_required
@require_GET
def fsa_page(request, unit, fy):
    unit = _unit(request, unit)
    report = remembered_fsa_report(unit, fy)
    quarters = remembered_quarterly_progress(unit, fy, report["standards"])
    progress = [
        {"code": code, "cells": [
            {"achieved": q["standards"][code]["achieved"],
             "expected": None if not q["standards"][code]["agreed"] else q["standards"][code]["agreed"] * q["share"]}
            for q in quarters]}
        for code in QUARTER_CODES
    ]
    chart = {
        "labels": [q["end"] for q in quarters],
        "series": {row["code"]: [c["achieved"] for c in row["cells"]] for row in progress},
        "agreed": {code: report["standards"][code]["agreed"] for code in QUARTER_CODES},
        "share": [q["share"] for q in quarters],
    }
    return render(request, "reports/fsa.html", {
        "unit": unit, "fy": fy, "report": report, "rows": list(_rows(report, timezone.localdate())), "quarters": quarters,
        "behind": behind_at_latest_quarter(fy, quarters, timezone.localdate()),
        "units": units_for(request.user).order_by("code"), "years": range(fy - 3, fy + 2),
        "chart_json": chart, "progress": progress,
    })


@login_required
@require_GET
def organisation_page(request, fy):
    """Every unit's year at a glance, for a supervisor of several units and the organisation's auditor."""
    if not may_see_overview(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    rows = organisation_year(request.user, fy, today)
    return render(request, "reports/organisation.html", {
        "fy": fy, "rows": rows, "years": range(current_fy(today) - 4, current_fy(today) + 1),
        "standards": [(code, *OUTPUT_STANDARDS[code]) for code in KEY_STANDARDS],
        "show_alerts": any(r.risk_alerts is not None for r in rows),
        "totals": {"people": sum(r.people for r in rows), "open_cases": sum(r.open_cases for r in rows),
                   "activities": sum(r.activities for r in rows)},
    })


@login_required
@require_GET
def fsa_drilldown(request, unit, fy, code):
    unit = _unit(request, unit)
    if code not in OUTPUT_STANDARDS and code not in OUTCOME_STANDARDS:
        raise Http404(code)
    scope = Scope(unit, Period.financial_year(fy))
    if request.GET.get("export") == "xlsx":
        return _drilldown_xlsx(request, unit, fy, code, drilldown(code, scope, request.user))
    data = drilldown(code, scope, request.user, page=request.GET.get("page", 1))
    audit_drilldown(request, unit, fy, code, data)
    names = {**OUTPUT_STANDARDS, **OUTCOME_STANDARDS}[code]
    return drilldown_response(request, "reports/drilldown.html", {
        "unit": unit, "fy": fy, "code": code, "names": names, "data": data, "counted": data["counted"],
        "excluded": data["excluded"], "rows": data["rows"],
        "here": reverse("fsa-drilldown", args=[unit.code, fy, code]),
        "back": reverse("fsa-page", args=[unit.code, fy]),
    })


def _drilldown_xlsx(request, unit, fy, code, data):
    """The whole list behind a figure (the page shows it a page at a time), names withheld as on screen."""
    audit_drilldown(request, unit, fy, code, data, via="xlsx", action=Action.EXPORT)
    headers = [*(label for _field, label in data["columns"]), _("Counted"), _("Adds to the figure"), _("Reason")]
    rows = ([*row["cells"], _("Yes") if row["counted"] else _("No"), row["weight"],
             "；".join(str(r) for r in row["reasons"])] for row in data["rows"])
    return xlsx_response(f"fsa-{unit.code}-{fy}-{code}", headers, rows, title=code)


@login_required
@require_GET
def fsa_export(request, unit, fy, fmt):
    from . import render as renderers  # WeasyPrint and matplotlib load slowly; only exports need them

    unit = _unit(request, unit)
    # An unknown format is refused before the return is counted or an export is written to the audit trail.
    if fmt not in ("json", "xlsx", "pdf"):
        raise Http404(fmt)
    report = annual_return_document(unit, fy) if fmt == "json" else fsa_report(unit, fy)
    with transaction.atomic():
        record(Action.EXPORT, request=request, obj=unit, unit_code=unit.code, summary=f"annual return {fy} as {fmt}")
    if fmt == "json":
        body, ctype = json.dumps(report, ensure_ascii=False, indent=1).encode(), "application/json"
    elif fmt == "xlsx":
        body = renderers.fsa_xlsx(unit, report)
        ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        body, ctype = renderers.fsa_pdf(unit, report), "application/pdf"
    response = HttpResponse(body, content_type=ctype)
    response["Content-Disposition"] = f'attachment; filename="fsa-{unit.code}-{fy}.{fmt}"'
    return response


# Who may take a unit's records away, de-identified: those answerable for the figures, not front-line staff.
DEIDENTIFIED_READERS = {Level.SUPERVISOR, Level.AUDITOR}


@login_required
@require_GET
def deidentified_export(request, unit):
    """The unit's records for auditors and researchers: no names or free text, pseudonymous ids, age bands."""
    unit = _unit(request, unit)
    if not (request.user.is_superuser or level_of(request.user) in DEIDENTIFIED_READERS):
        raise PermissionDenied
    document = deidentify(export_unit(unit), timezone.localdate())
    with transaction.atomic():
        record(Action.EXPORT, request=request, obj=unit, unit_code=unit.code, summary="de-identified export")
    response = HttpResponse(json.dumps(document, ensure_ascii=False, indent=1), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{unit.code}-deidentified.json"'
    return response
