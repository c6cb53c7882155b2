"""Money is exact: whole rupiah as `int`, rates as `Decimal` percent, one rounding policy (DESIGN.md §3).

`share` rounds one share of one program for one worker and one month; `share_expr` is the same rule over a
polars column; `split` divides an amount between funders without losing a rupiah.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from math import gcd

import polars as pl

from lindung.domain.errors import Issue, ValidationFailed
from lindung.domain.messages import render

__all__ = ["ROUNDING_POLICY", "percent_fraction", "share", "share_expr", "share_fraction_expr", "split"]

ROUNDING_POLICY = "HALF_UP_PER_SHARE"
"""Every share (the employer's share, the worker's share) of every program, per worker per month, is computed
exactly (integer arithmetic on the rate as a fraction) and rounded half up to whole rupiah. Program totals and
invoice totals are sums of rounded shares, so they always add up; nothing is rounded twice."""


def percent_fraction(rate_percent: Decimal) -> tuple[int, int]:
    """The rate as a reduced fraction of one: Decimal("0.24") (percent) -> (3, 1250)."""
    if not rate_percent.is_finite() or rate_percent < 0:
        raise ValueError(f"a rate must be a finite percent >= 0, not {rate_percent}")
    numerator, denominator = rate_percent.as_integer_ratio()
    denominator *= 100
    common = gcd(numerator, denominator)
    return numerator // common, denominator // common


def _half_up(base: int, numerator: int, denominator: int) -> int:
    """round_half_up(base * numerator / denominator) for base >= 0, in the same steps as `share_fraction_expr`."""
    whole, rest = divmod(base, denominator)
    return whole * numerator + (2 * rest * numerator + denominator) // (2 * denominator)


def share(base: int, rate_percent: Decimal) -> int:
    """base x rate_percent / 100 rounded half up to whole rupiah, exactly: share(3_000_000, Decimal("0.24")) == 7200."""
    if base < 0:
        raise ValueError(f"a wage base cannot be negative: {base}")
    numerator, denominator = percent_fraction(rate_percent)
    return _half_up(base, numerator, denominator)


def share_fraction_expr(base: pl.Expr, numerator: pl.Expr | int, denominator: int) -> pl.Expr:
    """round_half_up(base x numerator / denominator) over an Int64 column of bases >= 0, exactly as `share`
    rounds; `numerator` may be a column (e.g. the JKK rate of each row's risk class over a common denominator).

    The base is split as whole * denominator + rest first, so the only large product is whole * numerator,
    which is at most the result itself: nothing overflows Int64 while the result fits (any base below
    2**63 / numerator x denominator, i.e. far beyond any wage). The rest term is below 2 x denominator x
    numerator (< 10**9 for rates with up to 4 decimals).
    """
    base = base.cast(pl.Int64)
    whole = base // denominator
    rest = base % denominator
    return whole * numerator + (rest * 2 * numerator + denominator) // (2 * denominator)


def share_expr(base: pl.Expr, rate_percent: Decimal) -> pl.Expr:
    """`share` for every row of an integer column (wages >= 0), in Int64 integer arithmetic; equals `share` exactly."""
    numerator, denominator = percent_fraction(rate_percent)
    return share_fraction_expr(base, numerator, denominator)


def split(amount: int, weights: Sequence[Decimal]) -> list[int]:
    """Split whole rupiah between funders by percentage weights (summing to 100) with the largest-remainder method.

    Each funder first gets the floor of its exact share; the rupiah left over go one each to the largest
    remainders, ties to the earlier funder. The parts always sum to `amount`.
    split(100_001, [50, 30, 20]) == [50_001, 30_000, 20_000].
    """
    if amount < 0:
        raise ValueError(f"cannot split a negative amount: {amount}")
    if not weights or any(not w.is_finite() or w < 0 for w in weights) or sum(weights, Decimal(0)) != 100:
        detail = " + ".join(str(w) for w in weights) or "(kosong)"
        message = render("SPLIT_WEIGHTS", value=detail)
        raise ValidationFailed(message, [Issue(None, None, "SPLIT_WEIGHTS", message, detail)])
    exact = [Fraction(amount) * Fraction(w) / 100 for w in weights]
    parts = [int(x) for x in exact]  # floor: everything is >= 0
    left = amount - sum(parts)
    by_remainder = sorted(range(len(weights)), key=lambda i: (-(exact[i] - parts[i]), i))
    for i in by_remainder[:left]:
        parts[i] += 1
    return parts
