"""Writing audit events: call `record` inside the transaction that makes the change."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from .models import Event

GENESIS = "0" * 64


def client_ip(request):
    return request.META.get("REMOTE_ADDR") if request is not None else None


def record(action, *, user=None, obj=None, object_type="", object_id="", unit_code="", summary="",
           changes=None, request=None) -> Event:
    """Append one event to the hash chain; must run in the same transaction as the change it describes."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        unit = getattr(obj, "unit", None)
        unit_code = unit_code or (unit.code if unit is not None else "")
    if user is None and request is not None:
        user = request.user
    if user is not None and not user.is_authenticated:
        user = None
    with transaction.atomic():
        # Serialise writers: the chain needs the true previous event.
        last = Event.objects.select_for_update().order_by("-pk").only("digest").first()
        event = Event(
            at=timezone.now(), user=user, username=user.get_username() if user else "", action=action,
            object_type=object_type, object_id=str(object_id), unit_code=unit_code, summary=summary[:300],
            changes=changes or {}, ip=client_ip(request), previous_digest=last.digest if last else GENESIS,
        )
        event.digest = event.compute_digest()
        event.save()
    return event


def diff(before: dict, after: dict) -> dict:
    """{field: [old, new]} for the fields that changed."""
    return {k: [before.get(k), after.get(k)] for k in sorted(set(before) | set(after))
            if before.get(k) != after.get(k)}
