"""Writes on projects; each records its audit event in the same transaction."""

from __future__ import annotations

from django.db import transaction

from tongxing.audit.models import Action
from tongxing.audit.services import diff, record

from .models import OutputIndicator


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
