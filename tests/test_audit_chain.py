"""The audit trail is tamper-evident: changing, deleting or reordering any stored event is reported."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from tongxing.audit.models import Action, Event
from tongxing.audit.selectors import verify_chain, who_viewed
from tongxing.audit.services import record

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain():
    user = get_user_model().objects.create_user("alice")
    return [record(Action.VIEW, user=user, object_type="people.person", object_id=str(i), summary=f"viewed {i}")
            for i in range(6)]


def test_an_untouched_chain_verifies(chain, capsys):
    assert verify_chain() == []
    call_command("audit", "verify")
    assert "intact: 6 events" in capsys.readouterr().out


def test_a_changed_event_is_named(chain):
    Event.objects.filter(pk=chain[2].pk).update(summary="nothing to see")
    assert [(b.event_id, b.problem) for b in verify_chain()] == [(chain[2].pk, "content changed after it was written")]


def test_a_changed_event_with_a_recomputed_digest_breaks_the_next_link(chain):
    event = Event.objects.get(pk=chain[2].pk)
    event.username = "mallory"
    event.digest = event.compute_digest()
    event.save()
    assert [b.event_id for b in verify_chain()] == [chain[3].pk]


def test_a_deleted_event_is_reported_where_the_chain_breaks(chain):
    Event.objects.filter(pk=chain[3].pk).delete()
    problems = verify_chain()
    assert [b.event_id for b in problems] == [chain[4].pk]
    assert "does not follow" in problems[0].problem


def test_reordered_events_are_both_reported(chain):
    a, b = Event.objects.get(pk=chain[1].pk), Event.objects.get(pk=chain[2].pk)
    fields = ["at", "username", "action", "object_type", "object_id", "summary", "changes", "previous_digest"]
    values_a, values_b = {f: getattr(a, f) for f in fields}, {f: getattr(b, f) for f in fields}
    digest_a, digest_b = a.digest, b.digest
    Event.objects.filter(pk=a.pk).update(digest="swap")
    Event.objects.filter(pk=b.pk).update(**values_a, digest=digest_a)
    Event.objects.filter(pk=a.pk).update(**values_b, digest=digest_b)
    assert [p.event_id for p in verify_chain()] == [chain[1].pk, chain[2].pk]


def test_verify_command_exits_nonzero_on_tampering(chain, capsys):
    Event.objects.filter(pk=chain[0].pk).update(object_id="99")
    with pytest.raises(SystemExit) as exit_info:
        call_command("audit", "verify")
    assert exit_info.value.code == 1
    assert f"event {chain[0].pk}: content changed" in capsys.readouterr().out


def test_who_viewed_lists_reads_of_one_client(chain):
    assert [e.object_id for e in who_viewed("people.person", "3")] == ["3"]
