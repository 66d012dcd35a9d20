from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tongxing.accounts.scope import can_manage, can_write, people_for
from tongxing.audit.models import Action
from tongxing.audit.services import record
from tongxing.standards.drilldown import COLUMNS, present
from tongxing.web.common import drilldown_response

from . import services
from .forms import EnrolmentForm, ManualFigureForm
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
        messages.success(request, _("Updated"))
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
PARTICIPANT_COLUMNS = [("external_id", _("id")), ("name", _("name")), ("sessions", _("Sessions attended"))]


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


def _back_to(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


@login_required
@require_http_methods(["GET", "POST"])
def participants(request, pk):
    """The project's enrolled participants the user may see, and the form that enrols one more (from the project
    page, or from a person's page with ?person=)."""
    project = get_object_or_404(projects_for(request.user).select_related("unit"), pk=pk)
    # Names of participants: for those who record the work, as the prevention entry screens; auditors read figures.
    if not can_write(request.user):
        raise PermissionDenied
    initial = {}
    if str(request.GET.get("person", "")).isdigit():
        initial["person"] = int(request.GET["person"])
    form = EnrolmentForm(request.POST or None, user=request.user, project=project, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.enrol(request.user, project, person=data["person"], programme=data["programme"], date=data["date"],
                       ended=data["ended"], request=request)
        messages.success(request, _("%(person)s enrolled") % {"person": data["person"]})
        return redirect(_back_to(request, reverse("project-participants", args=[project.pk])))
    visible = people_for(request.user).values("pk")
    enrolments = project.enrolments.select_related("person", "programme").order_by("-date", "person__name", "pk")
    shown = enrolments.filter(person__in=visible)
    page = Paginator(shown, PAGE).get_page(request.GET.get("page"))
    return render(request, "projects/participants.html", {
        "project": project, "page": page, "form": form, "unit": project.unit,
        "hidden": enrolments.count() - shown.count(), "next": request.GET.get("next", ""),
    }, status=400 if form.is_bound else 200)


@login_required
@require_http_methods(["GET", "POST"])
def enrolment_edit(request, pk, enrolment):
    """New dates for one enrolment: a participant who left, or dates entered wrongly."""
    project = get_object_or_404(projects_for(request.user).select_related("unit"), pk=pk)
    if not can_write(request.user):
        raise PermissionDenied
    visible = people_for(request.user).values("pk")
    target = get_object_or_404(project.enrolments.select_related("person", "programme", "project__unit")
                               .filter(person__in=visible), pk=enrolment)
    form = EnrolmentForm(request.POST or None, user=request.user, project=project, enrolment=target)
    if request.method == "POST" and form.is_valid():
        services.change_enrolment(request.user, target, date=form.cleaned_data["date"],
                                  ended=form.cleaned_data["ended"], request=request)
        messages.success(request, _("Enrolment updated"))
        return redirect(_back_to(request, reverse("project-participants", args=[project.pk])))
    return render(request, "projects/enrolment_form.html", {"project": project, "enrolment": target, "form": form},
                  status=400 if form.is_bound else 200)
