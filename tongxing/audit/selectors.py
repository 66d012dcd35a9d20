from __future__ import annotations

from dataclasses import dataclass

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
    events = list(Event.objects.order_by("pk"))
    problems = {}
    for event in events:
        if event.compute_digest() != event.digest:
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


def who_viewed(object_type: str, object_id) -> list[Event]:
    return list(Event.objects.filter(object_type=object_type, object_id=str(object_id)).order_by("-pk"))
