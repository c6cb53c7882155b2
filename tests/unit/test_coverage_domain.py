"""Coverage events and monthly states against a day-by-day count of the same rows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from lindung.domain.coverage import (
    MEASURES,
    Counts,
    events,
    monthly_states,
    percent,
    state_month,
    total,
    unit_counts,
)

BASE = dt.date(2024, 1, 1)
HORIZON = dt.date(2024, 12, 1)
EMPLOYMENTS = {"unit_id": pl.Int64, "employer_id": pl.Int64, "start_date": pl.Date, "end_date": pl.Date}
MEMBERSHIPS = {
    "unit_id": pl.Int64,
    "employer_id": pl.Int64,
    "valid_from": pl.Date,
    "valid_to": pl.Date,
    "bpu": pl.Boolean,
    "with_kpj": pl.Boolean,
    "programs": pl.String,
}


def brute(employments: list[tuple], memberships: list[tuple], unit: int, day: dt.date) -> dict[str, int]:
    """What each measure is on `day`, counted row by row."""
    out = dict.fromkeys(MEASURES, 0)
    for u, _, start, end in employments:
        if u == unit and start <= day and (end is None or end >= day):
            out["workers"] += 1
    for u, _, start, end, bpu, kpj, programs in memberships:
        if u == unit and start <= day and (end is None or end >= day):
            out["enrolled"] += 1
            out["bpu"] += bpu
            out["with_kpj"] += kpj
            for p in programs.split(","):
                out[p.lower()] += 1
    return out


def state_on(changes: pl.DataFrame, states: pl.DataFrame, unit: int, day: dt.date) -> dict[str, int]:
    """The kept way: the month's state plus that month's events up to `day`."""
    first = state_month(day, HORIZON)
    base = states.filter((pl.col("unit_id") == unit) & (pl.col("month") == first))
    rest = changes.filter((pl.col("unit_id") == unit) & (pl.col("day") >= first) & (pl.col("day") <= day))
    return {m: int(base.get_column(m).sum()) + int(rest.get_column(m).sum()) for m in MEASURES}


days = st.integers(min_value=0, max_value=500).map(lambda n: BASE + dt.timedelta(days=n))
span = st.tuples(days, st.one_of(st.none(), st.integers(min_value=0, max_value=200)))


def closed(start: dt.date, length: int | None) -> tuple[dt.date, dt.date | None]:
    return start, None if length is None else start + dt.timedelta(days=length)


@settings(max_examples=60)
@given(
    st.lists(st.tuples(st.integers(1, 3), span), max_size=25),
    st.lists(
        st.tuples(
            st.integers(1, 3),
            span,
            st.booleans(),
            st.booleans(),
            st.sampled_from(["JKK,JKM", "JKK,JKM,JHT,JP", "JKK,JKM,JHT,JP,JKP"]),
        ),
        max_size=25,
    ),
    st.lists(days, min_size=1, max_size=8),
)
def test_the_kept_state_of_any_day_is_the_row_by_row_count(
    employment_spans: list, membership_spans: list, probes: list[dt.date]
) -> None:
    employments = [(u, 1, *closed(*s)) for u, s in employment_spans]
    memberships = [(u, 1, *closed(*s), bpu, kpj, programs) for u, s, bpu, kpj, programs in membership_spans]
    changes = events(
        pl.DataFrame(employments, schema=EMPLOYMENTS, orient="row"),
        pl.DataFrame(memberships, schema=MEMBERSHIPS, orient="row"),
    )
    states = monthly_states(changes, HORIZON)
    for day in probes:  # before, inside and past the horizon
        for unit in (1, 2, 3):
            assert state_on(changes, states, unit, day) == brute(employments, memberships, unit, day), (unit, day)


def test_an_end_counts_through_its_last_day() -> None:
    changes = events(
        pl.DataFrame([(1, 1, dt.date(2024, 3, 1), dt.date(2024, 3, 31))], schema=EMPLOYMENTS, orient="row"),
        pl.DataFrame(schema=MEMBERSHIPS),
    )
    assert changes.select("day", "workers").rows() == [(dt.date(2024, 3, 1), 1), (dt.date(2024, 4, 1), -1)]
    states = monthly_states(changes, HORIZON)
    assert states.filter(pl.col("month") == dt.date(2024, 3, 1)).get_column("workers").to_list() == [0]
    # April's state is before April's events: the -1 of 1 April is added by the day itself.
    assert states.filter(pl.col("month") == dt.date(2024, 4, 1)).get_column("workers").to_list() == [1]
    assert state_on(changes, states, 1, dt.date(2024, 3, 31))["workers"] == 1
    assert state_on(changes, states, 1, dt.date(2024, 4, 1))["workers"] == 0


def test_percent_rounds_half_up_and_refuses_nothing_to_divide() -> None:
    assert percent(56_900, 557_843) == Decimal("10.2")
    assert percent(1, 8) == Decimal("12.5")
    assert percent(1, 16) == Decimal("6.3")  # 6.25 half up
    assert percent(0, 0) is None


def test_unit_counts_add_up_by_group() -> None:
    office = unit_counts("dinas", {"workers": 10, "enrolled": 4, "jkk": 4, "jkm": 4})
    empty_office = unit_counts("badan", {"workers": 3})
    nagari = unit_counts("desa", {"workers": 12, "enrolled": 12, "jkk": 12, "jkm": 12, "with_kpj": 6})
    summed = total([office, empty_office, nagari])
    assert (summed.workers, summed.enrolled, summed.units, summed.units_enrolled) == (25, 16, 3, 2)
    assert summed.groups == {"opd": (2, 1), "desa": (1, 1)}
    assert summed.programs["JKK"] == 16 and summed.programs["JHT"] == 0
    assert summed.coverage == Decimal("64.0") and summed.kpj_share == Decimal("37.5")
    assert Counts().coverage is None
