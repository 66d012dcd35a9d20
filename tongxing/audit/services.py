"""Writing audit events: call `record` inside the transaction that makes the change."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from . import checkpoints
from .models import Action, DataVersion, Event

GENESIS = "0" * 64
# Key of the PostgreSQL advisory lock that makes writers take turns at the chain's head.
AUDIT_LOCK_KEY = 0x74584155  # "tXAU"
# What a reader sees or takes away (views, exports, sign-ins) changes no record; everything else does.
CHANGES_NOTHING = frozenset({Action.VIEW, Action.EXPORT, Action.LOGIN, Action.LOGIN_FAILED})


def client_ip(request):
    return request.META.get("REMOTE_ADDR") if request is not None else None


def checkpoint_every() -> int:
    return int(getattr(settings, "TONGXING_AUDIT_CHECKPOINT_EVERY", 20))


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
    # A read in a transaction of its own (a page, not a change) holds the head only while it appends, not while
    # its commit is flushed to disk: readers then do not queue behind each other's disk writes.
    own_read = action in CHANGES_NOTHING and not connection.in_atomic_block and connection.vendor == "postgresql"
    with transaction.atomic():
        _take_the_head(flush_after_release=own_read)
        last = Event.objects.order_by("-pk").only("digest", "position").first()
        position = 1 if last is None else (last.position or Event.objects.count()) + 1
        event = Event(
            at=timezone.now(), user=user, username=user.get_username() if user else "", action=action,
            object_type=object_type, object_id=str(object_id), unit_code=unit_code, summary=summary[:300],
            changes=changes or {}, ip=client_ip(request), previous_digest=last.digest if last else GENESIS,
            position=position, keyed=True,
        )
        event.digest = event.compute_digest()
        event.save()
        if action not in CHANGES_NOTHING:
            data_changed()
    if own_read:
        _flushed()
    if position % checkpoint_every() == 0:
        transaction.on_commit(checkpoints.take_quietly)
    return event


def data_changed():
    """Raise the data version, in the caller's transaction: figures remembered at the old number are recomputed.
    `record` calls it for every change; a bulk load that writes no event per record calls it itself."""
    token = uuid.uuid4().hex
    if not DataVersion.objects.filter(pk=1).update(token=token):
        DataVersion.objects.create(pk=1, token=token)


def data_version() -> str:
    return DataVersion.objects.filter(pk=1).values_list("token", flat=True).first() or ""


def _take_the_head(flush_after_release=False):
    """One writer at a time until its transaction ends, so two events never name the same predecessor.
    SQLite already serialises writers (transactions begin IMMEDIATE); PostgreSQL needs the lock, since a
    row lock on the last event lets two writers read the same head and fork the chain.

    `flush_after_release`: this transaction's commit releases the lock without waiting for the disk
    (synchronous_commit off, for this transaction only); `_flushed` then waits for it outside the lock, so
    concurrent readers' flushes share one disk write (PostgreSQL's group commit) instead of taking turns."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            if flush_after_release:  # set_config(..., true): SET LOCAL, in the lock's own round trip
                cursor.execute("SELECT set_config('synchronous_commit', 'off', true), pg_advisory_xact_lock(%s)",
                               [AUDIT_LOCK_KEY])
            else:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [AUDIT_LOCK_KEY])


def _flushed():
    """Returns once the event just committed is on disk, as a synchronous commit would have.

    A transaction given an id commits synchronously, and its commit record comes after the event's in the
    write-ahead log, which is flushed in order: when it returns, the event is durable. So no page is served
    before its audit event is, and an event that names another as its predecessor is never durable without it
    (a later writer's synchronous commit flushes the earlier events too)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_xact_id()")


def diff(before: dict, after: dict) -> dict:
    """{field: [old, new]} for the fields that changed."""
    return {k: [before.get(k), after.get(k)] for k in sorted(set(before) | set(after))
            if before.get(k) != after.get(k)}
