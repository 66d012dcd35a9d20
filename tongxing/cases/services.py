"""Writing case files: open, close with the outcome, reopen, the case plan, members, involvements,
collaborations, merging a family case into the PSA's case, and a supervisor's approval of plans and closures
where the unit asks for it. Each change writes its audit event in the same transaction."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongxing.accounts.scope import needs_approval
from tongxing.audit.models import Action
from tongxing.audit.services import diff, record
from tongxing.people.services import new_external_id

from .models import (
    Approval,
    ApprovalKind,
    ApprovalStatus,
    Case,
    CasePlan,
    CaseType,
    Collaboration,
    Episode,
    Involvement,
)

PLAN_PARTS = ("date", "direction", "timetable", "actions", "goals")


@transaction.atomic
def open_case(*, person, type, parent_case, worker, opened, user, request=None) -> Case:
    case = Case(unit=person.unit, external_id=new_external_id("web"), type=type, parent_case=parent_case,
                client=person, worker=worker)
    case.full_clean()
    case.save()
    Episode.objects.create(case=case, opened=opened)
    record(Action.CREATE, user=user, obj=case, summary=f"case opened for person {person.pk}",
           changes={"type": type, "parent_case": parent_case, "worker": str(worker or ""), "opened": str(opened)},
           request=request)
    return case


def open_episode(case) -> Episode | None:
    return case.episodes.filter(closed__isnull=True).order_by("-opened").first()


@transaction.atomic
def close_episode(episode: Episode, *, closed, plan_achieved, last_drug_use, closure_reason, user,
                  request=None) -> Episode:
    episode = Episode.objects.select_for_update().get(pk=episode.pk)
    if episode.closed is not None:
        raise ValidationError(_("This episode is already closed"))
    episode.closed, episode.plan_achieved = closed, plan_achieved
    episode.last_drug_use, episode.closure_reason = last_drug_use, closure_reason
    episode.full_clean()
    episode.save()
    record(Action.CHANGE, user=user, obj=episode.case, summary=f"episode closed {closed}",
           changes={"episode": episode.pk, "closed": str(closed), "plan_achieved": plan_achieved,
                    "last_drug_use": str(last_drug_use) if last_drug_use else None, "reason": closure_reason},
           request=request)
    return episode


@transaction.atomic
def reopen_case(case: Case, *, opened, user, request=None) -> Episode:
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.merged_into_id:
        raise ValidationError(_("A merged case cannot be reopened"))
    if case.episodes.filter(closed__isnull=True).exists():
        raise ValidationError(_("The case is still open"))
    last = case.episodes.order_by("-closed").first()
    if last and opened < last.closed:
        raise ValidationError({"opened": _("The reopening date cannot be before the last closure, %(date)s") % {"date": last.closed}})
    episode = Episode.objects.create(case=case, opened=opened)
    record(Action.CHANGE, user=user, obj=case, summary=f"case reopened {opened}", changes={"opened": str(opened)},
           request=request)
    return episode


class StalePlan(Exception):
    """Someone saved the plan after this editor loaded it; the editor's text is kept for them to reconcile."""

    def __init__(self, current: CasePlan):
        super().__init__("stale case plan")
        self.current = current


@transaction.atomic
def save_plan(episode: Episode, *, data: dict, revision: int, user, request=None) -> CasePlan:
    """Write the four-part plan if it is still at `revision` (0: no plan yet); otherwise raise StalePlan."""
    plan = CasePlan.objects.select_for_update().filter(episode=episode).first()
    if (plan.revision if plan else 0) != revision:
        raise StalePlan(plan)
    before = {f: str(getattr(plan, f)) for f in PLAN_PARTS} if plan else {}
    plan = plan or CasePlan(episode=episode)
    for field in PLAN_PARTS:
        setattr(plan, field, data[field])
    plan.revision = revision + 1
    try:
        with transaction.atomic():
            plan.save()
    except IntegrityError as exc:  # a first plan saved by someone else between our read and write
        raise StalePlan(CasePlan.objects.get(episode=episode)) from exc
    record(Action.CHANGE, user=user, obj=episode.case, summary=f"case plan revision {plan.revision}",
           changes=diff(before, {f: str(getattr(plan, f)) for f in PLAN_PARTS}), request=request)
    if needs_approval(user, episode.case.unit):
        _plan_for_approval(episode, user=user, request=request)
    return plan


def _plan_for_approval(episode: Episode, *, user, request=None) -> Approval:
    """The plan as now written waits for the supervisor: a pending request is kept (brought up to this save),
    otherwise a new one is made (after an approval or a return, the changed plan is put again)."""
    pending = (Approval.objects.select_for_update()
               .filter(episode=episode, kind=ApprovalKind.PLAN, status=ApprovalStatus.PENDING).first())
    if pending is None:
        pending = Approval.objects.create(episode=episode, kind=ApprovalKind.PLAN, requested_by=user,
                                          requested_at=timezone.now())
        summary = "case plan submitted for approval"
    else:
        pending.requested_by, pending.requested_at = user, timezone.now()
        pending.save(update_fields=["requested_by", "requested_at"])
        summary = "case plan changed while awaiting approval"
    record(Action.CREATE, user=user, obj=episode.case, summary=summary,
           changes={"approval": pending.pk, "episode": episode.pk, "kind": ApprovalKind.PLAN}, request=request)
    return pending


@transaction.atomic
def submit_closure(episode: Episode, *, closed, plan_achieved, last_drug_use, closure_reason, user,
                   request=None) -> Episode | Approval:
    """Close the episode, or, where the unit asks for a supervisor's approval, hold the closure for it: the episode
    stays open (and is counted as open) until the supervisor approves."""
    if not needs_approval(user, episode.case.unit):
        return close_episode(episode, closed=closed, plan_achieved=plan_achieved, last_drug_use=last_drug_use,
                             closure_reason=closure_reason, user=user, request=request)
    episode = Episode.objects.select_for_update().get(pk=episode.pk)
    if episode.closed is not None:
        raise ValidationError(_("This episode is already closed"))
    if Approval.objects.filter(episode=episode, kind=ApprovalKind.CLOSURE, status=ApprovalStatus.PENDING).exists():
        raise ValidationError(_("A closure of this episode is already awaiting approval"))
    approval = Approval(episode=episode, kind=ApprovalKind.CLOSURE, requested_by=user, requested_at=timezone.now(),
                        closed=closed, plan_achieved=plan_achieved, last_drug_use=last_drug_use,
                        closure_reason=closure_reason)
    approval.full_clean()
    approval.save()
    record(Action.CREATE, user=user, obj=episode.case, summary=f"closure {closed} submitted for approval",
           changes={"approval": approval.pk, "episode": episode.pk, "closed": str(closed),
                    "plan_achieved": plan_achieved, "last_drug_use": str(last_drug_use) if last_drug_use else None,
                    "reason": closure_reason}, request=request)
    return approval


@transaction.atomic
def decide_approval(approval: Approval, *, approve: bool, comment: str, user, request=None) -> Approval:
    """The supervisor approves (an approved closure is written to the episode now, with the worker's date and
    outcome) or returns the request with the reason (the episode stays open; the worker may submit again)."""
    approval = Approval.objects.select_for_update().select_related("episode__case__unit").get(pk=approval.pk)
    comment = comment.strip()
    if approval.status != ApprovalStatus.PENDING:
        raise ValidationError(_("This request has already been decided"))
    if approval.requested_by_id is not None and approval.requested_by_id == user.pk:
        raise ValidationError(_("You cannot decide on your own request"))
    if not approve and not comment:
        raise ValidationError({"comment": _("Say why you are returning it, so the worker knows what to change")})
    if approve and approval.kind == ApprovalKind.CLOSURE:
        close_episode(approval.episode, closed=approval.closed, plan_achieved=approval.plan_achieved,
                      last_drug_use=approval.last_drug_use, closure_reason=approval.closure_reason, user=user,
                      request=request)
    approval.status = ApprovalStatus.APPROVED if approve else ApprovalStatus.RETURNED
    approval.decided_by, approval.decided_at, approval.comment = user, timezone.now(), comment
    approval.save(update_fields=["status", "decided_by", "decided_at", "comment"])
    record(Action.CHANGE, user=user, obj=approval.episode.case,
           summary=f"{approval.kind} {approval.status}",
           changes={"approval": approval.pk, "episode": approval.episode_id, "status": approval.status,
                    "comment": comment}, request=request)
    return approval


@transaction.atomic
def update_case(case: Case, *, data: dict, user, request=None) -> Case:
    before = {f: str(getattr(case, f)) for f in data}
    for field, value in data.items():
        setattr(case, field, value)
    case.full_clean()
    case.save()
    record(Action.CHANGE, user=user, obj=case, summary=str(case),
           changes=diff(before, {f: str(getattr(case, f)) for f in data}), request=request)
    return case


@transaction.atomic
def add_member(case: Case, person, *, user, request=None):
    if person.unit_id != case.unit_id:
        raise ValidationError(_("Only people of the case's unit can be members"))
    case.members.add(person)
    record(Action.CHANGE, user=user, obj=case, summary=f"member added: person {person.pk}", changes={"member": person.pk},
           request=request)


@transaction.atomic
def remove_member(case: Case, person, *, user, request=None):
    case.members.remove(person)
    record(Action.CHANGE, user=user, obj=case, summary=f"member removed: person {person.pk}", changes={"member": person.pk},
           request=request)


@transaction.atomic
def add_case_record(case: Case, model: type[Involvement | Collaboration], *, data: dict, user, request=None):
    """An involvement or a professional collaboration entered on the case file."""
    entry = model(unit=case.unit, case=case, external_id=new_external_id("web"), **data)
    entry.full_clean()
    entry.save()
    record(Action.CREATE, user=user, obj=entry, summary=f"{case} {entry}",
           changes={k: str(v) for k, v in data.items()}, request=request)
    return entry


@transaction.atomic
def merge_family_case(family: Case, psa: Case, *, on, user, request=None) -> Case:
    """The PSA engages: the family case is closed as merged into the PSA's case and its people become members.

    Its records stay on the family case and show in the PSA case's file through `merged_into`; the annual
    return counts them through the PSA case (standards.fsa).
    """
    family = Case.objects.select_for_update().get(pk=family.pk)
    if family.type != CaseType.FAMILY or psa.type != CaseType.PSA:
        raise ValidationError(_("Only a family case merges into a PSA case"))
    if family.merged_into_id:
        raise ValidationError(_("This case is already merged"))
    if family.unit_id != psa.unit_id:
        raise ValidationError(_("Both cases must belong to the same unit"))
    for episode in family.episodes.filter(closed__isnull=True):
        if on < episode.opened:
            raise ValidationError({"on": _("The merge date cannot be before the episode opened, %(date)s") % {"date": episode.opened}})
        episode.closed, episode.closure_reason = on, str(_("merged into the PSA case")) + f" {psa}"
        episode.save()
    family.merged_into = psa
    family.save()
    people = {family.client_id, *family.members.values_list("pk", flat=True)} - {psa.client_id}
    psa.members.add(*people)
    record(Action.CHANGE, user=user, obj=psa, summary=f"family case {family.pk} merged into this case",
           changes={"family_case": family.pk, "members_added": sorted(people), "on": str(on)}, request=request)
    return psa
