"""NIK (Nomor Induk Kependudukan) policy of DESIGN.md §3, for one NIK or a million.

A NIK is PP KK CC DDMMYY SSSS: province, kab/kota, kecamatan (Kemendagri codes at first registration),
birth date with 40 added to the day for women, and a serial. Spaces, dots and dashes between digits are
removed first.

Reject: not 16 ASCII digits (Excel's scientific notation and non-ASCII digits get their own code),
an impossible date, a date in the future, serial 0000, an unknown province.
Warn: an unknown or retired kab/kota or kecamatan prefix, an age outside 15-70.

The rules are polars expressions over the columns of `with_nik` (`nik_rules`) so a roster of a million rows is judged
in one pass; `check_nik` runs the same expressions for one NIK.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import polars as pl

from lindung.domain.messages import Lang, Severity, render
from lindung.domain.parsing import safe_date

MIN_AGE = 15
MAX_AGE = 70

_SEPARATORS = r"[\s.\-]"
_SCIENTIFIC = r"^[0-9]+(?:[.,][0-9]+)?[eE][+]?[0-9]+$"


@dataclass(frozen=True)
class RegionCodes:
    """What the NIK rules need to know of regions: dotted codes, current and retired."""

    provinces: frozenset[str]
    current: frozenset[str]  # kab/kota and kecamatan codes in the current Kemendagri edition
    retired: Mapping[str, str] = field(default_factory=dict)  # retired code -> its last name

    @classmethod
    def of(cls, provinces: Iterable[str], current: Iterable[str], retired: Mapping[str, str]) -> RegionCodes:
        return cls(frozenset(provinces), frozenset(current), dict(retired))


@dataclass(frozen=True)
class Rule:
    """A check over a frame: `failing` is True on the rows that break it; `detail` fills the message."""

    code: str
    column: str
    severity: Severity
    failing: pl.Expr
    detail: pl.Expr | None = None


def _clean(text: pl.Expr) -> pl.Expr:
    """Without separators, and without the leading apostrophe that people type to keep a NIK as text in Excel."""
    return text.str.strip_chars_start("'").str.replace_all(_SEPARATORS, "")


def with_nik(frame: pl.DataFrame, source: str, regions: RegionCodes, today: dt.date) -> pl.DataFrame:
    """Add the decoded NIK columns, all prefixed `nik`: the clean digits, birth date, sex, region codes.

    Staged: each value is a column before it is used again (eager polars shares no sub-expression).
    """
    text = pl.col(source).cast(pl.String).str.strip_chars()
    frame = frame.with_columns(text.alias("nik_text"), _clean(text).alias("_nik_clean"))
    clean = pl.col("_nik_clean")
    frame = frame.with_columns(clean.str.contains(r"^[0-9]{16}$").alias("_nik_shaped"))
    shaped = pl.col("_nik_shaped")
    nik = pl.when(shaped).then(clean)
    frame = frame.with_columns(
        nik.alias("nik"),
        nik.str.slice(6, 6).alias("nik_ddmmyy"),
        nik.str.slice(6, 2).cast(pl.Int32).alias("_nik_dd"),
        nik.str.slice(8, 2).cast(pl.Int32).alias("_nik_mm"),
        nik.str.slice(10, 2).cast(pl.Int32).alias("_nik_yy"),
        nik.str.slice(0, 2).alias("nik_province"),
        (nik.str.slice(0, 2) + "." + nik.str.slice(2, 2)).alias("nik_regency"),
        (nik.str.slice(0, 2) + "." + nik.str.slice(2, 2) + "." + nik.str.slice(4, 2)).alias("nik_district"),
    )
    female = pl.col("_nik_dd") > 40
    yy = pl.col("_nik_yy")
    frame = frame.with_columns(
        female.alias("_nik_female"),
        pl.when(female).then(pl.col("_nik_dd") - 40).otherwise(pl.col("_nik_dd")).alias("_nik_day"),
        pl.when(2000 + yy <= today.year).then(2000 + yy).otherwise(1900 + yy).alias("_nik_year"),
    )
    frame = frame.with_columns(
        safe_date(pl.col("_nik_year"), pl.col("_nik_mm"), pl.col("_nik_day")).alias("nik_birth_date")
    )
    birth = pl.col("nik_birth_date")
    # Month and day widened before arithmetic: dt.month() and dt.day() are Int8.
    birth_mmdd = birth.dt.month().cast(pl.Int32) * 100 + birth.dt.day().cast(pl.Int32)
    retired, current = list(regions.retired), list(regions.current)

    def status(code: str) -> pl.Expr:
        column = pl.col(code)
        return (
            pl.when(column.is_in(current))
            .then(pl.lit("current"))
            .when(column.is_in(retired))
            .then(pl.lit("retired"))
            .when(column.is_not_null())
            .then(pl.lit("unknown"))
        )

    return frame.with_columns(
        pl.when(birth.is_not_null())
        .then(pl.when(pl.col("_nik_female")).then(pl.lit("P")).otherwise(pl.lit("L")))
        .alias("nik_sex"),
        status("nik_regency").alias("nik_regency_status"),
        status("nik_district").alias("nik_district_status"),
        pl.col("nik_province").is_in(list(regions.provinces)).alias("nik_province_known"),
        (
            pl.lit(today.year)
            - birth.dt.year().cast(pl.Int32)
            - (pl.lit(today.month * 100 + today.day) < birth_mmdd).cast(pl.Int32)
        ).alias("nik_age"),
    ).drop("_nik_dd", "_nik_mm", "_nik_yy", "_nik_female", "_nik_day", "_nik_year")


def nik_rules(today: dt.date, *, empty_is_error: bool = False) -> list[Rule]:
    """The NIK rules over the columns of `with_nik`. A roster reports an empty NIK as REQUIRED, so it passes
    `empty_is_error=False`; `check_nik` judges the empty string as a malformed NIK."""
    text = pl.col("nik_text")
    present = text.is_not_null() & (text != "")
    if empty_is_error:
        present = pl.lit(True)
    shaped = pl.col("_nik_shaped")
    cleaned = pl.col("_nik_clean")
    scientific = present & text.str.contains(_SCIENTIFIC)
    unicode_digit = present & ~shaped & cleaned.str.contains(r"^\p{Nd}{16}$") & ~scientific
    birth = pl.col("nik_birth_date")
    regency_flag = pl.col("nik_regency_status")
    district_flag = pl.col("nik_district_status")
    retired_code = pl.when(regency_flag == "retired").then(pl.col("nik_regency")).otherwise(pl.col("nik_district"))
    unknown_code = pl.when(regency_flag == "unknown").then(pl.col("nik_regency")).otherwise(pl.col("nik_district"))
    digits = cleaned.str.count_matches(r"[0-9]")
    letters = cleaned.str.count_matches(r"[^0-9]")
    shape_detail = (
        digits.cast(pl.String)
        + pl.lit(" digit")
        + pl.when(letters > 0).then(pl.lit(" dan ") + letters.cast(pl.String) + " huruf/tanda").otherwise(pl.lit(""))
    )
    province_ok = shaped & pl.col("nik_province_known")
    return [
        Rule("NIK_EXCEL_SCIENTIFIC", "nik", "error", scientific),
        Rule("NIK_UNICODE_DIGIT", "nik", "error", unicode_digit),
        Rule("NIK_FORMAT", "nik", "error", present & ~shaped & ~scientific & ~unicode_digit, shape_detail),
        Rule("NIK_PROVINCE", "nik", "error", shaped & ~pl.col("nik_province_known"), pl.col("nik_province")),
        Rule("NIK_DATE", "nik", "error", shaped & birth.is_null(), pl.col("nik_ddmmyy")),
        Rule(
            "NIK_DATE_FUTURE",
            "nik",
            "error",
            shaped & (birth > pl.lit(today)),
            birth.dt.to_string("%d-%m-%Y"),
        ),
        Rule("NIK_SERIAL", "nik", "error", shaped & (pl.col("nik").str.slice(12, 4) == "0000")),
        Rule(
            "NIK_REGION_RETIRED",
            "nik",
            "warning",
            province_ok & ((regency_flag == "retired") | ((regency_flag == "current") & (district_flag == "retired"))),
            retired_code,
        ),
        Rule(
            "NIK_REGION_UNKNOWN",
            "nik",
            "warning",
            province_ok & ((regency_flag == "unknown") | ((regency_flag != "unknown") & (district_flag == "unknown"))),
            unknown_code,
        ),
        Rule(
            "NIK_AGE",
            "nik",
            "warning",
            birth.is_not_null() & (birth <= pl.lit(today)) & ~pl.col("nik_age").is_between(MIN_AGE, MAX_AGE),
            pl.col("nik_age").cast(pl.String),
        ),
    ]


@dataclass(frozen=True)
class Finding:
    code: str
    message: str


@dataclass(frozen=True)
class NikResult:
    input: str
    nik: str | None
    valid: bool
    errors: tuple[Finding, ...]
    warnings: tuple[Finding, ...]
    birth_date: dt.date | None
    sex: str | None
    province_code: str | None
    regency_code: str | None
    district_code: str | None

    def as_dict(self) -> dict[str, object]:
        return {
            "input": self.input,
            "nik": self.nik,
            "valid": self.valid,
            "errors": [{"code": f.code, "message": f.message} for f in self.errors],
            "warnings": [{"code": f.code, "message": f.message} for f in self.warnings],
            "birth_date": self.birth_date.isoformat() if self.birth_date else None,
            "sex": self.sex,
            "province_code": self.province_code,
            "regency_code": self.regency_code,
            "district_code": self.district_code,
        }


def check_niks(raws: list[str], regions: RegionCodes, today: dt.date, lang: Lang = "id") -> list[NikResult]:
    """Judge NIKs one by one with the bulk rules; the result keeps the input order."""
    frame = with_nik(pl.DataFrame({"raw": raws}, schema={"raw": pl.String}), "raw", regions, today)
    rules = nik_rules(today, empty_is_error=True)
    flags = frame.select(
        [r.failing.fill_null(False).alias(f"f{i}") for i, r in enumerate(rules)]
        + [(r.detail if r.detail is not None else pl.lit(None, pl.String)).alias(f"d{i}") for i, r in enumerate(rules)]
    )
    results = []
    for raw, row, flag_row in zip(raws, frame.iter_rows(named=True), flags.iter_rows(named=True), strict=True):
        found = [
            (rule, Finding(rule.code, render(rule.code, lang, value=raw, detail=flag_row[f"d{i}"])))
            for i, rule in enumerate(rules)
            if flag_row[f"f{i}"]
        ]
        errors = tuple(f for r, f in found if r.severity == "error")
        valid = not errors
        results.append(
            NikResult(
                input=raw,
                nik=row["nik"] if valid else None,
                valid=valid,
                errors=errors,
                warnings=tuple(f for r, f in found if r.severity == "warning"),
                birth_date=row["nik_birth_date"],
                sex=row["nik_sex"],
                province_code=row["nik_province"],
                regency_code=row["nik_regency"],
                district_code=row["nik_district"],
            )
        )
    return results


def check_nik(raw: str, regions: RegionCodes, today: dt.date, lang: Lang = "id") -> NikResult:
    return check_niks([raw], regions, today, lang)[0]
