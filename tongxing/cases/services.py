"""Writing case files: open, close with the outcome, reopen, the case plan, members, involvements,
collaborations, merging a family case into the PSA's case. Each change writes its audit event in the
same transaction."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from tongxing.audit.models import Action
from tongxing.audit.services import diff, record
from tongxing.people.services import new_external_id

from .models import Case, CasePlan, CaseType, Collaboration, Episode, Involvement

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
    return plan


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
