from __future__ import annotations

from dataclasses import dataclass

from .models import Event
from .services import GENESIS


@dataclass
class Break:
    event_id: int | None
    problem: str


def verify_chain() -> list[Break]:
    """Walk the chain in order; report each event whose content, position or predecessor does not match."""
    problems = []
    previous = GENESIS
    for event in Event.objects.order_by("pk").iterator(chunk_size=2000):
        if event.previous_digest != previous:
            problems.append(Break(event.pk, "does not follow the event before it (deleted or reordered)"))
        elif event.compute_digest() != event.digest:
            problems.append(Break(event.pk, "content changed after it was written"))
        previous = event.digest
    return problems


def who_viewed(object_type: str, object_id) -> list[Event]:
    return list(Event.objects.filter(object_type=object_type, object_id=str(object_id)).order_by("-pk"))
