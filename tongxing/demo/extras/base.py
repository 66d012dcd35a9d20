"""The extras' state and helpers: the seeded random source, the unit's time zone, weighted
picks, the unit's PSA cases and who records work on them.
"""

from __future__ import annotations

import datetime as dt
import random
import zoneinfo

from tongxing.cases.models import Case, CaseType
from tongxing.organisations.models import Staff


class ExtrasBase:
    def __init__(self, unit, *, start: dt.date, end: dt.date, today: dt.date, by, worker: Staff | None, seed: int):
        self.unit, self.start, self.end, self.today, self.by, self.worker = unit, start, end, today, by, worker
        self.rng = random.Random(seed)
        self.tz = zoneinfo.ZoneInfo(unit.timezone)

    def day_between(self, a: dt.date, b: dt.date) -> dt.date:
        return a + dt.timedelta(days=self.rng.randint(0, max((b - a).days, 0)))

    def weighted(self, weights: dict):
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

    def psa_cases(self) -> list[Case]:
        """The unit's PSA cases, the demo worker's first (their pages then show the extras too)."""
        cases = (Case.objects.filter(unit=self.unit, type=CaseType.PSA, merged_into__isnull=True)
                 .select_related("client", "worker__user").prefetch_related("episodes").order_by("pk"))
        worker_id = self.worker.pk if self.worker else None
        return sorted(cases, key=lambda c: c.worker_id != worker_id)

    def by_worker(self, case: Case):
        return case.worker.user if case.worker and case.worker.user else self.by
