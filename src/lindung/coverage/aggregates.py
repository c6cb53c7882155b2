"""The kept coverage aggregates: rebuilt per employer from the rows, read per unit for any day.

Two ways to the same numbers, compared by the tests and the benchmark:
- `unit_measures(...)`: from `UnitState` (the month's first day) plus `UnitEvent` (that day to D);
- `unit_measures(..., from_rows=True)`: counted straight from employments and memberships.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import polars as pl
from django.db import connection, transaction
from django.utils import timezone

from lindung.coverage.models import Horizon, UnitEvent, UnitState
from lindung.domain.coverage import MEASURES, PROGRAM_MEASURE, default_horizon, events, monthly_states, state_month
from lindung.domain.periods import add_months, month_end
from lindung.intake import bulk
from lindung.registry.models import Employer
from lindung.registry.signals import rows_changed

Progress = bulk.Progress


def connect() -> None:
    rows_changed.connect(_on_rows_changed, dispatch_uid="coverage.refresh")


def _on_rows_changed(sender: str, employer_ids: Sequence[int], **_: Any) -> None:
    refresh(employer_ids)


def _in(column: str, ids: Sequence[int] | None) -> str:
    """An `IN (...)` filter of integer ids (never user text), or nothing for all employers."""
    if ids is None:
        return "TRUE" if connection.vendor == "postgresql" else "1"
    return f"{column} IN ({', '.join(str(int(i)) for i in ids) or 'NULL'})"


_EMPLOYMENTS = """
SELECT e.unit_id, e.employer_id, e.start_date, e.end_date
FROM registry_employment e WHERE {where}
"""
_MEMBERSHIPS = """
SELECT e.unit_id, m.employer_id,
       CASE WHEN e.start_date > m.valid_from THEN e.start_date ELSE m.valid_from END AS valid_from,
       CASE WHEN e.end_date IS NOT NULL AND (m.valid_to IS NULL OR e.end_date < m.valid_to)
            THEN e.end_date ELSE m.valid_to END AS valid_to,
       CASE WHEN m.segment = 'bpu' THEN 1 ELSE 0 END AS bpu,
       CASE WHEN m.kpj IS NOT NULL AND m.kpj <> '' THEN 1 ELSE 0 END AS with_kpj,
       a.programs
FROM enrolment_membership m
JOIN registry_employment e ON e.id = m.employment_id
JOIN enrolment_agreement a ON a.id = m.agreement_id
WHERE {where} AND m.status <> 'rejected'
"""
_EMPLOYMENT_SCHEMA: dict[str, type[pl.DataType]] = {
    "unit_id": pl.Int64,
    "employer_id": pl.Int64,
    "start_date": pl.Date,
    "end_date": pl.Date,
}
_MEMBERSHIP_SCHEMA: dict[str, type[pl.DataType]] = {
    "unit_id": pl.Int64,
    "employer_id": pl.Int64,
    "valid_from": pl.Date,
    "valid_to": pl.Date,
    "bpu": pl.Int32,  # 0/1
    "with_kpj": pl.Int32,
    "programs": pl.String,
}


def horizon() -> dt.date:
    """The last month with kept states; set on the first build, a year past that day."""
    row = Horizon.objects.first()
    if row is None:
        row = Horizon.objects.create(month=default_horizon(timezone.localdate()))
    return row.month


def refresh(employer_ids: Sequence[int] | None = None, progress: Progress | None = None) -> int:
    """Rebuild the aggregates of these employers (all: None) from their rows; returns the events kept.

    Runs in the caller's transaction when there is one, so the aggregates change with the rows."""
    with transaction.atomic():
        until = horizon()
        if employer_ids is None:
            UnitEvent.objects.all().delete()
            UnitState.objects.all().delete()
        else:
            UnitEvent.objects.filter(employer_id__in=employer_ids).delete()
            UnitState.objects.filter(employer_id__in=employer_ids).delete()
        employments = bulk.query_frame(
            _EMPLOYMENTS.format(where=_in("e.employer_id", employer_ids)), [], _EMPLOYMENT_SCHEMA
        )
        memberships = bulk.query_frame(
            _MEMBERSHIPS.format(where=_in("m.employer_id", employer_ids)), [], _MEMBERSHIP_SCHEMA
        )
        # A membership counts only while its employment lasts: one cut to nothing is left out.
        memberships = memberships.filter(pl.col("valid_to").is_null() | (pl.col("valid_to") >= pl.col("valid_from")))
        changes = events(employments, memberships)
        states = monthly_states(changes, until)
        # Written in the order they are read (a month, or a run of days, across units), so that one month's
        # states lie on a few hundred pages, not on one page per unit (bench/coverage.py: the national view).
        bulk.insert_frame(UnitEvent._meta.db_table, changes.sort("day", "unit_id"), progress)
        bulk.insert_frame(UnitState._meta.db_table, states.sort("month", "unit_id"), progress)
    return changes.height


def rebuild(today: dt.date | None = None, progress: Progress | None = None) -> int:
    """Everything again, with the horizon moved to a year past `today`."""
    with transaction.atomic():
        Horizon.objects.all().delete()
        Horizon.objects.create(month=default_horizon(today or timezone.localdate()))
        return refresh(None, progress)


# -- reading -------------------------------------------------------------------------------------------

_SUMS = ", ".join(f"SUM({m})" for m in MEASURES)
_COLS = ", ".join(MEASURES)

_FROM_AGGREGATES = f"""
SELECT unit_id, {_SUMS} FROM (
    SELECT unit_id, {_COLS} FROM coverage_unitstate WHERE month = %s AND {{where}}
    UNION ALL
    SELECT unit_id, {_COLS} FROM coverage_unitevent WHERE day >= %s AND day <= %s AND {{where}}
) AS parts GROUP BY unit_id
"""

_PROGRAM_SUMS = ", ".join(
    f"SUM(CASE WHEN ',' || a.programs || ',' LIKE '%%,{p},%%' THEN 1 ELSE 0 END)" for p in PROGRAM_MEASURE
)
_FROM_ROWS = f"""
SELECT unit_id, {_SUMS}
FROM (
    SELECT e.unit_id, COUNT(*) AS workers, 0 AS enrolled, 0 AS bpu, 0 AS with_kpj,
           {", ".join(f"0 AS {m}" for m in PROGRAM_MEASURE.values())}
    FROM registry_employment e
    WHERE e.start_date <= %s AND (e.end_date IS NULL OR e.end_date >= %s) AND {{where_e}}
    GROUP BY e.unit_id
    UNION ALL
    SELECT e.unit_id, 0, COUNT(*),
           SUM(CASE WHEN m.segment = 'bpu' THEN 1 ELSE 0 END),
           SUM(CASE WHEN m.kpj IS NOT NULL AND m.kpj <> '' THEN 1 ELSE 0 END),
           {_PROGRAM_SUMS}
    FROM enrolment_membership m
    JOIN registry_employment e ON e.id = m.employment_id
    JOIN enrolment_agreement a ON a.id = m.agreement_id
    WHERE m.valid_from <= %s AND (m.valid_to IS NULL OR m.valid_to >= %s) AND m.status <> 'rejected'
      AND e.start_date <= %s AND (e.end_date IS NULL OR e.end_date >= %s)
      AND {{where_m}}
    GROUP BY e.unit_id
) AS parts GROUP BY unit_id
"""


def unit_measures(
    day: dt.date, employer_ids: Sequence[int] | None = None, *, from_rows: bool = False
) -> dict[int, dict[str, int]]:
    """Every measure of every unit (of these employers; all: None) on `day`, in one query.

    Units with nothing on that day are left out."""
    if from_rows:
        sql = _FROM_ROWS.format(where_e=_in("e.employer_id", employer_ids), where_m=_in("m.employer_id", employer_ids))
        params: list[dt.date] = [day, day, day, day, day, day]
    else:
        first = state_month(day, horizon())
        if employer_ids is None:
            # Every employer by name: the (employer, month) and (employer, day) indexes then serve the nation
            # too, where no filter meant a sequential scan of every unit's every month.
            employer_ids = list(Employer.objects.values_list("id", flat=True))
        where = _in("employer_id", employer_ids)
        sql = _FROM_AGGREGATES.format(where=where)
        params = [first, first, day]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return {
        int(unit): dict(zip(MEASURES, (int(v or 0) for v in values), strict=True))
        for unit, *values in rows
        if any(values)
    }


_TREND = f"""
SELECT month, {_SUMS}, SUM(CASE WHEN enrolled > 0 THEN 1 ELSE 0 END)
FROM coverage_unitstate WHERE month IN ({{months}}) AND {{where}} GROUP BY month
"""


def month_end_totals(
    months: Sequence[dt.date], employer_ids: Sequence[int] | None = None
) -> dict[dt.date, dict[str, int]]:
    """The summed measures and the units with anyone enrolled at the end of each month (month: its first day).

    One query for the months within the horizon: the end of a month is the state of the next one."""
    limit = horizon()
    result: dict[dt.date, dict[str, int]] = {}
    inside = [m for m in months if add_months(m, 1) <= limit]
    if inside:
        marks = ", ".join("%s" for _ in inside)
        with connection.cursor() as cursor:
            cursor.execute(
                _TREND.format(months=marks, where=_in("employer_id", employer_ids)),
                [add_months(m, 1) for m in inside],
            )
            for month, *values in cursor.fetchall():
                month = month if isinstance(month, dt.date) else dt.date.fromisoformat(month)
                numbers = [int(v or 0) for v in values]
                result[add_months(month, -1)] = dict(zip((*MEASURES, "units_enrolled"), numbers, strict=True))
    for m in months:
        if m not in inside:
            measures = unit_measures(month_end(m), employer_ids)
            sums = {k: sum(u[k] for u in measures.values()) for k in MEASURES}
            result[m] = sums | {"units_enrolled": sum(1 for u in measures.values() if u["enrolled"] > 0)}
    empty = dict.fromkeys((*MEASURES, "units_enrolled"), 0)
    return {m: result.get(m, empty) for m in months}
