"""Where a standard or indicator will stand at the end of its period at the pace so far, and what is needed per
remaining month to meet its agreed level or target (issue 16, "Beyond the anchors"). Pure standard library, so the
annual return, the project dashboard and their tests share it.

Which figures are projected, and how (`Method`):

* COUNT — sessions, persons, person-times, hours, cases opened: figures that grow as the work is done. At the
  pace so far they scale linearly with the time elapsed: projected = achieved × whole period ÷ elapsed.
  Needed per remaining month = (target − achieved) ÷ months left. The annual return's OS1–OS3, OS5, OS7–OS10,
  OS12–OS17 and OC10 (paid trainings over a fixed establishment); every output indicator of a project whose
  target is a number (a figure entered by hand too).
* CARRIED — OS4, OS4(a), OS4(b) and OS6 count the cases in hand on 1 April from the first day of the year, so
  most of the figure is there at the start: scaling it with time would multiply the caseload carried in. The
  projection is the figure as it stands (the year ends with at least that); the need per month is the shortfall
  spread over the months left, as new cases.
* RATE — shares and percentages (the outcome standards OC1–OC9, OS11's share of schools, a project's outcome
  indicators and "70% of those recruited" targets): a share is not extrapolated. The projection is the share
  as it stands and there is no per-month need: it moves with every form or case, not with time.

Time: the pace is measured over whole days, today included; before `MIN_DAYS` have passed the pace says too
little to project (one busy first morning would project thousands), so only the need per month is given. A
period's months are its calendar months (a financial year 12, a two-year project 24), spread evenly over its days.
Once the period is over, the projection is the final figure and nothing is needed any more.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from enum import StrEnum

__all__ = ["MIN_DAYS", "Method", "Projection", "Stage", "as_text", "months_in", "project"]

#: Days of work before the pace so far is taken as the pace of the year.
MIN_DAYS = 14


class Method(StrEnum):
    COUNT = "count"
    CARRIED = "carried"
    RATE = "rate"


class Stage(StrEnum):
    NOT_STARTED = "not_started"  # the period has not begun
    EARLY = "early"  # fewer than MIN_DAYS elapsed: no pace yet
    RUNNING = "running"
    ENDED = "ended"  # the period is over: the figure is final


@dataclass(frozen=True)
class Projection:
    method: Method
    stage: Stage
    projected: Decimal | None  # the figure at the end of the period at the pace so far (None: no pace yet)
    needed_per_month: Decimal | None  # to meet the target from here (0 once met; None for rates or when over)
    months_left: Decimal
    on_track: bool | None  # the projection meets the target (None without a target or a projection)

    @property
    def met_already(self) -> bool:
        return self.needed_per_month == 0 and self.stage is not Stage.ENDED


def months_in(start: dt.date, end: dt.date) -> int:
    """Calendar months the period touches: 1 April–31 March is 12; 1 July 2020–30 June 2022 is 24."""
    return (end.year - start.year) * 12 + end.month - start.month + 1


def _decimal(value) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def project(achieved, target, *, start: dt.date, end: dt.date, today: dt.date,
            method: Method = Method.COUNT) -> Projection:
    """`achieved` so far (None when there is no figure yet, e.g. a share without a base) against `target` (None
    when none is agreed) over the period `start`–`end`, both included, on `today`."""
    if end < start:
        raise ValueError("the period ends before it starts")
    total_days = (end - start).days + 1
    months = Decimal(months_in(start, end))
    elapsed = min(max((today - start).days + 1, 0), total_days)
    remaining = total_days - elapsed
    months_left = (months * remaining / total_days).quantize(Decimal("0.01"), ROUND_HALF_UP)
    stage = (Stage.NOT_STARTED if elapsed == 0 else Stage.ENDED if elapsed == total_days
             else Stage.EARLY if elapsed < MIN_DAYS else Stage.RUNNING)
    value = None if achieved is None else _decimal(achieved)
    goal = None if target is None else _decimal(target)

    if value is None:
        projected = None
    elif stage is Stage.ENDED or method is not Method.COUNT:
        projected = value  # final, or not extrapolated (see the module's note)
    elif stage in (Stage.NOT_STARTED, Stage.EARLY):
        projected = None
    else:
        projected = (value * total_days / elapsed).quantize(Decimal("0.1"), ROUND_HALF_UP)

    needed = None
    if goal is not None and method is not Method.RATE and stage is not Stage.ENDED:
        shortfall = goal - (value or Decimal(0))
        # Rounded up, so doing what is shown each month meets the target.
        needed = Decimal(0) if shortfall <= 0 else (shortfall * total_days / (months * remaining)).quantize(
            Decimal("0.1"), ROUND_CEILING)
    on_track = None if goal is None or projected is None else projected >= goal
    return Projection(method, stage, projected, needed, months_left, on_track)


def as_text(value: Decimal | None, *, percent: bool = False) -> str:
    """A projection's figure for the page: one decimal; shares (0.62) as percentages (62.0%); "—" when none."""
    if value is None:
        return "—"
    if percent:
        return f"{(value * 100).quantize(Decimal('0.1'), ROUND_HALF_UP)}%"
    return f"{value.quantize(Decimal('0.1'), ROUND_HALF_UP)}"
