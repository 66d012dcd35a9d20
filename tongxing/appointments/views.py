"""The agenda (day and week), scheduling and changing appointments, and logging one as an activity in one click."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tongxing.accounts.scope import appointments_for, can_write, cases_for, people_for
from tongxing.activities.selectors import default_unit, record_units
from tongxing.organisations.models import Staff
from tongxing.web.common import require_write

from . import selectors, services
from .forms import AppointmentForm, CloseForm
from .models import Appointment, AppointmentStatus

VIEWS = {"day": 1, "week": 7}


def me(user) -> Staff | None:
    return Staff.objects.filter(user=user).select_related("unit").first()


def _day(value) -> dt.date:
    try:
        return dt.date.fromisoformat(value) if value else timezone.localdate()
    except ValueError:
        return timezone.localdate()


def _back(request, default):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


@login_required
@require_GET
def agenda(request):
    """A staff member's appointments for a day or a week (Monday first), with overdue ones above."""
    view = request.GET.get("view", "week")
    if view not in VIEWS:
        view = "week"
    day = _day(request.GET.get("date"))
    first = day if view == "day" else selectors.week_start(day)
    step = dt.timedelta(days=VIEWS[view])
    mine = me(request.user)
    staff_options = Staff.objects.filter(unit__in=record_units(request.user)).order_by("name")
    chosen = request.GET.get("staff", "")
    if chosen == "all":
        staff = None
    elif chosen.isdigit():
        staff = get_object_or_404(staff_options, pk=chosen)
    else:
        staff = mine
        chosen = str(mine.pk) if mine else "all"
    days = selectors.agenda(request.user, staff=staff, first=first, days=VIEWS[view])
    today = timezone.localdate()
    return render(request, "appointments/agenda.html", {
        "view": view, "days": days, "first": first, "last": first + step - dt.timedelta(days=1),
        "previous": first - step, "next": first + step, "today": today, "day": day,
        "staff": staff, "chosen": chosen, "staff_options": staff_options,
        "overdue": list(selectors.overdue(request.user, staff=staff)[:20]),
        "can_write": can_write(request.user), "now": timezone.now(),
    })


def _starting_point(request):
    """The unit and the person and case an appointment starts from (?case=, ?person=)."""
    user, get = request.user, request.GET
    case = person = None
    if (pk := get.get("case", "")).isdigit():
        case = get_object_or_404(cases_for(user).select_related("unit", "client"), pk=pk)
        person = case.client
    elif (pk := get.get("person", "")).isdigit():
        person = get_object_or_404(people_for(user).filter(merged_into__isnull=True).select_related("unit"), pk=pk)
        open_cases = list(cases_for(user).filter(client=person, episodes__closed__isnull=True).distinct()[:2])
        case = open_cases[0] if len(open_cases) == 1 else None
    unit = (case or person).unit if (case or person) else default_unit(user, get.get("unit"))
    if unit is None:
        raise Http404("no unit")
    return unit, person, case


@login_required
@require_http_methods(["GET", "POST"])
def appointment_new(request):
    require_write(request)
    unit, person, case = _starting_point(request)
    mine = me(request.user)
    initial = {"person": person, "case": case, "staff": mine if mine and mine.unit_id == unit.pk else None,
               "date": _day(request.GET.get("date")), "minutes": 60}
    form = AppointmentForm(request.POST or None, instance=Appointment(unit=unit), initial=initial,
                           user=request.user, unit=unit)
    if request.method == "POST" and form.is_valid():
        appointment = services.schedule(form.save(commit=False), user=request.user, request=request)
        messages.success(request, _("Appointment scheduled: %(what)s") % {"what": appointment})
        _warn_clash(request, appointment)
        return redirect(_back(request, _agenda_url(appointment)))
    return render(request, "appointments/form.html", {"form": form, "unit": unit},
                  status=400 if form.errors else 200)


def _agenda_url(appointment) -> str:
    return f"{reverse('appointments:agenda')}?view=day&date={appointment.date:%Y-%m-%d}&staff={appointment.staff_id}"


def _warn_clash(request, appointment):
    """Two appointments of one staff member at overlapping times are allowed (a joint visit) but pointed out."""
    others = (Appointment.objects.filter(staff=appointment.staff, status=AppointmentStatus.SCHEDULED,
                                         date=appointment.date).exclude(pk=appointment.pk))
    if any(o.start < appointment.end and appointment.start < o.end for o in others):
        messages.warning(request, _("%(staff)s has another appointment at an overlapping time that day.")
                         % {"staff": appointment.staff.name})


def _appointment(request, pk):
    return get_object_or_404(appointments_for(request.user).select_related("unit", "person", "case", "staff",
                                                                            "activity"), pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def appointment_edit(request, pk):
    appointment = _appointment(request, pk)
    writable = can_write(request.user) and appointment.status == AppointmentStatus.SCHEDULED
    if request.method == "POST":
        require_write(request)
        if not writable:
            messages.error(request, _("This appointment is no longer scheduled."))
            return redirect("appointments:edit", pk=appointment.pk)
    form = AppointmentForm(request.POST or None, instance=appointment, initial={"person": appointment.person},
                           user=request.user, unit=appointment.unit)
    if request.method == "POST" and form.is_valid():
        services.change(form.save(commit=False), user=request.user, request=request)
        messages.success(request, _("Appointment saved: %(what)s") % {"what": appointment})
        _warn_clash(request, appointment)
        return redirect(_back(request, _agenda_url(appointment)))
    return render(request, "appointments/form.html", {
        "form": form, "unit": appointment.unit, "appointment": appointment, "writable": writable,
        "close_form": CloseForm(), "may_log": writable and appointment.date <= timezone.localdate(),
    }, status=400 if form.errors else 200)


@login_required
@require_POST
def appointment_close(request, pk):
    require_write(request)
    appointment = _appointment(request, pk)
    form = CloseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose whether the appointment was missed or cancelled, and say why."))
        return redirect("appointments:edit", pk=appointment.pk)
    try:
        services.close(appointment, status=form.cleaned_data["status"], reason=form.cleaned_data["reason"],
                       user=request.user, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("appointments:edit", pk=appointment.pk)
    messages.success(request, _("Marked: %(status)s") % {"status": AppointmentStatus(form.cleaned_data["status"]).label})
    return redirect(_back(request, _agenda_url(appointment)))


@login_required
@require_POST
def appointment_log(request, pk):
    """One click: the appointment becomes the activity it was, prefilled; the worker adds the note next."""
    require_write(request)
    appointment = _appointment(request, pk)
    try:
        activity = services.log_as_activity(appointment, user=request.user, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(_back(request, _agenda_url(appointment)))
    messages.success(request, _("Logged as an activity: %(what)s. Add the note of what was done.")
                     % {"what": activity})
    back = _back(request, _agenda_url(appointment))
    return redirect(f"{reverse('activities:edit', args=[activity.pk])}?{urlencode({'next': back})}")
