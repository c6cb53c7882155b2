"""Reading a BPJS TK participant file or a BKN census file (.csv, .xlsx or .parquet) into typed rows.

Headers are recognised as the roster import recognises them (`domain.sheets.map_headers` over the fields of
a layout kept as data in `reconcile/layouts/<source>.toml`); .csv and .xlsx go through the roster import's
own reader (`intake.reader.read_sheet`). Every bad row is an `Issue` with row, column, value and reason, as
the roster import reports them; a NIK in an issue is masked. A file cut short (a CSV whose last line lacks
columns, an .xlsx or Parquet file whose archive or footer is missing) is refused as truncated.
"""

from __future__ import annotations

import csv
import datetime as dt
import tomllib
import zipfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import polars as pl

from lindung.domain.errors import Issue, NotFound, ValidationFailed
from lindung.domain.formats import mask_nik
from lindung.domain.parsing import with_dates, with_rupiah
from lindung.domain.sheets import Field, map_headers
from lindung.intake.reader import read_sheet, text_encoding

SOURCES = ("bpjstk", "bkn")
ACTIVE = {"aktif", "a", "active", "ya"}
INACTIVE = {"nonaktif", "non aktif", "non-aktif", "tidak aktif", "n", "na", "inactive", "keluar", "berhenti"}
# The typed columns of the stored Parquet file, per source.
SCHEMAS: dict[str, dict[str, pl.DataType]] = {
    "bpjstk": {
        "row": pl.Int64(),
        "nik": pl.Int64(),  # 16 digits never starting with 0: a number joins and groups faster than text
        "kpj": pl.String(),
        "npp": pl.String(),
        "divisi": pl.String(),
        "nama": pl.String(),
        "tanggal_lahir": pl.Date(),
        "aktif": pl.Boolean(),
        "tanggal_kepesertaan": pl.Date(),
        "upah": pl.Int64(),
        "bulan_iuran_terakhir": pl.Date(),
    },
    "bkn": {
        "row": pl.Int64(),
        "nik": pl.Int64(),
        "nama": pl.String(),
        "instansi": pl.String(),
        "unit_kerja": pl.String(),
        "jabatan": pl.String(),
        "status": pl.String(),
    },
}


@dataclass(frozen=True)
class Layout:
    name: str
    fields: tuple[Field, ...]

    def label(self, field: str) -> str:
        return next(f.label for f in self.fields if f.name == field)


def load_layout(source: str) -> Layout:
    """The packaged layout of `source` (bpjstk or bkn)."""
    if source not in SOURCES:
        raise ValidationFailed(f"Sumber {source!r} tidak dikenal; pilih bpjstk atau bkn")
    text = resources.files("lindung.reconcile.layouts").joinpath(f"{source}.toml").read_text("utf-8")
    data = tomllib.loads(text)
    fields = tuple(
        Field(f["name"], f["label"], bool(f.get("required", False)), tuple(f.get("aliases", ())), f.get("note", ""))
        for f in data["field"]
    )
    return Layout(str(data["name"]), fields)


@dataclass(frozen=True)
class Rows:
    frame: pl.DataFrame  # typed, in SCHEMAS[source] order, the good rows only
    issues: tuple[Issue, ...]  # errors and warnings, by row
    rejected: int  # rows with an error
    total: int  # data rows read


def _truncated(path: Path) -> str | None:
    """Why the file looks cut short, or None."""
    suffix = path.suffix.lower()
    size = path.stat().st_size
    if suffix == ".parquet":
        with path.open("rb") as fh:
            head = fh.read(4)
            fh.seek(max(0, size - 4))
            tail = fh.read(4)
        if size < 12 or head != b"PAR1" or tail != b"PAR1":
            return "akhir berkas Parquet (footer) tidak ada"
        return None
    if suffix in (".xlsx", ".xlsm"):
        if not zipfile.is_zipfile(path):
            return "arsip .xlsx tidak utuh"
        with zipfile.ZipFile(path) as archive:
            if archive.testzip() is not None:
                return "arsip .xlsx rusak"
        return None
    if suffix == ".csv" and size:
        with path.open("rb") as fh:
            head = fh.read(65536)
            encoding = text_encoding(head)
            offset = max(0, size - 65536)
            fh.seek(offset + (offset % 2 if encoding.startswith("utf-16") else 0))  # UTF-16 stays aligned
            tail = fh.read()
        first = head.decode(encoding, errors="replace").lstrip("\ufeff").split("\n", 1)[0].rstrip("\r")
        text = tail.decode(encoding, errors="replace")
        if text.endswith("\n"):
            return None
        last = text.rsplit("\n", 1)[-1].rstrip("\r")
        separator = max((";", ",", "\t", "|"), key=first.count)
        header_fields = len(next(csv.reader([first], delimiter=separator)))
        try:
            last_fields = len(next(csv.reader([last], delimiter=separator)))
        except (csv.Error, StopIteration):
            last_fields = 0
        if last_fields < header_fields or last.count('"') % 2:
            return f"baris terakhir hanya berisi {last_fields} dari {header_fields} kolom"
    return None


def _read_parquet(path: Path, layout: Layout) -> pl.DataFrame:
    try:
        frame = pl.read_parquet(path)
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise ValidationFailed(f"Berkas {path.name} bukan Parquet yang terbaca ({str(exc).splitlines()[0]})") from exc
    headers = map_headers(frame.columns, layout.fields)
    if headers.missing:
        raise ValidationFailed(
            f"Baris judul tidak lengkap: kolom {', '.join(headers.missing)} tidak ada",
            [Issue(1, label, "HEADER_MISSING", f"Kolom {label} tidak ada", label) for label in headers.missing],
        )
    return frame.select(
        pl.int_range(2, pl.len() + 2, dtype=pl.Int64).alias("row"),
        *[pl.col(header).cast(pl.String).alias(name) for name, header in headers.columns.items()],
    )


def read_rows(path: Path, source: str, today: dt.date) -> Rows:
    """The file's rows, typed, with every bad row reported; ValidationFailed for an unusable file."""
    layout = load_layout(source)
    if not path.is_file():
        raise NotFound(f"Berkas {path} tidak ditemukan")
    if path.stat().st_size == 0:
        raise ValidationFailed(f"Berkas {path.name} kosong")
    why = _truncated(path)
    if why is not None:
        raise ValidationFailed(
            f"Berkas {path.name} terpotong ({why}): kirim ulang berkas yang utuh; tidak ada yang dimuat"
        )
    if path.suffix.lower() == ".parquet":
        text = _read_parquet(path, layout)
    else:
        try:
            sheet = read_sheet(path, layout.fields, "id")
        except ValidationFailed as exc:
            if any(i.code == "HEADER_MISSING" for i in exc.issues):
                missing = ", ".join(i.column or "" for i in exc.issues if i.code == "HEADER_MISSING")
                raise ValidationFailed(
                    f"Berkas {path.name} tidak punya kolom {missing}; tidak ada yang dimuat", exc.issues
                ) from exc
            raise
        text = sheet.frame.drop("_nik_numeric", strict=False)
    for f in layout.fields:
        if f.name not in text.columns:
            text = text.with_columns(pl.lit(None, pl.String).alias(f.name))
    text = text.with_columns(pl.col(pl.String).str.strip_chars())
    return _participants(text, layout, today) if source == "bpjstk" else _census(text, layout)


def _issues(frame: pl.DataFrame, checks: list[tuple[pl.Expr, str, str, str, str]]) -> list[Issue]:
    """Issue per failing check: (failing expression, field, column label, code, message)."""
    out: list[Issue] = []
    for failing, field, label, code, message in checks:
        bad = frame.filter(failing.fill_null(False)).select("row", field)
        for row, value in bad.iter_rows():
            shown = mask_nik(value) if field == "nik" and value else value
            out.append(Issue(int(row), label, code, message, shown))
    return out


def _nik(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(
        pl.col("nik").str.replace_all(r"[\s.\-]", "").alias("_nik_clean"),
    ).with_columns(pl.col("_nik_clean").str.contains(r"^[1-9][0-9]{15}$").fill_null(False).alias("_nik_ok"))


def _finish(frame: pl.DataFrame, issues: list[Issue], source: str, total: int) -> Rows:
    bad_rows = {i.row for i in issues if i.severity == "error"}
    good = frame.filter(~pl.col("row").is_in(list(bad_rows)))
    schema = SCHEMAS[source]
    good = good.select([pl.col(name).cast(dtype) for name, dtype in schema.items()])
    return Rows(good, tuple(sorted(issues, key=lambda i: (i.row or 0, i.column or ""))), len(bad_rows), total)


def _participants(text: pl.DataFrame, layout: Layout, today: dt.date) -> Rows:
    frame = _nik(text)
    status = pl.col("status").str.to_lowercase()
    frame = frame.with_columns(
        pl.when(status.is_in(list(ACTIVE)))
        .then(True)
        .when(status.is_in(list(INACTIVE)))
        .then(False)
        .otherwise(None)
        .alias("_aktif"),
        pl.col("bulan_iuran_terakhir")
        .str.replace(r"^(\d{4})(\d{2})$", "$1-$2")
        .str.replace(r"^(\d{1,2})[/\-](\d{4})$", "$2-$1")
        .str.replace(r"^(\d{4})-(\d)$", "$1-0$2")
        .alias("_bulan_t"),
    )
    frame = frame.with_columns(
        (pl.col("_bulan_t") + "-01").str.to_date("%Y-%m-%d", strict=False).alias("_bulan"),
    )
    frame = with_dates(frame, {"tanggal_lahir": "_lahir", "tanggal_kepesertaan": "_mulai"}, today)
    frame = with_rupiah(frame, "upah", "_upah", "_upah_sen")
    duplicate = pl.struct("_nik_clean", "kpj", "npp").is_duplicated() & pl.col("_nik_ok")
    checks = [
        (~pl.col("_nik_ok"), "nik", layout.label("nik"), "NIK_INVALID", "NIK harus 16 angka"),
        (pl.col("npp").is_null() | (pl.col("npp") == ""), "npp", layout.label("npp"), "NPP_EMPTY", "NPP kosong"),
        (pl.col("kpj").is_null() | (pl.col("kpj") == ""), "kpj", layout.label("kpj"), "KPJ_EMPTY", "KPJ kosong"),
        (
            pl.col("_aktif").is_null(),
            "status",
            layout.label("status"),
            "STATUS_INVALID",
            "Status harus AKTIF atau NONAKTIF",
        ),
        (
            pl.col("upah").is_not_null() & (pl.col("upah") != "") & pl.col("_upah").is_null(),
            "upah",
            layout.label("upah"),
            "WAGE_INVALID",
            "Upah bukan angka rupiah",
        ),
        (
            pl.col("bulan_iuran_terakhir").is_not_null()
            & (pl.col("bulan_iuran_terakhir") != "")
            & pl.col("_bulan").is_null(),
            "bulan_iuran_terakhir",
            layout.label("bulan_iuran_terakhir"),
            "MONTH_INVALID",
            "Bulan iuran terakhir harus YYYY-MM",
        ),
        (
            pl.col("tanggal_lahir").is_not_null() & (pl.col("tanggal_lahir") != "") & pl.col("_lahir").is_null(),
            "tanggal_lahir",
            layout.label("tanggal_lahir"),
            "DATE_INVALID",
            "Tanggal lahir bukan tanggal",
        ),
        (
            pl.col("tanggal_kepesertaan").is_not_null()
            & (pl.col("tanggal_kepesertaan") != "")
            & pl.col("_mulai").is_null(),
            "tanggal_kepesertaan",
            layout.label("tanggal_kepesertaan"),
            "DATE_INVALID",
            "Tanggal kepesertaan bukan tanggal",
        ),
        (duplicate, "nik", layout.label("nik"), "DUPLICATE", "Baris ganda: NIK, KPJ dan NPP yang sama sudah ada"),
    ]
    issues = _issues(frame, checks)
    typed = frame.select(
        "row",
        pl.col("_nik_clean").alias("nik"),
        "kpj",
        "npp",
        pl.col("divisi").replace("", None),
        "nama",
        pl.col("_lahir").alias("tanggal_lahir"),
        pl.col("_aktif").alias("aktif"),
        pl.col("_mulai").alias("tanggal_kepesertaan"),
        pl.col("_upah").alias("upah"),
        pl.col("_bulan").alias("bulan_iuran_terakhir"),
    )
    return _finish(typed, issues, "bpjstk", frame.height)


def _census(text: pl.DataFrame, layout: Layout) -> Rows:
    frame = _nik(text)
    checks = [
        (~pl.col("_nik_ok"), "nik", layout.label("nik"), "NIK_INVALID", "NIK harus 16 angka"),
        (pl.col("nama").is_null() | (pl.col("nama") == ""), "nama", layout.label("nama"), "NAME_EMPTY", "Nama kosong"),
        (
            pl.col("_nik_clean").is_duplicated() & pl.col("_nik_ok"),
            "nik",
            layout.label("nik"),
            "DUPLICATE",
            "NIK ini sudah ada di baris lain",
        ),
    ]
    issues = _issues(frame, checks)
    typed = frame.select(
        "row", pl.col("_nik_clean").alias("nik"), "nama", "instansi", "unit_kerja", "jabatan", "status"
    )
    return _finish(typed, issues, "bkn", frame.height)
