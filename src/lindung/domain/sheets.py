"""What every uploaded sheet shares: header matching and turning rule flags into a list of issues."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from lindung.domain.nik import Rule

ISSUE_SCHEMA = {
    "row": pl.Int64,
    "column": pl.String,
    "value": pl.String,
    "code": pl.String,
    "severity": pl.String,
    "detail": pl.String,
}


# A CSV cell starting with one of these is a formula to Excel and LibreOffice (`=cmd|' /C calc'!A0`, `@SUM(A1)`).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# The leading run that makes a text cell a formula (read before stripping: a leading tab is the attack); a lone
# "-" (people's "none") does not match. Markup in a name, and the part of it shown in the message.
FORMULA_LEAD = r"^([\t\r]+|\s*[=+\-@]+)\s*\S"
MARKUP = r"<\s*/?\s*[A-Za-z!?]|&#?\w+;"
MARKUP_SHOWN = r"(<[^>]{0,20}>?|&#?\w+;)"


def neutralise_formula(value: object) -> object:
    """A text cell for a CSV file that a spreadsheet shows as the text it is: a leading apostrophe before
    a formula character (OWASP's advice for CSV injection). Numbers and other values pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def formula_flags(raw: pl.DataFrame, fields: Sequence[str]) -> pl.DataFrame:
    """`raw` with, per text field present, `_fx_<field>`: the leading character that makes the cell a formula
    to a spreadsheet ("=", "+", "-", "@", tab, CR), or null. Read before stripping: a leading tab is the attack.
    A lone "-" (people's "none") is not flagged; its own field's rules judge it."""
    flags = []
    for name in fields:
        if name not in raw.columns:
            flags.append(pl.lit(None, pl.String).alias(f"_fx_{name}"))
            continue
        text = pl.col(name).cast(pl.String)
        lead = text.str.extract(FORMULA_LEAD, 1).str.strip_chars(" ")
        flags.append(
            pl.when(lead.str.starts_with("\t"))
            .then(pl.lit("tab"))
            .when(lead.str.starts_with("\r"))
            .then(pl.lit("CR"))
            .otherwise(pl.lit('"') + lead.str.slice(0, 1) + pl.lit('"'))
            .alias(f"_fx_{name}")
        )
    return raw.with_columns(flags)


def formula_rules(fields: Sequence[str]) -> list[Rule]:
    """TEXT_FORMULA errors for the flags of `formula_flags`."""
    return [
        Rule("TEXT_FORMULA", name, "error", pl.col(f"_fx_{name}").is_not_null(), pl.col(f"_fx_{name}"))
        for name in fields
    ]


def normalize_header(text: str) -> str:
    return " ".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


@dataclass(frozen=True)
class Field:
    name: str  # canonical column name
    label: str  # the header of the template
    required: bool
    aliases: tuple[str, ...]
    note: str  # the template's comment on the header


@dataclass(frozen=True)
class HeaderMap:
    columns: dict[str, str]  # canonical field -> header as written in the file
    positions: dict[str, int]  # canonical field -> 0-based position of its column
    unknown: tuple[str, ...]
    duplicates: tuple[tuple[str, str], ...]  # (header, field it also maps to)
    missing: tuple[str, ...]  # labels of required fields not found


def map_headers(headers: Sequence[str], fields: Sequence[Field], optional: frozenset[str] = frozenset()) -> HeaderMap:
    """Match the headers people write ("NIK KTP", "Nama Lengkap", "L/P") to canonical fields.

    `optional` names required fields the caller supplies otherwise (a unit given on the command line).
    """
    lookup: dict[str, str] = {}
    for f in fields:
        for alias in (f.name, f.label, *f.aliases):
            lookup[normalize_header(alias)] = f.name
    columns: dict[str, str] = {}
    positions: dict[str, int] = {}
    unknown: list[str] = []
    duplicates: list[tuple[str, str]] = []
    for position, header in enumerate(headers):
        key = normalize_header(header)
        # "Gaji (Rp)", "NIK (16 digit)", "Jenis Kelamin (L/P)": the words before a bracket name the column.
        name = lookup.get(key) or lookup.get(normalize_header(header.split("(", 1)[0]))
        if name is None:
            if header.strip():
                unknown.append(header)
        elif name in columns:
            duplicates.append((header, columns[name]))
        else:
            columns[name] = header
            positions[name] = position
    missing = tuple(f.label for f in fields if f.required and f.name not in columns and f.name not in optional)
    return HeaderMap(columns, positions, tuple(unknown), tuple(duplicates), missing)


def find_issues(frame: pl.DataFrame, rules: Sequence[Rule], value_columns: dict[str, str]) -> pl.DataFrame:
    """One row per broken rule per sheet row: row, column, value, code, severity, detail.

    `value_columns` maps a rule's column to the frame column holding what the user wrote.
    """
    flags = frame.select(
        pl.col("row").cast(pl.Int64),
        *[r.failing.fill_null(False).alias(f"_f{i}") for i, r in enumerate(rules)],
    )
    parts = []
    for i, rule in enumerate(rules):
        hit = flags.get_column(f"_f{i}")
        if not hit.any():
            continue
        source = value_columns.get(rule.column)
        # Details are computed over the whole frame: a duplicate's first row is not among the failing rows.
        parts.append(
            frame.select(
                pl.col("row").cast(pl.Int64),
                pl.lit(rule.column).alias("column"),
                (pl.col(source) if source else pl.lit(None)).cast(pl.String).alias("value"),
                pl.lit(rule.code).alias("code"),
                pl.lit(rule.severity).alias("severity"),
                (rule.detail if rule.detail is not None else pl.lit(None)).cast(pl.String).alias("detail"),
            ).filter(hit)
        )
    if not parts:
        return pl.DataFrame(schema=ISSUE_SCHEMA)
    return pl.concat(parts).sort("row", "column", "code")
