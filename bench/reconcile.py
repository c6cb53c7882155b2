"""Reconciliation benchmark: the national run against the bare DuckDB join, one Pemda, memory, exactness.

    .venv/bin/python bench/reconcile.py [--scale 1.0] [--database-url URL] [--json out.json]
    (or `make bench-reconcile BENCH_ARGS="--scale 0.1"`; on PostgreSQL:
    scripts/with-postgres.sh .venv/bin/python bench/reconcile.py)

Generated data (scale 1: 2.4 million roster rows in 546 Pemda, a participant master of 41 million rows, BKN
censuses for 20 Pemda) with defects planted at known rates among the roster's workers (per mille, by
(i * 7919) % 1000): 30 not in the master, 10 NONAKTIF, 10 in arrears, 20 another wage, 10 another name,
10 another birth date, 20 the same name written with a title or a degree (must NOT be found), 5 two active
KPJ, 3 ended on the roster but still paid, 2 also active on a second Pemda's roster; 20 left out of their
Pemda's census; 1 % of the roster as master rows under Pemda NPPs for people on no roster, 1 % of a
census Pemda's size as census rows for people on no roster; the rest of the master under 100,000 company
NPPs. The truth is derived from the plants, not from the code under test.

Each measured phase runs in a child process of its own (as bench/roster_import.py does), so its peak RSS
(VmHWM) is that phase's alone: setup (migrate, regions, 546 employers, 4 units each), populate (the roster
written by COPY / one executemany, the master and the censuses written as the Parquet files `reconcile
load` stores, registered as loaded), bare (DuckDB: roster LEFT JOIN master on NIK, status per unit, as in
reference/perf-limits.md), national (`run_reconciliation --national` end to end: roster export, DuckDB,
findings written), rerun (the same again: every finding still open), pemda (one Pemda of 5,000 rows against
the national master). SQLite in a temporary file unless --database-url names a PostgreSQL database.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from harness import run_child, say

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
ON = dt.date(2024, 6, 20)
PAID = dt.date(2024, 5, 1)  # the last month due on ON
EMPLOYERS = 546
UNITS = 4
PEMDA_ROWS = 5_000
CENSUS_EMPLOYERS = 20
COMPANIES = 100_000
OTHER_NAMES = ["Zulkifli Nasution", "Yohanes Manurung", "Gregorius Tampubolon", "Kornelius Sitompul"]
GB = 1024**3


def hwm_bytes() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return 0


def pemda_npp(e: int) -> str:
    """Pemda NPPs interleaved with the companies' (every 184th number), as real NPPs are: a file sorted by NPP
    then holds each Pemda's rows between companies' rows, not in one block whose statistics a scan could skip."""
    return f"{10_000_000 + e * 184:08d}"


def spread(index: Any) -> Any:
    """NIKs scattered over the 16-digit range by a bijection of the row index (odd multiplier mod 2^52), as
    real NIKs from every region are: no row group of the master can be skipped by a join's min/max filter."""
    import polars as pl

    return (pl.lit(1_100_000_000_000_000, pl.Int64) + (index * 2_654_435_761) % (1 << 52)).cast(pl.String)


def sizes(scale: float) -> tuple[int, int]:
    roster = max(int(2_400_000 * scale), PEMDA_ROWS * 3)
    master = max(int(41_000_000 * scale), roster * 2)
    return roster, master


# ---------------------------------------------------------------------------------------------------------
# Child phases.
# ---------------------------------------------------------------------------------------------------------


def phase_setup(args: argparse.Namespace) -> dict[str, Any]:
    from django.core.management import call_command

    from lindung.regions.models import Region
    from lindung.regions.services import load_regions
    from lindung.registry.models import Employer, WorkUnit

    start = time.perf_counter()
    call_command("migrate", verbosity=0)
    load_regions()
    regions = list(
        Region.objects.filter(level__in=[Region.Level.PROVINSI, Region.Level.KABKOTA], current=True)
        .order_by("level", "code")
        .values_list("code", "name")[:EMPLOYERS]
    )
    Employer.objects.bulk_create(
        [
            Employer(region_id=code, name=f"Pemerintah {name}", npp=pemda_npp(i))
            for i, (code, name) in enumerate(regions)
        ]
    )
    ids = dict(Employer.objects.values_list("region_id", "id"))
    WorkUnit.objects.bulk_create(
        [
            WorkUnit(employer_id=ids[code], code=f"U{u}", name=f"Unit {u}", kind="dinas")
            for code, _ in regions
            for u in range(UNITS)
        ]
    )
    return {"seconds": time.perf_counter() - start, "employers": len(regions)}


def _generate(args: argparse.Namespace) -> dict[str, Any]:
    """The roster, the master, the censuses and the truth, as polars frames."""
    import polars as pl

    import generate

    roster_n, master_n = sizes(args.scale)
    first = pl.Series(generate.FIRST_NAMES)
    last = pl.Series(generate.LAST_NAMES)
    i = pl.int_range(0, roster_n, dtype=pl.Int64, eager=True).alias("i")
    base = pl.DataFrame(i).with_columns(
        ((pl.col("i") * 7919) % 1000).alias("b"),
        pl.when(pl.col("i") < PEMDA_ROWS)
        .then(0)
        .otherwise(1 + (pl.col("i") - PEMDA_ROWS) % (EMPLOYERS - 1))
        .alias("e"),
        (pl.col("i") % UNITS).alias("u"),
        spread(pl.col("i")).alias("nik"),
        (pl.lit(dt.date(1970, 1, 1)) + pl.duration(days=pl.col("i") % 12000)).alias("birth"),
        (2_000_000 + (pl.col("i") % 50) * 10_000).alias("wage"),
    )
    first_idx = (base.get_column("i") % len(first)).to_list()
    last_idx = ((base.get_column("i") // len(first)) % len(last)).to_list()
    fl, ll = first.to_list(), last.to_list()
    base = base.with_columns(pl.Series("name", [f"{fl[a]} {ll[b]}" for a, b in zip(first_idx, last_idx, strict=True)]))
    b = pl.col("b")
    ended = b.is_between(115, 117)
    second = b.is_between(118, 119) & (pl.col("e") > 0)
    base = base.with_columns(
        pl.when(ended).then(pl.lit(dt.date(2024, 1, 31))).otherwise(None).alias("end"),
        pl.when(second).then(1 + pl.col("e") % (EMPLOYERS - 1)).otherwise(None).alias("e2"),
    )
    # The master: every roster worker but the absent, with the planted differences.
    m = base.filter(b >= 30).select(
        "nik",
        ("K" + pl.col("nik")).alias("kpj"),
        pl.col("e"),
        pl.when(b.is_between(70, 79))
        .then(pl.lit(OTHER_NAMES[0]))
        .when(b.is_between(90, 109) & (pl.col("i") % 2 == 0))
        .then(pl.col("name").str.to_uppercase() + ", S.Pd")
        .when(b.is_between(90, 109))
        .then("Hj. " + pl.col("name"))
        .otherwise(pl.col("name"))
        .alias("nama"),
        pl.when(b.is_between(80, 89))
        .then(pl.col("birth") + pl.duration(days=400))
        .otherwise(pl.col("birth"))
        .alias("tanggal_lahir"),
        (~b.is_between(30, 39)).alias("aktif"),
        pl.lit(dt.date(2023, 2, 1)).alias("tanggal_kepesertaan"),
        pl.when(b.is_between(50, 69)).then(pl.col("wage") - 500_000).otherwise(pl.col("wage")).alias("upah"),
        pl.when(b.is_between(40, 49))
        .then(pl.lit(dt.date(2023, 11, 1)))
        .otherwise(pl.lit(PAID))
        .alias("bulan_iuran_terakhir"),
    )
    second_kpj = m.filter(
        pl.col("nik").is_in(base.filter(b.is_between(110, 114)).get_column("nik").implode())
    ).with_columns(("L" + pl.col("nik")).alias("kpj"))
    paid_n = roster_n // 100
    j = pl.int_range(0, paid_n, dtype=pl.Int64, eager=True)
    paid_only = pl.DataFrame(
        {
            "nik": pl.select(spread(roster_n + j)).to_series(),
            "kpj": "P" + pl.select(spread(roster_n + j)).to_series(),
            "e": (j % EMPLOYERS),
            "nama": pl.Series([OTHER_NAMES[1]] * paid_n),
            "tanggal_lahir": pl.Series([dt.date(1980, 1, 1)] * paid_n),
            "aktif": pl.Series([True] * paid_n),
            "tanggal_kepesertaan": pl.Series([dt.date(2023, 2, 1)] * paid_n),
            "upah": pl.Series([2_500_000] * paid_n, dtype=pl.Int64),
            "bulan_iuran_terakhir": pl.Series([PAID] * paid_n),
        }
    )
    pemda_rows = pl.concat([m, second_kpj, paid_only]).with_columns(
        (10_000_000 + pl.col("e") * 184).cast(pl.String).alias("npp")
    )
    filler_n = max(0, master_n - pemda_rows.height)
    k = pl.int_range(0, filler_n, dtype=pl.Int64, eager=True)
    filler = pl.DataFrame(
        {
            "nik": pl.select(spread(roster_n + paid_n + k)).to_series(),
            "kpj": "C" + pl.select(spread(roster_n + paid_n + k)).to_series(),
            # the companies take the numbers between the Pemda's (pemda_npp)
            "npp": (10_000_001 + (k % COMPANIES) + (k % COMPANIES) // 183).cast(pl.String),
            "nama": pl.Series([OTHER_NAMES[2]] * filler_n),
            "aktif": (k % 10 != 0),
            "upah": (3_000_000 + (k % 100) * 10_000).cast(pl.Int64),
        }
    ).with_columns(
        pl.lit(dt.date(1985, 5, 5)).alias("tanggal_lahir"),
        pl.lit(dt.date(2020, 1, 1)).alias("tanggal_kepesertaan"),
        pl.lit(PAID).alias("bulan_iuran_terakhir"),
    )
    columns = [
        "nik",
        "kpj",
        "npp",
        "nama",
        "tanggal_lahir",
        "aktif",
        "tanggal_kepesertaan",
        "upah",
        "bulan_iuran_terakhir",
    ]
    master = pl.concat([pemda_rows.select(columns), filler.select(columns)]).with_columns(
        pl.lit(None, pl.String).alias("divisi")
    )
    master = master.with_columns(pl.int_range(2, pl.len() + 2, dtype=pl.Int64).alias("row"))
    return {"base": base, "master": master, "paid_only": paid_only}


def phase_populate(args: argparse.Namespace) -> dict[str, Any]:
    import polars as pl
    from django.conf import settings
    from django.db import connection, transaction

    from lindung.intake.bulk import insert_frame
    from lindung.reconcile.engine import active_index, doubles, pemda_part
    from lindung.reconcile.models import SourceFile
    from lindung.reconcile.reader import SCHEMAS
    from lindung.registry.models import Employer, WorkUnit
    from lindung.registry.services import open_changeset

    start = time.perf_counter()
    data = _generate(args)
    base, master = data["base"], data["master"]
    generated = time.perf_counter() - start
    employers = pl.DataFrame(
        list(Employer.objects.order_by("npp").values_list("id", "region_id")),
        schema={"employer_id": pl.Int64, "code": pl.String},
        orient="row",
    ).with_row_index("e")
    units = pl.DataFrame(
        list(WorkUnit.objects.values_list("id", "employer_id", "code")),
        schema={"unit_id": pl.Int64, "employer_id": pl.Int64, "ucode": pl.String},
        orient="row",
    )
    base = base.join(employers.with_columns(pl.col("e").cast(pl.Int64)), on="e", how="left")
    mark = time.perf_counter()
    with transaction.atomic():
        cs = open_changeset("bench", "bench reconcile")
        workers = base.select(
            (pl.col("i") + 1).alias("id"),
            "nik",
            "name",
            pl.col("birth").alias("birth_date"),
            pl.lit("L").alias("sex"),
            pl.lit(None, pl.String).alias("phone"),
            pl.lit(None, pl.String).alias("domicile_id"),
            pl.lit(cs.pk).alias("created_in_id"),
            pl.lit(None, pl.Datetime).alias("updated_at"),
        )
        insert_frame("registry_worker", workers)
        one = base.with_columns(("U" + pl.col("u").cast(pl.String)).alias("ucode")).join(
            units, on=["employer_id", "ucode"], how="left"
        )
        two = (
            base.filter(pl.col("e2").is_not_null())
            .drop("employer_id", "code")
            .join(employers.with_columns(pl.col("e").cast(pl.Int64)).rename({"e": "e2"}), on="e2", how="left")
            .with_columns(pl.lit(None, pl.Date).alias("end"), pl.lit("U0").alias("ucode"))
            .join(units, on=["employer_id", "ucode"], how="left")
        )
        rows = pl.concat([one.select(two.columns), two])
        employments = rows.select(
            pl.int_range(1, pl.len() + 1, dtype=pl.Int64).alias("id"),
            (pl.col("i") + 1).alias("worker_id"),
            "employer_id",
            "unit_id",
            pl.lit("thl").alias("category"),
            pl.lit(None, pl.String).alias("job_title"),
            "wage",
            pl.lit(dt.date(2023, 1, 2)).alias("start_date"),
            pl.col("end").alias("end_date"),
            pl.lit(None, pl.String).alias("sk_number"),
            pl.lit(cs.pk).alias("created_in_id"),
            pl.lit(None, pl.Datetime).alias("updated_at"),
        )
        insert_frame("registry_employment", employments)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE registry_worker; ANALYZE registry_employment")
    written = time.perf_counter() - mark
    # The master and the censuses as `reconcile load` stores them, registered as loaded.
    folder = Path(settings.DATA_DIR) / "reconcile"
    (folder / "bpjstk").mkdir(parents=True, exist_ok=True)
    (folder / "bkn").mkdir(parents=True, exist_ok=True)
    mark = time.perf_counter()
    stored = master.select([pl.col(c).cast(t) for c, t in SCHEMAS["bpjstk"].items()]).sort("npp", "nik")
    stored.write_parquet(
        folder / "bpjstk" / "national.parquet", compression="zstd", statistics=True, row_group_size=256_000
    )
    # as `reconcile load` writes them beside the master
    doubles(folder / "bpjstk" / "national.parquet")
    active_index(folder / "bpjstk" / "national.parquet")
    pemda_part(folder / "bpjstk" / "national.parquet", list(Employer.objects.values_list("npp", flat=True)))
    SourceFile.objects.create(
        source="bpjstk",
        coverage="national",
        name="bench-national.parquet",
        path="reconcile/bpjstk/national.parquet",
        data_date=ON,
        sha256="0" * 64,
        rows=stored.height,
        loaded_by="bench",
    )
    master_written = time.perf_counter() - mark
    census_codes = employers.filter(pl.col("e").is_between(1, CENSUS_EMPLOYERS)).rows()
    census_truth = []
    for e, employer_id, code in census_codes:
        active = rows.filter((pl.col("employer_id") == employer_id) & pl.col("end").is_null())
        kept = active.filter(~((pl.col("b").is_between(120, 139)) & (pl.col("e2").is_null() | (pl.col("e") == e))))
        extra_n = max(1, active.height // 100)
        extra = pl.DataFrame(
            {
                "nik": [str(7_000_000_000_000_000 + e * 100_000 + x) for x in range(extra_n)],
                "nama": [OTHER_NAMES[3]] * extra_n,
            }
        )
        census = pl.concat([kept.select("nik", "name").rename({"name": "nama"}), extra]).with_columns(
            pl.int_range(2, pl.len() + 2, dtype=pl.Int64).alias("row"),
            pl.lit(f"Pemerintah {code}").alias("instansi"),
            pl.lit("Unit 0").alias("unit_kerja"),
            pl.lit(None, pl.String).alias("jabatan"),
            pl.lit(None, pl.String).alias("status"),
        )
        census.select(list(SCHEMAS["bkn"])).write_parquet(folder / "bkn" / f"{code}.parquet")
        SourceFile.objects.create(
            source="bkn",
            coverage="employer",
            employer_id=employer_id,
            name=f"bench-{code}.parquet",
            path=f"reconcile/bkn/{code}.parquet",
            data_date=ON,
            sha256="0" * 64,
            rows=census.height,
            loaded_by="bench",
        )
        gone = set(active.get_column("nik").to_list()) - set(kept.get_column("nik").to_list())
        census_truth += [("belum_didata", code, n) for n in sorted(gone)]
        census_truth += [("belum_didata", code, n) for n in extra.get_column("nik").to_list()]
    # The truth, from the plants.
    b = pl.col("b")
    code_of = dict(employers.select("employer_id", "code").iter_rows())
    e_code = dict(employers.select(pl.col("e").cast(pl.Int64), "code").iter_rows())
    truth: list[tuple[str, str, str]] = []

    def add(kind: str, frame: pl.DataFrame, column: str = "code") -> None:
        truth.extend((kind, c, n) for c, n in frame.select(column, "nik").iter_rows())

    add("tidak_terlindungi", base.filter(b < 50))
    seconds = base.filter(pl.col("e2").is_not_null()).with_columns(
        pl.col("e2").replace_strict(e_code, return_dtype=pl.String).alias("code2")
    )
    add("tidak_terlindungi", seconds, "code2")
    add("ganda", seconds)
    add("ganda", seconds, "code2")
    add("ganda", base.filter(b.is_between(110, 114)))
    add("upah_tidak_sesuai", base.filter(b.is_between(50, 69)))
    add("identitas_berbeda", base.filter(b.is_between(70, 89)))
    add("bayar_tanpa_orang", base.filter(b.is_between(115, 117)))
    paid_only = data["paid_only"].with_columns(
        pl.col("e").cast(pl.Int64).replace_strict(e_code, return_dtype=pl.String).alias("code")
    )
    add("bayar_tanpa_orang", paid_only)
    truth += census_truth
    pl.DataFrame(truth, schema={"kind": pl.String, "code": pl.String, "nik": pl.String}, orient="row").write_parquet(
        Path(args.workdir) / "truth.parquet"
    )
    del code_of
    return {
        "generate_seconds": generated,
        "roster_write_seconds": written,
        "master_write_seconds": master_written,
        "roster_rows": rows.height,
        "master_rows": stored.height,
        "census_employers": len(census_codes),
        "pemda": e_code[0],
        "truth": len(truth),
    }


def phase_bare(args: argparse.Namespace) -> dict[str, Any]:
    """The plain engine join the run is measured against: roster LEFT JOIN master on NIK, status per unit."""
    import duckdb
    from django.conf import settings

    from lindung.reconcile.engine import export_roster

    roster = Path(args.workdir) / "roster.parquet"
    mark = time.perf_counter()
    export_roster(roster, ON, None)
    exported = time.perf_counter() - mark
    master = Path(settings.DATA_DIR) / "reconcile" / "bpjstk" / "national.parquet"
    con = duckdb.connect()
    times = []
    for _ in range(3):
        mark = time.perf_counter()
        con.execute(
            f"""SELECT r.unit_id, count(*) AS workers, count(m.nik) FILTER (WHERE m.aktif) AS active
            FROM read_parquet('{roster}') r LEFT JOIN read_parquet('{master}') m ON m.nik = r.nik
            GROUP BY r.unit_id"""
        ).fetchall()
        times.append(time.perf_counter() - mark)
    con.close()
    return {"seconds": min(times), "runs": times, "export_seconds": exported, "hwm": hwm_bytes()}


def _exactness(workdir: Path, items: list[dict[str, Any]]) -> dict[str, Any]:
    import polars as pl

    from lindung.domain.reconcile import KINDS
    from lindung.reconcile.models import Finding

    truth = pl.read_parquet(workdir / "truth.parquet")
    got = pl.DataFrame(
        list(Finding.objects.filter(state__in=["new", "open"]).values_list("kind", "employer__region_id", "nik")),
        schema={"kind": pl.String, "code": pl.String, "nik": pl.String},
        orient="row",
    ).unique()
    truth = truth.unique()
    out = {}
    for kind in KINDS:
        t = truth.filter(pl.col("kind") == kind)
        g = got.filter(pl.col("kind") == kind)
        hit = t.join(g, on=["kind", "code", "nik"], how="inner").height
        out[kind] = {
            "planted": t.height,
            "found": g.height,
            "precision": round(hit / g.height, 4) if g.height else (1.0 if t.height == 0 else 0.0),
            "recall": round(hit / t.height, 4) if t.height else 1.0,
        }
    return out


def phase_national(args: argparse.Namespace) -> dict[str, Any]:
    from lindung.accounts.models import Role
    from lindung.accounts.scope import Scope
    from lindung.reconcile import services
    from lindung.reconcile.loading import target_of

    scope = Scope(user_id=None, role=Role.SUPERUSER, employer_ids=None)
    mark = time.perf_counter()
    result = services.run_reconciliation(scope, target_of(national=True), on=ON, actor="bench", with_items=False)
    seconds = time.perf_counter() - mark
    out = {
        "seconds": seconds,
        "stages": result.seconds,
        "counts": result.counts,
        "changes": result.changes,
        "hwm": hwm_bytes(),
    }
    if args.check:
        out["exactness"] = _exactness(Path(args.workdir), [])
    return out


def phase_pemda(args: argparse.Namespace) -> dict[str, Any]:
    from lindung.accounts.models import Role
    from lindung.accounts.scope import Scope
    from lindung.reconcile import services
    from lindung.reconcile.loading import target_of

    scope = Scope(user_id=None, role=Role.SUPERUSER, employer_ids=None)
    times = []
    result = None
    for _ in range(3):
        mark = time.perf_counter()
        result = services.run_reconciliation(scope, target_of(employer=args.pemda), on=ON, actor="bench")
        times.append(time.perf_counter() - mark)
    assert result is not None
    return {"seconds": min(times), "runs": times, "stages": result.seconds, "counts": result.counts, "hwm": hwm_bytes()}


def phase_clear(args: argparse.Namespace) -> dict[str, Any]:
    """The findings and runs of an earlier run removed, so that --reuse measures a first run again."""
    from lindung.reconcile.models import Finding, FindingEvent, Run

    FindingEvent.objects.all().delete()
    Finding.objects.all().delete()
    Run.objects.all().delete()
    return {}


PHASES = {
    "clear": phase_clear,
    "setup": phase_setup,
    "populate": phase_populate,
    "bare": phase_bare,
    "national": phase_national,
    "pemda": phase_pemda,
}


def child(args: argparse.Namespace) -> None:
    run_child(PHASES[args.phase], args)


def run_phase(args: argparse.Namespace, phase: str, workdir: Path, url: str, **extra: Any) -> dict[str, Any]:
    result_path = workdir / f"{phase}-{time.monotonic_ns()}.json"
    cmd = [sys.executable, str(Path(__file__).resolve()), "--phase", phase, "--database-url", url]
    cmd += ["--workdir", str(workdir), "--result", str(result_path), "--scale", str(args.scale)]
    for key, value in extra.items():
        if value is True:
            cmd.append(f"--{key}")
        elif value not in (None, False):
            cmd += [f"--{key}", str(value)]
    env = dict(os.environ, LINDUNG_DATABASE_URL=url, LINDUNG_ALLOW_DEV_KEY="1", LINDUNG_DEBUG="0")
    env["LINDUNG_DATA_DIR"] = str(workdir / "data")
    wall = time.perf_counter()
    subprocess.run(cmd, check=True, env=env, cwd=ROOT)
    out: dict[str, Any] = json.loads(result_path.read_text())
    result_path.unlink()
    out["_wall"] = time.perf_counter() - wall
    return out


def parent(args: argparse.Namespace) -> int:
    workdir = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="lindung-bench-reconcile-"))
    workdir.mkdir(parents=True, exist_ok=True)
    env_url = os.environ.get("LINDUNG_DATABASE_URL", "")
    url = args.database_url or (env_url if env_url.startswith("postgres") else f"sqlite:///{workdir / 'bench.sqlite3'}")
    db = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    roster_n, master_n = sizes(args.scale)
    say(f"Rekonsiliasi, skala {args.scale}: {roster_n:,} baris daftar, {master_n:,} baris data peserta, {db}")
    try:
        results: dict[str, Any] = {"scale": args.scale, "database": db, "date": dt.date.today().isoformat()}
        kept = workdir / "populate.json"
        if args.reuse and kept.is_file():  # the data of an earlier run with --workdir, findings cleared
            results["populate"] = json.loads(kept.read_text())
            run_phase(args, "clear", workdir, url)
        else:
            results["setup"] = run_phase(args, "setup", workdir, url)
            say(f"  setup {results['setup']['seconds']:.1f} s")
            results["populate"] = run_phase(args, "populate", workdir, url)
            kept.write_text(json.dumps(results["populate"]))
        p = results["populate"]
        say(
            f"  data: {p['roster_rows']:,} daftar ditulis {p['roster_write_seconds']:.1f} s, "
            f"{p['master_rows']:,} peserta ke Parquet {p['master_write_seconds']:.1f} s "
            f"(dibuat {p['generate_seconds']:.1f} s)"
        )
        results["bare"] = run_phase(args, "bare", workdir, url)
        results["national"] = run_phase(args, "national", workdir, url, check=True)
        results["rerun"] = run_phase(args, "national", workdir, url)
        results["pemda"] = run_phase(args, "pemda", workdir, url, pemda=p["pemda"])
        report(results)
        if args.json:
            Path(args.json).write_text(json.dumps(results, indent=2, default=str))
    finally:
        if not args.keep and not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


def report(r: dict[str, Any]) -> None:
    bare = r["bare"]["seconds"]
    nat = r["national"]
    engine = nat["stages"].get("engine_total", 0.0)
    say("")
    say(f"{'ukuran':<46} {'detik':>8} {'rasio':>7}")
    say(f"{'join DuckDB polos (daftar LEFT JOIN peserta)':<46} {bare:>8.2f} {1:>7.2f}")
    say(f"{'rekonsiliasi nasional: mesin DuckDB saja':<46} {engine:>8.2f} {engine / bare:>7.2f}")
    say(f"{'rekonsiliasi nasional: ujung ke ujung':<46} {nat['seconds']:>8.2f} {nat['seconds'] / bare:>7.2f}")
    say(f"{'  ekspor daftar dari basis data':<46} {nat['stages']['export']:>8.2f}")
    say(f"{'  menulis temuan':<46} {nat['stages']['write']:>8.2f}")
    rerun = r["rerun"]["seconds"]
    say(f"{'rekonsiliasi nasional kedua (semua masih terbuka)':<46} {rerun:>8.2f} {rerun / bare:>7.2f}")
    say(f"{'satu Pemda, 5.000 baris, vs data nasional':<46} {r['pemda']['seconds']:>8.2f}")
    peaks = (nat["hwm"] / GB, r["bare"]["hwm"] / GB, r["pemda"]["hwm"] / GB)
    say("memori puncak: nasional {:.2f} GB, join polos {:.2f} GB, satu Pemda {:.2f} GB".format(*peaks))
    say("")
    say(f"{'temuan':<20} {'ditanam':>9} {'ditemukan':>10} {'presisi':>8} {'recall':>7}")
    for kind, e in nat["exactness"].items():
        say(f"{kind:<20} {e['planted']:>9,} {e['found']:>10,} {e['precision']:>8.4f} {e['recall']:>7.4f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1.0: 2.4M roster rows vs 41M participants")
    parser.add_argument(
        "--database-url",
        help="database URL (default: LINDUNG_DATABASE_URL when it is postgres://, as with-postgres.sh sets it; "
        "else SQLite in a temporary file)",
    )
    parser.add_argument("--workdir", help="work directory (default: a new temporary one, removed at the end)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary work directory")
    parser.add_argument(
        "--reuse", action="store_true", help="with --workdir: reuse the data an earlier run generated there"
    )
    parser.add_argument("--json", help="also write every measurement to this JSON file")
    parser.add_argument("--phase", choices=tuple(PHASES), help=argparse.SUPPRESS)
    parser.add_argument("--result", help=argparse.SUPPRESS)
    parser.add_argument("--check", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--pemda", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.phase:
        child(args)
        return 0
    return parent(args)


if __name__ == "__main__":
    raise SystemExit(main())
