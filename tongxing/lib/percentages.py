"""Percentage shares for report tables whose column must read 100.0%.

Pure standard library; no Django import, so it can be used from reports,
exports, the CLI and tests alike.

The rule (seed document 004, Kaohsiung drug-abuse prevention centre, 2017)
-------------------------------------------------------------------------
The seed prints three tables of counts with a percentage row that totals
100.0%.  All three follow one rule, which is the default here
(``method="last_absorbs"``):

    Round every category to ``decimals`` places, half up; the last category
    in the table's order then takes whatever is left, i.e.
    ``last = 100 - sum(all the others)``.

Evidence (exact shares in brackets):

* 表一 (35,008 contacts): 79.3 / 14.4 / 2.4 / 3.9 -- plain rounding already
  adds to 100.0, so the last column (其他訪視) needs no correction.
* 表二 (294 referrals): 中途之家 is 11/294 = 3.74%, yet printed 3.8%.  The
  other five round to 18.7 + 7.1 + 64.6 + 0.7 + 5.1 = 96.2, and
  100 - 96.2 = 3.8.  Plain rounding gives 3.7 and a column of 99.9.
* 表三 (196 consultations): 其他 is 5/196 = 2.55%, yet printed 2.5%.  The
  others round to 9.7 + 23.0 + 20.9 + 20.4 + 13.3 + 10.2 = 97.5, and
  100 - 97.5 = 2.5.  Plain rounding gives 2.6 and a column of 100.1.
  (The seed prints 23.0 and 100.0 as "23%" and "100%": the typesetting
  dropped a trailing ".0"; the values are the same.  We always print the
  fixed number of decimals.)

Other candidate rules fail on 表二: the largest-remainder (Hamilton) method
gives 7.2 / 3.7 instead of 7.1 / 3.8; "adjust the largest category" gives
64.7; truncation gives 0.6 instead of 0.7.

Largest remainder (DOMAIN.md "Taiwan" names the seed's convention so)
-------------------------------------------------------------------
True largest remainder -- every share truncated, then the units still missing
given one each to the largest remainders -- reproduces 表一 (79.3 / 14.4 /
2.4 / 3.9), 表三 (… 13.3 / 10.2 / 2.5), the sex shares and the seven age bands
of the seed exactly, but not 表二: 7.14% (21/294) has a larger remainder than
3.74% (11/294), so Hamilton prints 7.2 / 3.7 where the seed prints 7.1 / 3.8.
No table of the seed needs it, and one contradicts it, so the default stays
the rule above; ``method="largest_remainder"`` is offered as a setting for
returns that ask for it (ties go to the earlier column).  The text's two-decimal figures
(sex 84.72 / 15.28 and the seven age bands, hotline 47.11 and 17.16) already
add up under plain rounding, so the rule leaves them unchanged.

Keeping the rule sane for every input
-------------------------------------
Taken literally, "100 minus the others" can leave the last category far
from its true share, or even negative (2,000 categories of one count each
round to 0.1% apiece).  So the implementation is the literal rule
generalised: the shortfall or excess of the plainly rounded column is
corrected one unit of the last decimal at a time, starting at the last
category and moving towards the first, and a category is only moved in the
direction it was rounded away from (a category rounded up may go down one
unit, one rounded down may go up one unit).  Each category moves at most
once.  Consequences:

* the result is *identical* to ``100 - sum(others)`` whenever that literal
  value stays within one unit of the last category's exact share -- which
  covers every table in the seed and almost every real table;
* otherwise the remaining correction moves up to the next eligible
  category from the bottom, so every share stays strictly within one unit of
  the last decimal of its exact value, no share is ever negative, and the
  column still adds to exactly 100.

``method="plain"`` rounds each share independently (half up); the column may
then read 99.9 or 100.1.

Rounding direction: ROUND_HALF_UP
---------------------------------
Half up (四捨五入) is what Taiwanese official statistics, funders' forms and
Excel's ROUND use, so a share of exactly 12.25% prints 12.3%, as readers of
these reports expect.  Python's ``round()`` and Decimal's default context
round half to even (12.2), and floats cannot even hold 12.25 of most ratios
exactly.  Shares are therefore computed from the integer counts with exact
integer arithmetic that is equivalent to ``Decimal.quantize(..., ROUND_HALF_UP)``
on the exact ratio (no intermediate quotient is ever truncated), and are
returned as ``Decimal`` values with exactly ``decimals`` places.

Zero total
----------
If every count is zero (or ``counts`` is empty) there is no share to speak
of: ``shares`` returns one ``Decimal`` zero per category (``0.0`` at one
decimal), so tables and templates need no special case, and the column adds
to 0, not 100.  A caller that wants to print "—" instead should test
``sum(counts) == 0`` itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

__all__ = [
    "LARGEST_REMAINDER",
    "LAST_ABSORBS",
    "METHODS",
    "PLAIN",
    "ROUNDING",
    "format_share",
    "shares",
]

#: Round each category half up; the last category absorbs the residual so the
#: column adds to exactly 100 (the rule of seed 004).  Default.
LAST_ABSORBS = "last_absorbs"
#: Round each category half up independently; the column may not add to 100.
PLAIN = "plain"
#: Hamilton's method: truncate every share, then one unit each to the largest remainders; adds to 100.
LARGEST_REMAINDER = "largest_remainder"
METHODS = (LAST_ABSORBS, LARGEST_REMAINDER, PLAIN)

#: The rounding used throughout (see module docstring).
ROUNDING = ROUND_HALF_UP


def _half_up(numerator: int, denominator: int) -> int:
    """``numerator / denominator`` rounded to an integer, halves up.

    Exact for non-negative integers; equals
    ``(Decimal(numerator) / denominator).quantize(Decimal(1), ROUND_HALF_UP)``
    computed without any loss of precision.
    """
    return (2 * numerator + denominator) // (2 * denominator)


def shares(
    counts: Sequence[int],
    *,
    decimals: int = 1,
    method: str = LAST_ABSORBS,
) -> list[Decimal]:
    """Percentage share of each count, rounded to ``decimals`` places.

    ``method="last_absorbs"`` (default, the rule of seed 004): round half up,
    then the last category absorbs the residual so the result adds to exactly
    100 (see the module docstring for the evidence and for how the rule is
    kept within one unit of every exact share).  ``method="plain"``: round
    half up, nothing more.

    Returns ``Decimal`` values with exactly ``decimals`` places, in the order
    of ``counts``.  All-zero (or empty) ``counts`` give zeros.

    >>> [str(s) for s in shares([55, 21, 190, 2, 15, 11])]
    ['18.7', '7.1', '64.6', '0.7', '5.1', '3.8']
    >>> [str(s) for s in shares([55, 21, 190, 2, 15, 11], method="plain")]
    ['18.7', '7.1', '64.6', '0.7', '5.1', '3.7']
    """
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; expected one of {', '.join(METHODS)}")
    if isinstance(decimals, bool) or not isinstance(decimals, int) or decimals < 0:
        raise ValueError(f"decimals must be a non-negative int, not {decimals!r}")
    values = list(counts)
    for count in values:
        if isinstance(count, bool) or not isinstance(count, int):
            raise TypeError(f"counts must be ints, got {count!r}")
        if count < 0:
            raise ValueError(f"counts must be non-negative, got {count}")

    total = sum(values)
    if total == 0:
        return [_to_decimal(0, decimals) for _ in values]

    # Work in units of the last printed decimal: 100% == 100 * 10**decimals units.
    whole = 100 * 10**decimals
    numerators = [count * whole for count in values]  # exact share == numerator / total units
    if method == LARGEST_REMAINDER:
        units = [n // total for n in numerators]
        # Remainders are compared exactly as numerators modulo the total; ties go to the earlier column.
        by_remainder = sorted(range(len(units)), key=lambda i: (-(numerators[i] % total), i))
        for i in by_remainder[:whole - sum(units)]:
            units[i] += 1
        return [_to_decimal(u, decimals) for u in units]
    units = [_half_up(n, total) for n in numerators]

    if method == LAST_ABSORBS:
        residual = whole - sum(units)  # > 0: column short; < 0: column over
        step = 1 if residual > 0 else -1
        for i in range(len(units) - 1, -1, -1):
            if residual == 0:
                break
            # Sign of the rounding error of category i: rounded - exact.
            error = units[i] * total - numerators[i]
            # Move only a category that was rounded away from the needed
            # direction, so it stays within one unit of its exact share.
            if (step > 0 and error < 0) or (step < 0 and error > 0):
                units[i] += step
                residual -= step
        # Half-up errors lie in (-1/2, +1/2] units, so a residual of r units
        # always has at least 2|r| eligible categories.
        assert residual == 0, "unreachable: not enough categories to absorb the residual"

    return [_to_decimal(u, decimals) for u in units]


def _to_decimal(units: int, decimals: int) -> Decimal:
    """``units`` of ``10**-decimals``, as a Decimal with exactly ``decimals`` places."""
    return Decimal(units).scaleb(-decimals)


def format_share(value: Decimal | int | str | None, decimals: int = 1) -> str:
    """Format a share for display: ``format_share(Decimal("79.3"))`` -> ``"79.3%"``.

    Always prints exactly ``decimals`` places (``"23.0%"``, ``"100.0%"``),
    rounding half up if ``value`` carries more.  Floats are refused: pass the
    ``Decimal`` from :func:`shares` (or a string/int).  ``None`` -- a share
    that does not exist -- prints as ``"—"``.
    """
    if value is None:
        return "—"
    if isinstance(value, float):
        raise TypeError("pass a Decimal, int or str, not a float")
    if isinstance(decimals, bool) or not isinstance(decimals, int) or decimals < 0:
        raise ValueError(f"decimals must be a non-negative int, not {decimals!r}")
    quantum = Decimal(1).scaleb(-decimals)
    rounded = Decimal(value).quantize(quantum, rounding=ROUNDING)
    if rounded == 0:
        rounded = abs(rounded)  # never print "-0.0%"
    return f"{rounded:f}%"
