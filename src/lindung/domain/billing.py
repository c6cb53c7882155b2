"""Billing rules: due dates, late fees and the ageing of arrears. Pure functions of plain values.

- Due date (reference §2.3-2.4): PPU iuran for a month is due on the `due_day` (15th) of the *following*
  month, BPU iuran on the 15th of the *same* month; a due day on a weekend, a national holiday or a
  cuti bersama day (`lokal-id`'s calendar: the payer is a government office, closed on cuti bersama)
  moves to the next working day. For a year the calendar does not hold, only weekends move the date,
  and the result says so.
- Late fee (reference §2.4): for each started month of lateness, `rate` percent of what was still
  unpaid when that month began. Month k of lateness begins the day after the due date moved k-1
  months on. Only where the agreement enables it.
- Ageing: days past the due date, in the buckets a branch officer reads (1-30, 31-60, 61-90, >90).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from types import ModuleType

from lindung.domain.money import share
from lindung.domain.periods import add_months, month_start

AGEING_BUCKETS: tuple[tuple[int, int | None, str], ...] = (
    (1, 30, "1-30 hari"),
    (31, 60, "31-60 hari"),
    (61, 90, "61-90 hari"),
    (91, None, "lebih dari 90 hari"),
)


@dataclass(frozen=True)
class DueDate:
    day: dt.date
    note: str  # why it moved, or "" when the due day itself is a working day


def _calendar() -> ModuleType:
    """lokal-id's holiday calendar, imported on first use: the package's first import also loads its personal
    data detector, half a second that every command would otherwise pay at start."""
    from lokal import holidays

    return holidays


def _working(day: dt.date) -> bool | None:
    """True/False from the holiday calendar; None when the calendar lacks the year."""
    holidays = _calendar()
    if day.year not in holidays.HOLIDAY_YEARS:
        return None
    return bool(holidays.is_working_day(day, cuti_bersama=True))


def due_date(period: dt.date, segment: str, due_day: int) -> DueDate:
    """When the iuran of `period`'s month is due."""
    month = month_start(period) if segment == "bpu" else add_months(month_start(period), 1)
    day = month.replace(day=due_day)
    moved: list[str] = []
    unknown_years: set[int] = set()
    while True:
        working = _working(day)
        if working is None:
            unknown_years.add(day.year)
            working = day.weekday() < 5
        if working:
            break
        holidays = _calendar()
        names = [h.name for h in holidays.holidays_on(day)] if day.year in holidays.HOLIDAY_YEARS else []
        moved.append(f"{day.isoformat()} {'libur: ' + ', '.join(names) if names else 'akhir pekan'}")
        day += dt.timedelta(days=1)
    notes = []
    if moved:
        notes.append("digeser dari " + "; ".join(moved))
    if unknown_years:
        notes.append(f"kalender libur {', '.join(map(str, sorted(unknown_years)))} tidak tersedia: hanya akhir pekan")
    return DueDate(day, "; ".join(notes))


def late_fee(owed: int, due: dt.date, payments: Sequence[tuple[dt.date, int]], on: dt.date, rate: Decimal) -> int:
    """The late fee accrued by `on` on `owed` rupiah due on `due`, given the payments (day, amount)."""
    fee = 0
    k = 0
    while True:
        begins = add_months(due, k) + dt.timedelta(days=1)
        if begins > on:
            return fee
        paid = sum(amount for day, amount in payments if day < begins)
        outstanding = owed - paid
        if outstanding <= 0:
            return fee
        fee += share(outstanding, rate)
        k += 1


def ageing_bucket(days_overdue: int) -> str:
    for low, high, label in AGEING_BUCKETS:
        if days_overdue >= low and (high is None or days_overdue <= high):
            return label
    return ""
