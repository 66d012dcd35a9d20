"""Reading cases: caseloads with their alerts, case lists, one case file's timeline."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.lookups import IsNull
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongxing.accounts.scope import activities_for, approvals_for, assessments_for, cases_for
from tongxing.activities.models import Activity, ActivityKind, ActivityStaff, Attendance
from tongxing.lib.sql import InList
from tongxing.organisations.models import Staff
from tongxing.outcomes.selectors import administrations_for
from tongxing.people.models import Person

from .models import (
    Approval,
    ApprovalKind,
    ApprovalStatus,
    Case,
    CasePlan,
    Collaboration,
    Episode,
    Involvement,
    Referral,
)

NOT_CONTACTED_DAYS = 30
DUE_WITHIN_DAYS = 7


# Labels inside the timeline's f-strings: named here so makemessages finds them.
WITH_PLAN = _("with a treatment plan")
LAST_DRUG_USE = _("last drug use (short)")
QUESTIONNAIRE = _("Questionnaire")
APPOINTMENT = _("Appointment")
TOTAL = _("Total")
FLAGGED = _("needs follow-up")

def complete_plans():
    """Plans with all four parts written, as the annual return counts them."""
    return CasePlan.objects.filter(CasePlan.all_parts_written())


def _open_episodes() -> QuerySet[Episode]:
    """The open episodes of the case in the outer query."""
    return Episode.objects.filter(case=OuterRef("pk"), closed__isnull=True)


def with_status(qs: QuerySet[Case]) -> QuerySet[Case]:
    """Each case with its open episode's date, whether that episode has a complete plan, and the last contact."""
    open_episodes = _open_episodes()
    last_closed = Episode.objects.filter(case=OuterRef("pk"), closed__isnull=False).order_by("-closed")
    return qs.annotate(
        is_open=Exists(open_episodes),
        opened=Subquery(open_episodes.order_by("-opened").values("opened")[:1]),
        closed=Subquery(last_closed.values("closed")[:1]),
        # Scalar subqueries, not EXISTS or a join: PostgreSQL guesses the four text tests keep ~1% of plans, not
        # ~96%, and then runs an EXISTS as one hashed pass over every plan of the organisation (national unit's
        # caseload 20 -> 120 ms) or a join from the plans, searching the episodes once per plan (demo home 22 ms).
        # Nested, they can only be read from the case's open episodes to each one's plan, through their indexes.
        has_plan=IsNull(Subquery(open_episodes.filter(IsNull(Subquery(
            complete_plans().filter(episode=OuterRef("pk")).values("pk")[:1]), False)).values("pk")[:1]), False),
        # Sessions planned ahead are not contact yet.
        last_contact=Subquery(Activity.objects.filter(case=OuterRef("pk"), date__lte=timezone.localdate())
                              .order_by("-date").values("date")[:1]),
    )


def open_cases(qs: QuerySet[Case]) -> QuerySet[Case]:
    """The open cases with their status (with_status), client and worker."""
    return with_status(qs.filter(merged_into__isnull=True)).filter(is_open=True).select_related("client", "worker")


@dataclass
class Caseload:
    cases: QuerySet
    due: QuerySet
    without_plan: QuerySet
    not_contacted: QuerySet
    today: dt.date


def caseload(user, today: dt.date) -> Caseload:
    """A worker's open cases and the three lists that need attention."""
    mine = open_cases(cases_for(user))
    quiet_since = today - dt.timedelta(days=NOT_CONTACTED_DAYS)
    return Caseload(
        cases=mine.order_by("next_action_due", "client__name", "pk"),
        due=mine.filter(next_action_due__lte=today + dt.timedelta(days=DUE_WITHIN_DAYS)).order_by(
            "next_action_due", "pk"),
        without_plan=mine.filter(has_plan=False).order_by("opened", "pk"),
        not_contacted=mine.filter(Q(last_contact__lt=quiet_since) | Q(last_contact__isnull=True)).order_by(
            "last_contact", "pk"),
        today=today,
    )


def per_worker(cases: QuerySet[Case], today: dt.date) -> list[dict]:
    """The unit's open caseload per worker: open, without a plan, not contacted in 30 days, next action overdue."""
    live = open_cases(cases)
    quiet_since = today - dt.timedelta(days=NOT_CONTACTED_DAYS)
    rows = live.order_by().values("worker", "worker__name").annotate(
        open=Count("pk"),
        family=Count("pk", filter=Q(type="family")),
        without_plan=Count("pk", filter=Q(has_plan=False)),
        not_contacted=Count("pk", filter=Q(last_contact__lt=quiet_since) | Q(last_contact__isnull=True)),
        overdue=Count("pk", filter=Q(next_action_due__lt=today)),
    )
    return sorted(rows, key=lambda r: (r["worker__name"] is None, r["worker__name"] or ""))


def status_counts(cases: QuerySet[Case], since: dt.date, workers: list[dict]) -> dict:
    """Caseload by status, for the chart: open with/without plan, closed since `since`, family cases merged.
    `workers`: per_worker's rows for the same cases; their open caseload, summed, is the first two figures."""
    without_plan = sum(r["without_plan"] for r in workers)
    # Closed since `since`: no open episode and the last closure on or after it, that is some closure on or after
    # it; as EXISTS conditions (not with_status's annotations), so both counts are one statement on both databases.
    closed_since = Exists(Episode.objects.filter(case=OuterRef("pk"), closed__gte=since))
    still_open = Exists(_open_episodes())
    counts = cases.aggregate(
        closed=Count("pk", filter=Q(closed_since, merged_into__isnull=True) & ~Q(still_open)),
        merged=Count("pk", filter=Q(merged_into__isnull=False)),
    )
    return {
        "with_plan": sum(r["open"] for r in workers) - without_plan,
        "without_plan": without_plan,
        "closed": counts["closed"],
        "merged": counts["merged"],
    }


def case_list(user, *, q="", status="open", type="", worker="") -> QuerySet[Case]:
    qs = with_status(cases_for(user))
    if status == "open":
        qs = qs.filter(is_open=True, merged_into__isnull=True)
    elif status == "closed":
        qs = qs.filter(is_open=False, merged_into__isnull=True)
    elif status == "merged":
        qs = qs.filter(merged_into__isnull=False)
    if type:
        qs = qs.filter(type=type)
    if worker:
        qs = qs.filter(worker_id=worker)
    if q:
        qs = qs.filter(Q(external_id__icontains=q) | Q(client__name__icontains=q) | Q(client__name_en__icontains=q)
                       | Q(client__reference__istartswith=q))
    # By the client's name read per case through its key, and the clients of the page's cases read apart: joined
    # for the sort, every person of the database was read (a national unit's list of all its cases, 16 ms).
    client_name = Subquery(Person.objects.filter(pk=OuterRef("client_id")).values("name")[:1])
    return qs.select_related("worker").prefetch_related("client").order_by("-is_open", client_name.asc(), "pk")


def unit_staff_names(unit_id):
    """A unit's staff as (id, name) pairs by name, for the case page's staff selects (forms.staff_options): read
    when first drawn, once for all its forms."""
    return Staff.objects.filter(unit=unit_id).order_by("name").values_list("pk", "name")


# --- the case file --------------------------------------------------------------------------

@dataclass
class Entry:
    date: dt.date
    kind: str
    title: str
    detail: str = ""
    url: str = ""
    sort: int = 0


def merged_family(case) -> list[Case]:
    """The family cases merged into a PSA's case, whose history is the case's too (DOMAIN.md "Cases")."""
    return list(case.merged_family_cases.select_related("client").order_by("pk"))


def staff_names(user_ids) -> dict[int, str]:
    """Logins shown by their staff member's name (not the login name), in one query."""
    ids = {pk for pk in user_ids if pk is not None}
    names = dict(Staff.objects.filter(user__in=ids).values_list("user_id", "name")) if ids else {}
    others = ids - set(names)
    users = get_user_model().objects.filter(pk__in=others).values_list("pk", "username") if others else ()
    return {**dict(users), **names}


def _activity_entries(activities, activity_url) -> list[Entry]:
    """Activities with their staff by name; a group session says which group."""
    activities = list(activities)
    by_activity: dict[int, list[str]] = {}
    staff = (ActivityStaff.objects.filter(activity__in=[a.pk for a in activities]).select_related("staff")
             .order_by("staff__name"))
    for row in staff:
        by_activity.setdefault(row.activity_id, []).append(row.staff.name)
    entries = []
    for a in activities:
        who = "、".join(by_activity.get(a.pk, []))
        detail = " · ".join(x for x in (f"{a.start_time:%H:%M}", f"{a.minutes} min", who, a.place, a.note[:160]) if x)
        title = a.get_kind_display() + (f" · {a.group.title}" if a.group_id else "")
        entries.append(Entry(a.date, "session" if a.group_id else "activity", title, detail,
                             activity_url(a) if activity_url else "", a.pk))
    return entries


def _questionnaire_entries(administrations) -> list[Entry]:
    administrations = list(administrations)
    names = staff_names(a.entered_by_id for a in administrations)
    entries = []
    for a in administrations:
        detail = " · ".join(str(x) for x in (
            a.get_time_point_display(), f"{TOTAL} {a.total}", a.band, FLAGGED if a.flagged else "",
            names.get(a.entered_by_id, "")) if x)
        entries.append(Entry(a.date, "questionnaire", f"{QUESTIONNAIRE} · {a.instrument.name}", detail,
                             reverse("outcomes-form", args=[a.pk]), a.pk))
    return entries


def _appointment_entries(appointments) -> list[Entry]:
    entries = []
    for a in appointments:
        status = a.get_status_display() + (f": {a.status_reason}" if a.status_reason else "")
        detail = " · ".join(x for x in (f"{a.start_time:%H:%M}", f"{a.minutes} min", a.staff.name, a.place,
                                        str(status)) if x)
        entries.append(Entry(a.date, "appointment", f"{APPOINTMENT} · {a.get_kind_display()}", detail,
                             reverse("appointments:edit", args=[a.pk]), a.pk))
    return entries


def _assessment_entries(assessments) -> list[Entry]:
    return [Entry(m.date, "assessment", str(_("medical assessment")), f"{m.by}" + (" · " + str(WITH_PLAN) if m.plan
                                                                                   else "")) for m in assessments]


def timeline(user, case, episodes, activity_url=None, *, appointments, merged) -> list[Entry]:
    """Everything that happened on the case, newest first: one query per kind of record, merged by date.

    Besides the case's own records: the client's group sessions and questionnaires, and the appointments. The
    client's questionnaires and medical assessments are those the user may read (a case team member who is not
    the client's clinician does not see the assessments). `appointments`: the case's, as the page has read them
    (appointments.selectors.of_case); `merged`: the family cases merged into it (merged_family)."""
    ids = [case.pk, *(c.pk for c in merged)]
    # The client's sessions are one list of ids from the attendance's person index: an OR across a join to the
    # attendance made PostgreSQL read every group session of every unit.
    attended = Attendance.objects.filter(person=case.client_id).values("activity")
    activities = Activity.objects.filter(Q(case__in=ids) | Q(
        InList(F("pk"), attended), kind=ActivityKind.GROUP_SESSION, group__isnull=False))
    entries = _activity_entries(activities.select_related("group").order_by(), activity_url)
    entries += _questionnaire_entries(administrations_for(user).filter(Q(case__in=ids) | Q(person=case.client_id))
                                      .select_related("instrument").order_by())
    entries += _appointment_entries(appointments)
    for i in Involvement.objects.filter(case__in=ids).order_by():
        detail = " · ".join(str(x) for x in (i.get_stakeholder_display(), i.get_stage_display(),
                                             i.get_mode_display()) if x)
        entries.append(Entry(i.date, "involvement", i.get_party_display(), detail))
    for c in Collaboration.objects.filter(case__in=ids).order_by():
        entries.append(Entry(c.date, "collaboration", str(_("professional collaboration")),
                             c.get_kind_display()))
    for r in Referral.objects.filter(case__in=ids).order_by():
        status = f"{r.get_status_display()} {r.status_date or ''}".strip()
        entries.append(Entry(r.date, "referral", f"{r.get_direction_display()} · {r.get_category_display()}",
                             " · ".join(x for x in (r.agency, status) if x)))
    entries += _assessment_entries(assessments_for(user).filter(person=case.client_id).select_related("by")
                                   .order_by())
    plan_history = list(CasePlan.history.filter(episode__case=case).order_by())
    names = staff_names(h.history_user_id for h in plan_history)
    for h in plan_history:
        label = {"+": _("case plan written"), "~": _("case plan revised"),
                 "-": _("case plan deleted")}[h.history_type]
        entries.append(Entry(timezone.localdate(h.history_date), "plan", str(label), names.get(h.history_user_id, "")))
    for e in episodes:
        entries.append(Entry(e.opened, "episode", str(_("episode opened"))))
        if e.closed:
            outcome = []
            if e.plan_achieved is not None:
                outcome.append(str(_("plan achieved") if e.plan_achieved
                                   else _("plan not achieved")))
            if e.last_drug_use:
                outcome.append(f"{LAST_DRUG_USE} {e.last_drug_use}")
            outcome.append(e.closure_reason)
            entries.append(Entry(e.closed, "episode", str(_("episode closed")), " · ".join(x for x in outcome if x)))
    entries.sort(key=lambda x: (x.date, x.sort), reverse=True)
    return entries


PERSON_TIMELINE_ROWS = 100


def person_timeline(user, person, activity_url=None, *, appointments, assessments) -> list[Entry]:
    """What the person took part in that the user may see, newest first: activities and group sessions,
    questionnaires, appointments and medical assessments (the latest PERSON_TIMELINE_ROWS of each kind).

    `appointments` and `assessments` are the ones the person page has already read within the user's scope
    (appointments_for, assessments_for), so the page reads each once."""
    n = PERSON_TIMELINE_ROWS
    activities = (activities_for(user).filter(attendance__person=person).select_related("group")
                  .order_by("-start", "-pk")[:n])
    entries = _activity_entries(activities, activity_url)
    entries += _questionnaire_entries(administrations_for(user).filter(person=person).select_related("instrument")
                                      .order_by("-date", "-pk")[:n])
    entries += _appointment_entries(sorted(appointments, key=lambda a: (a.start, a.pk), reverse=True)[:n])
    entries += _assessment_entries(assessments[:n])
    entries.sort(key=lambda x: (x.date, x.sort), reverse=True)
    return entries[:n]


# --- approvals (issue 19) ---------------------------------------------------------------------------------------

QUEUE_DECIDED_ROWS = 20


def _with_names(approvals) -> list[Approval]:
    """Each request with `requested_name` and `decided_name`: staff names, not login names (one query)."""
    approvals = list(approvals)
    names = staff_names([a.requested_by_id for a in approvals] + [a.decided_by_id for a in approvals])
    for a in approvals:
        a.requested_name = names.get(a.requested_by_id, "")
        a.decided_name = names.get(a.decided_by_id, "")
    return approvals


def approval_queue(user) -> dict:
    """The supervisor's queue: requests awaiting a decision, oldest first, and the latest decided ones."""
    mine = approvals_for(user).select_related("episode__case__client", "episode__case__worker", "episode__case__unit")
    pending = mine.filter(status=ApprovalStatus.PENDING).order_by("requested_at", "pk")
    decided = mine.exclude(status=ApprovalStatus.PENDING).order_by("-decided_at", "-pk")[:QUEUE_DECIDED_ROWS]
    return {"pending": _with_names(pending), "decided": _with_names(decided)}


def pending_approvals_count(user) -> int:
    return approvals_for(user).filter(status=ApprovalStatus.PENDING).count()


def approval(user, pk) -> Approval | None:
    found = (approvals_for(user).select_related("episode__case__client", "episode__case__worker",
                                                "episode__case__unit", "episode__plan").filter(pk=pk).first())
    return _with_names([found])[0] if found else None


@dataclass
class CaseApprovals:
    history: list  # every request on the case, newest first
    plan: Approval | None  # the current episode's latest plan request
    closure: Approval | None  # the current episode's latest closure request


def case_approvals(case, current: Episode | None) -> CaseApprovals:
    """What the case page shows of approvals: each request with who and when, and the current episode's latest
    plan and closure requests."""
    history = _with_names(Approval.objects.filter(episode__case=case).select_related("episode")
                          .order_by("-requested_at", "-pk"))
    latest = {}
    for a in history:
        if current is not None and a.episode_id == current.pk:
            latest.setdefault(a.kind, a)
    return CaseApprovals(history, latest.get(ApprovalKind.PLAN), latest.get(ApprovalKind.CLOSURE))
