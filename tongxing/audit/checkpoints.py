"""Signed checkpoints of the audit trail, kept outside the database.

A checkpoint is the trail's head at one moment (how many events, the last one's digest, when), signed
with the audit key and appended as one JSON line to a file under TONGXING_HOME (and to syslog when
TONGXING_AUDIT_SYSLOG=1). Someone who can write the database cannot reach the file or the key, so
deleting the last events, wiping the trail, re-chaining it or restoring an older backup leaves the trail
disagreeing with a checkpoint, and `tongxing audit verify` names it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import hmac
import json
import logging
import os
import syslog
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection

from tongxing.privacy.crypto import audit_key

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Checkpoint:
    count: int
    digest: str
    event_id: int | None
    at: str

    def fields(self) -> dict:
        return {"count": self.count, "digest": self.digest, "event": self.event_id, "at": self.at}


def path() -> Path:
    """The checkpoint file: TONGXING_AUDIT_CHECKPOINTS, or one per database under TONGXING_HOME."""
    configured = getattr(settings, "TONGXING_AUDIT_CHECKPOINTS", "")
    if configured:
        return Path(configured)
    db = settings.DATABASES["default"]
    where = f"{connection.vendor}:{db.get('HOST', '')}:{db.get('PORT', '')}:{db['NAME']}"
    name = Path(str(db["NAME"])).stem if connection.vendor == "sqlite" else str(db["NAME"])
    label = f"{name}-{hashlib.sha256(where.encode()).hexdigest()[:8]}"
    return Path(settings.HOME) / f"audit-checkpoints.{label}.jsonl"


def _signature(fields: dict, key: bytes | None = None) -> str:
    message = json.dumps(fields, sort_keys=True).encode()
    return hmac.new(key or audit_key(), b"checkpoint|" + message, hashlib.sha256).hexdigest()


def write(checkpoint: Checkpoint, key: bytes | None = None) -> str:
    """Append one signed checkpoint line; returns the line."""
    fields = checkpoint.fields()
    line = json.dumps({**fields, "signature": _signature(fields, key)}, sort_keys=True)
    target = path()
    target.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(target, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        fh.write(line + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    if getattr(settings, "TONGXING_AUDIT_SYSLOG", False):
        syslog.openlog("tongxing", 0, syslog.LOG_AUTHPRIV)
        syslog.syslog(syslog.LOG_INFO, f"audit checkpoint {line}")
    return line


def read() -> tuple[list[Checkpoint], list[str]]:
    """The file's checkpoints whose signature holds, and a problem for each line that does not."""
    good, bad = [], []
    with contextlib.suppress(FileNotFoundError), open(path(), encoding="utf-8") as fh:
        for number, line in enumerate(fh, start=1):
            try:
                data = json.loads(line)
                fields = {k: data[k] for k in ("count", "digest", "event", "at")}
                signature = data["signature"]
            except (ValueError, KeyError, TypeError):
                bad.append(f"checkpoint line {number}: unreadable")
                continue
            if not isinstance(signature, str) or not hmac.compare_digest(signature, _signature(fields)):
                bad.append(f"checkpoint line {number}: signature does not match (altered, forged, or another key)")
                continue
            good.append(Checkpoint(fields["count"], fields["digest"], fields["event"], fields["at"]))
    return good, bad


def set_aside(suffix: str):
    """Move the checkpoint file aside (kept, renamed) when the audit key changes: its lines were verified under
    the old key, which verify no longer has."""
    current = path()
    if current.exists():
        current.rename(current.with_name(f"{current.name}.{suffix}"))


def events_on_disk():
    """Force SQLite's write-ahead log to disk. With synchronous=NORMAL a commit reaches the operating system, not
    the disk; a checkpoint signed for events a power cut then loses would make `audit verify` report them deleted.
    PostgreSQL flushes each commit itself."""
    if connection.vendor != "sqlite":
        return
    wal = Path(f"{settings.DATABASES['default']['NAME']}-wal")
    try:
        fd = os.open(wal, os.O_RDONLY)
    except FileNotFoundError:  # in memory, or the log checkpointed into the database file (synced then)
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def take(key: bytes | None = None) -> Checkpoint:
    """Sign and write the trail's current head, once the events it names are on disk."""
    from .models import Event

    events_on_disk()
    head = Event.objects.order_by("-pk").only("pk", "digest", "position").first()
    at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    if head is None:
        checkpoint = Checkpoint(0, "", None, at)
    else:
        count = head.position if head.position is not None else Event.objects.count()
        checkpoint = Checkpoint(count, head.digest, head.pk, at)
    write(checkpoint, key)
    return checkpoint


def take_quietly():
    """The automatic checkpoint after a commit: a full disk must not fail the request that wrote the event."""
    try:
        take()
    except OSError as e:
        log.error("audit checkpoint not written to %s: %s", path(), e)
