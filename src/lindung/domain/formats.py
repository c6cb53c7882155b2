"""Numbers written the Indonesian way: a dot between thousands, a comma before decimals."""

from __future__ import annotations

import datetime as dt


def thousands(count: int) -> str:
    """12345678 -> "12.345.678"."""
    return f"{count:,}".replace(",", ".")


def megabytes(size: int) -> str:
    """A file size in decimal megabytes, as file managers show it: 52_400_000 -> "52,4 MB", 50_000_000 -> "50 MB"."""
    return f"{size / 1_000_000:.1f}".replace(".", ",").removesuffix(",0") + " MB"


def too_big(name: str, size: int, limit: int) -> str:
    """The sentence for a file over a size limit, with its real size and the limit."""
    return f"Berkas {name} terlalu besar: {megabytes(size)} ({thousands(size)} bait); paling besar {megabytes(limit)}."


MONTH_NAMES = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)
MONTH_NAMES_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def month_label(day: dt.date, lang: str = "id") -> str:
    """2024-05-01 -> "Mei 2024" ("May 2024" in English)."""
    names = MONTH_NAMES_EN if lang.startswith("en") else MONTH_NAMES
    return f"{names[day.month - 1]} {day.year}"


def date_label(day: dt.date | dt.datetime | None, lang: str = "id") -> str:
    """2024-06-17 -> "17 Juni 2024" ("17 June 2024" in English); None -> "-"."""
    if day is None:
        return "-"
    if isinstance(day, dt.datetime):
        day = day.date()
    return f"{day.day} {month_label(day, lang)}"
