"""Scoring: PHQ-9 at every band boundary and its item-9 flag; reverse-scored items; subscales."""

import pytest

from tongxing.outcomes.library import ensure_library
from tongxing.outcomes.models import Instrument
from tongxing.outcomes.scoring import (
    AnswerError,
    BandSpec,
    InstrumentSpec,
    ItemSpec,
    band_for,
    score,
    spec_of,
)


@pytest.fixture
def phq9(db):
    ensure_library()
    return spec_of(Instrument.objects.get(code="phq9"))


def answers_for(total, item9=0):
    """Nine PHQ-9 answers adding to `total`, item 9 fixed."""
    answers, rest = {9: item9}, total - item9
    for number in range(1, 9):
        answers[number] = min(3, rest)
        rest -= answers[number]
    assert rest == 0
    return answers


@pytest.mark.parametrize(("total", "band"), [
    (0, "輕微或沒有"), (4, "輕微或沒有"), (5, "輕度"), (9, "輕度"), (10, "中度"), (14, "中度"),
    (15, "中重度"), (19, "中重度"), (20, "重度"), (27, "重度"),
])
def test_phq9_bands_at_every_boundary(phq9, total, band):
    result = score(phq9, answers_for(total, item9=min(3, total)))
    assert result.total == total
    assert result.band.label == band


def test_phq9_library_definition(phq9):
    assert len(phq9.items) == 9
    assert (phq9.lowest, phq9.highest) == (0, 27)
    assert phq9.better == "lower"
    assert [b.lower for b in phq9.bands] == [0, 5, 10, 15, 20]


@pytest.mark.parametrize(("item9", "flagged"), [(0, []), (1, [9]), (2, [9]), (3, [9])])
def test_phq9_flags_any_item_9_answer_above_0(phq9, item9, flagged):
    assert score(phq9, answers_for(3 + item9, item9=item9)).flags == flagged


def test_other_items_never_flag(phq9):
    assert score(phq9, {**dict.fromkeys(range(1, 9), 3), 9: 0}).flags == []


def test_incomplete_or_off_scale_answers_are_refused(phq9):
    with pytest.raises(AnswerError) as missing:
        score(phq9, {n: 1 for n in range(1, 9)})
    assert set(missing.value.problems) == {9}
    with pytest.raises(AnswerError) as off:
        score(phq9, {**answers_for(0), 3: 4, 10: 1})
    assert set(off.value.problems) == {3, 10}


LIKERT = InstrumentSpec(code="x", better="higher", items=(
    ItemSpec(1, 1, 5, subscale="a"), ItemSpec(2, 1, 5, reverse=True, subscale="a"),
    ItemSpec(3, 1, 5, subscale="b"), ItemSpec(4, 1, 5, reverse=True, subscale="b"), ItemSpec(5, 1, 5)))


@pytest.mark.parametrize(("given", "scored"), [(1, 5), (2, 4), (3, 3), (4, 2), (5, 1)])
def test_reverse_scored_items_count_from_the_other_end(given, scored):
    result = score(LIKERT, {1: 1, 2: given, 3: 1, 4: 5, 5: 1})
    assert result.subscales["a"] == 1 + scored
    assert result.total == 1 + scored + 1 + 1 + 1


def test_subscales_sum_their_items_and_total_sums_all():
    result = score(LIKERT, {1: 5, 2: 1, 3: 2, 4: 4, 5: 3})
    assert result.subscales == {"a": 10, "b": 4}
    assert result.total == 17
    assert result.band is None


def test_band_for_below_the_first_band_is_none():
    assert band_for([BandSpec(5, "mild")], 4) is None
    assert band_for([BandSpec(5, "mild"), BandSpec(0, "none")], 4).label == "none"


def test_shipped_library(db):
    ensure_library()
    ensure_library()  # idempotent
    codes = set(Instrument.objects.filter(organisation__isnull=True).values_list("code", flat=True))
    assert codes == {"phq9", "contemplation-ladder", "readiness-ruler", "drug-frequency-3m", "satisfaction"}
    ladder = spec_of(Instrument.objects.get(code="contemplation-ladder"))
    assert (ladder.lowest, ladder.highest, ladder.better) == (0, 10, "higher")
    frequency = spec_of(Instrument.objects.get(code="drug-frequency-3m"))
    assert (frequency.lowest, frequency.highest, frequency.better) == (0, 4, "lower")
