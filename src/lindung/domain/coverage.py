"""What coverage means, as plain definitions over plain data.

A worker is *on the roster* on day D when one of their employments has started by D and has not ended
before D. A worker is *enrolled* on D when they are on the roster on D and a membership of that employment is
valid on D (from `valid_from` to `valid_to`, both inclusive) and was not rejected by BPJS TK. A membership
runs to the end of the month its employment ended in (the month is paid), but a worker who has left is
no longer counted, so coverage never passes 100%. Coverage is enrolled over roster, in
percent. Every count belongs to the unit of the employment, and through it to the employer and the
employer's region: never to the region of the NIK.

The counts are kept as *events*: a change of each measure on a day (+1 when an employment or a
membership starts, -1 the day after it ends). The state on D is the sum of the events up to D. Monthly
*states* (the sum of the events before the first of a month) make any day cheap: the state of the month's
first day plus the events from that first day to D.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

import polars as pl

from lindung.domain.periods import add_months, month_start

PROGRAMS = ("JKK", "JKM", "JHT", "JP", "JKP")
# Every measure kept per unit and day, in this order; the program counts are named by their program.
MEASURES = ("workers", "enrolled", "bpu", "with_kpj", "jkk", "jkm", "jht", "jp", "jkp")
PROGRAM_MEASURE = {p: p.lower() for p in PROGRAMS}

# Unit kinds are grouped as the stories count them: OPD (every office of the Pemda) and nagari/desa.
UNIT_GROUPS = ("opd", "desa")


def unit_group(kind: str) -> str:
    return "desa" if kind == "desa" else "opd"


def percent(part: int, whole: int, places: int = 1) -> Decimal | None:
    """`part` of `whole` in percent, rounded half up; None when there is nothing to divide by."""
    if whole <= 0:
        return None
    quantum = Decimal(1).scaleb(-places)
    return (Decimal(part) * 100 / Decimal(whole)).quantize(quantum, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Counts:
    """The coverage of any node (unit, employer, region, branch, nation) on one day."""

    workers: int = 0
    enrolled: int = 0
    bpu: int = 0  # sponsored vulnerable workers (segment BPU) among the enrolled
    with_kpj: int = 0  # enrolled members whose KPJ number BPJS TK has sent back
    programs: Mapping[str, int] = field(default_factory=dict)  # enrolled per program
    units: int = 0
    units_enrolled: int = 0
    groups: Mapping[str, tuple[int, int]] = field(default_factory=dict)  # opd/desa -> (units, enrolled)

    @property
    def coverage(self) -> Decimal | None:
        return percent(self.enrolled, self.workers)

    @property
    def kpj_share(self) -> Decimal | None:
        return percent(self.with_kpj, self.enrolled)

    def __add__(self, other: Counts) -> Counts:
        groups = {
            g: (
                self.groups.get(g, (0, 0))[0] + other.groups.get(g, (0, 0))[0],
                self.groups.get(g, (0, 0))[1] + other.groups.get(g, (0, 0))[1],
            )
            for g in UNIT_GROUPS
            if g in self.groups or g in other.groups
        }
        return Counts(
            self.workers + other.workers,
            self.enrolled + other.enrolled,
            self.bpu + other.bpu,
            self.with_kpj + other.with_kpj,
            {p: self.programs.get(p, 0) + other.programs.get(p, 0) for p in PROGRAMS},
            self.units + other.units,
            self.units_enrolled + other.units_enrolled,
            groups,
        )


def total(counts: Iterable[Counts]) -> Counts:
    result = Counts(programs=dict.fromkeys(PROGRAMS, 0))
    for c in counts:
        result = result + c
    return result


def unit_counts(kind: str, measures: Mapping[str, int]) -> Counts:
    """The counts of one unit from its measures on a day."""
    enrolled = measures.get("enrolled", 0)
    group = unit_group(kind)
    return Counts(
        workers=measures.get("workers", 0),
        enrolled=enrolled,
        bpu=measures.get("bpu", 0),
        with_kpj=measures.get("with_kpj", 0),
        programs={p: measures.get(m, 0) for p, m in PROGRAM_MEASURE.items()},
        units=1,
        units_enrolled=1 if enrolled > 0 else 0,
        groups={group: (1, 1 if enrolled > 0 else 0)},
    )


# -- events and monthly states ----------------------------------------------------------------------

EVENT_SCHEMA: dict[str, type[pl.DataType]] = {
    "unit_id": pl.Int64,
    "employer_id": pl.Int64,
    "day": pl.Date,
    **{m: pl.Int32 for m in MEASURES},
}


def events(employments: pl.DataFrame, memberships: pl.DataFrame) -> pl.DataFrame:
    """The change of every measure per unit and day.

    `employments`: unit_id, employer_id, start_date, end_date (null: open).
    `memberships`: unit_id, employer_id, valid_from, valid_to (null: open; already cut at the employment's
    end), bpu (bool), with_kpj (bool), programs ("JKK,JKM,..."), for memberships that were not rejected.
    """
    zero = [pl.lit(0, pl.Int32).alias(m) for m in MEASURES]

    def starts_and_ends(frame: pl.DataFrame, start: str, end: str, measures: list[pl.Expr]) -> list[pl.DataFrame]:
        keys = [pl.col("unit_id"), pl.col("employer_id")]
        named = {e.meta.output_name() for e in measures}
        rest = [z for z in zero if z.meta.output_name() not in named]
        began = frame.select(*keys, pl.col(start).alias("day"), *measures, *rest)
        ended = frame.filter(pl.col(end).is_not_null()).select(
            *keys,
            (pl.col(end) + pl.duration(days=1)).alias("day"),
            *[(-m).alias(m.meta.output_name()) for m in measures],
            *rest,
        )
        return [began, ended]

    one = pl.lit(1, pl.Int32)
    member_measures = [
        one.alias("enrolled"),
        pl.col("bpu").cast(pl.Int32).alias("bpu"),
        pl.col("with_kpj").cast(pl.Int32).alias("with_kpj"),
        *[
            pl.col("programs").str.split(",").list.contains(p).cast(pl.Int32).alias(m)
            for p, m in PROGRAM_MEASURE.items()
        ],
    ]
    parts = [
        *starts_and_ends(employments, "start_date", "end_date", [one.alias("workers")]),
        *starts_and_ends(memberships, "valid_from", "valid_to", member_measures),
    ]
    frame = pl.concat([p.select(list(EVENT_SCHEMA)) for p in parts])
    return (
        frame.group_by("unit_id", "employer_id", "day")
        .agg(pl.col(m).sum().cast(pl.Int32) for m in MEASURES)
        .filter(pl.any_horizontal(pl.col(m) != 0 for m in MEASURES))
        .sort("unit_id", "day")
    )


def monthly_states(frame: pl.DataFrame, horizon: dt.date) -> pl.DataFrame:
    """For each unit, its state at the start of every month from its first event's month to `horizon`:
    the sum of its events before that month's first day. Columns: unit_id, employer_id, month, measures."""
    if frame.height == 0:
        return pl.DataFrame(
            schema={"unit_id": pl.Int64, "employer_id": pl.Int64, "month": pl.Date} | {m: pl.Int32 for m in MEASURES}
        )
    # An event on day d counts from the state of the month after d's month.
    monthly = (
        frame.with_columns(pl.col("day").dt.month_start().dt.offset_by("1mo").alias("month"))
        .group_by("unit_id", "employer_id", "month")
        .agg(pl.col(m).sum() for m in MEASURES)
    )
    first = frame.group_by("unit_id", "employer_id").agg(pl.col("day").min().dt.month_start().alias("first"))
    first = first.filter(pl.col("first") <= horizon)
    grid = (
        first.with_columns(pl.date_ranges(pl.col("first"), pl.lit(horizon), interval="1mo").alias("month"))
        .explode("month")
        .drop("first")
    )
    return (
        grid.join(monthly, on=["unit_id", "employer_id", "month"], how="left")
        .with_columns(pl.col(m).fill_null(0) for m in MEASURES)
        .sort("unit_id", "month")
        .with_columns(pl.col(m).cum_sum().over("unit_id").cast(pl.Int32) for m in MEASURES)
        .select("unit_id", "employer_id", "month", *MEASURES)
    )


def state_month(day: dt.date, horizon: dt.date) -> dt.date:
    """The monthly state a query for `day` starts from: the day's month, or the horizon past it."""
    return min(month_start(day), horizon)


def default_horizon(today: dt.date) -> dt.date:
    """Monthly states are kept up to a year ahead; later days add the events after the horizon."""
    return add_months(month_start(today), 12)
