from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.i18n import set_language as django_set_language

from tongxing.accounts.models import Access, Level
from tongxing.accounts.scope import (
    access_of,
    can_manage,
    can_supervise,
    can_write,
    cases_for,
    level_of,
    may_see_overview,
    units_for,
)
from tongxing.appointments import selectors as appointment_selectors
from tongxing.audit.models import Action
from tongxing.audit.services import record
from tongxing.cases import selectors as case_selectors
from tongxing.lib.xlsx import xlsx_response
from tongxing.organisations.models import Staff
from tongxing.outcomes.selectors import risk_alerts_shown
from tongxing.reports.views import QUARTER_CODES, current_fy
from tongxing.standards.codes import OUTPUT_STANDARDS
from tongxing.standards.engine import Period
from tongxing.standards.report import remembered_fsa_report
from tongxing.teams.selectors import supervisor_notices

from .common import paginate, unit_for_new_records

ALERT_ROWS = 10


def _link(name, *args):
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


@require_GET
@login_required
def home(request):
    access = access_of(request.user)
    language = access.language if access else ""
    cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    # A user's saved language follows them to a new browser: the first page after login sets it.
    if language and cookie != language:
        translation.activate(language)
        request.LANGUAGE_CODE = language
    if level_of(request.user) == Level.WORKER:
        response = _worker_home(request)
    else:
        response = _supervisor_home(request)
    if language and cookie != language:
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, max_age=settings.LANGUAGE_COOKIE_AGE,
                            samesite="Lax")
    return response


def _risk_alerts(request) -> dict:
    return {"risk_alerts": risk_alerts_shown(request.user, limit=ALERT_ROWS), "can_acknowledge": can_write(request.user)}


def _appointments(request) -> dict:
    """The user's own overdue and coming appointments."""
    return appointment_selectors.home(request.user, Staff.objects.filter(user=request.user).first())


def _worker_home(request):
    today = timezone.localdate()
    load = case_selectors.caseload(request.user, today)
    return render(request, "web/home_worker.html", {
        **_risk_alerts(request), **_appointments(request), "today": today, "page": paginate(request, load.cases), "query": "",
        "due": load.due[:ALERT_ROWS], "due_n": load.due.count(),
        "without_plan": load.without_plan[:ALERT_ROWS], "without_plan_n": load.without_plan.count(),
        "not_contacted": load.not_contacted[:ALERT_ROWS], "not_contacted_n": load.not_contacted.count(),
        "days": case_selectors.NOT_CONTACTED_DAYS, "can_write": can_write(request.user),
        "quick_entry": _link("activities:new"), "outreach": _link("activities:new-kind", "outreach"),
        "groups": _link("activities:groups"),
    })


def _progress(report, share):
    """The year's output standards against their agreed levels, with where the year's share says they should be."""
    rows = []
    for code in QUARTER_CODES:
        figure = report["standards"][code]
        agreed, achieved = figure.get("agreed"), figure.get("achieved")
        zh, en = OUTPUT_STANDARDS[code]
        percent = round(achieved / agreed * 100, 1) if agreed and achieved is not None else None
        rows.append({"code": code, "zh": zh, "en": en, "agreed": agreed, "achieved": achieved, "percent": percent,
                     "expected": round(agreed * share, 1) if agreed else None,
                     "behind": bool(agreed) and achieved is not None and achieved < agreed * share})
    return rows


def _supervisor_home(request):
    today = timezone.localdate()
    fy = current_fy(today)
    period = Period.financial_year(fy)
    units = list(units_for(request.user).order_by("code"))
    unit = _chosen_unit(request, units)
    context = {"today": today, "fy": fy, "unit": unit, **supervisor_notices(request.user), **_risk_alerts(request),
               **_appointments(request), "can_write": can_write(request.user)}
    if unit is not None:
        cases = cases_for(request.user).filter(unit=unit)
        workers = case_selectors.per_worker(cases, today)
        if request.GET.get("export") == "xlsx":
            return _per_worker_xlsx(request, unit, workers)
        report = remembered_fsa_report(unit, fy)
        elapsed = (min(today, period.end) - period.start).days + 1
        share = max(0.0, min(1.0, elapsed / ((period.end - period.start).days + 1)))
        progress = _progress(report, share)
        status = case_selectors.status_counts(cases, period.start, workers)
        context.update({
            "workers": workers, "status": status, "progress": progress,
            "share": round(share * 100), "units": units, "days": case_selectors.NOT_CONTACTED_DAYS,
            "chart": {"status": status, "share": round(share * 100),
                      "progress": [{"code": r["code"], "percent": r["percent"] or 0} for r in progress],
                      "labels": {"with_plan": _("with plan"), "without_plan": _("no plan"),
                                 "closed": _("case closed"), "merged": _("merged"),
                                 "percent": _("percentage of the agreed level"), "expected": _("expected so far")}},
            "warnings": report["warnings"][:5],
        })
    context["can_import"] = can_manage(request.user)
    context["can_supervise"] = can_supervise(request.user)
    context["overview"] = may_see_overview(request.user)
    if context["can_supervise"]:
        context["approvals_pending"] = case_selectors.pending_approvals_count(request.user)
    return render(request, "web/home_supervisor.html", context)


def _per_worker_xlsx(request, unit, rows):
    record(Action.EXPORT, request=request, obj=unit, unit_code=unit.code, summary="caseload per worker")
    days = case_selectors.NOT_CONTACTED_DAYS
    headers = [_("case worker"), _("open"), _("family cases"), _("no plan"),
               _("not contacted in %(days)s days") % {"days": days}, _("follow-up overdue")]
    return xlsx_response(f"caseload-{unit.code}", headers, (
        [r["worker__name"] or _("unassigned"), r["open"], r["family"], r["without_plan"], r["not_contacted"],
         r["overdue"]] for r in rows), title=_("Caseload per social worker"))


def _chosen_unit(request, units):
    """The unit asked for (?unit=), else the user's own, else the first in scope; None without any. `units`: those
    in the user's scope."""
    code = request.GET.get("unit")
    chosen = next((u for u in units if u.code == code), None) if code else None
    return chosen or (unit_for_new_records(request.user, among=units) if units else None)


@require_POST
def set_language(request):
    """Django's language switch, also remembered on the user's Access row so it follows them to other browsers."""
    response = django_set_language(request)
    language = request.POST.get("language")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        Access.objects.filter(user=request.user).update(language=language)
    return response
