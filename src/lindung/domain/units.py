"""Work unit rows (`lindung units import`): the fields and the checks, as for roster rows."""

from __future__ import annotations

import polars as pl

from lindung.domain.nik import Rule
from lindung.domain.parsing import normalize_key
from lindung.domain.sheets import Field, formula_flags, formula_rules
from lindung.domain.terms import UNIT_KIND_LOOKUP, UNIT_KINDS

FIELDS: tuple[Field, ...] = (
    Field("kode", "Kode Unit", True, ("kode", "kode opd", "kode unit kerja", "kode satker"),
          "Kode singkat yang unik di Pemda ini, contoh DINKES atau NGR-PASIR-TALANG."),
    Field("nama", "Nama Unit", True, ("nama", "nama opd", "nama unit kerja", "unit kerja", "opd", "satuan kerja"),
          "Nama lengkap unit kerja."),
    Field("jenis", "Jenis", True, ("jenis unit", "kind", "tipe"),
          "dinas, badan, sekretariat, kecamatan, kelurahan, rsud, puskesmas, sekolah, nagari/desa, lainnya."),
    Field("npp_divisi", "NPP Divisi", False, ("npp", "divisi", "npp divisi bpjs"), "Opsional."),
)  # fmt: skip


TEXT_FIELDS = ("kode", "nama")  # refused when a spreadsheet would read them as a formula


def prepare(raw: pl.DataFrame) -> pl.DataFrame:
    frame = formula_flags(raw, TEXT_FIELDS).with_columns(
        [
            pl.col(f.name).cast(pl.String).str.strip_chars().replace("", None).alias(f.name)
            if f.name in raw.columns
            else pl.lit(None, pl.String).alias(f.name)
            for f in FIELDS
        ]
    )
    return frame.with_columns(
        pl.col("kode").str.to_uppercase().alias("code"),
        pl.col("nama").str.replace_all(r"\s+", " ").alias("name"),
        normalize_key(pl.col("jenis")).replace_strict(UNIT_KIND_LOOKUP, default=None).alias("kind"),
    )


def rules() -> list[Rule]:
    present = {f.name: pl.col(f.name).is_not_null() for f in FIELDS}
    kinds = ", ".join(label for label, _ in UNIT_KINDS.values())
    return [
        *[Rule("REQUIRED", f.name, "error", ~present[f.name]) for f in FIELDS if f.required],
        Rule(
            "CODE_INVALID",
            "kode",
            "error",
            present["kode"] & ~pl.col("code").str.contains(r"^[A-Z0-9._-]{1,40}$"),
        ),
        Rule(
            "DUPLICATE_CODE",
            "kode",
            "error",
            present["kode"] & (pl.int_range(pl.len()).over("code") > 0),
            pl.col("row").first().over("code").cast(pl.String),
        ),
        Rule("KIND_UNKNOWN", "jenis", "error", present["jenis"] & pl.col("kind").is_null(), pl.lit(kinds)),
        *formula_rules(TEXT_FIELDS),
    ]
