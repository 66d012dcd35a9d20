from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tongxing.accounts.scope import can_manage, can_write
from tongxing.audit.models import Action
from tongxing.audit.services import record
from tongxing.standards.drilldown import COLUMNS, present
from tongxing.web.common import drilldown_response

from . import services
from .forms import ManualFigureForm
from .indicators import DateRange, output_tally, paired_tally
from .models import OutputKind
from .selectors import dashboard, projects_for

PAGE = 50
CONTENT_TYPES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "pdf": "application/pdf"}


@login_required
@require_GET
def project_list(request):
    projects = projects_for(request.user).select_related("unit").order_by("-start", "code")
    page = Paginator(projects, PAGE).get_page(request.GET.get("page"))
    return render(request, "projects/project_list.html", {"page": page})


@login_required
@require_GET
def project_dashboard(request, pk):
    project = get_object_or_404(projects_for(request.user).select_related("unit"), pk=pk)
    figures = dashboard(project)
    pies = [{"id": f"pie-{f.indicator.pk}", **f.pie} for f in figures["outcomes"]]
    return render(request, "projects/dashboard.html", {
        "project": project, "figures": figures, "pies": pies, "may_write": can_write(request.user),
        "may_manage": can_manage(request.user),
        "manual_form": ManualFigureForm()})


@login_required
@require_http_methods(["GET", "POST"])
def manual_figure(request, pk, indicator):
    project = get_object_or_404(projects_for(request.user), pk=pk)
    output = get_object_or_404(project.outputs.select_related("project__unit"), pk=indicator, kind=OutputKind.MANUAL)
    if not can_manage(request.user):
        raise PermissionDenied
    form = ManualFigureForm(request.POST or None, initial={"value": output.manual_value, "evidence": output.evidence})
    if request.method == "POST" and form.is_valid():
        services.set_manual_figure(request.user, output, value=form.cleaned_data["value"],
                                   evidence=form.cleaned_data["evidence"], request=request)
        messages.success(request, _("已更新 Updated"))
        return redirect("project", pk=project.pk)
    return render(request, "projects/manual_form.html", {"project": project, "output": output, "form": form})


@login_required
@require_GET
def project_export(request, pk, fmt):
    from . import render as renderers  # WeasyPrint and matplotlib load slowly; only exports need them

    project = get_object_or_404(projects_for(request.user).select_related("unit__organisation"), pk=pk)
    if fmt not in CONTENT_TYPES:
        raise Http404(fmt)
    figures = dashboard(project)
    body = renderers.project_xlsx(project, figures) if fmt == "xlsx" else renderers.project_pdf(project, figures)
    with transaction.atomic():
        record(Action.EXPORT, request=request, obj=project, summary=f"{project.code} final report {fmt}")
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="project-{project.pk}.{fmt}"'
    return response


# What a person counted by a project indicator shows: who, and how many of the programme's sessions they attended
# while enrolled.
PARTICIPANT_COLUMNS = [("external_id", _("編號 id")), ("name", _("姓名 name")), ("sessions", _("Sessions attended"))]


@login_required
@require_GET
def indicator_drilldown(request, pk, kind, indicator):
    """The records behind one project indicator's figure: counted, and left out with the reason."""
    project = get_object_or_404(projects_for(request.user).select_related("unit"), pk=pk)
    period = DateRange.of(project)
    if kind == "outputs":
        target = get_object_or_404(project.outputs.select_related("programme__project").prefetch_related(
            "programme__groups", "programme__staff"), pk=indicator)
        tally = output_tally(target, period)
    elif kind == "outcomes":
        target = get_object_or_404(project.outcomes.select_related("instrument", "project"), pk=indicator)
        tally = paired_tally(target, period)
    else:
        raise Http404(kind)
    data = None  # a figure entered by hand has its evidence, not records
    if tally is not None:
        model = tally.candidates.model
        columns = PARTICIPANT_COLUMNS if model._meta.model_name == "person" else COLUMNS[model]
        data = present(tally, columns, request.user)
    return drilldown_response(request, "projects/drilldown.html", {
        "project": project, "indicator": target, "data": data, "rows": data["rows"] if data else [],
        "back": reverse("project", args=[project.pk]),
    })
