"""The audit trail holds against someone who can write the database (issue 13, finding 4).

Each test plays one tampering scenario with the access such a person has: any SQL on the database, but
neither the audit key (configuration) nor the checkpoint file (outside the database)."""

import hashlib
import json
import threading

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection, transaction

from tongxing.audit import checkpoints
from tongxing.audit.models import Action, Event
from tongxing.audit.selectors import verify_trail
from tongxing.audit.services import record


@pytest.fixture
def trail(db):
    """Twelve events, signed by a checkpoint, then three more written after it."""
    user = get_user_model().objects.create_user("alice")
    events = [record(Action.VIEW, user=user, object_type="people.person", object_id=str(i)) for i in range(12)]
    checkpoints.take()
    events += [record(Action.CHANGE, user=user, object_type="cases.case", object_id=str(i)) for i in range(3)]
    return events


def _problems():
    return [p.problem for p in verify_trail()[0]]


def _verify_exit(capsys):
    with pytest.raises(SystemExit) as exit_info:
        call_command("audit", "verify")
    assert exit_info.value.code == 1
    return capsys.readouterr().out


def _rechain_without_the_key(start_pk):
    """What a database writer can do: recompute every digest from `start_pk` on with plain SHA-256 (or any key
    but the audit key), each naming the one before, so the links all hold."""
    previous = Event.objects.filter(pk__lt=start_pk).order_by("-pk").first()
    prev_digest = previous.digest if previous else "0" * 64
    for event in Event.objects.filter(pk__gte=start_pk).order_by("pk"):
        event.previous_digest = prev_digest
        event.digest = hashlib.sha256(f"{prev_digest}|{event.payload()}".encode()).hexdigest()
        Event.objects.filter(pk=event.pk).update(previous_digest=event.previous_digest, digest=event.digest)
        prev_digest = event.digest


def test_an_honest_trail_and_its_checkpoints_verify(trail, capsys):
    assert _problems() == []
    call_command("audit", "verify")
    assert "intact: 15 events; 1 signed checkpoint(s) agree" in capsys.readouterr().out


def test_a_forged_event_with_a_recomputed_digest_is_named(trail, capsys):
    event = Event.objects.get(pk=trail[5].pk)
    event.username = "mallory"
    event.digest = hashlib.sha256(f"{event.previous_digest}|{event.payload()}".encode()).hexdigest()
    Event.objects.filter(pk=event.pk).update(username="mallory", digest=event.digest)
    assert f"event {trail[5].pk}: content changed after it was written" in _verify_exit(capsys)


def test_an_appended_forged_event_is_named(trail):
    head = trail[-1]
    forged = Event(at=head.at, action=Action.VIEW, username="nobody", previous_digest=head.digest,
                   position=head.position + 1, keyed=True)
    forged.digest = hashlib.sha256(f"{forged.previous_digest}|{forged.payload()}".encode()).hexdigest()
    forged.save()
    assert [p.event_id for p in verify_trail()[0]] == [forged.pk]


def test_deleting_the_last_events_is_named(trail, capsys):
    Event.objects.filter(pk__gte=trail[8].pk).delete()
    out = _verify_exit(capsys)
    assert "the trail has 8 events but the checkpoint of" in out and "signed 12: events 9–12 deleted" in out


def test_an_edit_followed_by_re_chaining_is_named(trail):
    Event.objects.filter(pk=trail[3].pk).update(object_id="99")
    _rechain_without_the_key(trail[3].pk)
    problems = verify_trail()[0]
    assert [p.event_id for p in problems][:1] == [trail[3].pk]
    assert any("is not the one the checkpoint" in p.problem for p in problems)


def test_a_deletion_followed_by_re_chaining_and_renumbering_is_named(trail):
    Event.objects.filter(pk=trail[4].pk).delete()
    for event in Event.objects.filter(pk__gt=trail[4].pk).order_by("pk"):
        Event.objects.filter(pk=event.pk).update(position=event.position - 1)
    _rechain_without_the_key(trail[5].pk)
    problems = _problems()
    assert "content changed after it was written" in problems
    assert any("is not the one the checkpoint" in p for p in problems)


def test_deleting_every_event_is_named(trail, capsys):
    Event.objects.all().delete()
    assert "the trail has 0 events but the checkpoint of" in _verify_exit(capsys)
    assert "every event (the trail is empty) deleted" in _problems()[0]


def test_restoring_an_older_backup_is_named(trail):
    """The backup was taken after event 10; the checkpoint signed 12; the restored trail goes on to 14."""
    Event.objects.filter(pk__gt=trail[9].pk).delete()
    user = get_user_model().objects.get(username="alice")
    for i in range(4):
        record(Action.VIEW, user=user, object_type="people.person", object_id=f"after-restore-{i}")
    problems = verify_trail()[0]
    assert [p.problem for p in problems] == [
        f"event 12 is not the one the checkpoint of {checkpoints.read()[0][0].at} signed (the trail was rewritten "
        "and re-chained, or an older backup restored)"]


def test_restoring_an_older_backup_before_any_new_event_is_named(trail):
    Event.objects.filter(pk__gt=trail[9].pk).delete()
    assert any("the trail has 10 events but the checkpoint" in p for p in _problems())


def test_turning_keyed_events_into_unkeyed_ones_is_named(trail):
    """Posing as events from before the keyed chain (plain SHA-256) does not escape the key."""
    Event.objects.filter(pk__gte=trail[6].pk).update(keyed=False)
    _rechain_without_the_key(trail[6].pk)
    assert "an unkeyed event after the keyed chain began (forged)" in _problems()


def test_an_altered_checkpoint_line_is_named(trail):
    path = checkpoints.path()
    line = json.loads(path.read_text().splitlines()[0])
    line["count"] = 3
    path.write_text(json.dumps(line) + "\n")
    assert _problems() == ["checkpoint line 1: signature does not match (altered, forged, or another key)"]


def test_events_written_before_the_keyed_chain_still_verify(db):
    """Trails from before this change (plain SHA-256 digests, numbered by the migration) verify as they are."""
    previous = "0" * 64
    for i in range(3):
        event = Event(at="2024-01-01T00:00Z", action=Action.VIEW, object_id=str(i), previous_digest=previous,
                      position=i + 1, keyed=False)
        event.at = Event._meta.get_field("at").to_python("2024-01-01T00:00Z")
        event.digest = event.compute_digest()
        event.save()
        previous = event.digest
    record(Action.VIEW, object_type="people.person", object_id="after")
    assert _problems() == []
    assert Event.objects.order_by("pk").last().position == 4


def test_a_checkpoint_is_written_every_n_events(db, settings, django_capture_on_commit_callbacks):
    settings.TONGXING_AUDIT_CHECKPOINT_EVERY = 5
    for i in range(11):
        with django_capture_on_commit_callbacks(execute=True):  # each event its own committed request
            record(Action.VIEW, object_type="people.person", object_id=str(i))
    assert [c.count for c in checkpoints.read()[0]] == [5, 10]


def test_the_checkpoint_command_signs_the_head(db, capsys):
    record(Action.VIEW, object_type="people.person", object_id="1")
    call_command("audit", "checkpoint")
    assert "checkpoint: 1 events" in capsys.readouterr().out
    assert checkpoints.path().stat().st_mode & 0o077 == 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite writers are serialised by the database")
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_never_fork_the_chain():
    """20 threads x 10 events on PostgreSQL: one chain, every event naming a different predecessor."""
    start = threading.Barrier(20)
    errors = []

    def writer(n):
        try:
            start.wait()
            for i in range(10):
                record(Action.VIEW, object_type="people.person", object_id=f"{n}-{i}")
        except Exception as e:  # noqa: BLE001 - reported by the assertion below
            errors.append(e)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert Event.objects.count() == 200
    assert Event.objects.values("previous_digest").distinct().count() == 200
    assert sorted(Event.objects.values_list("position", flat=True)) == list(range(1, 201))
    assert verify_trail()[0] == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the flush after the head's release is PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_a_read_releases_the_head_before_its_flush_and_only_its_own_commit_is_asynchronous():
    def synchronous_commit():
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            return cursor.fetchone()[0]

    read = record(Action.VIEW, object_type="people.person", object_id="1")
    assert synchronous_commit() == "on"  # SET LOCAL: the read's own transaction only
    with transaction.atomic():  # a change's transaction keeps its synchronous commit
        change = record(Action.CHANGE, object_type="cases.case", object_id="1")
        assert synchronous_commit() == "on"
    assert change.previous_digest == read.digest and verify_trail()[0] == []


def test_a_checkpoint_is_signed_only_once_sqlites_log_is_on_disk(tmp_path, settings, monkeypatch):
    """With synchronous=NORMAL a commit reaches the OS, not the disk: a checkpoint signed for events a power cut
    then loses would read as their deletion. The write-ahead log is forced to disk before the checkpoint."""
    import sqlite3

    database = tmp_path / "centre.sqlite3"
    db = sqlite3.connect(database)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("CREATE TABLE t (x)")
    db.execute("INSERT INTO t VALUES (1)")
    db.commit()
    synced = []
    real_fsync = checkpoints.os.fsync
    monkeypatch.setattr(checkpoints.os, "fsync", lambda fd: synced.append(checkpoints.os.readlink(f"/proc/self/fd/{fd}"))
                        or real_fsync(fd))
    monkeypatch.setattr(checkpoints, "connection", type("Sqlite", (), {"vendor": "sqlite"}))
    monkeypatch.setitem(settings.DATABASES["default"], "NAME", str(database))
    checkpoints.events_on_disk()
    assert synced == [f"{database}-wal"]
    db.close()  # the last connection folds the log into the database file and removes it
    checkpoints.events_on_disk()
    assert synced == [f"{database}-wal"]


def test_take_forces_the_events_to_disk_before_it_signs(db, monkeypatch):
    order = []
    monkeypatch.setattr(checkpoints, "events_on_disk", lambda: order.append("synced"))
    monkeypatch.setattr(checkpoints, "write", lambda checkpoint, key=None: order.append("signed"))
    checkpoints.take()
    assert order == ["synced", "signed"]
