"""Writes on projects; each records its audit event in the same transaction."""

from __future__ import annotations

from django.db import transaction

from tongxing.audit.models import Action
from tongxing.audit.services import diff, record

from .models import Enrolment, OutputIndicator, Project


@transaction.atomic
def set_manual_figure(user, indicator: OutputIndicator, *, value, evidence: str, request=None) -> OutputIndicator:
    """A figure entered by hand (seed 000: a Facebook page's reach) with the evidence it rests on."""
    before = {"manual_value": str(indicator.manual_value), "evidence": indicator.evidence}
    indicator.manual_value, indicator.evidence = value, evidence
    indicator.save(update_fields=["manual_value", "evidence"])
    after = {"manual_value": str(indicator.manual_value), "evidence": indicator.evidence}
    record(Action.CHANGE, user=user, obj=indicator, unit_code=indicator.project.unit.code,
           request=request, summary=f"{indicator.project.code} {indicator.number} = {value}",
           changes=diff(before, after))
    return indicator


def _enrolment_changes(enrolment: Enrolment) -> dict:
    return {"person": enrolment.person_id, "programme": enrolment.programme_id, "date": enrolment.date.isoformat(),
            "ended": enrolment.ended.isoformat() if enrolment.ended else None}


@transaction.atomic
def enrol(user, project: Project, *, person, programme, date, ended, request=None) -> Enrolment:
    """A participant enrolled in the project (or one of its programmes) with dates (checked by the form)."""
    enrolment = Enrolment.objects.create(project=project, person=person, programme=programme, date=date, ended=ended)
    record(Action.CREATE, user=user, obj=enrolment, unit_code=project.unit.code, request=request,
           summary=f"{project.code} enrolment {date}", changes=_enrolment_changes(enrolment))
    return enrolment


@transaction.atomic
def change_enrolment(user, enrolment: Enrolment, *, date, ended, request=None) -> Enrolment:
    """New dates for an enrolment: when it started, and when it ended (or that it is open again)."""
    before = _enrolment_changes(enrolment)
    enrolment.date, enrolment.ended = date, ended
    enrolment.save(update_fields=["date", "ended"])
    record(Action.CHANGE, user=user, obj=enrolment, unit_code=enrolment.project.unit.code, request=request,
           summary=f"{enrolment.project.code} enrolment dates", changes=diff(before, _enrolment_changes(enrolment)))
    return enrolment
