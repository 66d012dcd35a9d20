"""Case team, medical access and break-the-glass pages; the friendly refusal shown for a record out of scope."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tongxing.accounts.scope import (
    BREAK_GLASS_HOURS,
    can_supervise,
    cases_for,
    leads_case,
    may_break_glass,
    units_for,
)
from tongxing.cases.models import Case
from tongxing.organisations.models import Staff
from tongxing.people.models import Person
from tongxing.web.common import paginate, unit_for_new_records

from . import selectors, services
from .forms import BreakGlassForm, MedicalAccessForm, TeamMemberForm
from .models import MedicalAccess


def refused(request, *, person: Person | None = None, case: Case | None = None):
    """What a login sees for a person or case outside its scope: who to ask, and break-the-glass where allowed.

    Nothing about the record itself is shown: not the client's name, only that it is in the user's unit."""
    target = person or (case.client if case else None)
    workers = []
    if target is not None and may_break_glass(request.user, target):
        workers = sorted({c.worker.name for c in target.cases_as_client.select_related("worker") if c.worker})
        return render(request, "teams/refused.html", {
            "person": target, "workers": workers, "form": BreakGlassForm(), "hours": BREAK_GLASS_HOURS,
        }, status=403)
    return render(request, "404.html", status=404)


def find_or_refuse(request, queryset, pk, *, kind):
    """The record from the user's scope; else the friendly refusal (break-the-glass) or the friendly 404."""
    found = queryset.filter(pk=pk).first()
    if found is not None:
        return found, None
    if kind == "person":
        return None, refused(request, person=Person.objects.filter(pk=pk).first())
    return None, refused(request, case=Case.objects.select_related("client").filter(pk=pk).first())


@require_POST
@login_required
def break_glass(request, pk):
    person = get_object_or_404(Person, pk=pk)
    if not may_break_glass(request.user, person):
        return refused(request)
    form = BreakGlassForm(request.POST)
    if form.is_valid():
        try:
            services.break_glass(person=person, reason=form.cleaned_data["reason"], user=request.user,
                                 hours=BREAK_GLASS_HOURS, request=request)
        except ValidationError as error:
            form.add_error("reason", error)
        else:
            messages.warning(request, _("You opened this record by giving a reason; your supervisor is told."))
            return redirect("person-detail", pk=person.pk)
    workers = sorted({c.worker.name for c in person.cases_as_client.select_related("worker") if c.worker})
    return render(request, "teams/refused.html", {"person": person, "workers": workers, "form": form,
                                                  "hours": BREAK_GLASS_HOURS}, status=400)


@require_http_methods(["GET", "POST"])
@login_required
def break_glass_log(request):
    if not can_supervise(request.user):
        raise PermissionDenied
    log = selectors.break_glass_log(request.user)
    if request.method == "POST":
        opening = get_object_or_404(log, pk=request.POST.get("opening") or 0)
        services.review_break_glass(opening, user=request.user, request=request)
        messages.success(request, _("Marked as reviewed"))
        return redirect("break-glass-log")
    return render(request, "teams/break_glass_log.html", {"page": paginate(request, log)})


@require_POST
@login_required
def case_team(request, pk):
    case = get_object_or_404(cases_for(request.user).select_related("unit", "worker"), pk=pk)
    if not leads_case(request.user, case):
        raise PermissionDenied
    if request.POST.get("remove"):
        staff = get_object_or_404(Staff, pk=request.POST.get("remove"), unit=case.unit)
        services.remove_team_member(case, staff=staff, user=request.user, request=request)
        messages.success(request, _("Removed from the case team: %(name)s") % {"name": staff.name})
        return redirect(reverse("case-detail", args=[case.pk]) + "#team")
    form = TeamMemberForm(request.POST, case=case)
    if form.is_valid():
        try:
            services.add_team_member(case, staff=form.cleaned_data["staff"], role=form.cleaned_data["role"],
                                     user=request.user, request=request)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Added to the case team: %(name)s") % {"name": form.cleaned_data["staff"]})
    else:
        messages.error(request, _("Choose a staff member of the unit and their role on the case."))
    return redirect(reverse("case-detail", args=[case.pk]) + "#team")


def team_context(request, case, staff=None, in_scope=False) -> dict:
    """The case page's team section; `staff`: the unit's staff as (id, name) pairs (cases.selectors.unit_staff_names),
    as the page has read them; `in_scope`: the page read `case` through `cases_for(request.user)`."""
    lead = leads_case(request.user, case, in_scope=in_scope)
    return {"team": selectors.team_of(case), "team_form": TeamMemberForm(case=case, staff=staff) if lead else None,
            "leads_case": lead}


@require_http_methods(["GET", "POST"])
@login_required
def medical_access(request):
    if not can_supervise(request.user):
        raise PermissionDenied
    unit = unit_for_new_records(request.user)
    form = MedicalAccessForm(request.POST or None, unit=unit)
    if request.method == "POST":
        if revoke := request.POST.get("revoke"):
            grant = get_object_or_404(MedicalAccess, pk=revoke, unit__in=units_for(request.user),
                                      revoked_on__isnull=True)
            services.revoke_medical_access(grant, user=request.user, request=request)
            messages.success(request, _("Medical access withdrawn: %(name)s") % {"name": grant.staff.name})
            return redirect("medical-access")
        if form.is_valid():
            try:
                services.grant_medical_access(staff=form.cleaned_data["staff"], unit=unit, user=request.user,
                                              request=request)
            except ValidationError as error:
                form.add_error("staff", error)
            else:
                messages.success(request, _("Medical access granted: %(name)s") % {"name": form.cleaned_data["staff"]})
                return redirect("medical-access")
    return render(request, "teams/medical_access.html", {
        "unit": unit, "grants": selectors.medical_grants(unit), "form": form,
    }, status=400 if form.errors else 200)
