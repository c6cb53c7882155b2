"""Numbers, rupiah, percentages, dates and masks written the Indonesian way, for every page, PDF, workbook
and message: a dot between thousands, a comma before decimals, "Rp" before whole rupiah with no space.

The parsing the other way (what a clerk types or a file holds) is `domain.parsing`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

_SWAP = str.maketrans(",.", ".,")


def thousands(count: int) -> str:
    """12345678 -> "12.345.678"."""
    return f"{count:,}".replace(",", ".")


def number(value: int | Decimal) -> str:
    """1135 -> "1.135"; Decimal("1234.5") -> "1.234,5" (the decimals as given: Decimal("10.0") -> "10,0")."""
    return f"{value:,}".translate(_SWAP) if isinstance(value, int) else f"{value:,f}".translate(_SWAP)


def rupiah(amount: int | Decimal | None) -> str:
    """2500000 -> "Rp2.500.000"; -5000 -> "-Rp5.000"; None -> "" (nothing recorded). Whole rupiah only: a
    Decimal is shown without its sen, as invoices and budgets carry none."""
    if amount is None:
        return ""
    whole = int(amount)
    return f"-Rp{thousands(-whole)}" if whole < 0 else f"Rp{thousands(whole)}"


def percent(value: Decimal | None) -> str:
    """A share as the reports print it: Decimal("10.2") -> "10,2%"; None (nothing to divide by) -> "-"."""
    return "-" if value is None else number(value) + "%"


def rate(value: Decimal) -> str:
    """A contribution rate as its regulation writes it, without the sign (the column says "%"):
    Decimal("7.50") -> "7,5", Decimal("0.240") -> "0,24", Decimal("2") -> "2"."""
    return f"{value.normalize():f}".replace(".", ",")


def mask_nik(nik: str | None) -> str:
    """3201011507900001 -> 3201********0001: the kab/kota and the serial, never the birth date (UU 27/2022 PDP).
    Anything that is not 16 characters is hidden whole."""
    if not nik:
        return ""
    if len(nik) != 16:
        return "*" * len(nik)
    return f"{nik[:4]}{'*' * 8}{nik[12:]}"


def mask_phone(phone: str | None) -> str:
    """081234567890 -> 0812******90: the operator prefix and the last two digits; a short number hidden whole."""
    if not phone:
        return ""
    return phone[:4] + "*" * max(len(phone) - 6, 0) + phone[-2:] if len(phone) > 6 else "*" * len(phone)


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
