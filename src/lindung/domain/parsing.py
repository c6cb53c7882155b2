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

_ISO = r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?:[ t]00:00(?::00(?:\.0+)?)?)?$"
_DMY = r"^(?P<d>\d{1,2})[/\-.](?P<m>\d{1,2})[/\-.](?P<y>\d{4}|\d{2})$"
_DMY_NAME = r"^(?P<d>\d{1,2})[\s\-/.]+(?P<m>[a-z]+)\.?[\s\-/.]+(?P<y>\d{4}|\d{2})$"
_SERIAL = r"^(\d{4,5})(?:\.0+)?$"


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
    """A date from parts, null where the parts are no real date (31 Feb, month 13, day 0).

    Pass column references: the parts are used several times and eager polars does not share them.
    """
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


def _fast_date(text: pl.Expr) -> pl.Expr:
    """15/07/1990 and 1990-07-15 without patterns; null for anything else (and for 2-digit years)."""
    parsed = pl.coalesce(text.str.to_date("%d/%m/%Y", strict=False), text.str.to_date("%Y-%m-%d", strict=False))
    return pl.when(parsed.dt.year().is_between(1900, 2099)).then(parsed)


def with_dates(frame: pl.DataFrame, columns: dict[str, str], today: dt.date) -> pl.DataFrame:
    """Add a Date column per `source text column -> target`, null where the text is no date.

    Reads 15/07/1990, 15-07-1990, 1990-07-15, 15 Juli 1990, 15-Jul-90, 15/07/90, Excel date cells read as
    text (2024-01-02 00:00:00) and Excel serials (33069). The two common forms take a fast path; the rest
    go through the patterns, one step per column (eager polars shares no sub-expression). `frame` needs a
    unique `row` column.
    """
    texts = {source: f"_{target}_t" for source, target in columns.items()}
    frame = frame.with_columns(
        [pl.col(source).str.strip_chars().str.to_lowercase().alias(t) for source, t in texts.items()]
    ).with_columns([_fast_date(pl.col(texts[source])).alias(target) for source, target in columns.items()])
    for source, target in columns.items():
        t = texts[source]
        slow = frame.filter(pl.col(target).is_null() & pl.col(t).is_not_null()).select("row", t)
        if slow.height == 0:
            continue
        iso, dmy, nm, y, m, d = (f"_{target}_{p}" for p in ("iso", "dmy", "nm", "y", "m", "d"))
        slow = slow.with_columns(
            pl.col(t).str.extract_groups(_ISO).alias(iso),
            pl.col(t).str.extract_groups(_DMY).alias(dmy),
            pl.col(t).str.extract_groups(_DMY_NAME).alias(nm),
        ).with_columns(
            two_digit_year(
                pl.coalesce(
                    pl.col(iso).struct.field("y"), pl.col(dmy).struct.field("y"), pl.col(nm).struct.field("y")
                ).cast(pl.Int32, strict=False),
                today,
            ).alias(y),
            pl.coalesce(
                pl.col(iso).struct.field("m").cast(pl.Int32, strict=False),
                pl.col(dmy).struct.field("m").cast(pl.Int32, strict=False),
                pl.col(nm).struct.field("m").replace_strict(_MONTHS, default=None, return_dtype=pl.Int32),
            ).alias(m),
            pl.coalesce(pl.col(iso).struct.field("d"), pl.col(dmy).struct.field("d"), pl.col(nm).struct.field("d"))
            .cast(pl.Int32, strict=False)
            .alias(d),
        )
        serial = pl.col(t).str.extract(_SERIAL, 1).cast(pl.Int32, strict=False)
        # Serials from 1 Jan 1910 (3654) to 31 Dec 2099 (73050); other numbers are not dates.
        from_serial = pl.when(serial.is_between(3654, 73050)).then(pl.lit(_EXCEL_EPOCH) + pl.duration(days=serial))
        slow = slow.select(
            "row",
            pl.coalesce(safe_date(pl.col(y), pl.col(m), pl.col(d)), from_serial.cast(pl.Date)).alias(f"_{target}_slow"),
        )
        frame = (
            frame.join(slow, on="row", how="left", maintain_order="left")
            .with_columns(pl.coalesce(target, f"_{target}_slow").alias(target))
            .drop(f"_{target}_slow")
        )
    return frame.drop(list(texts.values()))


_RP_PREFIX = r"^(?:rp\.?|idr)\s*"
_AMOUNT = (
    r"^(?:(?P<dot>\d{1,3}(?:\.\d{3})+)(?:,(?P<dot_sen>\d{1,2}))?"
    r"|(?P<comma>\d{1,3}(?:,\d{3})+)(?:\.(?P<comma_sen>\d{1,2}))?"
    r"|(?P<plain>\d+)(?:[.,](?P<plain_sen>\d{1,2}))?)$"
)


def with_rupiah(frame: pl.DataFrame, source: str, target: str, sen_flag: str) -> pl.DataFrame:
    """Whole rupiah from "Rp 2.500.000", "2.500.000,00", "2,500,000", "2500000" into `target` (Int64, null if
    unreadable), and in `sen_flag` whether the amount carries non-zero sen (wages are whole rupiah).
    `frame` needs a unique `row` column.
    """
    text, parts = f"_{target}_t", f"_{target}_parts"
    frame = frame.with_columns(
        pl.col(source)
        .str.strip_chars()
        .str.to_lowercase()
        .str.replace(_RP_PREFIX, "")
        .str.replace(r",-$|\.-$", "")
        .str.replace_all(r"\s", "")
        .alias(text)
    )
    # Most wages are plain digits: those skip the pattern below.
    plain = pl.col(text).str.to_integer(strict=False).cast(pl.Int64, strict=False)
    frame = frame.with_columns(pl.when(plain >= 0).then(plain).alias(target))
    field = pl.col(parts).struct.field
    rest = frame.filter(pl.col(target).is_null() & pl.col(text).is_not_null()).select(
        pl.col("row"), pl.col(text).str.extract_groups(_AMOUNT).alias(parts)
    )
    whole = pl.coalesce(
        field("dot").str.replace_all(r"\.", ""), field("comma").str.replace_all(",", ""), field("plain")
    )
    sen = pl.coalesce(field("dot_sen"), field("comma_sen"), field("plain_sen"))
    rest = rest.select(
        pl.col("row"),
        whole.str.to_integer(strict=False).cast(pl.Int64, strict=False).alias(f"_{target}_rest"),
        (sen.is_not_null() & (sen.str.replace_all("0", "") != "")).alias(sen_flag),
    )
    return (
        frame.join(rest, on="row", how="left", maintain_order="left")
        .with_columns(pl.coalesce(target, f"_{target}_rest").alias(target), pl.col(sen_flag).fill_null(False))
        .drop(text, f"_{target}_rest")
    )


def one_date(text: str | None, today: dt.date) -> dt.date | None:
    """One value through the bulk date reader."""
    frame = with_dates(
        pl.DataFrame({"row": [1], "v": [text]}, schema={"row": pl.Int64, "v": pl.String}), {"v": "d"}, today
    )
    value = frame.get_column("d").item()
    return value if isinstance(value, dt.date) else None


def one_rupiah(text: str | None) -> tuple[int | None, bool]:
    """One value through the bulk rupiah reader: (whole rupiah, has non-zero sen)."""
    frame = with_rupiah(
        pl.DataFrame({"row": [1], "v": [text]}, schema={"row": pl.Int64, "v": pl.String}), "v", "r", "s"
    )
    amount, sen = frame.row(0)[2:]
    return amount, bool(sen)


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
    digits = text.str.replace_all(r"[\s\-().+]", "")
    return pl.lit("0") + digits.str.extract(r"^(?:62|0)(8\d{7,11})$", 1)


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
