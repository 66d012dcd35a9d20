"""Logging work: quick entry, outreach, education, medical and home-maker forms, groups and attendance."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET, require_http_methods

from tongxing.accounts.scope import (
    activities_for,
    attendance_people_for,
    can_write,
    cases_for,
    nursing_records_for,
    people_for,
)
from tongxing.audit.models import Action
from tongxing.audit.services import record
from tongxing.lib.xlsx import xlsx_response
from tongxing.organisations.models import Staff
from tongxing.standards.fsa import GROUP_SMALL

from .forms import (
    KIND_PROFILE,
    PROFILES,
    ActivityFilterForm,
    ActivityForm,
    AssessmentFilterForm,
    AttendanceForm,
    GroupForm,
    MedicalAssessmentForm,
    NursingForm,
)
from .models import Activity, ActivityKind, Attendance, GroupKind, MedicalAssessment, NursingRecord
from .selectors import (
    activity_rows,
    assessments_for,
    chart_year,
    default_unit,
    filtered_activities,
    group_members,
    groups_for,
    homemaker_hours,
    per_month,
    record_units,
    search_people,
    shown_rows,
    with_evening,
)
from .services import create_assessment, create_group, mark_attendance, save_activity, save_nursing_record

PER_PAGE = 50


def paginate(request, qs, per_page=PER_PAGE):
    """A page of `qs` and the query string without `page`, for the pager's links."""
    page = Paginator(qs, per_page).get_page(request.GET.get("page"))
    rest = request.GET.copy()
    rest.pop("page", None)
    return page, rest.urlencode()


def require_write(user):
    if not can_write(user):
        raise PermissionDenied


def safe_next(request, default):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


def export(request, *, filename, headers, rows, count, what):
    """An Excel download of what the user is looking at; exporting identifying data is itself audited."""
    with transaction.atomic():
        record(Action.EXPORT, user=request.user, request=request, object_type=what,
               summary=f"{what} xlsx {count} rows")
    stamp = timezone.localdate().strftime("%Y%m%d")
    return xlsx_response(f"{filename}-{stamp}", headers, rows, title=filename)


def _pk(value):
    if value in (None, ""):
        return None
    if not str(value).isdigit():
        raise Http404("bad id")
    return int(value)


def me(user) -> Staff | None:
    return Staff.objects.filter(user=user).first()


# --- activity list ---------------------------------------------------------------------------

ACTIVITY_HEADERS = (
    gettext_noop("date"), gettext_noop("start"), gettext_noop("minutes"), gettext_noop("kind"),
    gettext_noop("format"), gettext_noop("unit"), gettext_noop("case"), gettext_noop("group"),
    gettext_noop("people served"), gettext_noop("staff"), gettext_noop("place"),
    gettext_noop("PSA contacted"), gettext_noop("anonymous headcount"), gettext_noop("evening"),
    gettext_noop("school or workplace"),
)


def _activity_row(a):
    return (a.date, a.start_time, a.minutes, a.get_kind_display(), a.get_format_display(), a.unit.code,
            a.case.external_id if a.case else "", a.group.title if a.group else "",
            "、".join(str(p) for p in a.people.all()), "、".join(s.name for s in a.staff.all()), a.place,
            a.psa_contacted, a.headcount, a.evening, str(a.school or a.workplace or ""))


@login_required
@require_GET
def activity_list(request):
    form = ActivityFilterForm(request.GET or None, units=record_units(request.user))
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    qs = filtered_activities(request.user, data)
    if request.GET.get("export") == "xlsx":
        rows = activity_rows(with_evening(qs), request.user)
        return export(request, filename="activities", headers=[_(h) for h in ACTIVITY_HEADERS],
                      rows=(_activity_row(a) for a in rows.iterator(chunk_size=500)), count=qs.count(),
                      what="activities")
    # A one-unit scope states its unit as an equality (scope._in_units): PostgreSQL then reads the newest page from
    # the (unit, -start) index instead of sorting the unit's five years (75,000 rows at national scale) to keep 50.
    page, rest = paginate(request, qs.order_by("-start", "-pk"))
    page.object_list = shown_rows(page.object_list, request.user)
    homemakers = homemaker_hours(qs) if data.get("kind") == ActivityKind.HOMEMAKER_SERVICE else None
    year = chart_year(data, timezone.localdate())
    return render(request, "activities/list.html", {
        "form": form, "page": page, "rest": rest, "months": per_month(qs, year), "chart_year": year,
        "profiles": PROFILES.values(),
        "homemakers": homemakers,
        "can_write": can_write(request.user),
    })


@login_required
@require_GET
def activity_detail(request, pk):
    activity = get_object_or_404(activity_rows(with_evening(activities_for(request.user)), request.user), pk=pk)
    _audit_read(request, activity, "activity record")
    return render(request, "activities/detail.html", {
        "a": activity, "can_write": can_write(request.user), "profile": PROFILES[KIND_PROFILE[activity.kind]],
        "unnamed": activity.attendance.count() - len(activity.people.all()),
        "nursing": _nursing_of(request.user, activity),
    })


def _nursing_of(user, activity) -> NursingRecord | None:
    """The session's clinical record, if the user may read it (tongxing.accounts.scope.nursing_records_for)."""
    if activity.kind != ActivityKind.NURSING:
        return None
    return nursing_records_for(user).filter(activity=activity).prefetch_related("urine").first()


def _nursing_form(request, prof, activity=None):
    """The clinical part of a nursing session's form; on editing, only for a user who may read the record."""
    if prof.slug != "nursing":
        return None
    instance = None
    if activity is not None and activity.pk:
        instance = _nursing_of(request.user, activity)
        if instance is None and NursingRecord.objects.filter(activity=activity).exists():
            return None
    return NursingForm(request.POST or None, prefix="nursing", instance=instance)


def _save(request, form, nursing_form) -> Activity:
    with transaction.atomic():
        activity = save_activity(user=request.user, activity=form.save(commit=False), staff=form.cleaned_data["staff"],
                                 people=form.cleaned_data.get("people") or [], request=request)
        if nursing_form is not None:
            save_nursing_record(user=request.user, activity=activity, values=nursing_form.cleaned_data,
                                urine=nursing_form.urine_results(), request=request)
    return activity


def _audit_read(request, activity, what):
    """The activity and the people it names: `who viewed` for a person lists the activities read too."""
    people = sorted(activity.attendance.values_list("person_id", flat=True))
    record(Action.VIEW, request=request, obj=activity,
           summary=f"{what}; people: {', '.join(map(str, people)) or 'none'}"[:300])


# --- entry forms ------------------------------------------------------------------------------

def _starting_point(request):
    """Where the user started from (?case=, ?person=, ?group=, ?unit=): the unit and the prefilled records."""
    user, get = request.user, request.GET
    case = person = group = None
    if (pk := _pk(get.get("case"))) is not None:
        case = get_object_or_404(cases_for(user).select_related("unit", "client"), pk=pk)
    if (pk := _pk(get.get("person"))) is not None:
        person = get_object_or_404(people_for(user).filter(merged_into__isnull=True), pk=pk)
    if (pk := _pk(get.get("group"))) is not None:
        group = get_object_or_404(groups_for(user).select_related("unit"), pk=pk)
    anchor = case or person or group
    unit = anchor.unit if anchor else default_unit(user, get.get("unit"))
    if unit is None:
        raise Http404("no unit")
    if person is not None and case is None:
        # A person with exactly one open case in the user's scope: that case is where the work belongs.
        open_cases = list(cases_for(user).filter(client=person, episodes__closed__isnull=True).distinct()[:2])
        case = open_cases[0] if len(open_cases) == 1 else None
    people = [person] if person else ([case.client] if case else [])
    return unit, case, people, group


@login_required
@require_http_methods(["GET", "POST"])
def activity_new(request, profile="contact"):
    require_write(request.user)
    if profile not in PROFILES:
        raise Http404(profile)
    prof = PROFILES[profile]
    unit, case, people, group = _starting_point(request)
    if prof.slug == "session" and group is None:
        raise Http404("a session needs its group")
    instance = Activity(unit=unit, group=group, kind=prof.kinds[0])
    initial = {"case": case, "people": people}
    if (kind := request.GET.get("kind")) in prof.kinds:
        initial["kind"] = kind
    form = ActivityForm(request.POST or None, instance=instance, initial=initial, user=request.user, profile=prof,
                        unit=unit, me=me(request.user))
    nursing_form = _nursing_form(request, prof)
    if request.method == "POST" and form.is_valid() & (nursing_form is None or nursing_form.is_valid()):
        activity = _save(request, form, nursing_form)
        messages.success(request, _("Saved: %(what)s") % {"what": activity})
        if prof.slug == "session":
            return redirect("activities:attendance", pk=activity.pk)
        return redirect(safe_next(request, reverse("activities:detail", args=[activity.pk])))
    return render(request, "activities/form.html", {
        "form": form, "profile": prof, "unit": unit, "group": group, "durations": form["duration"],
        "nursing_form": nursing_form,
        "units": record_units(request.user).order_by("code") if not (case or people or group) else None,
    })


@login_required
@require_http_methods(["GET", "POST"])
def activity_edit(request, pk):
    require_write(request.user)
    activity = get_object_or_404(activities_for(request.user).select_related("unit", "group"), pk=pk)
    prof = PROFILES[KIND_PROFILE[activity.kind]]
    form = ActivityForm(request.POST or None, instance=activity, user=request.user, profile=prof, unit=activity.unit)
    nursing_form = _nursing_form(request, prof, activity)
    if request.method == "GET":
        _audit_read(request, activity, "activity edit form")
    if request.method == "POST" and form.is_valid() & (nursing_form is None or nursing_form.is_valid()):
        _save(request, form, nursing_form)
        messages.success(request, _("Saved: %(what)s") % {"what": activity})
        return redirect(safe_next(request, reverse("activities:detail", args=[activity.pk])))
    return render(request, "activities/form.html", {
        "form": form, "profile": prof, "unit": activity.unit, "group": activity.group, "durations": form["duration"],
        "activity": activity, "nursing_form": nursing_form,
    }, status=409 if form.conflict else 200)


# --- choosing people (HTMX) ---------------------------------------------------------------------

PICK_MODES = {"people": "activities/_chip.html", "person": "activities/_chip.html",
              "present": "activities/_member.html"}


@login_required
@require_GET
def people_search(request):
    """Search results for adding a person: `field` says which form input the chosen person fills."""
    field = request.GET.get("field", "people")
    if field not in PICK_MODES:
        raise Http404(field)
    unit = default_unit(request.user, request.GET.get("unit"))
    if unit is None:
        raise Http404("no unit")
    found = search_people(request.user, unit, request.GET.get("q", ""))
    return render(request, "activities/_search_results.html", {"found": found, "field": field, "unit": unit,
                                                                 "q": request.GET.get("q", "")})


@login_required
@require_GET
def people_pick(request, pk):
    field = request.GET.get("field", "people")
    if field not in PICK_MODES:
        raise Http404(field)
    person = get_object_or_404(people_for(request.user).filter(merged_into__isnull=True), pk=pk)
    return render(request, PICK_MODES[field], {"p": person, "field": field, "checked": True})


# --- groups, sessions, attendance ----------------------------------------------------------------

GROUP_HEADERS = (
    gettext_noop("title"), gettext_noop("kind"), gettext_noop("unit"), gettext_noop("number of sessions"),
    gettext_noop("participants"),
)


@login_required
@require_GET
def group_list(request):
    qs = groups_for(request.user).select_related("unit").order_by("-pk")
    if kind := request.GET.get("kind"):
        qs = qs.filter(kind=kind)
    if q := request.GET.get("q", "").strip():
        qs = qs.filter(title__icontains=q)
    counted = qs.annotate(n_sessions=Count("sessions", distinct=True),
                          n_people=Count("sessions__attendance__person", distinct=True))
    if request.GET.get("export") == "xlsx":
        rows = [(g.title, g.get_kind_display(), g.unit.code, g.n_sessions, g.n_people) for g in counted]
        return export(request, filename="groups", headers=[_(h) for h in GROUP_HEADERS], rows=rows,
                      count=len(rows), what="groups")
    # The pager counts the groups alone, and the sessions and people are counted for the page's groups only:
    # counted for every group, through every session's attendance, they cost more than the page (18 ms of a
    # national unit's 33).
    page, rest = paginate(request, qs.values_list("pk", flat=True))
    page.object_list = list(counted.filter(pk__in=list(page.object_list)))
    return render(request, "activities/groups.html", {
        "page": page, "rest": rest, "kinds": GroupKind.choices, "can_write": can_write(request.user),
    })


@login_required
@require_http_methods(["GET", "POST"])
def group_new(request):
    require_write(request.user)
    unit = default_unit(request.user, request.GET.get("unit"))
    if unit is None:
        raise Http404("no unit")
    form = GroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        group = create_group(user=request.user, unit=unit, request=request, **form.cleaned_data)
        return redirect("activities:group", pk=group.pk)
    return render(request, "activities/group_form.html", {"form": form, "unit": unit})


@login_required
@require_GET
def group_detail(request, pk):
    group = get_object_or_404(groups_for(request.user).select_related("unit"), pk=pk)
    sessions = activities_for(request.user).filter(group=group).annotate(
        n_present=Count("attendance")).prefetch_related("staff").order_by("-start")
    page, rest = paginate(request, sessions)
    return render(request, "activities/group.html", {"group": group, "page": page, "rest": rest,
                                                     "can_write": can_write(request.user)})


def _participants(group) -> int:
    return Attendance.objects.filter(activity__group=group).values("person").distinct().count()


@login_required
@require_http_methods(["GET", "POST"])
def attendance(request, pk):
    """The attendance sheet: tick the members present, add walk-ins, save once."""
    session = get_object_or_404(activities_for(request.user).filter(kind=ActivityKind.GROUP_SESSION)
                                .select_related("group", "unit"), pk=pk)
    # A facilitator sees every member of the group by name, not only the members in their own caseload.
    visible = attendance_people_for(request.user, session.group).filter(unit=session.unit, merged_into__isnull=True)
    members = list(group_members(session, visible))
    form = AttendanceForm(request.POST or None, visible=visible)
    if request.method == "POST":
        require_write(request.user)
        if form.is_valid():
            added, removed = mark_attendance(user=request.user, session=session, shown=members,
                                             present=form.cleaned_data["present"], request=request)
            messages.success(request, _("Attendance saved (%(a)d added, %(r)d removed)") % {"a": added, "r": removed})
            return redirect("activities:attendance", pk=session.pk)
    if request.GET.get("export") == "xlsx":
        present = set(session.attendance.values_list("person_id", flat=True))
        rows = [(p.external_id, str(p), p.pk in present) for p in members]
        return export(request, filename="attendance", headers=[_("id"), _("name"), _("present")],
                      rows=rows, count=len(rows), what="attendance")
    present_ids = ({int(v) for v in request.POST.getlist("present") if v.isdigit()} if request.method == "POST"
                   else set(session.attendance.values_list("person_id", flat=True)))
    shown_ids = {p.pk for p in members}
    walk_ins = [p for p in visible.filter(pk__in=present_ids - shown_ids)] if present_ids - shown_ids else []
    participants = _participants(session.group)
    small = session.group.kind == GroupKind.COUNSELLING and participants < GROUP_SMALL
    return render(request, "activities/attendance.html", {
        "session": session, "members": members, "walk_ins": walk_ins, "present_ids": present_ids, "form": form,
        "participants": participants, "small": small, "group_small": GROUP_SMALL,
        "can_write": can_write(request.user),
    })


# --- medical assessments -----------------------------------------------------------------------

ASSESSMENT_HEADERS = (
    gettext_noop("date"), gettext_noop("person"), gettext_noop("by"), gettext_noop("treatment plan"),
    gettext_noop("unit"),
)


@login_required
@require_GET
def assessment_list(request):
    form = AssessmentFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    qs = assessments_for(request.user).select_related("person", "by", "unit").order_by("-date", "-pk")
    if data.get("date_from"):
        qs = qs.filter(date__gte=data["date_from"])
    if data.get("date_to"):
        qs = qs.filter(date__lte=data["date_to"])
    if data.get("plan"):
        qs = qs.filter(plan=data["plan"] == "yes")
    if request.GET.get("export") == "xlsx":
        return export(request, filename="medical-assessments", headers=[_(h) for h in ASSESSMENT_HEADERS],
                      rows=((m.date, str(m.person), m.by.name, m.plan, m.unit.code) for m in qs.iterator()),
                      count=qs.count(), what="medical assessments")
    page, rest = paginate(request, qs)
    return render(request, "activities/assessments.html", {"form": form, "page": page, "rest": rest,
                                                           "can_write": can_write(request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def assessment_new(request):
    require_write(request.user)
    unit, _case, people, _group = _starting_point(request)
    form = MedicalAssessmentForm(request.POST or None, instance=MedicalAssessment(unit=unit), user=request.user,
                                 unit=unit, me=me(request.user), initial={"person": people[0] if people else None})
    if request.method == "POST" and form.is_valid():
        create_assessment(user=request.user, assessment=form.save(commit=False), request=request)
        messages.success(request, _("Medical assessment saved"))
        return redirect(safe_next(request, reverse("activities:assessments")))
    return render(request, "activities/assessment_form.html", {"form": form, "unit": unit})

