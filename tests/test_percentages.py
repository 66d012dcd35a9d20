"""Percentage shares: the column-to-100 rule found in seed 004 (Kaohsiung, 2017).

Pure tests: no database, no Django.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tongxing.lib.percentages import LAST_ABSORBS, METHODS, PLAIN, format_share, shares

# --- Seed 004, counts and printed percentages, in the tables' column order ---------------

# 表一：106 年訪視服務類型 — 電訪, 家訪, 面談, 其他訪視 (total 35,008)
TABLE_1 = ([27749, 5048, 846, 1365], ["79.3", "14.4", "2.4", "3.9"])
# 表二：資源轉介 — 衛生局醫療戒治, 社會局保護扶助, 勞工局就業輔導, 更生保護會,
#        其他民間社福(慈善)單位, 中途之家 (total 294)
TABLE_2 = ([55, 21, 190, 2, 15, 11], ["18.7", "7.1", "64.6", "0.7", "5.1", "3.8"])
# 表三：心靈諮詢站諮詢類型 — 家庭, 工作, 自我探索, 感情(婚姻), 身體狀況, 官司, 其他
#        (total 196).  The seed prints 工作 as "23%" and the total as "100%":
#        a dropped trailing ".0", the same values as 23.0 and 100.0.
TABLE_3 = ([19, 45, 41, 40, 26, 20, 5], ["9.7", "23.0", "20.9", "20.4", "13.3", "10.2", "2.5"])
# Text, two decimals: registered cases by sex (男, 女) and by age band (total 4,940).
SEX = ([4185, 755], ["84.72", "15.28"])
AGE = ([28, 1415, 1459, 1349, 576, 110, 3], ["0.57", "28.64", "29.53", "27.31", "11.66", "2.23", "0.06"])

SEED_TABLES = {"table_1": TABLE_1, "table_2": TABLE_2, "table_3": TABLE_3}


def _dec(values):
    return [Decimal(v) for v in values]


# --- The seed, rebuilt from its counts -----------------------------------------------------


@pytest.mark.parametrize("name", sorted(SEED_TABLES))
def test_seed_004_tables_reproduced_exactly(name):
    counts, printed = SEED_TABLES[name]
    result = shares(counts)
    assert [str(s) for s in result] == printed
    assert sum(result) == Decimal("100.0")
    assert format_share(sum(result)) == "100.0%"


def test_seed_004_table_1_printed_values():
    counts, _ = TABLE_1
    assert sum(counts) == 35008
    assert [format_share(s) for s in shares(counts)] == ["79.3%", "14.4%", "2.4%", "3.9%"]


def test_seed_004_table_2_last_row_absorbs_to_3_8():
    counts, _ = TABLE_2
    assert sum(counts) == 294
    result = shares(counts)
    assert result[-1] == Decimal("3.8")  # 11/294 = 3.74%
    assert result[-1] == Decimal(100) - sum(result[:-1])  # 100 - 96.2
    assert format_share(result[-1]) == "3.8%"


def test_seed_004_table_3_last_row_absorbs_to_2_5():
    counts, _ = TABLE_3
    assert sum(counts) == 196
    result = shares(counts)
    assert result[-1] == Decimal("2.5")  # 5/196 = 2.55%
    assert result[-1] == Decimal(100) - sum(result[:-1])  # 100 - 97.5
    # The seed's "23%" is 23.0 with the ".0" dropped; numerically equal.
    assert result[1] == Decimal("23")
    assert format_share(result[1]) == "23.0%"


@pytest.mark.parametrize("counts,printed", [SEX, AGE])
def test_seed_004_two_decimal_figures_in_text(counts, printed):
    assert sum(counts) == 4940
    for method in METHODS:
        result = shares(counts, decimals=2, method=method)
        assert result == _dec(printed)
        assert [str(s) for s in result] == printed
    assert sum(shares(counts, decimals=2)) == Decimal("100.00")


def test_seed_004_hotline_shares():
    # 1,055 items of advice: 心理支持 497 (47.11%), 第三、四級毒品危害講習 181 (17.16%);
    # the remaining 377 are not broken down.  Only the last row can move.
    result = shares([497, 181, 1055 - 497 - 181], decimals=2)
    assert result[:2] == _dec(["47.11", "17.16"])
    assert sum(result) == Decimal("100.00")
    # Not asserted: the seed's "509 of 1,014 calls = 50.1%" (exactly 50.197%) is a
    # single ratio, not a column, and matches neither half-up nor our rule
    # (it would need truncation); we print 50.2%.
    assert shares([509, 1014 - 509])[0] == Decimal("50.2")


# --- Plain rounding does not reproduce the seed ----------------------------------------------


def test_plain_rounding_matches_table_1():
    counts, printed = TABLE_1
    assert shares(counts, method=PLAIN) == _dec(printed)


def test_plain_rounding_differs_on_table_2():
    counts, printed = TABLE_2
    result = shares(counts, method=PLAIN)
    assert result[-1] == Decimal("3.7")  # seed prints 3.8
    assert result[:-1] == _dec(printed[:-1])
    assert sum(result) == Decimal("99.9")


def test_plain_rounding_differs_on_table_3():
    counts, printed = TABLE_3
    result = shares(counts, method=PLAIN)
    assert result[-1] == Decimal("2.6")  # seed prints 2.5
    assert result[:-1] == _dec(printed[:-1])
    assert sum(result) == Decimal("100.1")


# --- Other candidate rules fail on the seed (why "last absorbs" is the rule) -------------


def _largest_remainder(counts, decimals=1):
    whole = 100 * 10**decimals
    total = sum(counts)
    exact = [Fraction(c * whole, total) for c in counts]
    floors = [int(x) for x in exact]
    order = sorted(range(len(counts)), key=lambda i: exact[i] - floors[i], reverse=True)
    for i in order[: whole - sum(floors)]:
        floors[i] += 1
    return [Decimal(u).scaleb(-decimals) for u in floors]


def _adjust_largest(counts, decimals=1):
    result = shares(counts, decimals=decimals, method=PLAIN)
    biggest = max(range(len(counts)), key=lambda i: counts[i])
    result[biggest] += Decimal(100) - sum(result)
    return result


def test_largest_remainder_does_not_reproduce_table_2():
    counts, printed = TABLE_2
    result = _largest_remainder(counts)
    assert result != _dec(printed)
    assert (result[1], result[-1]) == (Decimal("7.2"), Decimal("3.7"))  # seed: 7.1, 3.8


def test_adjust_largest_does_not_reproduce_tables_2_and_3():
    assert _adjust_largest(TABLE_2[0])[2] == Decimal("64.7")  # seed: 64.6
    assert _adjust_largest(TABLE_3[0])[1] == Decimal("22.9")  # seed: 23%


# --- Edge cases and API --------------------------------------------------------------------------


def test_zero_total_gives_zeros():
    for method in METHODS:
        result = shares([0, 0, 0], method=method)
        assert result == [Decimal(0)] * 3
        assert [str(s) for s in result] == ["0.0", "0.0", "0.0"]
    assert shares([]) == []
    assert [str(s) for s in shares([0, 0], decimals=2)] == ["0.00", "0.00"]


def test_decimals_are_fixed():
    assert [str(s) for s in shares([1, 1], decimals=0)] == ["50", "50"]
    assert [str(s) for s in shares([1, 0])] == ["100.0", "0.0"]
    assert [str(s) for s in shares([1, 2], decimals=3)] == ["33.333", "66.667"]
    assert [str(s) for s in shares([1, 1, 1])] == ["33.3", "33.3", "33.4"]


def test_half_up_not_half_even():
    # 1/8 = 12.5% -> 13 at 0 decimals (half-even would give 12); 49/400 = 12.25% -> 12.3.
    assert shares([1, 7], decimals=0, method=PLAIN)[0] == Decimal(13)
    assert shares([49, 351], method=PLAIN)[0] == Decimal("12.3")
    assert shares([1, 7], decimals=0)[0] == Decimal(13)


def test_zero_categories_never_absorb():
    # 2,000 categories of one count each: every share 0.05% rounds up to 0.1%;
    # "100 minus the others" taken literally would make the last -99.9%.
    result = shares([1] * 2000)
    assert sum(result) == Decimal(100)
    assert all(s in (Decimal("0.0"), Decimal("0.1")) for s in result)
    # A zero-count last row is never given a share.
    assert shares([1, 1, 1, 0])[-1] == Decimal("0.0")


def test_invalid_input():
    with pytest.raises(ValueError):
        shares([1, 2], method="hamilton")
    with pytest.raises(ValueError):
        shares([1, -2])
    with pytest.raises(ValueError):
        shares([1, 2], decimals=-1)
    with pytest.raises(TypeError):
        shares([1.5, 2])


def test_format_share():
    assert format_share(Decimal("79.3")) == "79.3%"
    assert format_share(Decimal("23")) == "23.0%"
    assert format_share(Decimal("100")) == "100.0%"
    assert format_share(Decimal("84.72"), 2) == "84.72%"
    assert format_share(Decimal("12.25")) == "12.3%"
    assert format_share(Decimal("-0.01")) == "0.0%"
    assert format_share(7, 0) == "7%"
    assert format_share(None) == "—"
    with pytest.raises(TypeError):
        format_share(3.8)


def test_default_method_name():
    assert LAST_ABSORBS == "last_absorbs"
    assert shares(TABLE_2[0]) == shares(TABLE_2[0], method=LAST_ABSORBS)


# --- Properties --------------------------------------------------------------------------------

counts_strategy = st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=40).filter(
    lambda xs: sum(xs) > 0
)
decimals_strategy = st.integers(min_value=0, max_value=3)


def _exact(counts):
    total = sum(counts)
    return [Fraction(100 * c, total) for c in counts]


@given(counts_strategy, decimals_strategy)
def test_default_sums_to_exactly_100_and_stays_within_one_unit(counts, decimals):
    result = shares(counts, decimals=decimals)
    unit = Fraction(1, 10**decimals)
    assert sum(result) == 100
    for share, exact in zip(result, _exact(counts), strict=True):
        assert share.as_tuple().exponent == -decimals
        assert share >= 0
        assert abs(Fraction(share) - exact) < unit


@given(counts_strategy, decimals_strategy)
def test_default_is_literally_100_minus_the_others_when_that_is_sane(counts, decimals):
    # The seed's rule taken literally; our method must agree whenever the literal
    # result keeps the last category within one unit of its exact share.
    plain = shares(counts, decimals=decimals, method=PLAIN)
    literal_last = Decimal(100) - sum(plain[:-1])
    unit = Fraction(1, 10**decimals)
    if abs(Fraction(literal_last) - _exact(counts)[-1]) < unit:
        assert shares(counts, decimals=decimals) == plain[:-1] + [literal_last]


@given(counts_strategy, decimals_strategy)
def test_plain_is_decimal_round_half_up_of_the_exact_share(counts, decimals):
    total = sum(counts)
    quantum = Decimal(1).scaleb(-decimals)
    result = shares(counts, decimals=decimals, method=PLAIN)
    with localcontext() as ctx:
        ctx.prec = 60  # ample: counts <= 40e6, so no quotient lands within 1e-40 of a half
        expected = [(Decimal(100 * c) / total).quantize(quantum, rounding=ROUND_HALF_UP) for c in counts]
    assert result == expected
    if sum(result) == 100:
        assert shares(counts, decimals=decimals) == result


# --- Largest remainder (Hamilton), as DOMAIN.md names the seed's convention ------------------------------------

def _lr(counts, decimals=1):
    return [str(s) for s in shares(counts, decimals=decimals, method="largest_remainder")]


def test_largest_remainder_reproduces_the_seed_where_it_can():
    assert _lr([27749, 5048, 846, 1365]) == ["79.3", "14.4", "2.4", "3.9"]  # 表一
    assert _lr([19, 45, 41, 40, 26, 20, 5]) == ["9.7", "23.0", "20.9", "20.4", "13.3", "10.2", "2.5"]  # 表三
    assert _lr([4185, 755], 2) == ["84.72", "15.28"]
    assert _lr([28, 1415, 1459, 1349, 576, 110, 3], 2) == [
        "0.57", "28.64", "29.53", "27.31", "11.66", "2.23", "0.06"]


def test_largest_remainder_is_not_the_seeds_table_2():
    # 21/294 = 7.143% has the larger remainder than 11/294 = 3.741%: Hamilton gives 7.2 / 3.7, the seed 7.1 / 3.8.
    assert _lr([55, 21, 190, 2, 15, 11]) == ["18.7", "7.2", "64.6", "0.7", "5.1", "3.7"]
    assert [str(s) for s in shares([55, 21, 190, 2, 15, 11])] == ["18.7", "7.1", "64.6", "0.7", "5.1", "3.8"]


def test_largest_remainder_adds_to_100_and_breaks_ties_by_order():
    assert _lr([1, 1, 1]) == ["33.4", "33.3", "33.3"]
    assert _lr([0, 0]) == ["0.0", "0.0"]
    assert sum(shares([1] * 2000, method="largest_remainder")) == 100
