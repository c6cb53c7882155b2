"""A national dataset for the coverage benchmark: every autonomous Pemda, its units, its non-ASN workers with
their employments and memberships, made with polars expressions and deterministic (seeded hashes of row
numbers, so the same `--workers` gives the same rows with the same polars version).

- Pemda: the 38 provinces and 508 kab/kota of the Region table: 546, every current province and kab/kota
  except Jakarta's five kota administrasi and its kabupaten administrasi (not autonomous: no APBD of their own).
- Units: 25-55 per Pemda (40 on average): the core OPD (sekretariat, badan, dinas, RSUD), then kecamatan,
  puskesmas and desa (kabupaten), kelurahan (kota), schools and UPT (province). Workers are spread over the
  units by a weight per kind (a hospital or the education office holds more than a desa office); 3% of the
  units have nobody on the roster.
- Workers per Pemda: uneven; a Pemda's weight is its province's population per Pemda to the power 0.7
  times a seeded factor of 0.4-2.4 (a Pemprov twice that), so Java's Pemda hold more.
- Employments: one per worker. 75% start over the 24 months before the reference day, 25% earlier (from
  2015); 5% have ended before the reference day. Categories by unit (perangkat desa in a desa); in one Pemda of
  ten, 3% are sponsored vulnerable workers (pekerja rentan).
- Memberships: every Pemda but about one in forty has an agreement (PPU; programs JKK,JKM or with JHT, or
  with JHT and JP; in force from 6 to 41 months before the reference day) and, where it sponsors vulnerable
  workers, a BPU agreement (JKK,JKM). 88% of the employments active while it was in force have a membership,
  as enrol() writes them: from the later of the start and the agreement (a fifth of them up to two months
  late), to the end of the month the employment ended; a few late ones begin after their employment ended
  (see `rows`); 3% rejected, 60% with a KPJ number.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

HISTORY_MONTHS = 24
EARLIEST_START = dt.date(2015, 1, 1)
BIRTH_FROM = dt.date(1962, 1, 1)
BIRTH_DAYS = (dt.date(2005, 12, 31) - BIRTH_FROM).days + 1
PRIME = 7919  # prime to BIRTH_DAYS: consecutive rows get different birth days
SEED = 4_2026

# Population of each province in millions (2023, rounded): only used to make large provinces hold more workers.
PROVINCE_POPULATION = {
    "11": 5.5, "12": 15.4, "13": 5.8, "14": 6.6, "15": 3.7, "16": 8.7, "17": 2.1, "18": 9.3, "19": 1.5,
    "21": 2.1, "31": 10.7, "32": 49.9, "33": 37.5, "34": 3.7, "35": 41.4, "36": 12.3, "51": 4.4, "52": 5.6,
    "53": 5.5, "61": 5.6, "62": 2.7, "63": 4.2, "64": 3.9, "65": 0.7, "71": 2.7, "72": 3.1, "73": 9.4,
    "74": 2.7, "75": 1.2, "76": 1.5, "81": 1.9, "82": 1.3, "91": 1.0, "92": 0.6, "93": 0.5, "94": 1.4,
    "95": 1.4, "96": 0.6,
}  # fmt: skip
NOT_AUTONOMOUS_PROVINCE = "31"  # DKI Jakarta: its kota and kabupaten are administrative

CORE_UNITS = [
    ("SETDA", "Sekretariat Daerah", "sekretariat"), ("SETWAN", "Sekretariat DPRD", "sekretariat"),
    ("INSPEKTORAT", "Inspektorat", "sekretariat"), ("BAPPEDA", "Badan Perencanaan Pembangunan Daerah", "badan"),
    ("BKPSDM", "Badan Kepegawaian dan Pengembangan SDM", "badan"),
    ("BPKAD", "Badan Pengelolaan Keuangan dan Aset Daerah", "badan"),
    ("BPBD", "Badan Penanggulangan Bencana Daerah", "badan"), ("BAPENDA", "Badan Pendapatan Daerah", "badan"),
    ("DISDIK", "Dinas Pendidikan", "dinas"), ("DINKES", "Dinas Kesehatan", "dinas"),
    ("DPUPR", "Dinas Pekerjaan Umum dan Penataan Ruang", "dinas"), ("DLH", "Dinas Lingkungan Hidup", "dinas"),
    ("DISHUB", "Dinas Perhubungan", "dinas"), ("DINSOS", "Dinas Sosial", "dinas"),
    ("DISNAKER", "Dinas Tenaga Kerja", "dinas"), ("DUKCAPIL", "Dinas Kependudukan dan Pencatatan Sipil", "dinas"),
    ("DISKOMINFO", "Dinas Komunikasi dan Informatika", "dinas"), ("DISPERTA", "Dinas Pertanian", "dinas"),
    ("SATPOLPP", "Satuan Polisi Pamong Praja", "dinas"), ("DAMKAR", "Dinas Pemadam Kebakaran", "dinas"),
    ("RSUD", "Rumah Sakit Umum Daerah", "rsud"), ("DISPORA", "Dinas Pemuda dan Olahraga", "dinas"),
]  # fmt: skip
# After the core: the kinds that make up the rest of a Pemda's units, in turn.
REST_KINDS = {
    "kabupaten": ("kecamatan", "desa", "puskesmas", "desa", "kecamatan", "sekolah", "desa"),
    "kota": ("kecamatan", "kelurahan", "puskesmas", "kelurahan", "sekolah"),
    "provinsi": ("sekolah", "sekolah", "lainnya", "rsud"),
}
REST_NAMES = {
    "kecamatan": ("KEC", "Kecamatan"), "desa": ("DESA", "Pemerintah Desa"), "puskesmas": ("PKM", "Puskesmas"),
    "sekolah": ("SEK", "Sekolah Negeri"), "kelurahan": ("KEL", "Kelurahan"), "lainnya": ("UPT", "UPT Daerah"),
    "rsud": ("RSUD", "Rumah Sakit Umum Daerah"),
}  # fmt: skip
KIND_WEIGHT = {"sekretariat": 1.5, "badan": 1.0, "dinas": 2.0, "rsud": 6.0, "kecamatan": 0.8, "desa": 0.5,
               "puskesmas": 1.5, "sekolah": 2.0, "kelurahan": 0.5, "lainnya": 1.0}  # fmt: skip
BIG_UNITS = {"DISDIK": 4.0, "DINKES": 3.0}
CATEGORIES = ("honorer", "kontrak", "thl", "ptt", "honorer", "pppk_paruh_waktu", "thl", "kontrak")
JOBS = ("Cleaning service", "Penjaga malam", "Sopir", "Tenaga administrasi", "Petugas kebersihan", "Juru parkir",
        "Guru honorer", "Perawat", "Operator komputer", "Satpam", "Pramu kantor", "Petugas lapangan")  # fmt: skip
PROGRAM_CHOICES = ("JKK,JKM", "JKK,JKM", "JKK,JKM", "JKK,JKM,JHT", "JKK,JKM,JHT", "JKK,JKM,JHT,JP")
BPU_PROGRAMS = "JKK,JKM"


def window_start(reference: dt.date) -> dt.date:
    """The first day of the 24 months of history before the reference day."""
    year, month = divmod(reference.year * 12 + reference.month - 1 - HISTORY_MONTHS, 12)
    return dt.date(year, month + 1, 1)


def _mix(seed: int, *values: int | str) -> int:
    """A deterministic 64-bit hash of small values (Python's own hash of str is salted per process)."""
    text = "|".join(str(v) for v in (SEED, seed, *values)).encode()
    return int.from_bytes(hashlib.blake2b(text, digest_size=8).digest(), "big")


def _unit(seed: int, *values: int | str) -> float:
    """A deterministic number in [0, 1)."""
    return (_mix(seed, *values) >> 11) / float(1 << 53)


@dataclass(frozen=True)
class Pemda:
    code: str
    name: str
    kind: str  # provinsi, kabupaten, kota
    workers: int
    units: int
    enrolled: bool  # has an agreement (a few Pemda have enrolled nobody)
    bpu: bool  # sponsors vulnerable workers
    programs: str
    effective_from: dt.date


def autonomous(regions: Sequence[tuple[str, str, int, str]]) -> list[tuple[str, str, str]]:
    """(code, name, kind) of the provinces and the autonomous kab/kota, from (code, name, level, kind) rows."""
    out = []
    for code, name, level, kind in regions:
        if level == 1:
            out.append((code, name, "provinsi"))
        elif level == 2 and not code.startswith(NOT_AUTONOMOUS_PROVINCE + "."):
            out.append((code, name, "kota" if kind == "kota" else "kabupaten"))
    return sorted(out)


def plan(regions: Sequence[tuple[str, str, str]], workers: int, reference: dt.date,
         keep_enrolled: Sequence[str] = ()) -> list[Pemda]:  # fmt: skip
    """How many workers and units each Pemda gets, and what it agreed with BPJS TK."""
    per_province: dict[str, int] = {}
    for code, _, _ in regions:
        per_province[code[:2]] = per_province.get(code[:2], 0) + 1
    weights = []
    for code, _, kind in regions:
        population = PROVINCE_POPULATION.get(code[:2], 2.0)
        weight = (population / per_province[code[:2]]) ** 0.7 * (0.4 + 2.0 * _unit(1, code))
        weights.append(weight * (2.0 if kind == "provinsi" else 1.0))
    total = sum(weights)
    counts = [int(workers * w / total) for w in weights]
    for k in sorted(range(len(weights)), key=lambda k: -weights[k])[: workers - sum(counts)]:
        counts[k] += 1
    out = []
    for (code, name, kind), count in zip(regions, counts, strict=True):
        months_before = 6 + _mix(4, code) % 36
        year, month = divmod(reference.year * 12 + reference.month - 1 - months_before, 12)
        out.append(
            Pemda(
                code=code,
                name=name,
                kind=kind,
                workers=count,
                units=25 + _mix(2, code) % 31,
                enrolled=code in keep_enrolled or _mix(3, code) % 40 != 7,
                bpu=_mix(5, code) % 10 == 3,
                programs=PROGRAM_CHOICES[_mix(6, code) % len(PROGRAM_CHOICES)],
                effective_from=dt.date(year, month + 1, 1),
            )
        )
    return out


def units(pemda: Pemda) -> list[tuple[str, str, str, float]]:
    """(code, name, kind, weight) of one Pemda's units."""
    rows: list[tuple[str, str, str, float]] = []
    core = CORE_UNITS if pemda.kind != "provinsi" else [u for u in CORE_UNITS if u[0] != "DAMKAR"]
    for code, name, kind in core[: pemda.units]:
        rows.append((code, name, kind, KIND_WEIGHT[kind] * BIG_UNITS.get(code, 1.0)))
    rest = REST_KINDS[pemda.kind]
    seen: dict[str, int] = {}
    while len(rows) < pemda.units:
        kind = rest[(len(rows) - len(core)) % len(rest)]
        seen[kind] = seen.get(kind, 0) + 1
        prefix, label = REST_NAMES[kind]
        rows.append((f"{prefix}-{seen[kind]:03d}", f"{label} {seen[kind]}", kind, KIND_WEIGHT[kind]))
    out = []
    for code, name, kind, weight in rows:
        factor = 0.0 if _mix(7, pemda.code, code) % 100 < 3 else 0.5 + _unit(8, pemda.code, code)
        out.append((code, name, kind, weight * factor))
    return out


def _days(expr: pl.Expr) -> pl.Expr:
    return pl.duration(days=expr)


def rows(pemda: Sequence[Pemda], employer_ids: dict[str, int], unit_frame: pl.DataFrame,
         agreement_ids: dict[tuple[str, str], int], reference: dt.date) -> pl.DataFrame:  # fmt: skip
    """One row per worker with everything the three tables need (ids not yet assigned).

    `unit_frame`: employer code, unit id, kind, weight, in the order of `pemda`."""
    counts = pl.DataFrame(
        {
            "code": [p.code for p in pemda],
            "n": [p.workers for p in pemda],
            "e": list(range(len(pemda))),
        },
        schema={"code": pl.String, "n": pl.Int64, "e": pl.Int64},
    )
    # cumulative weight of each unit: employer index + its share of the employer's weight, in [e, e + 1]
    units = (
        unit_frame.join(counts.select("code", "e"), on="code")
        .sort("e", "unit_id")
        .with_columns((pl.col("weight") / pl.col("weight").sum().over("e")).alias("share"))
        .with_columns((pl.col("e") + pl.col("share").cum_sum().over("e")).alias("upper"))
        # the last unit of each Pemda ends at e + 1 exactly, whatever the rounding of the sum
        .with_columns(
            pl.when(pl.int_range(pl.len()).over("e") == pl.len().over("e") - 1)
            .then((pl.col("e") + 1).cast(pl.Float64))
            .otherwise(pl.col("upper"))
            .alias("upper")
        )
    )
    upper = units.get_column("upper")
    frame = counts.select("code", "e", pl.int_ranges(0, pl.col("n")).alias("j")).explode("j").drop_nulls("j")
    frame = frame.with_row_index("i").with_columns(pl.col("i").cast(pl.Int64), pl.col("j").cast(pl.Int64))
    i, j = pl.col("i"), pl.col("j")

    def h(seed: int) -> pl.Expr:
        return (i.hash(SEED + seed) % (1 << 62)).cast(pl.Int64)

    start_window = window_start(reference)
    history = (reference - start_window).days
    earlier = (start_window - EARLIEST_START).days
    info = pl.DataFrame(
        {
            "code": [p.code for p in pemda],
            "employer_id": [employer_ids[p.code] for p in pemda],
            "province": [p.kind == "provinsi" for p in pemda],
            "enrolled": [p.enrolled for p in pemda],
            "sponsors_bpu": [p.bpu for p in pemda],
            "effective": [p.effective_from for p in pemda],
            "ppu_agreement": [agreement_ids.get((p.code, "ppu")) for p in pemda],
            "bpu_agreement": [agreement_ids.get((p.code, "bpu")) for p in pemda],
        },
        schema_overrides={"ppu_agreement": pl.Int64, "bpu_agreement": pl.Int64, "effective": pl.Date},
    )
    unit_pick = pl.col("e").cast(pl.Float64) + (h(1) % 1_000_000_007).cast(pl.Float64) / 1_000_000_007.0
    frame = frame.join(info, on="code", how="left", maintain_order="left").with_columns(
        unit_pick.alias("pick"),
    )
    index = upper.search_sorted(frame.get_column("pick"), side="right")
    frame = frame.with_columns(
        units.get_column("unit_id").gather(index.clip(0, units.height - 1)).alias("unit_id"),
        units.get_column("kind").gather(index.clip(0, units.height - 1)).alias("unit_kind"),
    )
    birth = pl.lit(BIRTH_FROM) + _days((j * PRIME) % BIRTH_DAYS)
    female = h(2) % 2 == 0
    serial = j // BIRTH_DAYS + 1 + pl.when(pl.col("province")).then(5000).otherwise(0)
    prefix = (
        pl.when(pl.col("province"))
        .then(pl.col("code") + "7101")
        .otherwise(pl.col("code").str.replace(".", "", literal=True) + "01")
    )
    day = birth.dt.day().cast(pl.Int32) + pl.when(female).then(40).otherwise(0)
    start = (
        pl.when(h(3) % 100 < 25)
        .then(pl.lit(EARLIEST_START) + _days(h(4) % earlier))
        .otherwise(pl.lit(start_window) + _days(h(4) % history))
    )
    frame = frame.with_columns(
        (
            prefix + day.cast(pl.String).str.zfill(2) + birth.dt.strftime("%m%y") + serial.cast(pl.String).str.zfill(4)
        ).alias("nik"),
        birth.alias("birth_date"),
        pl.when(female).then(pl.lit("P")).otherwise(pl.lit("L")).alias("sex"),
        start.alias("start_date"),
        (pl.col("sponsors_bpu") & (h(5) % 100 < 3)).alias("bpu"),
    ).with_columns(
        pl.when(h(6) % 100 < 5)
        .then(pl.col("start_date") + _days(h(7) % (pl.lit(reference) - pl.col("start_date")).dt.total_days()))
        .otherwise(pl.lit(None, pl.Date))
        .alias("end_date"),
        pl.when(pl.col("bpu"))
        .then(pl.lit("pekerja_rentan"))
        .when(pl.col("unit_kind") == "desa")
        .then(pl.lit("perangkat_desa"))
        .otherwise(pl.lit(pl.Series(CATEGORIES)).gather(h(8) % len(CATEGORIES)))
        .alias("category"),
        pl.lit(pl.Series(JOBS)).gather(h(9) % len(JOBS)).alias("job_title"),
        (2_000_000 + (h(10) % 60) * 50_000).cast(pl.Int64).alias("wage"),
    )
    valid_from = pl.max_horizontal("start_date", "effective") + pl.when(h(11) % 100 < 20).then(
        _days(h(12) % 61)
    ).otherwise(_days(pl.lit(0)))
    # As enrol() writes them: only employments active on a day the agreement was in force, from a day the
    # employment was active, to the end of the month it ended. One in twenty of the late ones whose employment
    # then ended before they began keeps its start (the end was recorded after the enrolment): enrol() ends
    # those at the later of that month's end and their start.
    ended, active_then = pl.col("end_date"), pl.col("end_date") >= pl.col("effective")
    member = pl.col("enrolled") & (h(13) % 100 < 88) & (ended.is_null() | active_then)
    after_end = ended.is_not_null() & (valid_from > ended) & (h(17) % 20 == 0)
    rejected = h(14) % 100 < 3
    kpj = ~rejected & (h(15) % 100 < 60)
    frame = frame.with_columns(
        member.alias("member"),
        pl.when(ended.is_null() | after_end)
        .then(valid_from)
        .otherwise(pl.min_horizontal(valid_from, ended))
        .alias("valid_from"),
        pl.when(after_end)
        .then(pl.max_horizontal(ended.dt.month_end(), valid_from))
        .otherwise(ended.dt.month_end())
        .alias("valid_to"),
        pl.when(kpj).then(pl.lit("2") + (h(16) % 10_000_000_000).cast(pl.String).str.zfill(10)).alias("kpj"),
        pl.when(pl.col("bpu")).then(pl.lit("bpu")).otherwise(pl.lit("ppu")).alias("segment"),
        pl.when(pl.col("bpu")).then(pl.col("bpu_agreement")).otherwise(pl.col("ppu_agreement")).alias("agreement_id"),
    ).with_columns(
        pl.when(rejected)
        .then(pl.lit("rejected"))
        .when(pl.col("valid_to") < pl.lit(reference))
        .then(pl.lit("ended"))
        .when(kpj)
        .then(pl.lit("active"))
        .otherwise(pl.lit("registered"))
        .alias("status"),
    )
    return frame.select(
        "employer_id", "unit_id", "nik", names().alias("name"), "birth_date", "sex", "start_date", "end_date",
        "category", "job_title", "wage", "member", "segment", "agreement_id", "valid_from", "valid_to", "status",
        "kpj", "i",
    )  # fmt: skip


FIRST_NAMES = ("Siti", "Ahmad", "Dewi", "Budi", "Nur", "Agus", "Sri", "Rudi", "Ani", "Dedi", "Rina", "Asep",
               "Yuli", "Eko", "Fitri", "Hendra", "Lina", "Joko", "Wati", "Iwan")  # fmt: skip
LAST_NAMES = ("Aminah", "Hidayat", "Lestari", "Santoso", "Rahmawati", "Setiawan", "Wulandari", "Saputra",
              "Kurniawan", "Suryani", "Permana", "Nurhayati", "Gunawan", "Sulastri", "Firmansyah")  # fmt: skip


def names() -> pl.Expr:
    i = pl.col("i")
    first = pl.lit(pl.Series(FIRST_NAMES)).gather(i.hash(SEED + 20) % len(FIRST_NAMES))
    last = pl.lit(pl.Series(LAST_NAMES)).gather(i.hash(SEED + 21) % len(LAST_NAMES))
    return first + " " + last
