"""Synthetic rosters for the benchmarks: valid, realistic-looking rows made with polars expressions.

Every row passes the roster rules (no errors, no warnings), so a `commit` import writes all of them:

- NIK: a real current kecamatan code of the kab/kota, the birth date DDMMYY (women: day + 40) and a
  serial. Row i takes kecamatan i % K and, from j = i // K, a birth day (j * P) % D (P prime to D, so
  every block of D rows gets D different days) and serial j // D + 1 + serial_offset: all NIKs unique;
- birth dates 1962-2005 (age 20-64), TMT 2021-01-01 .. 2026-06-29 (after the 15th birthday);
- wages 1,500,000-4,450,000 written three ways ("Rp 2.500.000", "2500000", "2.500.000");
- categories written as people write them (THL, Honorer, Tenaga Kontrak, ...), unit codes of the units.

`typed` holds the same rows as values (dates, whole rupiah, category codes): what the raw-load baseline
writes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl

HEADERS = {
    "nik": "NIK", "nama": "Nama Lengkap", "tanggal_lahir": "Tanggal Lahir", "jenis_kelamin": "L/P",
    "no_hp": "No. HP", "unit": "Kode Unit", "kategori": "Kategori", "jabatan": "Jabatan/Pekerjaan",
    "upah": "Upah Sebulan", "tmt": "TMT", "tanggal_selesai": "Tanggal Selesai", "no_sk": "Nomor SK",
    "domisili": "Kode Wilayah Domisili", "mutasi": "Mutasi",
}  # fmt: skip

FIRST_NAMES = [
    "Siti", "Ahmad", "Dewi", "Budi", "Nur", "Agus", "Sri", "Rudi", "Ani", "Dedi", "Rina", "Asep", "Yuli",
    "Eko", "Fitri", "Hendra", "Lina", "Joko", "Wati", "Iwan", "Neng", "Ujang", "Euis", "Cecep", "Ratna",
    "Dadang", "Yanti", "Ade", "Lilis", "Herman", "Tuti", "Bambang", "Ika", "Wahyu", "Rini", "Andi", "Mega",
    "Deni", "Nining", "Toto",
]  # fmt: skip
LAST_NAMES = [
    "Aminah", "Hidayat", "Lestari", "Santoso", "Rahmawati", "Setiawan", "Wulandari", "Saputra", "Kurniawan",
    "Suryani", "Permana", "Nurhayati", "Gunawan", "Sulastri", "Firmansyah", "Rohmah", "Sopandi", "Maryati",
    "Hermawan", "Komariah", "Ruhiyat", "Supriatna", "Haryanto", "Mulyani", "Suherman", "Kusnadi",
    "Fauziah", "Ramdani", "Susanti", "Nugraha",
]  # fmt: skip
JOBS = [
    "Cleaning service", "Penjaga malam", "Sopir", "Tenaga administrasi", "Petugas kebersihan", "Juru parkir",
    "Guru honorer", "Perawat", "Operator komputer", "Satpam", "Pramu kantor", "Petugas lapangan",
]  # fmt: skip
# (what the file says, category code) - the words are matched by lindung.domain.terms.CATEGORY_LOOKUP.
CATEGORIES = [
    ("THL", "thl"), ("Honorer", "honorer"), ("Tenaga Kontrak", "kontrak"), ("Tenaga Harian Lepas", "thl"),
    ("PTT", "ptt"), ("honorer", "honorer"), ("Perangkat Desa", "perangkat_desa"), ("PPNPN", "ptt"),
]  # fmt: skip
UNIT_OFFICES = [
    ("DINKES", "Dinas Kesehatan", "dinas"), ("DISDIK", "Dinas Pendidikan", "dinas"),
    ("DPUPR", "Dinas Pekerjaan Umum dan Penataan Ruang", "dinas"), ("DLH", "Dinas Lingkungan Hidup", "dinas"),
    ("DISHUB", "Dinas Perhubungan", "dinas"), ("DINSOS", "Dinas Sosial", "dinas"),
    ("BAPPEDA", "Badan Perencanaan Pembangunan Daerah", "badan"),
    ("BKPSDM", "Badan Kepegawaian dan Pengembangan SDM", "badan"),
    ("BPBD", "Badan Penanggulangan Bencana Daerah", "badan"), ("SETDA", "Sekretariat Daerah", "sekretariat"),
    ("SETWAN", "Sekretariat DPRD", "sekretariat"), ("RSUD-CIBINONG", "RSUD Cibinong", "rsud"),
]  # fmt: skip
BIRTH_FROM = dt.date(1962, 1, 1)
BIRTH_TO = dt.date(2005, 12, 31)
TMT_FROM = dt.date(2021, 1, 1)
TMT_DAYS = 2006  # up to 2026-06-29
_PRIME = 7919


def unit_rows(kecamatan: Sequence[tuple[str, str]], count: int = 40) -> list[tuple[str, str, str]]:
    """`count` work units (code, name, kind): the big offices, then one kecamatan office per kecamatan."""
    units = list(UNIT_OFFICES)
    for code, name in kecamatan:
        if len(units) >= count:
            break
        units.append((f"KEC-{code.replace('.', '')[-2:]}", f"Kecamatan {name}", "kecamatan"))
    n = 1
    while len(units) < count:
        units.append((f"PKM-{n:02d}", f"Puskesmas {n}", "puskesmas"))
        n += 1
    return units


def _pick(seed: int, options: Sequence[object], dtype: pl.DataType | None = None) -> pl.Expr:
    """A deterministic pseudo-random choice per row (hash of the row index)."""
    index = (pl.col("i").hash(seed) % len(options)).cast(pl.UInt32)
    return pl.lit(pl.Series(list(options), dtype=dtype)).gather(index)


def _dots(amount: pl.Expr) -> pl.Expr:
    """2500000 -> "2.500.000" (amounts below 10^9)."""
    return (
        (amount // 1_000_000).cast(pl.String)
        + "."
        + ((amount // 1000) % 1000).cast(pl.String).str.zfill(3)
        + "."
        + (amount % 1000).cast(pl.String).str.zfill(3)
    )


@dataclass(frozen=True)
class Roster:
    text: pl.DataFrame  # the file's columns (HEADERS keys), all text
    typed: pl.DataFrame  # nik, name, birth_date, sex, phone, domicile, unit, category, job_title, wage, ...


def roster(rows: int, kecamatan: Sequence[str], units: Sequence[str], serial_offset: int = 0) -> Roster:
    """`rows` valid rows. `kecamatan` are dotted current kecamatan codes (32.01.01), `units` unit codes."""
    codes = [k.replace(".", "") for k in kecamatan]
    k = len(codes)
    days = (BIRTH_TO - BIRTH_FROM).days + 1
    assert days % _PRIME != 0
    capacity = k * days * (9999 - serial_offset)
    if rows > capacity:
        raise ValueError(f"{rows} rows exceed the {capacity} unique NIKs of {k} kecamatan")
    i = pl.col("i")
    j = i // k
    base = pl.DataFrame({"i": pl.int_range(0, rows, dtype=pl.Int64, eager=True)}).with_columns(
        pl.lit(pl.Series(codes)).gather((i % k).cast(pl.UInt32)).alias("kec"),
        (pl.lit(BIRTH_FROM) + pl.duration(days=(j * _PRIME) % days)).alias("birth_date"),
        (j // days + 1 + serial_offset).alias("serial"),
        (i.hash(1) % 2 == 0).alias("female"),
        (pl.lit(TMT_FROM) + pl.duration(days=i.hash(2) % TMT_DAYS)).cast(pl.Date).alias("start_date"),
        (1_500_000 + (i.hash(3) % 60) * 50_000).cast(pl.Int64).alias("wage"),
        (i.hash(4) % 3).alias("wage_style"),
        _pick(5, FIRST_NAMES).alias("first"),
        _pick(6, LAST_NAMES).alias("last"),
        _pick(7, range(len(CATEGORIES)), pl.Int64).alias("cat"),
        _pick(8, list(units)).alias("unit"),
        _pick(9, JOBS).alias("job_title"),
        (i.hash(10) % 10).alias("r10"),
        ("08" + (1_100_000_000 + i.hash(11) % 8_900_000_000).cast(pl.String)).alias("phone_digits"),
    )
    birth = pl.col("birth_date").cast(pl.Date)
    day = birth.dt.day().cast(pl.Int32) + pl.when(pl.col("female")).then(40).otherwise(0)
    ddmmyy = day.cast(pl.String).str.zfill(2) + birth.dt.strftime("%m%y")
    nik = pl.col("kec") + ddmmyy + pl.col("serial").cast(pl.String).str.zfill(4)
    wage = pl.col("wage")
    typed = base.select(
        nik.alias("nik"),
        (pl.col("first") + " " + pl.col("last")).alias("name"),
        birth.alias("birth_date"),
        pl.when(pl.col("female")).then(pl.lit("P")).otherwise(pl.lit("L")).alias("sex"),
        pl.when(pl.col("r10") < 7).then(pl.col("phone_digits")).alias("phone"),
        # half the rows name a domicile: the worker's kecamatan (a current level-3 region code)
        pl.when(pl.col("r10") % 2 == 0)
        .then(pl.col("kec").str.slice(0, 2) + "." + pl.col("kec").str.slice(2, 2) + "." + pl.col("kec").str.slice(4, 2))
        .alias("domicile"),
        pl.col("unit"),
        pl.lit(pl.Series([c for _, c in CATEGORIES])).gather(pl.col("cat")).alias("category"),
        pl.col("job_title"),
        wage,
        pl.col("start_date"),
        pl.lit(None, pl.Date).alias("end_date"),
        pl.when(pl.col("r10") < 4)
        .then(pl.format("800/{}/BKPSDM/{}", (pl.col("i") % 997) + 1, pl.col("start_date").dt.year()))
        .alias("sk_number"),
        pl.col("cat"),
        pl.col("wage_style"),
        pl.col("phone_digits"),
        pl.col("r10"),
    )
    words = pl.lit(pl.Series([w for w, _ in CATEGORIES])).gather(pl.col("cat"))
    text = typed.select(
        pl.col("nik"),
        pl.col("name").alias("nama"),
        pl.col("birth_date").dt.strftime("%d/%m/%Y").alias("tanggal_lahir"),
        pl.col("sex").alias("jenis_kelamin"),
        # phones written two ways: 0812... and 0812-3456-789...
        pl.when(pl.col("phone").is_null())
        .then(None)
        .when(pl.col("r10") < 4)
        .then(pl.col("phone"))
        .otherwise(
            pl.col("phone").str.slice(0, 4) + "-" + pl.col("phone").str.slice(4, 4) + "-" + pl.col("phone").str.slice(8)
        )
        .alias("no_hp"),
        pl.col("unit"),
        words.alias("kategori"),
        pl.col("job_title").alias("jabatan"),
        pl.when(pl.col("wage_style") == 0)
        .then("Rp " + _dots(wage))
        .when(pl.col("wage_style") == 1)
        .then(wage.cast(pl.String))
        .otherwise(_dots(wage))
        .alias("upah"),
        pl.col("start_date").dt.strftime("%d/%m/%Y").alias("tmt"),
        pl.lit(None, pl.String).alias("tanggal_selesai"),
        pl.col("sk_number").alias("no_sk"),
        pl.col("domicile").alias("domisili"),
        pl.lit(None, pl.String).alias("mutasi"),
    )
    return Roster(text, typed.drop("cat", "wage_style", "phone_digits", "r10"))


def write_csv(text: pl.DataFrame, path: Path) -> None:
    text.rename(HEADERS).write_csv(path, null_value="")


def write_xlsx(text: pl.DataFrame, path: Path) -> None:
    """The sheet as people fill the template: NIK, phone and codes as text, plain wages as numbers."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("Daftar Pekerja")
    text_format = book.add_format({"num_format": "@"})
    sheet.write_row(0, 0, list(HEADERS.values()))
    columns = list(HEADERS)
    wage_col = columns.index("upah")
    for r, row in enumerate(text.select(columns).iter_rows(), start=1):
        for c, value in enumerate(row):
            if value is None:
                continue
            if c == wage_col and value.isdigit():
                sheet.write_number(r, c, int(value))
            else:
                sheet.write_string(r, c, value, text_format)
    book.close()
