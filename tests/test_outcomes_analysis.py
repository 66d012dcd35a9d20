"""Pre/post analysis: paired t-test equals scipy; improved / same / worse under each rule; pairing."""

import datetime as dt
import math
from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from scipy import stats

from tongxing.outcomes import analysis
from tongxing.outcomes.analysis import Form, classify, judge, pair, paired_t, post_only, pre_post

totals = st.integers(min_value=0, max_value=27)
pairs_st = st.lists(st.tuples(totals, totals), min_size=2, max_size=60)


@given(pairs_st)
def test_paired_t_matches_scipy(pairs):
    pre, post = [a for a, _ in pairs], [b for _, b in pairs]
    diffs = [b - a for a, b in pairs]
    assume(len(set(diffs)) > 1)
    result = paired_t(pre, post)
    expected = stats.ttest_rel(post, pre)
    assert result.t == pytest.approx(float(expected.statistic), rel=1e-9)
    assert result.p == pytest.approx(float(expected.pvalue), rel=1e-9, abs=1e-300)
    assert result.df == len(pairs) - 1
    assert result.n == len(pairs)
    assert result.mean_diff == pytest.approx(sum(diffs) / len(diffs))
    mean = sum(diffs) / len(diffs)
    assert result.sd == pytest.approx(math.sqrt(sum((d - mean) ** 2 for d in diffs) / (len(diffs) - 1)))
    assert result.sd == pytest.approx(stats.tstd(diffs))


def test_paired_t_degenerate_cases():
    assert paired_t([], []).t is None
    one = paired_t([5], [3])
    assert (one.n, one.mean_diff, one.t, one.p) == (1, -2, None, None)
    constant = paired_t([5, 6, 7], [3, 4, 5])  # every difference −2: SD 0, no t
    assert (constant.sd, constant.t, constant.p, constant.df) == (0.0, None, None, 2)


@given(totals, totals)
def test_any_change_rule(pre, post):
    lower = classify(pre, post, better="lower")
    higher = classify(pre, post, better="higher")
    if post < pre:
        assert (lower, higher) == ("improved", "worse")
    elif post > pre:
        assert (lower, higher) == ("worse", "improved")
    else:
        assert lower == higher == "same"


@pytest.mark.parametrize(("pre", "post", "expected"), [
    (20, 15, "improved"), (20, 16, "same"), (20, 24, "same"), (20, 25, "worse"), (10, 10, "same"), (27, 0, "improved"),
])
def test_minimum_change_rule_phq9_five_points(pre, post, expected):
    assert classify(pre, post, better="lower", rule=analysis.MIN_CHANGE, min_change=5) == expected


def test_minimum_change_rule_needs_a_positive_change():
    with pytest.raises(ValueError):
        classify(1, 2, better="lower", rule=analysis.MIN_CHANGE, min_change=0)


@pytest.mark.parametrize(("pre", "post", "better", "expected"), [
    (20, 10, "lower", "improved"), (20, 11, "lower", "same"), (20, 21, "lower", "worse"), (0, 0, "lower", "same"),
    (21, 11, "lower", "same"), (21, 10, "lower", "improved"),
    # Higher is better on 0–10: the distance from 10 must halve.
    (2, 6, "higher", "improved"), (2, 5, "higher", "same"), (6, 5, "higher", "worse"), (10, 10, "higher", "same"),
])
def test_half_reduction_rule(pre, post, better, expected):
    highest = 27 if better == "lower" else 10
    assert classify(pre, post, better=better, rule=analysis.HALF_REDUCTION, lowest=0, highest=highest) == expected


def forms_of(pairs, pre_only=0, post_only_=0):
    day = dt.date(2021, 1, 1)
    out = []
    for person, (a, b) in enumerate(pairs):
        out += [Form(person, "pre", day, a, 2 * person), Form(person, "post", day + dt.timedelta(90), b, 2 * person + 1)]
    for k in range(pre_only):
        out.append(Form(10_000 + k, "pre", day, 10, k))
    for k in range(post_only_):
        out.append(Form(20_000 + k, "post", day, 10, k))
    return out


@given(pairs_st, st.integers(0, 5), st.integers(0, 5))
def test_unpaired_forms_are_left_out_and_counted(pairs, pre_only, post_only_):
    result = pre_post(forms_of(pairs, pre_only, post_only_), better="lower")
    assert result.n == len(pairs)
    assert result.unpaired == {"pre": pre_only, "post": post_only_}
    assert sum(result.counts.values()) == len(pairs)
    assert result.counts["improved"] == sum(1 for a, b in pairs if b < a)
    assert result.counts["worse"] == sum(1 for a, b in pairs if b > a)
    assert result.mean_pre == pytest.approx(sum(a for a, _ in pairs) / len(pairs))


def test_pairing_takes_first_pre_and_last_post():
    day = dt.date(2021, 1, 1)
    forms = [Form(1, "pre", day + dt.timedelta(5), 9, 1), Form(1, "pre", day, 20, 2),
             Form(1, "post", day + dt.timedelta(30), 15, 3), Form(1, "post", day + dt.timedelta(60), 4, 4),
             Form(1, "mid", day + dt.timedelta(20), 0, 5)]
    assert pair(forms) == ([(1, 20, 4)], {"pre": 0, "post": 0})


def test_seed_001_phq9_shares_round_each_on_its_own():
    """Seed 001 prints 81.3 / 10.7 / 8.0 of 75 and 78.9 / 12.7 / 8.5 of 71."""
    phq = pre_post(forms_of([(15, 10)] * 61 + [(15, 15)] * 8 + [(15, 18)] * 6), better="lower")
    assert phq.percents == {"improved": Decimal("81.3"), "same": Decimal("10.7"), "worse": Decimal("8.0")}
    ladder = pre_post(forms_of([(3, 6)] * 56 + [(3, 3)] * 9 + [(3, 1)] * 6), better="higher")
    assert ladder.percents == {"improved": Decimal("78.9"), "same": Decimal("12.7"), "worse": Decimal("8.5")}


def test_post_only_share_agreeing():
    result = post_only([15] * 69 + [9] * 3, agree_at=12, better="higher")
    assert (result.n, result.agreeing, result.percent) == (72, 69, Decimal("95.8"))
    assert post_only([3, 5], agree_at=4, better="lower").agreeing == 1


@pytest.mark.parametrize(("pairs", "routes"), [
    # 7/10 improved by one point, 3 much worse: ≥70% but no significant improvement.
    ([(10, 9)] * 7 + [(10, 20)] * 3, ("percent",)),
    # 6/10 improved by five, 4 the same: 60% but t significant.
    ([(15, 10)] * 6 + [(15, 15)] * 4, ("t-test",)),
    ([(15, 10)] * 8 + [(15, 15)] * 2, ("percent", "t-test")),
    ([(10, 9)] * 6 + [(10, 12)] * 4, ()),
])
def test_improved_or_t_passes_by_either_route(pairs, routes):
    verdict = judge(analysis.IMPROVED_OR_T, pre_post(forms_of(pairs), better="lower"), threshold=Decimal(70))
    assert verdict.routes == routes
    assert verdict.met is bool(routes)


def test_a_significant_worsening_is_not_a_success():
    result = pre_post(forms_of([(10, 15)] * 6 + [(10, 10)] * 4), better="lower")
    assert result.ttest.p < 0.05
    assert judge(analysis.IMPROVED_OR_T, result, threshold=Decimal(70)).met is False


def test_threshold_compares_the_exact_share():
    # 699/1000 = 69.9% → not 70%, though 1 decimal would print 69.9 anyway; 2333/3333 = 69.996% rounds to 70.0.
    result = pre_post(forms_of([(5, 4)] * 2333 + [(5, 5)] * 1000), better="lower")
    assert result.percents["improved"] == Decimal("70.0")
    assert judge(analysis.IMPROVED_PCT, result, threshold=Decimal(70)).met is False


def test_no_forms_is_not_assessed():
    verdict = judge(analysis.IMPROVED_OR_T, pre_post([], better="lower"), threshold=Decimal(70))
    assert verdict.met is None
