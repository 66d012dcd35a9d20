"""Writes for the prevention centre's records; each change and its audit event commit together."""

from __future__ import annotations

from django.db import transaction

from tongxing.audit.models import Action
from tongxing.audit.services import record

from .models import Consultation, HotlineCall, HotlineItem, Lecture


@transaction.atomic
def log_hotline_call(*, unit, user, received, caller, items, note="", request=None) -> HotlineCall:
    call = HotlineCall(unit=unit, received=received, caller=caller, note=note)
    call.save()
    HotlineItem.objects.bulk_create([HotlineItem(call=call, category=category) for category in dict.fromkeys(items)])
    record(Action.CREATE, user=user, obj=call, request=request,
           summary=f"專線來電 hotline call {call.get_caller_display()}",
           changes={"received": call.received.isoformat(), "caller": caller, "items": sorted(set(items))})
    return call


@transaction.atomic
def record_lecture(*, unit, user, date, title, required, attended, consultations: dict[str, int],
                   request=None) -> Lecture:
    lecture = Lecture.objects.create(unit=unit, date=date, title=title, required=required, attended=attended)
    Consultation.objects.bulk_create([Consultation(lecture=lecture, category=category)
                                      for category, count in consultations.items() for _ in range(count)])
    record(Action.CREATE, user=user, obj=lecture, request=request,
           summary=f"毒品危害講習 lecture {date}: {attended}/{required}",
           changes={"date": date.isoformat(), "required": required, "attended": attended,
                    "consultations": {k: v for k, v in consultations.items() if v}})
    return lecture


def record_export(*, unit, user, fmt, span, request=None) -> None:
    """Exports leave the system, so each one is logged even though it holds only counts."""
    with transaction.atomic():
        record(Action.EXPORT, user=user, object_type="prevention.statistics",
               object_id=f"{span.start}/{span.end}", unit_code=unit.code, request=request,
               summary=f"城市統計匯出 statistics export {fmt} {span.start}–{span.end}")
