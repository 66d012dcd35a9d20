import zoneinfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_http_methods

from tongxing.accounts.scope import can_write, people_for, units_for
from tongxing.activities.models import Activity
from tongxing.lib.percentages import LAST_ABSORBS, METHODS, PLAIN, shares
from tongxing.lib.roc import CALENDARS, GREGORIAN, ROC, format_span
from tongxing.people.models import Person
from tongxing.standards.drilldown import COLUMNS, present
from tongxing.web.common import drilldown_response

from . import services
from .forms import HotlineCallForm, LectureAttendanceForm, LectureForm, PeriodForm, RegistrantsForm
from .models import HotlineCall, Lecture, LectureRegistrant
from .statistics import Span, figure_label, report, rules

PER_PAGE = 25
# What identifies each kind of record a figure of the statistics page counts.
RECORD_COLUMNS = {
    "person": [("external_id", _lazy("id")), ("name", _lazy("name")), ("sex", _lazy("Sex")),
               ("birth_date", _lazy("born"))],
    "activity": COLUMNS[Activity],
    "referral": [("person__external_id", _lazy("person")), ("person__name", _lazy("name")),
                 ("date", _lazy("date")), ("category", _lazy("Destination")), ("agency", _lazy("Agency")),
                 ("status", _lazy("Status")), ("status_reason", _lazy("Reason for cancelling or withdrawing"))],
    "prereleasesession": [("institution__name", _lazy("institution")), ("kind", _lazy("kind")),
                          ("date", _lazy("date")), ("participants", _lazy("person-times"))],
    "lecture": [("date", _lazy("date")), ("title", _lazy("title")),
                ("required", _lazy("required to attend")), ("attended", _lazy("number attending"))],
    "consultation": [("lecture__date", _lazy("date")), ("lecture__title", _lazy("lecture")),
                     ("category", _lazy("enquiry category"))],
    "hotlinecall": [("date", _lazy("date")), ("caller", _lazy("caller"))],
    "hotlineitem": [("call__date", _lazy("date")), ("call__caller", _lazy("caller")),
                    ("category", _lazy("service item"))],
}
TAIWAN_ZONES = {"Asia/Taipei"}


def _unit(request, code):
    return get_object_or_404(units_for(request.user), code=code)


def _setting(request, name: str, choices, default: str) -> str:
    """A display setting from the query string, remembered in the session for the next page."""
    key = f"prevention_{name}"
    value = request.GET.get(name)
    if value in choices:
        request.session[key] = value
        return value
    stored = request.session.get(key)
    return stored if stored in choices else default


def _calendar(request, unit) -> str:
    # Taiwanese reports write ROC years (seed 004: 民國 106 年); elsewhere Gregorian.
    return _setting(request, "calendar", CALENDARS, ROC if unit.timezone in TAIWAN_ZONES else GREGORIAN)


def _period(request, unit) -> tuple[Span, PeriodForm]:
    """The requested period, or the current calendar year when none (or an invalid one) is given."""
    today = timezone.localdate(timezone=zoneinfo.ZoneInfo(unit.timezone))
    default = Span.year(today.year)
    form = PeriodForm(request.GET if "start" in request.GET or "end" in request.GET else None,
                      initial={"start": default.start, "end": default.end})
    if form.is_bound and form.is_valid():
        return Span(form.cleaned_data["start"], form.cleaned_data["end"]), form
    return default, form


@login_required
@require_GET
def index(request):
    unit = units_for(request.user).order_by("code").first()
    if unit is None:
        raise Http404("no unit")
    return redirect("prevention-statistics", unit=unit.code)


@login_required
@require_GET
def statistics(request, unit):
    unit = _unit(request, unit)
    span, form = _period(request, unit)
    calendar = _calendar(request, unit)
    method = _setting(request, "rounding", METHODS, LAST_ABSORBS)
    data = report(unit, span, method=method)
    query = {"start": span.start.isoformat(), "end": span.end.isoformat()}
    tables = data["tables"]
    chart = {key: {"labels": [str(row.label) for row in tables[key].rows],
                   "counts": [row.count for row in tables[key].rows]} for key in ("sex", "age")}
    return render(request, "prevention/statistics.html", {
        "unit": unit, "units": units_for(request.user).order_by("code"), "form": form, "data": data,
        "tables": tables, "span": span, "period_label": format_span(span.start, span.end, calendar),
        "whole_year": span == Span.year(span.start.year), "calendar": calendar, "method": method,
        "query": urlencode(query), "chart": chart,
        "share_tables": [tables[k] for k in ("contacts", "referrals", "referral_status", "consultations",
                                             "hotline_callers", "hotline_items")],
        "can_write": can_write(request.user),
    })


@login_required
@require_GET
def export(request, unit, fmt):
    from . import render as renderers  # WeasyPrint and matplotlib load slowly; only exports need them

    unit = _unit(request, unit)
    span, _form = _period(request, unit)
    calendar = _calendar(request, unit)
    method = _setting(request, "rounding", METHODS, LAST_ABSORBS)
    if fmt == "xlsx":
        body = renderers.statistics_xlsx(unit, report(unit, span, method=method), calendar)
        ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    elif fmt == "pdf":
        body, ctype = renderers.statistics_pdf(unit, report(unit, span, method=method), calendar), "application/pdf"
    else:
        raise Http404(fmt)
    services.record_export(unit=unit, user=request.user, fmt=fmt, span=span, request=request)
    response = HttpResponse(body, content_type=ctype)
    response["Content-Disposition"] = f'attachment; filename="prevention-{unit.code}-{span.start}-{span.end}.{fmt}"'
    return response


def _require_writer(request):
    # The call log's notes may name callers: entry screens are for those who record the work, not auditors.
    if not can_write(request.user):
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
def hotline(request, unit):
    unit = _unit(request, unit)
    _require_writer(request)
    tz = zoneinfo.ZoneInfo(unit.timezone)
    with timezone.override(tz):  # the form's local time is the unit's
        form = HotlineCallForm(request.POST or None, now=timezone.localtime(timezone=tz))
        if request.method == "POST" and form.is_valid():
            services.log_hotline_call(unit=unit, user=request.user, request=request, **form.cleaned_data)
            messages.success(request, _("Call logged"))
            return redirect("prevention-hotline", unit=unit.code)
        calls = HotlineCall.objects.filter(unit=unit).prefetch_related("items").order_by("-received", "-pk")
        page = Paginator(calls, PER_PAGE).get_page(request.GET.get("page"))
        return render(request, "prevention/hotline.html", {
            "unit": unit, "form": form, "page": page, "calendar": _calendar(request, unit), "tz": tz,
        }, status=400 if form.is_bound else 200)


@login_required
@require_http_methods(["GET", "POST"])
def lectures(request, unit):
    unit = _unit(request, unit)
    _require_writer(request)
    form = LectureForm(request.POST or None, today=timezone.localdate(timezone=zoneinfo.ZoneInfo(unit.timezone)))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        lecture = services.record_lecture(unit=unit, user=request.user, request=request, date=data["date"],
                                          title=data["title"], required=data["required"] or 0,
                                          attended=data["attended"] or 0, consultations=form.consultations())
        messages.success(request, _("Lecture recorded"))
        if form.by_name:
            return redirect("prevention-lecture", unit=unit.code, pk=lecture.pk)
        return redirect("prevention-lectures", unit=unit.code)
    rows = Lecture.objects.filter(unit=unit).annotate(
        consulted=Count("consultations"), listed=Exists(LectureRegistrant.objects.filter(lecture=OuterRef("pk")))
    ).order_by("-date", "-pk")
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "prevention/lectures.html", {
        "unit": unit, "form": form, "page": page, "calendar": _calendar(request, unit),
    }, status=400 if form.is_bound else 200)


@login_required
@require_http_methods(["GET", "POST"])
def lecture(request, unit, pk):
    """One lecture by name: the people required to attend, who came, and the absentees to follow up."""
    unit = _unit(request, unit)
    _require_writer(request)
    target = get_object_or_404(Lecture.objects.filter(unit=unit), pk=pk)
    visible = people_for(request.user).filter(unit=unit)
    listed = Person.objects.filter(pk__in=target.registrants.filter(person__in=visible.values("pk")).values("person"))
    action = request.POST.get("action") if request.method == "POST" else None
    registrant_form = RegistrantsForm(request.POST if action == "registrants" else None, user=request.user,
                                      lecture=target)
    attendance_form = LectureAttendanceForm(request.POST if action == "attendance" else None, listed=listed)
    if action == "registrants" and registrant_form.is_valid():
        added = services.add_registrants(lecture=target, user=request.user, request=request,
                                         people=registrant_form.cleaned_data["people"])
        messages.success(request, _("%(n)d added to the list") % {"n": len(added)})
        return redirect("prevention-lecture", unit=unit.code, pk=target.pk)
    if action == "attendance" and attendance_form.is_valid():
        services.mark_lecture_attendance(lecture=target, user=request.user, request=request, shown=listed,
                                         present=attendance_form.cleaned_data["present"])
        messages.success(request, _("Attendance saved"))
        return redirect("prevention-lecture", unit=unit.code, pk=target.pk)
    if request.method == "POST" and action not in ("registrants", "attendance"):
        return HttpResponseBadRequest(_("Unknown action"))
    registrants = list(target.registrants.filter(person__in=visible.values("pk")).select_related("person")
                       .order_by("attended", "person__name", "pk"))
    by_name = target.registrants.exists()
    return render(request, "prevention/lecture.html", {
        "unit": unit, "lecture": target, "calendar": _calendar(request, unit), "registrants": registrants,
        "absentees": [r for r in registrants if not r.attended],
        "hidden": target.registrants.count() - len(registrants), "figures": {
            "required": target.required, "attended": target.attended, "by_name": by_name,
            "rate": _rate(target.attended, target.required)},
        "registrant_form": registrant_form, "attendance_form": attendance_form,
    }, status=400 if request.method == "POST" else 200)


def _rate(attended: int, required: int):
    """The attendance rate in percent, one decimal rounded half up (DOMAIN.md "Taiwan": a lone rate)."""
    return shares([attended, required - attended], method=PLAIN)[0] if required else None



@login_required
@require_GET
def records(request, unit, figure):
    """The records behind one figure of the statistics page (a cell of a table, a lecture, hotline or
    pre-release figure): counted, and left out with the reason, each linked to the record where it has a page."""
    unit = _unit(request, unit)
    span, _form = _period(request, unit)
    rule = rules(unit, span).get(figure)
    if rule is None:
        raise Http404(figure)
    data = present(rule, RECORD_COLUMNS[rule.candidates.model._meta.model_name], request.user)
    query = urlencode({"start": span.start.isoformat(), "end": span.end.isoformat()})
    return drilldown_response(request, "prevention/records.html", {
        "unit": unit, "figure": figure, "label": figure_label(figure),
        "period_label": format_span(span.start, span.end, _calendar(request, unit)), "data": data,
        "rows": data["rows"], "back": f"{reverse('prevention-statistics', args=[unit.code])}?{query}",
    })
