"""Money is exact (DESIGN.md §3): one rounding policy, half up per share; splits that never lose a rupiah."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, localcontext

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lindung.domain.errors import ValidationFailed
from lindung.domain.money import ROUNDING_POLICY, percent_fraction, share, share_expr, split
from lindung.domain.periods import add_months, month_end, month_start

RATES = st.decimals(min_value=0, max_value=100, places=4, allow_nan=False, allow_infinity=False)
BASES = st.integers(min_value=0, max_value=10**12)


def reference_share(base: int, rate: Decimal) -> int:
    """The policy written out with Decimal at a precision nothing here can exhaust."""
    with localcontext() as context:
        context.prec = 60
        return int((Decimal(base) * rate / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def test_the_rounding_policy_has_one_name() -> None:
    assert ROUNDING_POLICY == "HALF_UP_PER_SHARE"


@pytest.mark.parametrize(
    ("base", "rate", "expected"),
    [
        (3_000_000, "0.24", 7_200),  # JKK class 1
        (2_000_050, "1.0", 20_001),  # 20,000.50 rounds up
        (2_000_049, "1.0", 20_000),  # 20,000.49 rounds down
        (2_500_500, "0.30", 7_502),  # 7,501.50 rounds up
        (1, "0.24", 0),  # 0.0024 rounds down
        (0, "3.7", 0),
        (10**12, "1.74", 17_400_000_000),
    ],
)
def test_a_share_is_rounded_half_up_to_whole_rupiah(base: int, rate: str, expected: int) -> None:
    assert share(base, Decimal(rate)) == expected


def test_a_rate_is_a_reduced_fraction_of_one() -> None:
    assert percent_fraction(Decimal("0.24")) == (3, 1250)
    assert percent_fraction(Decimal("2.0")) == (1, 50)
    assert percent_fraction(Decimal("0")) == (0, 1)


def test_a_negative_base_or_rate_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        share(-1, Decimal("0.24"))
    with pytest.raises(ValueError):
        share(1, Decimal("-0.24"))


@given(BASES, RATES)
def test_share_equals_the_decimal_reference(base: int, rate: Decimal) -> None:
    assert share(base, rate) == reference_share(base, rate)


@settings(max_examples=60)
@given(st.lists(BASES, min_size=1, max_size=50), RATES)
def test_share_expr_equals_share_for_every_base(bases: list[int], rate: Decimal) -> None:
    frame = pl.DataFrame({"base": bases}, schema={"base": pl.Int64})
    got = frame.select(share_expr(pl.col("base"), rate)).to_series().to_list()
    assert got == [share(b, rate) for b in bases]


def test_share_expr_does_not_overflow_on_large_wages() -> None:
    bases = [10**12, 9 * 10**15, 2**62]
    frame = pl.DataFrame({"base": bases}, schema={"base": pl.Int64})
    got = frame.select(share_expr(pl.col("base"), Decimal("1.74"))).to_series().to_list()
    assert got == [share(b, Decimal("1.74")) for b in bases]


def test_a_worked_split_gives_the_odd_rupiah_to_the_largest_remainder() -> None:
    # 100,001 x 50/30/20 = 50,000.5 / 30,000.3 / 20,000.2: floors sum to 100,000, the .5 gets the rupiah
    assert split(100_001, [Decimal(50), Decimal(30), Decimal(20)]) == [50_001, 30_000, 20_000]


def test_a_split_tie_goes_to_the_earlier_funder() -> None:
    assert split(1, [Decimal(50), Decimal(50)]) == [1, 0]
    assert split(5, [Decimal("33.34"), Decimal("33.33"), Decimal("33.33")]) == [2, 2, 1]


@given(
    st.integers(min_value=0, max_value=10**13),
    st.lists(st.integers(min_value=0, max_value=10_000), min_size=1, max_size=8).filter(lambda w: sum(w) > 0),
)
def test_a_split_always_sums_to_the_amount(amount: int, raw: list[int]) -> None:
    # weights summing to exactly 100: hundredths of a percent, the rest to the last funder
    total = sum(raw)
    weights = [Decimal(w * 10_000 // total) / 100 for w in raw]
    weights[-1] += 100 - sum(weights)
    parts = split(amount, weights)
    assert sum(parts) == amount
    assert all(p >= 0 for p in parts)
    for part, weight in zip(parts, weights, strict=True):
        assert abs(part - amount * weight / 100) < 1


@pytest.mark.parametrize("weights", [[], [Decimal(50), Decimal(49)], [Decimal(120), Decimal(-20)]])
def test_weights_that_do_not_make_100_percent_are_refused(weights: list[Decimal]) -> None:
    with pytest.raises(ValidationFailed) as caught:
        split(100, weights)
    assert caught.value.issues[0].code == "SPLIT_WEIGHTS"


def test_month_helpers_keep_inside_the_month() -> None:
    assert month_start(dt.date(2024, 2, 17)) == dt.date(2024, 2, 1)
    assert month_end(dt.date(2024, 2, 17)) == dt.date(2024, 2, 29)
    assert month_end(dt.date(2025, 2, 1)) == dt.date(2025, 2, 28)
    assert add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    assert add_months(dt.date(2024, 12, 15), 1) == dt.date(2025, 1, 15)
    assert add_months(dt.date(2024, 1, 15), -1) == dt.date(2023, 12, 15)
