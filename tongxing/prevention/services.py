"""Writes for the prevention centre's records; each change and its audit event commit together."""

from __future__ import annotations

from django.db import transaction

from tongxing.audit.models import Action
from tongxing.audit.services import record

from .models import Consultation, HotlineCall, HotlineItem, Lecture, LectureRegistrant


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


def _counts_from_names(lecture: Lecture) -> None:
    """A lecture with a list keeps its required and attended figures equal to the names (the statistics read the
    names; the stored counts stay true for every other reader)."""
    names = lecture.registrants.all()
    lecture.required, lecture.attended = names.count(), names.filter(attended=True).count()
    lecture.save(update_fields=["required", "attended"])


@transaction.atomic
def add_registrants(*, lecture: Lecture, user, people, request=None) -> list[LectureRegistrant]:
    """People required to attend (fined under the drug-harm lecture rule) added to the lecture's list, not yet
    marked as come; from the first name on, the lecture's figures come from its list."""
    added = LectureRegistrant.objects.bulk_create([LectureRegistrant(lecture=lecture, person=p) for p in people])
    _counts_from_names(lecture)
    record(Action.CHANGE, user=user, obj=lecture, request=request,
           summary=f"毒品危害講習 lecture {lecture.date}: {len(added)} required to attend added",
           changes={"registrants_added": sorted(p.pk for p in people),
                    "required": lecture.required, "attended": lecture.attended})
    return added


@transaction.atomic
def mark_lecture_attendance(*, lecture: Lecture, user, shown, present, request=None) -> tuple[int, int]:
    """Of the listed people `shown` to the user, those in `present` came and the others were absent; people on the
    list the user cannot see keep their mark. Returns (marked as come, marked as absent)."""
    shown_ids, present_ids = {p.pk for p in shown}, {p.pk for p in present}
    rows = lecture.registrants.filter(person__in=shown_ids)
    came = rows.filter(person__in=present_ids, attended=False).update(attended=True)
    absent = rows.exclude(person__in=present_ids).filter(attended=True).update(attended=False)
    _counts_from_names(lecture)
    record(Action.CHANGE, user=user, obj=lecture, request=request,
           summary=f"毒品危害講習 lecture {lecture.date}: attendance {lecture.attended}/{lecture.required}",
           changes={"came": sorted(present_ids & shown_ids), "absent": sorted(shown_ids - present_ids),
                    "required": lecture.required, "attended": lecture.attended})
    return came, absent
