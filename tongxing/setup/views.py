"""Set-up pages: thin views over forms.py and services.py; scope from tongxing.accounts.scope."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tongxing.accounts.models import Access, Level
from tongxing.accounts.scope import can_set_up, levels_granted_by, units_for
from tongxing.organisations.models import Agency
from tongxing.prevention.models import Institution, Kpi, PreReleaseSession
from tongxing.projects.models import Project
from tongxing.reports.views import current_fy
from tongxing.standards.codes import RATIO_STANDARDS
from tongxing.standards.models import AgreedLevel

from . import forms as f
from . import services

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET_SECONDS = 3600  # a checked file waits this long for its import to be confirmed


def _unit(request, code):
    if not can_set_up(request.user):
        raise PermissionDenied
    return get_object_or_404(units_for(request.user), code=code)


def _project(request, pk):
    if not can_set_up(request.user):
        raise PermissionDenied
    return get_object_or_404(Project.objects.filter(unit__in=units_for(request.user)).select_related("unit"), pk=pk)


def _form_page(request, form, *, unit, title, back, done, prepare=None, intro=""):
    if request.method == "POST" and form.is_valid():
        obj = services.save_model_form(request.user, form, unit=unit, request=request, prepare=prepare)
        messages.success(request, _("Saved"))
        return redirect(done(obj))
    return render(request, "setup/form.html", {"form": form, "unit": unit, "title": title, "back": back,
                                               "intro": intro},
                  status=(409 if form.conflict else 400) if form.is_bound else 200)


@login_required
@require_GET
def index(request):
    if not can_set_up(request.user):
        raise PermissionDenied
    units = units_for(request.user).order_by("code")
    return render(request, "setup/index.html", {"units": units, "fy": current_fy(),
                                                "may_manage_users": bool(levels_granted_by(request.user))})


# --- Agreed levels ----------------------------------------------------------------------------------------------


@login_required
@require_GET
def agreed_levels_now(request, code):
    unit = _unit(request, code)
    return redirect("setup-levels", code=unit.code, fy=current_fy())


@login_required
@require_http_methods(["GET", "POST"])
def agreed_levels(request, code, fy):
    unit = _unit(request, code)
    if not 1990 <= fy <= 2200:
        raise Http404
    stored = dict(AgreedLevel.objects.filter(unit=unit, fy=fy).values_list("standard", "value"))
    copied = request.method == "GET" and "copy" in request.GET
    if copied:
        stored = dict(AgreedLevel.objects.filter(unit=unit, fy=fy - 1).values_list("standard", "value"))
    form = f.AgreedLevelsForm(request.POST or None, initial=f.AgreedLevelsForm.initial_from(stored),
                              guard=f.AgreedLevelsSnapshot(unit, fy))
    if request.method == "POST" and form.is_valid():
        changes = services.set_agreed_levels(request.user, unit, fy, form.stored_values(), request=request)
        messages.success(request, _("Agreed levels saved (%(n)s changed)") % {"n": len(changes)})
        return redirect("setup-levels", code=unit.code, fy=fy)
    history = (AgreedLevel.history.filter(unit_id=unit.pk, fy=fy).select_related("history_user")
               .order_by("-history_date", "-history_id")[:200])
    rows = [{"when": h.history_date, "who": h.history_user.get_username() if h.history_user else "",
             "standard": h.standard, "type": h.history_type,
             "value": f.as_percent(h.value) + "%" if h.standard in RATIO_STANDARDS else f.as_number(h.value)}
            for h in history]
    this = current_fy()
    years = sorted({*AgreedLevel.objects.filter(unit=unit).values_list("fy", flat=True), this - 1, this, this + 1, fy})
    return render(request, "setup/levels.html", {
        "unit": unit, "fy": fy, "form": form, "history": rows, "years": years, "copied": copied,
        "has_last_year": AgreedLevel.objects.filter(unit=unit, fy=fy - 1).exists(),
    }, status=(409 if form.conflict else 400) if form.is_bound else 200)


# --- Projects, programmes, indicators -------------------------------------------------------------------------


@login_required
@require_GET
def projects(request, code):
    unit = _unit(request, code)
    rows = Project.objects.filter(unit=unit).order_by("-start", "code")
    return render(request, "setup/projects.html", {"unit": unit, "projects": rows})


@login_required
@require_http_methods(["GET", "POST"])
def project_new(request, code):
    unit = _unit(request, code)
    form = f.ProjectForm(request.POST or None, unit=unit, instance=Project(unit=unit))
    return _form_page(request, form, unit=unit, title=_("New project"), back=reverse("setup-projects", args=[code]),
                      done=lambda p: reverse("setup-project", args=[p.pk]))


@login_required
@require_http_methods(["GET", "POST"])
def project(request, pk):
    project = _project(request, pk)
    form = f.ProjectForm(request.POST or None, unit=project.unit, instance=project)
    if request.method == "POST" and form.is_valid():
        services.save_model_form(request.user, form, unit=project.unit, request=request)
        messages.success(request, _("Saved"))
        return redirect("setup-project", pk=project.pk)
    return render(request, "setup/project.html", {
        "unit": project.unit, "project": project, "form": form,
        "programmes": project.programmes.order_by("pk"),
        "outputs": project.outputs.select_related("programme").order_by("order", "number"),
        "outcomes": project.outcomes.select_related("instrument").order_by("order", "number"),
    }, status=400 if form.is_bound else 200)


def _project_part(request, pk, part_pk, form_class, related, title):
    project = _project(request, pk)
    instance = get_object_or_404(getattr(project, related), pk=part_pk) if part_pk else \
        form_class._meta.model(project=project)
    form = form_class(request.POST or None, project=project, instance=instance)
    return _form_page(request, form, unit=project.unit, title=f"{project.code} · {title}",
                      back=reverse("setup-project", args=[project.pk]),
                      done=lambda _obj: reverse("setup-project", args=[project.pk]))


@login_required
@require_http_methods(["GET", "POST"])
def programme(request, pk, part=None):
    return _project_part(request, pk, part, f.ProgrammeForm, "programmes", _("Programme"))


@login_required
@require_http_methods(["GET", "POST"])
def output(request, pk, part=None):
    return _project_part(request, pk, part, f.OutputIndicatorForm, "outputs", _("Output indicator"))


@login_required
@require_http_methods(["GET", "POST"])
def outcome(request, pk, part=None):
    return _project_part(request, pk, part, f.OutcomeIndicatorForm, "outcomes", _("Outcome indicator"))


# --- KPIs ---------------------------------------------------------------------------------------------------------


@login_required
@require_GET
def kpis(request, code):
    unit = _unit(request, code)
    return render(request, "setup/kpis.html", {"unit": unit, "kpis": Kpi.objects.filter(unit=unit)})


@login_required
@require_http_methods(["GET", "POST"])
def kpi(request, code, pk=None):
    unit = _unit(request, code)
    instance = get_object_or_404(Kpi, unit=unit, pk=pk) if pk else Kpi(unit=unit)
    form = f.KpiForm(request.POST or None, unit=unit, instance=instance)
    return _form_page(request, form, unit=unit, title=_("KPI"), back=reverse("setup-kpis", args=[code]),
                      done=lambda _obj: reverse("setup-kpis", args=[code]),
                      intro=_("A formula over the figures of the city statistics, e.g. "
                              "consultations / lecture_attended; the target as a percentage when shown as one."))


# --- Pre-release institutions and sessions --------------------------------------------------------------------


@login_required
@require_GET
def prerelease(request, code):
    unit = _unit(request, code)
    return render(request, "setup/prerelease.html", {
        "unit": unit, "institutions": Institution.objects.filter(unit=unit).order_by("name"),
        "sessions": PreReleaseSession.objects.filter(unit=unit).select_related("institution").order_by("-date")[:100],
    })


@login_required
@require_http_methods(["GET", "POST"])
def institution(request, code, pk=None):
    unit = _unit(request, code)
    instance = get_object_or_404(Institution, unit=unit, pk=pk) if pk else Institution(unit=unit)
    form = f.InstitutionForm(request.POST or None, unit=unit, instance=instance)
    return _form_page(request, form, unit=unit, title=_("Correctional institution"),
                      back=reverse("setup-prerelease", args=[code]),
                      done=lambda _obj: reverse("setup-prerelease", args=[code]))


@login_required
@require_http_methods(["GET", "POST"])
def prerelease_session(request, code, pk=None):
    unit = _unit(request, code)
    instance = get_object_or_404(PreReleaseSession, unit=unit, pk=pk) if pk else PreReleaseSession(unit=unit)
    form = f.PreReleaseSessionForm(request.POST or None, unit=unit, instance=instance)
    return _form_page(request, form, unit=unit, title=_("Pre-release session"),
                      back=reverse("setup-prerelease", args=[code]),
                      done=lambda _obj: reverse("setup-prerelease", args=[code]))


# --- Agencies: where the unit refers people, and to whom they consent to disclosure ---------------------------


@login_required
@require_GET
def agencies(request, code):
    unit = _unit(request, code)
    return render(request, "setup/agencies.html", {
        "unit": unit, "agencies": Agency.objects.filter(unit=unit).order_by("-in_use", "name")})


@login_required
@require_http_methods(["GET", "POST"])
def agency(request, code, pk=None):
    unit = _unit(request, code)
    instance = get_object_or_404(Agency, unit=unit, pk=pk) if pk else Agency(unit=unit)
    form = f.AgencyForm(request.POST or None, unit=unit, instance=instance)
    return _form_page(request, form, unit=unit, title=_("Agency"), back=reverse("setup-agencies", args=[code]),
                      done=lambda _obj: reverse("setup-agencies", args=[code]))


# --- The unit and its users ---------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def unit_page(request, code):
    unit = _unit(request, code)
    form = f.UnitForm(request.POST or None, instance=unit)
    if request.method == "POST" and form.is_valid():
        services.save_unit(request.user, form, request=request)
        messages.success(request, _("Saved"))
        return redirect("setup-unit", code=unit.code)
    return render(request, "setup/unit.html", {"unit": unit, "form": form},
                  status=(409 if form.conflict else 400) if form.is_bound else 200)


def _levels(request):
    levels = levels_granted_by(request.user)
    if not levels:
        raise PermissionDenied
    return levels


@login_required
@require_GET
def users(request, code):
    unit = _unit(request, code)
    _levels(request)
    rows = Access.objects.filter(unit=unit).select_related("user").order_by("user__username")
    return render(request, "setup/users.html", {"unit": unit, "rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def user(request, code, pk=None):
    unit = _unit(request, code)
    levels = _levels(request)
    editing = None
    if pk is not None:
        editing = get_object_or_404(get_user_model().objects.filter(access__unit=unit, is_superuser=False), pk=pk)
        if editing.access.level not in levels:
            raise PermissionDenied
    initial = {}
    if editing is not None:
        staff = getattr(editing, "staff", None)
        initial = {"username": editing.username, "name": editing.first_name, "level": editing.access.level,
                   "roles": list(staff.roles.values_list("role", flat=True)) if staff else []}
    form = f.UserForm(request.POST or None, levels=[Level(v) for v in levels], editing=editing, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        services.save_user(request.user, unit, username=d["username"] if editing is None else editing.username,
                           name=d["name"], level=d["level"], roles=d["roles"], password=d["password"],
                           user=editing, request=request)
        messages.success(request, _("Saved"))
        return redirect("setup-users", code=unit.code)
    return render(request, "setup/form.html", {
        "form": form, "unit": unit, "title": _("User"), "back": reverse("setup-users", args=[code])},
        status=400 if form.is_bound else 200)


# --- Spreadsheet import ---------------------------------------------------------------------------------------


@login_required
@require_GET
def sheet_template(request, kind, fmt):
    from tongxing.exchange import spreadsheet

    if not can_set_up(request.user):
        raise PermissionDenied
    if kind not in spreadsheet.KINDS or fmt not in ("xlsx", "csv"):
        raise Http404
    body = spreadsheet.template_xlsx(kind) if fmt == "xlsx" else spreadsheet.template_csv(kind)
    content_type = XLSX if fmt == "xlsx" else "text/csv; charset=utf-8"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="tongxing-{kind}.{fmt}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def sheet_import(request, code):
    """Upload a centre's spreadsheet, see every problem (a dry run), map headings, then import in the background."""
    from tongxing.exchange import spreadsheet
    from tongxing.jobs.services import start_sheet_import

    unit = _unit(request, code)
    form = f.SheetImportForm(request.POST or None, request.FILES or None)
    context = {"unit": unit, "form": form, "kinds": spreadsheet.KINDS}
    if request.method != "POST" or not form.is_valid():
        return render(request, "setup/import.html", context, status=400 if form.is_bound else 200)
    kind, token = form.cleaned_data["kind"], form.cleaned_data["token"]
    upload = form.cleaned_data["file"]
    if upload is not None:
        token = uuid.uuid4().hex
        cache.set(f"sheet:{request.user.pk}:{token}", (upload.name, upload.read()), SHEET_SECONDS)
    held = cache.get(f"sheet:{request.user.pk}:{token}") if token else None
    if held is None:
        form.add_error("file", _("Choose the file again: the one checked before has expired"))
        return render(request, "setup/import.html", context, status=400)
    name, content = held
    mapping = {k[len("map:"):]: v for k, v in request.POST.items() if k.startswith("map:")}
    outcome = spreadsheet.check(unit, kind, name, content, mapping=mapping)
    if not outcome.problems and "confirm" in request.POST:
        job = start_sheet_import(request.user, unit, kind, name, content, mapping)
        cache.delete(f"sheet:{request.user.pk}:{token}")
        return redirect("jobs:job", job.pk)
    unknown = sorted({p.column for p in outcome.problems if p.row == 1 and p.column and p.column not in {
        col.header for col in spreadsheet.KINDS[kind].columns}})
    context.update({"outcome": outcome, "name": name, "token": token, "kind": kind, "mapping": mapping,
                    "unknown": unknown, "columns": spreadsheet.KINDS[kind].columns,
                    "kind_label": spreadsheet.KINDS[kind]})
    return render(request, "setup/import.html", context, status=200)
