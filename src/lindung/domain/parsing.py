"""How people write dates, money, sex and phone numbers in a roster, read as polars expressions.

Each parser takes a text expression and returns a typed expression that is null where the text cannot
be read; callers tell "empty" from "unreadable" by looking at the text. Expressions run over a million
rows in well under a second, and the same code reads a single value (see `parse_one`).
"""

from __future__ import annotations

import datetime as dt

import polars as pl

_MONTHS = {
    "januari": 1, "jan": 1, "january": 1,
    "februari": 2, "pebruari": 2, "feb": 2, "peb": 2, "february": 2,
    "maret": 3, "mar": 3, "march": 3,
    "april": 4, "apr": 4,
    "mei": 5, "may": 5,
    "juni": 6, "jun": 6, "june": 6,
    "juli": 7, "jul": 7, "july": 7,
    "agustus": 8, "agu": 8, "agt": 8, "agus": 8, "aug": 8, "august": 8,
    "september": 9, "sep": 9, "sept": 9,
    "oktober": 10, "okt": 10, "oct": 10, "october": 10,
    "november": 11, "nov": 11, "nop": 11, "nopember": 11,
    "desember": 12, "des": 12, "dec": 12, "december": 12,
}  # fmt: skip

# Excel's day zero for the 1900 date system (it counts a 29 Feb 1900 that never was).
_EXCEL_EPOCH = dt.date(1899, 12, 30)

_ISO = r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ t]00:00(?::00(?:\.0+)?)?)?$"
_DMY = r"^(\d{1,2})[/\-.](\d{1,2})[/\-.](\d{4}|\d{2})$"
_DMY_NAME = r"^(\d{1,2})[\s\-/.]+([a-z]+)\.?[\s\-/.]+(\d{4}|\d{2})$"
_SERIAL = r"^(\d{4,5})(?:\.0+)?$"


def _ymd_from(text: pl.Expr, pattern: str, y: int, m: int, d: int) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    return (
        text.str.extract(pattern, y),
        text.str.extract(pattern, m),
        text.str.extract(pattern, d),
    )


def days_in_month(year: pl.Expr, month: pl.Expr) -> pl.Expr:
    leap = ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)
    return (
        pl.when(month == 2)
        .then(pl.when(leap).then(29).otherwise(28))
        .when(month.is_in([4, 6, 9, 11]))
        .then(30)
        .otherwise(31)
    )


def safe_date(year: pl.Expr, month: pl.Expr, day: pl.Expr) -> pl.Expr:
    """A date from parts, null where the parts are no real date (31 Feb, month 13, day 0)."""
    ok = (
        month.is_between(1, 12) & day.is_between(1, 31) & (day <= days_in_month(year, month)) & year.is_between(1, 9999)
    )
    # pl.date raises on impossible parts, so impossible rows get harmless parts and are masked after.
    built = pl.date(
        pl.when(ok).then(year).otherwise(2000),
        pl.when(ok).then(month).otherwise(1),
        pl.when(ok).then(day).otherwise(1),
    )
    return pl.when(ok).then(built).otherwise(None)


def two_digit_year(yy: pl.Expr, today: dt.date) -> pl.Expr:
    """A two-digit year in this century unless that is after this year, then the last century."""
    return pl.when(yy >= 100).then(yy).when(2000 + yy <= today.year).then(2000 + yy).otherwise(1900 + yy)


def parse_date(text: pl.Expr, today: dt.date) -> pl.Expr:
    """15/07/1990, 15-07-1990, 1990-07-15, 15 Juli 1990, 15-Jul-90, 15/07/90 and Excel serials (33069)."""
    t = text.str.strip_chars().str.to_lowercase()
    iso_y, iso_m, iso_d = _ymd_from(t, _ISO, 1, 2, 3)
    dmy_d, dmy_m, dmy_y = _ymd_from(t, _DMY, 1, 2, 3)
    nm_d, nm_name, nm_y = _ymd_from(t, _DMY_NAME, 1, 2, 3)
    nm_m = nm_name.replace_strict(_MONTHS, default=None, return_dtype=pl.Int32)
    year = pl.coalesce(iso_y, dmy_y, nm_y).cast(pl.Int32, strict=False)
    month = pl.coalesce(iso_m.cast(pl.Int32, strict=False), dmy_m.cast(pl.Int32, strict=False), nm_m)
    day = pl.coalesce(iso_d, dmy_d, nm_d).cast(pl.Int32, strict=False)
    from_text = safe_date(two_digit_year(year, today), month, day)
    serial = t.str.extract(_SERIAL, 1).cast(pl.Int32, strict=False)
    # Serials from 1 Jan 1910 (3654) to 31 Dec 2099 (73050); other numbers are not dates.
    from_serial = pl.when(serial.is_between(3654, 73050)).then(pl.lit(_EXCEL_EPOCH) + pl.duration(days=serial))
    return pl.coalesce(from_text, from_serial.cast(pl.Date))


_RP_PREFIX = r"^(?:rp\.?|idr)\s*"
_DOT_THOUSANDS = r"^(\d{1,3}(?:\.\d{3})+)(?:,(\d{1,2}))?$"
_COMMA_THOUSANDS = r"^(\d{1,3}(?:,\d{3})+)(?:\.(\d{1,2}))?$"
_PLAIN = r"^(\d+)(?:[.,](\d{1,2}))?$"


def _rupiah_parts(text: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    t = (
        text.str.strip_chars()
        .str.to_lowercase()
        .str.replace(_RP_PREFIX, "")
        .str.replace(r",-$|\.-$", "")
        .str.replace_all(r"\s", "")
    )
    whole = pl.coalesce(
        t.str.extract(_DOT_THOUSANDS, 1).str.replace_all(r"\.", ""),
        t.str.extract(_COMMA_THOUSANDS, 1).str.replace_all(",", ""),
        t.str.extract(_PLAIN, 1),
    )
    sen = pl.coalesce(
        t.str.extract(_DOT_THOUSANDS, 2),
        t.str.extract(_COMMA_THOUSANDS, 2),
        t.str.extract(_PLAIN, 2),
    )
    return whole, sen


def parse_rupiah(text: pl.Expr) -> pl.Expr:
    """Whole rupiah from "Rp 2.500.000", "2.500.000,00", "2,500,000", "2500000"; null if unreadable.

    An amount with non-zero sen parses (see `has_sen`) so the caller can say why it is refused.
    """
    whole, _ = _rupiah_parts(text)
    return whole.str.to_integer(strict=False).cast(pl.Int64, strict=False)


def has_sen(text: pl.Expr) -> pl.Expr:
    """True where the amount carries non-zero sen (2.500.000,50): wages are whole rupiah."""
    _, sen = _rupiah_parts(text)
    return sen.is_not_null() & (sen.str.replace_all("0", "") != "")


_SEX = {
    "l": "L", "lk": "L", "laki-laki": "L", "laki laki": "L", "lakilaki": "L", "laki": "L", "pria": "L",
    "m": "L", "male": "L",
    "p": "P", "pr": "P", "perempuan": "P", "wanita": "P", "w": "P", "f": "P", "female": "P",
}  # fmt: skip


def parse_sex(text: pl.Expr) -> pl.Expr:
    """L or P from L/P, Laki-laki, Perempuan, Pria, Wanita and the English words; null otherwise."""
    t = text.str.strip_chars().str.to_lowercase().str.replace_all(r"\.", "")
    return t.replace_strict(_SEX, default=None, return_dtype=pl.String)


def parse_phone(text: pl.Expr) -> pl.Expr:
    """An Indonesian mobile number as 08…, from 0812-3456-7890, +62 812 3456 7890 or 62812…"""
    digits = text.str.replace_all(r"[\s\-().]", "").str.replace(r"^\+", "")
    local = pl.when(digits.str.starts_with("62")).then(pl.lit("0") + digits.str.slice(2)).otherwise(digits)
    return pl.when(local.str.contains(r"^08\d{7,11}$")).then(local).otherwise(None)


_YES = ["ya", "y", "yes", "1", "true", "benar", "mutasi", "pindah", "v", "x"]


def is_yes(text: pl.Expr) -> pl.Expr:
    """True for Ya / Y / Yes / 1 / Mutasi / a tick; false for empty and anything else."""
    return text.str.strip_chars().str.to_lowercase().is_in(_YES).fill_null(False)


def normalize_key(text: pl.Expr) -> pl.Expr:
    """Lower case, punctuation to single spaces: how headers, categories and unit names are matched."""
    return text.str.to_lowercase().str.replace_all(r"[^0-9a-z]+", " ").str.strip_chars()


def parse_one(parser: object, text: str | None, *args: object) -> object:
    """Run one parser on one value: the single-value path shares the bulk code."""
    assert callable(parser)
    frame = pl.DataFrame({"v": [text]}, schema={"v": pl.String})
    return frame.select(parser(pl.col("v"), *args)).item()
