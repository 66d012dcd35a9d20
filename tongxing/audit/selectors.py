from __future__ import annotations

from dataclasses import dataclass

from . import checkpoints
from .models import Event
from .services import GENESIS


@dataclass
class Break:
    event_id: int | None
    problem: str


def verify_chain() -> list[Break]:
    """Check every stored event; report each one whose content, predecessor or position is not as written.

    The digests themselves give the order the events were written in: each names its predecessor's digest.
    Following those links from the first event rebuilds the true order, which is compared with the stored
    one, so a swap reports the two events moved, a deletion the event that lost its predecessor, and an
    edit the edited event.
    """
    return _chain_breaks(list(Event.objects.order_by("pk")))


def _chain_breaks(events) -> list[Break]:
    problems = {}
    keyed_from = None
    for event in events:
        if event.keyed and keyed_from is None:
            keyed_from = event.pk
        if keyed_from is not None and not event.keyed:
            problems[event.pk] = "an unkeyed event after the keyed chain began (forged)"
        elif event.compute_digest() != event.digest:
            problems[event.pk] = "content changed after it was written"
    digests = {e.digest for e in events}
    following = {}
    for event in events:
        following.setdefault(event.previous_digest, event)
    true_order = []
    for start in events:  # chain starts: the first event, and any event whose predecessor is gone
        if start.previous_digest in digests:
            continue
        if start.previous_digest != GENESIS:
            problems.setdefault(start.pk, "does not follow the event before it (deleted or altered)")
        event = start
        while event is not None and event not in true_order:
            true_order.append(event)
            event = following.get(event.digest)
    for stored, expected in zip(events, true_order, strict=False):
        if stored.pk != expected.pk:
            problems.setdefault(stored.pk, "not in the position it was written in (reordered)")
    return [Break(pk, problem) for pk, problem in sorted(problems.items())]


def verify_trail() -> tuple[list[Break], int]:
    """The chain's breaks and the checkpoints' disagreements with the stored trail; and how many events."""
    events = list(Event.objects.order_by("pk"))
    return _chain_breaks(events) + checkpoint_breaks(events), len(events)


def checkpoint_breaks(events) -> list[Break]:
    """Each signed checkpoint names the event at its count and that event's digest. A trail shorter than a
    checkpoint lost its last events (deleted, wiped, or an older backup restored); a different event at a
    checkpoint's position means history was rewritten and re-chained (or a restored backup written over)."""
    signed, unreadable = checkpoints.read()
    out = [Break(None, problem) for problem in unreadable]
    at_position = {e.position: e for e in events if e.position is not None}
    head = max(at_position, default=0)
    beyond = [c for c in signed if c.count > head]
    if beyond:
        latest = max(beyond, key=lambda c: c.count)
        lost = "every event (the trail is empty)" if head == 0 else f"events {head + 1}–{latest.count}"
        out.append(Break(None, f"the trail has {head} events but the checkpoint of {latest.at} signed "
                               f"{latest.count}: {lost} deleted, or an older backup restored"))
    for c in sorted(signed, key=lambda c: c.count):
        event = at_position.get(c.count)
        if c.count == 0 or c.count > head:
            continue
        if event is None:
            out.append(Break(None, f"event {c.count}, signed by the checkpoint of {c.at}, is missing (deleted)"))
            break
        if event.digest != c.digest:
            out.append(Break(event.pk, f"event {c.count} is not the one the checkpoint of {c.at} signed "
                                       f"(the trail was rewritten and re-chained, or an older backup restored)"))
            break
    return out


def who_viewed(object_type: str, object_id) -> list[Event]:
    return list(Event.objects.filter(object_type=object_type, object_id=str(object_id)).order_by("-pk"))
