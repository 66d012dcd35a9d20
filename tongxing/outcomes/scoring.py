"""Scoring a filled-in form: pure functions over an instrument's definition (no database).

`spec_of(instrument)` reads the definition once; `score(spec, answers)` checks the answers and gives the
total, subscale scores, severity band and flags that an administration stores.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ItemSpec:
    number: int
    low: int
    high: int
    reverse: bool = False
    subscale: str = ""
    flag_above: int | None = None
    values: frozenset[int] | None = None  # the scale's options; None = every integer low..high

    def allowed(self, value: int) -> bool:
        return value in self.values if self.values is not None else self.low <= value <= self.high

    def scored(self, value: int) -> int:
        """A reverse-scored item counts from the other end of its scale (on 1–5, 1 → 5)."""
        return self.low + self.high - value if self.reverse else value


@dataclass(frozen=True)
class BandSpec:
    lower: int
    label: str
    label_en: str = ""


@dataclass(frozen=True)
class InstrumentSpec:
    code: str
    better: str  # "higher" or "lower"
    items: tuple[ItemSpec, ...]
    bands: tuple[BandSpec, ...] = ()

    @property
    def lowest(self) -> int:
        return sum(i.low for i in self.items)

    @property
    def highest(self) -> int:
        return sum(i.high for i in self.items)


@dataclass
class Score:
    total: int
    subscales: dict[str, int] = field(default_factory=dict)
    band: BandSpec | None = None
    flags: list[int] = field(default_factory=list)  # item numbers whose answer raised a flag


class AnswerError(ValueError):
    """Answers that cannot be scored; `problems` maps item number → message."""

    def __init__(self, problems: dict[int, str]):
        super().__init__("; ".join(f"{n}: {m}" for n, m in sorted(problems.items())))
        self.problems = problems


def band_for(bands, total: int) -> BandSpec | None:
    """The band with the highest lower bound at or below `total` (PHQ-9: 5–9 mild, 10–14 moderate…)."""
    found = None
    for band in sorted(bands, key=lambda b: b.lower):
        if band.lower <= total:
            found = band
    return found


def score(spec: InstrumentSpec, answers: dict[int, int]) -> Score:
    """Score a complete form; every item must be answered within its scale."""
    problems = {}
    for item in spec.items:
        value = answers.get(item.number)
        if value is None:
            problems[item.number] = "未回答 not answered"
        elif not item.allowed(value):
            problems[item.number] = f"答案 {value} 不在量表內 answer {value} is not on the scale"
    unknown = set(answers) - {i.number for i in spec.items}
    for number in unknown:
        problems[number] = "沒有此題 no such item"
    if problems:
        raise AnswerError(problems)
    scored = {item.number: item.scored(answers[item.number]) for item in spec.items}
    subscales: dict[str, int] = {}
    for item in spec.items:
        if item.subscale:
            subscales[item.subscale] = subscales.get(item.subscale, 0) + scored[item.number]
    total = sum(scored.values())
    # A flag reads the answer as given: PHQ-9 item 9 (thoughts of self-harm) is flagged on any answer above 0.
    flags = [i.number for i in spec.items if i.flag_above is not None and answers[i.number] > i.flag_above]
    return Score(total=total, subscales=subscales, band=band_for(spec.bands, total), flags=flags)


def spec_of(instrument) -> InstrumentSpec:
    """The definition of a saved Instrument (two queries)."""
    items = list(instrument.items.select_related("subscale").order_by("number"))
    options = {}
    for scale_id, value in instrument.scales.values_list("pk", "options__value"):
        if value is not None:
            options.setdefault(scale_id, set()).add(value)
    item_specs = []
    for item in items:
        values = options.get(item.scale_id, set())
        item_specs.append(ItemSpec(
            number=item.number, low=min(values, default=0), high=max(values, default=0), reverse=item.reverse,
            subscale=item.subscale.code if item.subscale else "", flag_above=item.flag_above,
            values=frozenset(values)))
    bands = tuple(BandSpec(b.lower, b.label, b.label_en) for b in instrument.bands.all())
    return InstrumentSpec(code=instrument.code, better=instrument.better, items=tuple(item_specs), bands=bands)
