"""Roster rows: the fields of the template, the checks on each row, and what a valid row changes.

Everything works on whole frames. `prepare` reads the text the user wrote into typed columns,
`row_rules` lists the checks, and `classify` compares valid rows with what the registry already holds
(new, changed or unchanged, and which records to write). No database here: the service hands in the
employer's units and the registry's current state for the NIKs in the file.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from lindung.domain.nik import RegionCodes, Rule, nik_rules, with_nik
from lindung.domain.parsing import is_yes, normalize_key, parse_phone, parse_sex, with_dates, with_rupiah
from lindung.domain.sheets import MARKUP, MARKUP_SHOWN, Field, formula_flags, formula_rules
from lindung.domain.terms import CATEGORY_LOOKUP, WORKER_CATEGORIES

FIELDS: tuple[Field, ...] = (
    Field("nik", "NIK", True, ("nik ktp", "no ktp", "nomor ktp", "no nik", "nomor nik",
          "nomor induk kependudukan"), "16 digit sesuai KTP. Kolom ini berformat Teks; jangan diubah ke Angka."),
    Field("nama", "Nama Lengkap", True, ("nama", "nama pegawai", "nama pekerja", "nama tenaga kerja"),
          "Nama sesuai KTP."),
    Field("tanggal_lahir", "Tanggal Lahir", False, ("tgl lahir", "tanggal lahir", "tgl. lahir"),
          "Opsional; dicocokkan dengan NIK. Contoh 15/07/1990."),
    Field("jenis_kelamin", "L/P", False, ("jenis kelamin", "jk", "kelamin", "sex", "l p"),
          "Opsional; L atau P, dicocokkan dengan NIK."),
    Field("no_hp", "No. HP", False, ("no hp", "nomor hp", "hp", "telepon", "no telp", "nomor telepon",
          "no handphone"), "Opsional; contoh 081234567890."),
    Field("unit", "Kode Unit", True, ("unit", "unit kerja", "kode opd", "opd", "satuan kerja", "satker",
          "kode unit kerja"), "Kode unit kerja (OPD/nagari/desa) dari daftar."),
    Field("kategori", "Kategori", True, ("status", "status kepegawaian", "jenis pegawai", "kategori pekerja"),
          "Pilih dari daftar: honorer, THL, kontrak, perangkat desa/nagari, ..."),
    Field("jabatan", "Jabatan/Pekerjaan", False, ("jabatan", "pekerjaan", "tugas", "posisi"),
          "Contoh: cleaning service, penjaga malam, sopir."),
    Field("upah", "Upah Sebulan", True, ("gaji", "honor", "honorarium", "upah", "upah bulanan",
          "gaji pokok", "gaji bulanan", "honor bulanan"), "Rupiah penuh per bulan, contoh 2500000."),
    Field("tmt", "TMT", True, ("tanggal mulai", "tgl mulai", "mulai bekerja", "tmt kerja",
          "terhitung mulai tanggal", "tanggal masuk"), "Tanggal mulai bekerja, contoh 02/01/2024."),
    Field("tanggal_selesai", "Tanggal Selesai", False, ("tgl selesai", "tanggal berhenti", "tanggal keluar",
          "tmt berhenti", "akhir kontrak"), "Opsional; isi hanya bila pekerja berhenti."),
    Field("no_sk", "Nomor SK", False, ("no sk", "nomor sk", "sk", "no sk pengangkatan"),
          "Opsional; nomor SK penugasan."),
    Field("domisili", "Kode Wilayah Domisili", False, ("domisili", "kode domisili", "kode wilayah"),
          "Opsional; kode Kemendagri desa/kecamatan, contoh 13.11.01.2001."),
    Field("mutasi", "Mutasi", False, ("pindah unit", "mutasi unit", "pindahan"),
          "Isi \"Ya\" bila pekerja pindah dari unit lain di Pemda yang sama."),
)  # fmt: skip


# The registry's state for each NIK of the file: its worker, and its latest employment at this employer.
EXISTING_SCHEMA = {
    "nik": pl.String,
    "worker_id": pl.Int64,
    "w_name": pl.String,
    "w_birth_date": pl.Date,
    "w_sex": pl.String,
    "w_phone": pl.String,
    "w_domicile_id": pl.String,
    "emp_id": pl.Int64,
    "emp_unit_id": pl.Int64,
    "emp_unit_code": pl.String,
    "emp_category": pl.String,
    "emp_job_title": pl.String,
    "emp_wage": pl.Int64,
    "emp_start_date": pl.Date,
    "emp_end_date": pl.Date,
    "emp_sk_number": pl.String,
}
UNITS_SCHEMA = {"unit_id": pl.Int64, "code": pl.String, "name": pl.String}
# Longest text the registry stores per field (registry.models).
MAX_LENGTHS = {"nama": 200, "jabatan": 200, "no_sk": 100}
# Where `prepare` keeps what the user wrote when the field's own column becomes the clean value.
TEXT_COLUMNS = {"nik": "nik_text"}
# Refused when a spreadsheet would read them as a formula; phone numbers ("+62...") and wages have their own rules.
TEXT_FIELDS = ("nama", "jabatan", "no_sk", "kategori", "unit")


@dataclass(frozen=True)
class RosterContext:
    today: dt.date
    regions: RegionCodes
    units: pl.DataFrame  # UNITS_SCHEMA: the employer's units
    fixed_unit: str | None  # every row belongs to this unit code (`--unit`)
    wage_floor: int  # below it a wage is suspicious (warning)
    wage_floor_label: str
    domiciles: frozenset[str]  # region codes a domicile may name


def _text(name: str) -> pl.Expr:
    return pl.col(name).cast(pl.String).str.strip_chars()


def _present(name: str) -> pl.Expr:
    return pl.col(name).is_not_null() & (pl.col(name) != "")


def prepare(raw: pl.DataFrame, ctx: RosterContext) -> pl.DataFrame:
    """Typed columns beside the text: `raw` has `row` and one String column per field (null if absent)."""
    frame = formula_flags(raw, TEXT_FIELDS).with_columns(
        [
            _text(f.name).replace("", None).alias(f.name)
            if f.name in raw.columns
            else pl.lit(None, pl.String).alias(f.name)
            for f in FIELDS
        ]
    )
    if ctx.fixed_unit is not None:
        frame = frame.with_columns(pl.col("unit").fill_null(pl.lit(ctx.fixed_unit)))
    # A unit is named by its code (any case) or by its name, when no other unit has the same code or name.
    by_code = ctx.units.select(
        pl.col("code").str.to_uppercase().alias("_ucode"), pl.col("unit_id"), pl.col("code").alias("unit_code")
    ).filter(pl.len().over("_ucode") == 1)
    by_name = (
        ctx.units.select(normalize_key(pl.col("name")).alias("_uname"), "unit_id", "code")
        .filter(pl.len().over("_uname") == 1)
        .rename({"unit_id": "_uid_n", "code": "_uc_n"})
    )
    frame = (
        frame.with_columns(
            pl.col("unit").str.to_uppercase().alias("_ucode"), normalize_key(pl.col("unit")).alias("_uname")
        )
        .join(by_code, on="_ucode", how="left", maintain_order="left")
        .join(by_name, on="_uname", how="left", maintain_order="left")
        .with_columns(
            pl.coalesce("unit_id", "_uid_n").alias("unit_id"), pl.coalesce("unit_code", "_uc_n").alias("unit_code")
        )
        .drop("_ucode", "_uname", "_uid_n", "_uc_n")
    )
    today = ctx.today
    frame = with_nik(frame, "nik", ctx.regions, today)
    frame = with_dates(
        frame, {"tanggal_lahir": "stated_birth_date", "tmt": "start_date", "tanggal_selesai": "end_date"}, today
    )
    frame = with_rupiah(frame, "upah", "wage", "_wage_sen")
    return frame.with_columns(
        pl.col("nama").str.replace_all(r"\s+", " ").alias("name"),
        parse_sex(pl.col("jenis_kelamin")).alias("stated_sex"),
        parse_phone(pl.col("no_hp")).alias("phone"),
        normalize_key(pl.col("kategori")).replace_strict(CATEGORY_LOOKUP, default=None).alias("category"),
        pl.col("jabatan").alias("job_title"),
        pl.col("no_sk").alias("sk_number"),
        pl.when(pl.col("domisili").is_in(list(ctx.domiciles))).then(pl.col("domisili")).alias("domicile_id"),
        is_yes(pl.col("mutasi")).alias("transfer"),
    )


def row_rules(ctx: RosterContext) -> list[Rule]:
    """Every check on a prepared row that needs no registry state (those are in `registry_rules`)."""
    today = ctx.today
    required = [
        Rule("REQUIRED", f.name, "error", ~_present(TEXT_COLUMNS.get(f.name, f.name))) for f in FIELDS if f.required
    ]
    birth = pl.col("nik_birth_date")
    category_words = ", ".join(label for label, _ in WORKER_CATEGORIES.values())
    fixed = ctx.fixed_unit
    wage_text = pl.col("upah")
    return [
        *required,
        *nik_rules(today),
        Rule(
            "NIK_EXCEL_NUMBER",
            "nik",
            "error",
            pl.col("_nik_numeric").fill_null(False) & pl.col("nik").is_not_null(),
        ),
        Rule(
            "DUPLICATE_NIK",
            "nik",
            "error",
            pl.col("nik").is_not_null() & ~pl.col("nik").is_first_distinct(),
            pl.col("row").first().over("nik").cast(pl.String),
        ),
        *formula_rules(TEXT_FIELDS),
        Rule(
            "NAME_MARKUP",
            "nama",
            "error",
            pl.col("name").str.contains(MARKUP),
            pl.col("name").str.extract(MARKUP_SHOWN, 1),
        ),
        Rule("NAME_INVALID", "nama", "warning", pl.col("name").str.contains(r"[0-9@#$%*=<>{}\[\]_|\\/]")),
        *[
            Rule("TOO_LONG", field, "error", pl.col(field).str.len_chars() > limit, pl.lit(str(limit)))
            for field, limit in MAX_LENGTHS.items()
        ],
        Rule(
            "DATE_INVALID",
            "tanggal_lahir",
            "error",
            _present("tanggal_lahir") & pl.col("stated_birth_date").is_null(),
        ),
        Rule(
            "BIRTH_DATE_MISMATCH",
            "tanggal_lahir",
            "error",
            birth.is_not_null() & pl.col("stated_birth_date").is_not_null() & (birth != pl.col("stated_birth_date")),
            birth.dt.to_string("%d/%m/%Y"),
        ),
        Rule(
            "SEX_INVALID",
            "jenis_kelamin",
            "error",
            _present("jenis_kelamin") & pl.col("stated_sex").is_null(),
        ),
        Rule(
            "SEX_MISMATCH",
            "jenis_kelamin",
            "error",
            pl.col("nik_sex").is_not_null()
            & pl.col("stated_sex").is_not_null()
            & (pl.col("nik_sex") != pl.col("stated_sex")),
            pl.col("nik_sex"),
        ),
        Rule("PHONE_INVALID", "no_hp", "warning", _present("no_hp") & pl.col("phone").is_null()),
        Rule("UNIT_UNKNOWN", "unit", "error", _present("unit") & pl.col("unit_id").is_null()),
        Rule(
            "UNIT_FIXED",
            "unit",
            "error",
            pl.lit(fixed is not None) & pl.col("unit_id").is_not_null() & (pl.col("unit_code") != pl.lit(fixed)),
            pl.lit(fixed),
        ),
        Rule(
            "CATEGORY_UNKNOWN",
            "kategori",
            "error",
            _present("kategori") & pl.col("category").is_null(),
            pl.lit(category_words),
        ),
        Rule(
            "WAGE_NOT_POSITIVE",
            "upah",
            "error",
            _present("upah") & (wage_text.str.contains(r"^\s*-") | (pl.col("wage") == 0)),
        ),
        Rule(
            "WAGE_INVALID",
            "upah",
            "error",
            _present("upah") & pl.col("wage").is_null() & ~wage_text.str.contains(r"^\s*-"),
        ),
        Rule("WAGE_FRACTION", "upah", "error", pl.col("wage").is_not_null() & pl.col("_wage_sen")),
        Rule(
            "WAGE_BELOW_FLOOR",
            "upah",
            "warning",
            (pl.col("wage") > 0) & (pl.col("wage") < ctx.wage_floor),
            pl.lit(ctx.wage_floor_label),
        ),
        Rule("DATE_INVALID", "tmt", "error", _present("tmt") & pl.col("start_date").is_null()),
        Rule(
            "START_BEFORE_15",
            "tmt",
            "error",
            birth.is_not_null() & (pl.col("start_date") < birth.dt.offset_by("15y")),
        ),
        Rule(
            "START_FUTURE",
            "tmt",
            "warning",
            (pl.col("start_date") > pl.lit(today)) & (pl.col("start_date") <= pl.lit(today + dt.timedelta(366))),
        ),
        Rule("START_TOO_FAR", "tmt", "error", pl.col("start_date") > pl.lit(today + dt.timedelta(366))),
        Rule(
            "DATE_INVALID",
            "tanggal_selesai",
            "error",
            _present("tanggal_selesai") & pl.col("end_date").is_null(),
        ),
        Rule("END_BEFORE_START", "tanggal_selesai", "error", pl.col("end_date") < pl.col("start_date")),
        Rule("DOMICILE_UNKNOWN", "domisili", "warning", _present("domisili") & pl.col("domicile_id").is_null()),
    ]


def attach_existing(prepared: pl.DataFrame, existing: pl.DataFrame) -> pl.DataFrame:
    """Join the registry's state (EXISTING_SCHEMA) on NIK."""
    return prepared.join(existing, on="nik", how="left", maintain_order="left")


def _emp_active_on(day: pl.Expr) -> pl.Expr:
    return pl.col("emp_id").is_not_null() & (pl.col("emp_end_date").is_null() | (pl.col("emp_end_date") >= day))


def registry_rules() -> list[Rule]:
    """Checks against the registry: a worker still active in another unit of the same employer, a transfer
    that starts before the old job, a past period that would overwrite the recorded employment."""
    other_unit = (
        _emp_active_on(pl.col("start_date"))
        & pl.col("unit_id").is_not_null()
        & (pl.col("emp_unit_id") != pl.col("unit_id"))
    )
    past_period = (
        pl.col("emp_id").is_not_null()
        & (pl.col("emp_unit_id") == pl.col("unit_id"))
        & (pl.col("end_date") < pl.col("emp_start_date"))
    )
    return [
        Rule("OTHER_UNIT", "unit", "error", other_unit & ~pl.col("transfer"), pl.col("emp_unit_code")),
        Rule("PAST_PERIOD", "tanggal_selesai", "error", past_period, pl.col("emp_start_date").dt.to_string("%d/%m/%Y")),
        Rule(
            "TRANSFER_BEFORE_START",
            "tmt",
            "error",
            other_unit & pl.col("transfer") & (pl.col("start_date") <= pl.col("emp_start_date")),
            pl.col("emp_start_date").dt.to_string("%d/%m/%Y"),
        ),
    ]


def _differs(new: str, old: str) -> pl.Expr:
    """A value in the file that is not what the registry holds. An empty cell never erases."""
    return pl.col(new).is_not_null() & (pl.col(old).is_null() | (pl.col(new) != pl.col(old)))


def classify(valid: pl.DataFrame) -> pl.DataFrame:
    """Valid rows (after `attach_existing`) with what to write and an `outcome`: new, changed, unchanged.

    - no worker with this NIK: a new worker and a new employment;
    - a worker with no employment here, or one that ended before this start date, or a transfer from
      another unit: a new employment (a transfer also ends the old one the day before);
    - otherwise the employment in the same unit is compared field by field.
    """
    birth = pl.coalesce("stated_birth_date", "nik_birth_date")
    sex = pl.coalesce("stated_sex", "nik_sex")
    frame = valid.with_columns(birth.alias("birth_date"), sex.alias("sex"))
    same_unit = pl.col("emp_id").is_not_null() & (pl.col("emp_unit_id") == pl.col("unit_id"))
    reemployed = same_unit & pl.col("emp_end_date").is_not_null() & (pl.col("emp_end_date") < pl.col("start_date"))
    transfer = _emp_active_on(pl.col("start_date")) & (pl.col("emp_unit_id") != pl.col("unit_id")) & pl.col("transfer")
    worker_changed = pl.col("worker_id").is_not_null() & pl.any_horizontal(
        _differs("name", "w_name"),
        _differs("birth_date", "w_birth_date"),
        _differs("sex", "w_sex"),
        _differs("phone", "w_phone"),
        _differs("domicile_id", "w_domicile_id"),
    )
    compare = same_unit & ~reemployed
    employment_changed = compare & pl.any_horizontal(
        _differs("category", "emp_category"),
        _differs("job_title", "emp_job_title"),
        _differs("wage", "emp_wage"),
        _differs("start_date", "emp_start_date"),
        _differs("end_date", "emp_end_date"),
        _differs("sk_number", "emp_sk_number"),
    )
    new_employment = ~compare
    frame = frame.with_columns(
        pl.col("worker_id").is_null().alias("new_worker"),
        worker_changed.alias("worker_changed"),
        new_employment.alias("new_employment"),
        employment_changed.fill_null(False).alias("employment_changed"),
        transfer.fill_null(False).alias("ends_previous"),
    )
    return frame.with_columns(
        pl.when(pl.col("ends_previous"))
        .then(pl.lit("changed"))
        .when(pl.col("new_worker") | pl.col("new_employment"))
        .then(pl.lit("new"))
        .when(pl.col("worker_changed") | pl.col("employment_changed"))
        .then(pl.lit("changed"))
        .otherwise(pl.lit("unchanged"))
        .alias("outcome")
    )
