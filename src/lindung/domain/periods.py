"""Calendar months: iuran is owed per worker per calendar month."""

from __future__ import annotations

import calendar
import datetime as dt

__all__ = ["FIRST_YEAR", "LAST_YEAR", "add_months", "in_years", "month_end", "month_start", "parse_period"]

# The years a date or a month typed by a person may fall in (web, API and command line alike): lindung's
# records begin after 2000, and a year past 2100 is a typing slip. Rules with narrower years say so themselves.
FIRST_YEAR = 2000
LAST_YEAR = 2100


def in_years(day: dt.date) -> bool:
    """Whether `day` falls in FIRST_YEAR..LAST_YEAR."""
    return FIRST_YEAR <= day.year <= LAST_YEAR


def month_start(day: dt.date) -> dt.date:
    """The first day of the month `day` falls in."""
    return day.replace(day=1)


def month_end(day: dt.date) -> dt.date:
    """The last day of the month `day` falls in (29 February in leap years)."""
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (or earlier when negative), kept inside the month: 31 Jan + 1 -> 28/29 Feb."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def parse_period(text: str) -> dt.date:
    """ "2024-05" -> 2024-05-01; ValueError otherwise."""
    year, month = text.strip().split("-")
    if len(year) != 4 or len(month) != 2:
        raise ValueError(text)
    return dt.date(int(year), int(month), 1)
