"""Pre/post analysis of questionnaire totals (DOMAIN.md "Funded projects"; seeds 000 and 001).

Seed 001 reports each outcome as improved / no change / worse, counts and % of the n paired respondents
("75人中，81.3% 受訪者於 PHQ-9 中有改善"; 81.3 / 10.7 / 8.0), and the criteria read "70% of participants
improved, or a paired-sample t-test shows a significant improvement". The functions here are pure (lists of
numbers in, figures out); `selectors.administrations_for` feeds them from the database.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal

from tongxing.lib.percentages import PLAIN, shares

IMPROVED, SAME, WORSE = "improved", "same", "worse"
OUTCOMES = (IMPROVED, SAME, WORSE)

# Change rules a project can choose per outcome indicator.
ANY_CHANGE = "any"
MIN_CHANGE = "min_change"
HALF_REDUCTION = "half_reduction"
RULES = (ANY_CHANGE, MIN_CHANGE, HALF_REDUCTION)


@dataclass(frozen=True)
class Form:
    """One administration as analysis needs it; `order` breaks ties between forms of the same date."""

    person: int
    time_point: str
    date: object
    total: int
    order: int = 0


def pair(forms, before: str = "pre", after: str = "post"):
    """Per person, the first `before` form and the last `after` form.

    Returns (pairs, unpaired): pairs as (person, before total, after total) sorted by person; unpaired
    counts the people with only a `before` form ("pre") or only an `after` form ("post"), who are left out.
    """
    firsts, lasts = {}, {}
    for form in forms:
        key = (form.date, form.order)
        if form.time_point == before and (form.person not in firsts or key < firsts[form.person][0]):
            firsts[form.person] = (key, form.total)
        elif form.time_point == after and (form.person not in lasts or key > lasts[form.person][0]):
            lasts[form.person] = (key, form.total)
    pairs = [(p, firsts[p][1], lasts[p][1]) for p in sorted(firsts.keys() & lasts.keys())]
    unpaired = {"pre": len(firsts.keys() - lasts.keys()), "post": len(lasts.keys() - firsts.keys())}
    return pairs, unpaired


def classify(pre: float, post: float, *, better: str, rule: str = ANY_CHANGE, min_change: float = 0,
             lowest: float = 0, highest: float = 0) -> str:
    """Improved, same or worse for one person.

    - any: any change in the better direction is an improvement, any in the other direction worse;
    - min_change: the change must be at least `min_change` points either way (e.g. 5 on PHQ-9);
    - half_reduction: the distance from the best possible total (`lowest` when lower is better,
      `highest` when higher is better) must fall by at least half; any growth of it is worse.
    """
    gain = (pre - post) if better == "lower" else (post - pre)
    if rule == ANY_CHANGE:
        return IMPROVED if gain > 0 else WORSE if gain < 0 else SAME
    if rule == MIN_CHANGE:
        if min_change <= 0:
            raise ValueError("min_change must be positive")
        return IMPROVED if gain >= min_change else WORSE if -gain >= min_change else SAME
    if rule == HALF_REDUCTION:
        best = lowest if better == "lower" else highest
        before, after = abs(pre - best), abs(post - best)
        if after > before:
            return WORSE
        return IMPROVED if before > 0 and after * 2 <= before else SAME
    raise ValueError(f"unknown rule {rule!r}")


@dataclass(frozen=True)
class TTest:
    n: int
    mean_diff: float | None  # mean of post − pre
    sd: float | None  # SD of the differences (n − 1)
    t: float | None
    df: int | None
    p: float | None  # two-sided


def paired_t(pre, post) -> TTest:
    """Paired-sample t-test of post against pre (scipy.stats.ttest_rel); no t when n < 2 or SD is 0."""
    n = len(pre)
    if n != len(post):
        raise ValueError("pre and post differ in length")
    if n == 0:
        return TTest(0, None, None, None, None, None)
    diffs = [b - a for a, b in zip(pre, post, strict=True)]
    mean = math.fsum(diffs) / n
    if n < 2:
        return TTest(n, mean, None, None, None, None)
    sd = math.sqrt(math.fsum((d - mean) ** 2 for d in diffs) / (n - 1))
    if sd == 0:
        return TTest(n, mean, 0.0, None, n - 1, None)
    from scipy import stats  # loads in about a second: only the t-test needs it, not every process start

    result = stats.ttest_rel(post, pre)
    return TTest(n, mean, sd, float(result.statistic), n - 1, float(result.pvalue))


@dataclass
class PrePost:
    n: int
    counts: dict[str, int]
    percents: dict[str, Decimal]
    unpaired: dict[str, int]
    mean_pre: float | None
    mean_post: float | None
    ttest: TTest
    better: str

    def significant_improvement(self, alpha: float) -> bool:
        """p < alpha with the mean change in the better direction (a significant worsening is no success)."""
        t = self.ttest
        if t.p is None or t.p >= alpha:
            return False
        return t.mean_diff < 0 if self.better == "lower" else t.mean_diff > 0


def pre_post(forms, *, better: str, rule: str = ANY_CHANGE, min_change: float = 0, lowest: float = 0,
             highest: float = 0, before: str = "pre", after: str = "post") -> PrePost:
    pairs, unpaired = pair(forms, before, after)
    counts = dict.fromkeys(OUTCOMES, 0)
    for _person, a, b in pairs:
        counts[classify(a, b, better=better, rule=rule, min_change=min_change, lowest=lowest,
                        highest=highest)] += 1
    # Seed 001 rounds each share on its own: 56/71, 9/71, 6/71 print 78.9 / 12.7 / 8.5 (adding to 100.1).
    percents = dict(zip(OUTCOMES, shares([counts[o] for o in OUTCOMES], method=PLAIN), strict=True))
    pre_totals = [a for _p, a, _b in pairs]
    post_totals = [b for _p, _a, b in pairs]
    n = len(pairs)
    return PrePost(
        n=n, counts=counts, percents=percents, unpaired=unpaired,
        mean_pre=math.fsum(pre_totals) / n if n else None, mean_post=math.fsum(post_totals) / n if n else None,
        ttest=paired_t(pre_totals, post_totals), better=better)


@dataclass
class PostOnly:
    n: int
    agreeing: int
    percent: Decimal
    counts: dict[str, int] = field(default_factory=dict)


def agrees(total: int, *, agree_at: int, better: str) -> bool:
    return total <= agree_at if better == "lower" else total >= agree_at


def post_only(totals, *, agree_at: int, better: str) -> PostOnly:
    """Share of forms agreeing (seed 001 成效指數(四): "95.8% 對工作坊感到滿意")."""
    totals = list(totals)
    yes = sum(1 for t in totals if agrees(t, agree_at=agree_at, better=better))
    agreeing = shares([yes, len(totals) - yes], method=PLAIN)[0]
    return PostOnly(n=len(totals), agreeing=yes, percent=agreeing,
                    counts={"agree": yes, "disagree": len(totals) - yes})


# Criteria of an outcome indicator (seed 000 成效指標二, seed 001 成效指數(一)–(四)).
IMPROVED_OR_T = "improved_or_t"
IMPROVED_PCT = "improved_pct"
AGREE_PCT = "agree_pct"
CRITERIA = (IMPROVED_OR_T, IMPROVED_PCT, AGREE_PCT)


@dataclass(frozen=True)
class Verdict:
    met: bool | None  # None: no forms to judge
    routes: tuple[str, ...]  # which routes passed: "percent", "t-test"
    percent: Decimal | None


def judge(criterion: str, result, *, threshold: Decimal, alpha: float = 0.05) -> Verdict:
    """Whether an outcome indicator is met, and by which route(s).

    improved_or_t: "≥threshold% improved OR the paired t-test shows a significant improvement at alpha";
    improved_pct: ≥threshold% improved; agree_pct: ≥threshold% of post-only forms agreeing.
    """
    if criterion not in CRITERIA:
        raise ValueError(f"unknown criterion {criterion!r}")
    if result.n == 0:
        return Verdict(None, (), None)
    percent = result.percent if criterion == AGREE_PCT else result.percents[IMPROVED]
    # The threshold is compared with the exact share, not the rounded one: 69.96% is not 70%.
    exact = Decimal(result.agreeing if criterion == AGREE_PCT else result.counts[IMPROVED]) * 100 / result.n
    routes = ["percent"] if exact >= threshold else []
    if criterion == IMPROVED_OR_T and result.significant_improvement(alpha):
        routes.append("t-test")
    return Verdict(bool(routes), tuple(routes), percent)


def format_p(p: float | None) -> str:
    """A p-value as a report prints it: four decimals, and a very small one in scientific notation
    (p = 8.6e-20, never "0" or "0.0000")."""
    if p is None:
        return "—"
    if p < 0.0001:
        return f"{p:.1e}"
    return f"{p:.4f}"
