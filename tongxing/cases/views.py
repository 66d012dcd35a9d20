from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tongxing.accounts.models import Level
from tongxing.accounts.scope import can_supervise, can_write, cases_for, leads_case, level_of, needs_approval
from tongxing.appointments import selectors as appointment_selectors
from tongxing.audit.models import Action
from tongxing.audit.services import record
from tongxing.lib.xlsx import xlsx_response
from tongxing.organisations.models import Staff
from tongxing.outcomes.selectors import risk_alerts_shown
from tongxing.people.selectors import active_people, search
from tongxing.teams.views import find_or_refuse, team_context
from tongxing.web.common import paginate, query_without_page, require_write

from . import selectors, services
from .forms import (
    ApprovalDecisionForm,
    CloseEpisodeForm,
    CollaborationForm,
    InvolvementForm,
    MergeCaseForm,
    NextActionForm,
    OpenCaseForm,
    PlanForm,
    ReopenForm,
)
from .models import ApprovalKind, ApprovalStatus, CasePlan, CaseType, Episode

STATUSES = [
    ("open", gettext_noop("open")), ("closed", gettext_noop("case closed")),
    ("merged", gettext_noop("merged")), ("all", gettext_noop("all")),
]


def _may_reassign(user):
    return level_of(user) in {Level.SUPERVISOR, Level.COORDINATOR}


def _url(name, *args, query=""):
    """A link to a page of the activities app; pages not there yet are simply not linked."""
    try:
        return reverse(name, args=args) + (f"?{query}" if query else "")
    except NoReverseMatch:
        return ""


@require_GET
@login_required
def case_list(request):
    g = request.GET
    status = g.get("status", "open")
    cases = selectors.case_list(request.user, q=g.get("q", "").strip(), status=status, type=g.get("type", ""),
                                worker=g.get("worker", "") if g.get("worker", "").isdigit() else "")
    if g.get("export") == "xlsx":
        headers = [_("case number"), _("client"), _("type"), _("case worker"), _("opened"),
                   _("last closed"), _("complete plan"), _("last contact"),
                   _("next action due")]
        record(Action.EXPORT, request=request, object_type="cases.case", summary="case list")
        rows = ([c.external_id, str(c.client), c.get_type_display(), c.worker.name if c.worker else "", c.opened,
                 c.closed, c.has_plan if c.is_open else None, c.last_contact, c.next_action_due]
                for c in cases.iterator(chunk_size=2000))  # the clients read per chunk
        return xlsx_response("cases", headers, rows, title=_("Case"))
    workers = Staff.objects.filter(unit__in=cases_for(request.user).values("unit")).order_by("name")
    return render(request, "cases/list.html", {
        "page": paginate(request, cases), "query": query_without_page(request), "q": g.get("q", ""),
        "status": status, "statuses": [(k, _(v)) for k, v in STATUSES], "type": g.get("type", ""),
        "types": CaseType.choices, "worker": g.get("worker", ""), "workers": workers,
    })


@require_http_methods(["GET", "POST"])
@login_required
def case_new(request):
    require_write(request)
    person = get_object_or_404(active_people(request.user), pk=request.GET.get("person") or 0)
    form = OpenCaseForm(request.POST or None, unit=person.unit,
                        initial={"worker": Staff.objects.filter(user=request.user, unit=person.unit).first()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        case = services.open_case(person=person, type=d["type"], parent_case=d["parent_case"], worker=d["worker"],
                                  opened=d["opened"], user=request.user, request=request)
        messages.success(request, _("Case opened. Next step: write the case plan."))
        return redirect(reverse("case-detail", args=[case.pk]) + "#plan")
    return render(request, "cases/new.html", {"form": form, "person": person})


def _case(request, pk):
    return get_object_or_404(cases_for(request.user).select_related("client", "worker", "unit", "merged_into"), pk=pk)


def _case_file(request, case, status=200, **bound):
    """The case page; every caller read `case` through `cases_for(request.user)` in this request."""
    episodes = list(Episode.objects.filter(case=case).select_related("plan").order_by("opened", "pk"))
    current = episodes[-1] if episodes else None
    open_episode = current if current and current.closed is None else None
    try:
        plan = current.plan if current else None
    except CasePlan.DoesNotExist:
        plan = None
    writable = can_write(request.user) and case.merged_into_id is None
    # Read once, by whichever of the case worker's and the team's selects is drawn first.
    staff = selectors.unit_staff_names(case.unit_id)
    forms = {
        "plan_form": PlanForm(instance=plan or CasePlan(episode=current, date=timezone.localdate()),
                              initial={"revision": plan.revision if plan else 0}, prefix="plan"),
        "close_form": CloseEpisodeForm(instance=open_episode, prefix="close") if open_episode else None,
        "reopen_form": ReopenForm(prefix="reopen", initial={"opened": timezone.localdate()}),
        "next_form": NextActionForm(instance=case, prefix="next", may_reassign=_may_reassign(request.user),
                                    staff=staff),
        "involvement_form": InvolvementForm(prefix="inv"),
        "collaboration_form": CollaborationForm(prefix="col"),
        "merge_form": (MergeCaseForm(prefix="merge", psa_cases=_psa_cases(request, case))
                       if case.type == CaseType.FAMILY else None),
    }
    forms.update(bound)
    approvals = selectors.case_approvals(case, current)
    activity_url = (lambda a: reverse("activities:detail", args=[a.pk])) if _url("activities:detail", 0) else None
    merged = selectors.merged_family(case)  # read once, shown in its own list and on the timeline
    appointments = appointment_selectors.of_case(request.user, case, merged)
    context = {
        "case": case, "episodes": episodes, "current": current, "open_episode": open_episode, "plan": plan,
        "members": case.members.order_by("name"), "merged_family": merged,
        "timeline": selectors.timeline(request.user, case, episodes, activity_url, appointments=appointments,
                                       merged=merged),
        "writable": writable, "stale": bound.get("stale"), **team_context(request, case, staff, in_scope=True),
        "appointments": [a for a in appointments if a.listed],
        "schedule_query": f"case={case.pk}", "today": timezone.localdate(),
        "risk_alerts": risk_alerts_shown(request.user, case=case), "can_acknowledge": can_write(request.user),
        "approvals": approvals.history, "plan_approval": approvals.plan,
        "closure_pending": (approvals.closure if open_episode and approvals.closure
                            and approvals.closure.status == ApprovalStatus.PENDING else None),
        "closure_returned": (approvals.closure if open_episode and approvals.closure
                             and approvals.closure.status == ApprovalStatus.RETURNED else None),
        "needs_approval": needs_approval(request.user, case.unit),
        "log_links": [(label, _url(name, *args, query=f"case={case.pk}")) for label, name, args in (
            (_("Log a contact"), "activities:new", ()),
            (_("Outreach log"), "activities:new-kind", ("outreach",)),
            (_("Referral"), "activities:referral-new", ()),
        )] + [(_("Questionnaire"), reverse("outcomes-entry") + f"?person={case.client_id}&case={case.pk}")],
        **forms,
    }
    return render(request, "cases/detail.html", context, status=status)


def _psa_cases(request, case):
    return (cases_for(request.user).filter(unit=case.unit, type=CaseType.PSA, merged_into__isnull=True,
                                           episodes__closed__isnull=True)
            .distinct().select_related("client").order_by("client__name"))


@require_GET
@login_required
def case_detail(request, pk):
    case, refusal = find_or_refuse(
        request, cases_for(request.user).select_related("client", "worker", "unit", "merged_into"), pk, kind="case")
    if refusal:
        return refusal
    record(Action.VIEW, request=request, obj=case, summary="case file")
    return _case_file(request, case)


def _writable_case(request, pk, lead=False):
    """A case the user may record on; `lead`: only its worker or a supervisor (closing, reopening, merging)."""
    require_write(request)
    case = _case(request, pk)
    if case.merged_into_id:
        raise PermissionDenied("a merged case is read-only")
    if lead and not leads_case(request.user, case):
        raise PermissionDenied("only the case's worker or a supervisor")
    return case


def _done(case, anchor, message, request):
    messages.success(request, message)
    return redirect(reverse("case-detail", args=[case.pk]) + f"#{anchor}")


@require_POST
@login_required
def case_plan(request, pk):
    case = _writable_case(request, pk)
    episode = services.open_episode(case)
    if episode is None:
        messages.error(request, _("The case is closed; reopen it first"))
        return redirect("case-detail", pk=case.pk)
    form = PlanForm(request.POST, prefix="plan", instance=CasePlan.objects.filter(episode=episode).first()
                    or CasePlan(episode=episode))
    if not form.is_valid():
        return _case_file(request, case, status=400, plan_form=form)
    try:
        services.save_plan(episode, data=form.plan_data(), revision=form.cleaned_data["revision"],
                           user=request.user, request=request)
    except services.StalePlan as stale:
        form.add_error(None, _("Someone else saved the case plan after you opened this page, so your changes "
                               "were not saved. What you entered is still below: compare it with the latest "
                               "version and save again."))
        # The next save compares against the version now shown beside the editor.
        data = form.data.copy()
        data["plan-revision"] = stale.current.revision if stale.current else 0
        form.data = data
        return _case_file(request, case, status=409, plan_form=form, stale=stale.current)
    if needs_approval(request.user, case.unit):
        return _done(case, "plan", _("Case plan saved and submitted to the supervisor for approval"), request)
    return _done(case, "plan", _("Case plan saved"), request)


@require_POST
@login_required
def case_close(request, pk):
    case = _writable_case(request, pk, lead=True)
    episode = services.open_episode(case)
    if episode is None:
        return redirect("case-detail", pk=case.pk)
    form = CloseEpisodeForm(request.POST, instance=episode, prefix="close")
    if not form.is_valid():
        return _case_file(request, case, status=409 if form.conflict else 400, close_form=form)
    try:
        done = services.submit_closure(Episode.objects.get(pk=episode.pk), **form.outcome(), user=request.user,
                                       request=request)
    except ValidationError as error:
        form.add_error(None, error)
        return _case_file(request, case, status=400, close_form=form)
    if isinstance(done, Episode):
        return _done(case, "episodes", _("Case closed"), request)
    return _done(case, "episodes", _("The closure was submitted to the supervisor. The case stays open until it "
                                     "is approved."), request)


@require_POST
@login_required
def case_reopen(request, pk):
    case = _writable_case(request, pk, lead=True)
    form = ReopenForm(request.POST, prefix="reopen")
    if form.is_valid():
        try:
            services.reopen_case(case, opened=form.cleaned_data["opened"], user=request.user, request=request)
            return _done(case, "plan", _("Case reopened. Please update the case plan."), request)
        except ValidationError as error:
            form.add_error(None, error)
    return _case_file(request, case, status=400, reopen_form=form)


@require_POST
@login_required
def case_next_action(request, pk):
    case = _writable_case(request, pk)
    form = NextActionForm(request.POST, instance=case, prefix="next", may_reassign=_may_reassign(request.user))
    if not form.is_valid():
        return _case_file(request, _case(request, pk), status=409 if form.conflict else 400, next_form=form)
    services.update_case(_case(request, pk), data=form.case_data(), user=request.user, request=request)
    return _done(case, "next", _("Saved"), request)


def _add_case_record(request, pk, form_class, prefix, form_name, message):
    case = _writable_case(request, pk)
    form = form_class(request.POST, prefix=prefix)
    if not form.is_valid():
        return _case_file(request, case, status=400, **{form_name: form})
    services.add_case_record(case, form_class.Meta.model, data=form.record_data(), user=request.user,
                             request=request)
    return _done(case, "timeline", message, request)


@require_POST
@login_required
def case_involvement(request, pk):
    return _add_case_record(request, pk, InvolvementForm, "inv", "involvement_form", _("Involvement added"))


@require_POST
@login_required
def case_collaboration(request, pk):
    return _add_case_record(request, pk, CollaborationForm, "col", "collaboration_form", _("Professional collaboration added"))


@require_GET
@login_required
def case_member_search(request, pk):
    case = _case(request, pk)
    q = request.GET.get("q", "").strip()
    found = (search(request.user, q).filter(unit=case.unit).exclude(Q(pk=case.client_id) | Q(cases_as_member=case))[:10]
             if len(q) >= 1 else [])
    return render(request, "cases/_member_results.html", {"case": case, "found": found, "q": q})


@require_POST
@login_required
def case_member(request, pk):
    case = _writable_case(request, pk)
    person = get_object_or_404(active_people(request.user).filter(unit=case.unit), pk=request.POST.get("person") or 0)
    if request.POST.get("remove"):
        services.remove_member(case, person, user=request.user, request=request)
        return _done(case, "members", _("Member removed: %(name)s") % {"name": person}, request)
    services.add_member(case, person, user=request.user, request=request)
    return _done(case, "members", _("Member added: %(name)s") % {"name": person}, request)


@require_POST
@login_required
def case_merge(request, pk):
    case = _writable_case(request, pk, lead=True)
    form = MergeCaseForm(request.POST, prefix="merge", psa_cases=_psa_cases(request, case))
    if form.is_valid():
        psa = form.cleaned_data["psa_case"]
        try:
            services.merge_family_case(case, psa, on=form.cleaned_data["on"], user=request.user, request=request)
            return _done(psa, "members", _("The family case has been merged into this PSA case"), request)
        except ValidationError as error:
            form.add_error(None, error)
    return _case_file(request, case, status=400, merge_form=form)


# --- approvals (issue 19) ---------------------------------------------------------------------------------------


def _supervisor(request):
    if not can_supervise(request.user) or not can_write(request.user):
        raise PermissionDenied("only a unit's supervisor decides approvals")


@require_GET
@login_required
def approval_queue(request):
    _supervisor(request)
    return render(request, "cases/approvals.html", selectors.approval_queue(request.user))


@require_http_methods(["GET", "POST"])
@login_required
def approval_detail(request, pk):
    _supervisor(request)
    approval = selectors.approval(request.user, pk)
    if approval is None:
        raise Http404
    form = ApprovalDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        try:
            services.decide_approval(approval, approve=approve, comment=form.cleaned_data["comment"],
                                     user=request.user, request=request)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Approved") if approve else _("Returned to the worker"))
            return redirect("approvals")
    case = approval.episode.case
    if request.method == "GET":
        record(Action.VIEW, request=request, obj=case, summary=f"approval request {approval.pk}")
    try:
        plan = approval.episode.plan if approval.kind == ApprovalKind.PLAN else None
    except CasePlan.DoesNotExist:
        plan = None
    return render(request, "cases/approval.html", {"approval": approval, "case": case, "plan": plan, "form": form},
                  status=400 if form.is_bound else 200)
