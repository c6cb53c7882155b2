"""Coverage benchmark (issue 4): the national, a province and a Pemda view on a national dataset, from the kept
aggregates and from the rows, and what keeping the aggregates costs a roster import and an enrolment.

    scripts/with-postgres.sh .venv/bin/python bench/coverage.py [--workers N] [--runs N] [--row-runs N]
    (or `make bench-coverage BENCH_ARGS="--workers 200000"`)

PostgreSQL only: LINDUNG_DATABASE_URL must be a postgres:// URL (with-postgres.sh sets it to a throwaway
server). The parent only starts children, one per phase (Django reads its settings once per process, and each
child's ru_maxrss is the peak of that phase alone):

- setup: migrate, load_regions(), then the national dataset of bench/national.py (546 Pemda, ~40 units each,
  N workers with employments and memberships) written with COPY; VACUUM ANALYZE (untimed, printed);
- rebuild: aggregates.rebuild(today=reference day), with its stages; VACUUM ANALYZE of the aggregate tables;
- views: coverage_tree(day) + as_dict() for the nation, province 35 (Jawa Timur) and the largest kab/kota of
  Jawa Timur: --runs times from the aggregates and --row-runs times from the rows (each after an untimed
  warm-up); the two answers must be equal, on the reference day and on three other days;
- writes: aggregates.refresh() alone of that Pemda and of the largest one; then four rounds of
  import_roster(--commit) of --import-rows new workers into that Pemda and enrol() of them: with the
  signal-driven refresh, without it (disconnected), with, without.

Every timed phase starts after a CHECKPOINT and a sync. See bench/README.md ("Coverage (issue 4)").
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from harness import Stages, maxrss_bytes, run_child, say, server_info

PG_SETTINGS = ("fsync", "synchronous_commit", "full_page_writes", "shared_buffers", "work_mem",
               "effective_cache_size", "max_parallel_workers_per_gather", "jit")  # fmt: skip
BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
PROVINCE = "35"  # Jawa Timur
GOAL_SECONDS = 0.200
ROUNDS = (True, False, True, False)  # the write rounds: with the signal-driven refresh, without, ...
GB = 1024**3
TABLES = ("registry_worker", "registry_employment", "enrolment_membership", "coverage_unitevent",
          "coverage_unitstate")  # fmt: skip


def checkpoint() -> None:
    """Untimed, before each timed phase: PostgreSQL writes its dirty buffers, then the kernel its dirty pages."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("CHECKPOINT")
    os.sync()


def vacuum(*tables: str) -> float:
    """VACUUM ANALYZE (what autovacuum does soon after bulk writes), untimed by the figures; returns seconds."""
    from django.db import connection

    start = time.perf_counter()
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"VACUUM ANALYZE {table}")
    return time.perf_counter() - start


def sizes() -> dict[str, int]:
    from django.db import connection

    with connection.cursor() as cursor:
        out = {}
        for table in TABLES:
            cursor.execute("SELECT COUNT(*), pg_total_relation_size(%s) FROM " + table, [table])
            rows, size = cursor.fetchone()
            out[table] = int(rows)
            out[table + " bytes"] = int(size)
        return out


def reference(args: argparse.Namespace) -> dt.date:
    return dt.date.fromisoformat(args.reference)


# ---------------------------------------------------------------------------------------------------------
# Child side: one phase.
# ---------------------------------------------------------------------------------------------------------


def phase_setup(args: argparse.Namespace) -> dict[str, Any]:
    import dataclasses

    import polars as pl
    from django.core.management import call_command
    from django.db import transaction

    import national
    from lindung.enrolment.models import Agreement, Membership
    from lindung.intake import bulk
    from lindung.regions.models import Region
    from lindung.regions.services import load_regions
    from lindung.registry.models import Employer, Employment, Worker, WorkUnit
    from lindung.registry.services import open_changeset

    day = reference(args)
    seconds: dict[str, float] = {}
    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    load_regions()
    seconds["migrate, regions"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    regions = Region.objects.filter(level__in=(1, 2), current=True).values_list("code", "name", "level", "kind")
    plan = national.plan(national.autonomous(list(regions)), args.workers, day)
    # the Pemda view: the kab/kota of the province with the most workers; it has an agreement
    pemda_code = max((p for p in plan if p.code.startswith(PROVINCE + ".")), key=lambda p: p.workers).code
    plan = [dataclasses.replace(p, enrolled=True) if p.code == pemda_code else p for p in plan]
    with transaction.atomic():
        cs = open_changeset("bench", f"bench national dataset {args.workers} workers")
        prefix = {"provinsi": "Pemerintah Provinsi "}
        Employer.objects.bulk_create(
            [Employer(region_id=p.code, name=prefix.get(p.kind, "Pemerintah ") + p.name) for p in plan]
        )
        employer_ids = dict(Employer.objects.values_list("region_id", "id"))
        unit_rows = [(p.code, *u) for p in plan for u in national.units(p)]
        unit_frame = pl.DataFrame(unit_rows, schema=["code", "unit_code", "name", "kind", "weight"], orient="row")
        unit_frame = unit_frame.with_columns(bulk.reserve_ids(WorkUnit._meta.db_table, unit_frame.height)
                                             .alias("unit_id"))  # fmt: skip
        bulk.insert_frame(WorkUnit._meta.db_table, unit_frame.select(
            pl.col("unit_id").alias("id"), pl.col("code").replace_strict(employer_ids).alias("employer_id"),
            pl.col("unit_code").alias("code"), "name", "kind"))  # fmt: skip
        agreements = []
        for p in plan:
            if not p.enrolled:
                continue
            agreements.append(Agreement(employer_id=employer_ids[p.code], segment="ppu", programs=p.programs,
                                        risk_class=1, effective_from=p.effective_from, basis="pks",
                                        created_in=cs))  # fmt: skip
            if p.bpu:
                agreements.append(
                    Agreement(
                        employer_id=employer_ids[p.code],
                        segment="bpu",
                        programs=national.BPU_PROGRAMS,
                        risk_class=1,
                        effective_from=p.effective_from,
                        basis="perkada",
                        created_in=cs,
                    )
                )
        Agreement.objects.bulk_create(agreements)
    agreement_ids = {
        (code, segment): pk for pk, code, segment in Agreement.objects.values_list("id", "employer__region_id",
                                                                                  "segment")
    }  # fmt: skip
    seconds["employers, units, agreements"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    frame = national.rows(plan, employer_ids, unit_frame.select("code", "unit_id", "kind", "weight"), agreement_ids,
                          day)  # fmt: skip
    seconds["build rows (polars)"] = time.perf_counter() - t0
    members = frame.filter(pl.col("member"))

    t0 = time.perf_counter()
    with transaction.atomic():
        frame = frame.with_columns(
            bulk.reserve_ids(Worker._meta.db_table, frame.height).alias("worker_id"),
            bulk.reserve_ids(Employment._meta.db_table, frame.height).alias("employment_id"),
        )
        members = frame.filter(pl.col("member"))
        members = members.with_columns(bulk.reserve_ids(Membership._meta.db_table, members.height)
                                       .alias("membership_id"))  # fmt: skip
    seconds["reserve ids"] = time.perf_counter() - t0
    changeset = pl.lit(cs.pk, pl.Int64).alias("created_in_id")
    writes = {
        Worker._meta.db_table: frame.select(pl.col("worker_id").alias("id"), "nik", "name", "birth_date", "sex",
                                            changeset),
        Employment._meta.db_table: frame.select(pl.col("employment_id").alias("id"), "worker_id", "employer_id",
                                                "unit_id", "category", "job_title", "wage", "start_date", "end_date",
                                                changeset),
        Membership._meta.db_table: members.select(pl.col("membership_id").alias("id"), "worker_id", "employer_id",
                                                  "employment_id", "agreement_id", "segment", "valid_from",
                                                  "valid_to", "status", "kpj", changeset),
    }  # fmt: skip
    for table, rows in writes.items():
        t0 = time.perf_counter()
        with transaction.atomic():  # the deferred foreign-key checks run at the commit, inside the time
            bulk.insert_frame(table, rows)
        seconds[f"COPY {table} ({rows.height:,} rows, commit)"] = time.perf_counter() - t0
    counts = {
        "employers": len(plan),
        "units": unit_frame.height,
        "units by kind": dict(unit_frame.get_column("kind").value_counts().sort("kind").rows()),
        "units nobody on roster": unit_frame.filter(pl.col("weight") == 0).height,
        "agreements": len(agreements),
        "pemda without agreement": [p.code for p in plan if not p.enrolled],
        "pemda sponsoring bpu": sum(1 for p in plan if p.bpu),
        "workers": frame.height,
        "ended": frame.filter(pl.col("end_date").is_not_null()).height,
        "started before history": frame.filter(pl.col("start_date") < national.window_start(day)).height,
        "memberships": members.height,
        "memberships by status": dict(members.get_column("status").value_counts().sort("status").rows()),
        "bpu memberships": members.filter(pl.col("segment") == "bpu").height,
        "with kpj": members.filter(pl.col("kpj").is_not_null()).height,
        "begin after the employment ended": members.filter(pl.col("valid_from") > pl.col("end_date")).height,
        "largest pemda": max((p.workers, p.code) for p in plan),
        "smallest pemda": min((p.workers, p.code) for p in plan),
    }
    vacuum_seconds = vacuum(*TABLES[:3], "registry_workunit", "registry_employer", "enrolment_agreement")
    return {"seconds": seconds, "vacuum": vacuum_seconds, "counts": counts, "pemda": pemda_code,
            "pemda_workers": next(p.workers for p in plan if p.code == pemda_code),
            "province_workers": sum(p.workers for p in plan if p.code.split(".")[0] == PROVINCE),
            "server": server_info(PG_SETTINGS, ()), "maxrss": maxrss_bytes(), "sizes": sizes()}  # fmt: skip


class RefreshStages(Stages):
    def install(self) -> None:
        from lindung.coverage import aggregates
        from lindung.intake import bulk

        self.wrap(bulk, "query_frame", "read rows (COPY TO, 2 queries)")
        self.wrap(aggregates, "events", "events (polars)")
        self.wrap(aggregates, "monthly_states", "monthly states (polars)")
        self.wrap(bulk, "insert_frame", "write aggregates (COPY)")


def phase_rebuild(args: argparse.Namespace) -> dict[str, Any]:
    from lindung.coverage import aggregates

    stages = RefreshStages()
    stages.install()
    checkpoint()
    start = time.perf_counter()
    events = aggregates.rebuild(today=reference(args))
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "events": events, "stages": dict(stages.seconds), "horizon": str(aggregates.horizon()),
            "vacuum": vacuum("coverage_unitevent", "coverage_unitstate"), "sizes": sizes(),
            "maxrss": maxrss_bytes()}  # fmt: skip


def _views(args: argparse.Namespace) -> dict[str, dict[str, Any]]:
    return {"nation": {}, "province": {"region": PROVINCE}, "pemda": {"region": args.pemda}}


def _first_difference(a: Any, b: Any, path: str = "") -> str:
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b), key=str):
            if a.get(key) != b.get(key):
                return _first_difference(a.get(key), b.get(key), f"{path}.{key}")
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return f"{path}: {len(a)} items from the aggregates, {len(b)} from the rows"
        for n, (x, y) in enumerate(zip(a, b, strict=True)):
            if x != y:
                return _first_difference(x, y, f"{path}[{n}]")
    return f"{path}: {a!r} from the aggregates, {b!r} from the rows"


def _timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def phase_views(args: argparse.Namespace) -> dict[str, Any]:
    from lindung.coverage import aggregates
    from lindung.coverage.services import coverage_tree

    day = reference(args)
    horizon = aggregates.horizon()
    other_days = {
        "month start": day.replace(day=1),
        "a year before, mid-month": dt.date(day.year - 1, day.month, 20),
        "past the horizon": horizon + dt.timedelta(days=50),
    }
    out: dict[str, Any] = {"views": {}, "days": {}, "horizon": str(horizon)}
    # the time inside aggregates.unit_measures (the query and its rows as dicts) of each run; the rest of a run is
    # coverage_tree's own work (employers, units, counts per unit and node) and as_dict()
    measured: list[float] = []
    original = aggregates.unit_measures

    def unit_measures(*a: Any, **k: Any) -> Any:
        start = time.perf_counter()
        try:
            return original(*a, **k)
        finally:
            measured.append(time.perf_counter() - start)

    aggregates.unit_measures = unit_measures  # services calls it through the module
    checkpoint()
    for name, kwargs in _views(args).items():

        def view(on: dt.date, from_rows: bool, kwargs: dict[str, Any] = kwargs) -> dict[str, Any]:
            return coverage_tree(on, from_rows=from_rows, **kwargs).as_dict()

        _, kept = _timed(lambda: view(day, False))  # warm-up
        kept_runs, inside = [], []
        for _ in range(args.runs):
            measured.clear()
            kept_runs.append(_timed(lambda: view(day, False))[0])
            inside.append(sum(measured))
        _, rows = _timed(lambda: view(day, True))  # warm-up
        row_runs = [_timed(lambda: view(day, True))[0] for _ in range(args.row_runs)]
        if kept != rows:
            raise AssertionError(f"{name} on {day}: aggregates and rows differ at {_first_difference(kept, rows)}")
        out["views"][name] = {
            "kwargs": kwargs, "kept_runs": kept_runs, "row_runs": row_runs, "equal": True, "unit_measures": inside,
            "workers": kept["workers"], "enrolled": kept["enrolled"], "coverage": kept["coverage"],
            "units": kept["units"], "units_enrolled": kept["units_enrolled"], "children": len(kept["children"]),
            "units_without_enrolment": len(kept["units_without_enrolment"]),
            "employers_without_enrolment": len(kept["employers_without_enrolment"]),
            "bpu": kept["bpu"], "with_kpj": kept["with_kpj"], "programs": kept["programs"],
        }  # fmt: skip
        for label, other in other_days.items():
            kept_s, kept = _timed(lambda other=other: view(other, False))
            rows_s, rows = _timed(lambda other=other: view(other, True))
            if kept != rows:
                raise AssertionError(
                    f"{name} on {other} ({label}): aggregates and rows differ at {_first_difference(kept, rows)}"
                )
            out["days"].setdefault(name, []).append({"label": label, "day": str(other), "kept": kept_s,
                                                     "rows": rows_s, "equal": True, "workers": kept["workers"],
                                                     "enrolled": kept["enrolled"]})  # fmt: skip
    out["maxrss"] = maxrss_bytes()
    return out


def phase_writes(args: argparse.Namespace) -> dict[str, Any]:
    import generate
    from lindung.coverage import aggregates
    from lindung.coverage.services import coverage_tree
    from lindung.enrolment.services import enrol
    from lindung.intake.services import import_roster
    from lindung.regions.models import Region
    from lindung.registry.models import Employment, WorkUnit
    from lindung.registry.services import get_employer
    from lindung.registry.signals import rows_changed

    day = reference(args)
    employer = get_employer(args.pemda)
    kecamatan = list(Region.objects.filter(parent_id=args.pemda, level=Region.Level.KECAMATAN, current=True)
                     .order_by("code").values_list("code", flat=True))  # fmt: skip
    unit_codes = list(WorkUnit.objects.filter(employer=employer).order_by("code").values_list("code", flat=True))
    workdir = Path(args.workdir)
    files = []
    for n in range(len(ROUNDS)):
        roster = generate.roster(args.import_rows, kecamatan, unit_codes, serial_offset=9000 + 300 * n)
        path = workdir / f"roster-{args.pemda}-{n + 1}.csv"
        generate.write_csv(roster.text, path)
        files.append(path)

    refresh_seconds: list[float] = []
    original_refresh = aggregates.refresh

    def timed_refresh(*a: Any, **k: Any) -> int:
        start = time.perf_counter()
        try:
            return original_refresh(*a, **k)
        finally:
            refresh_seconds.append(time.perf_counter() - start)

    aggregates.refresh = timed_refresh  # the signal handler looks the name up at each call
    out: dict[str, Any] = {}

    out["refresh_alone"] = {}
    for code in (args.pemda, args.largest):
        pk = get_employer(code).pk
        checkpoint()
        alone = []
        for _ in range(3):
            seconds, events = _timed(lambda pk=pk: aggregates.refresh([pk]))
            alone.append(seconds)
        out["refresh_alone"][code] = {
            "runs": alone,
            "events": events,
            "employments": Employment.objects.filter(employer_id=pk).count(),
        }

    # Enrol once, untimed by the figures below, so that every later enrolment enrols exactly what the
    # import before it added (the dataset leaves ~12% of every Pemda's employments without a membership).
    checkpoint()
    refresh_seconds.clear()
    seconds, result = _timed(lambda: enrol(args.pemda, actor="bench", on=day))
    out["catch_up"] = {"seconds": seconds, "enrolled": result.enrolled, "refresh": sum(refresh_seconds)}

    rounds = []
    for n, (path, connected) in enumerate(zip(files, ROUNDS, strict=True)):
        if not connected:
            rows_changed.disconnect(dispatch_uid="coverage.refresh")
        checkpoint()
        refresh_seconds.clear()
        imp_s, imported = _timed(lambda path=path: import_roster(path, args.pemda, mode="commit", actor="bench",
                                                                 today=day))  # fmt: skip
        imp_refresh = sum(refresh_seconds)
        checkpoint()
        refresh_seconds.clear()
        enr_s, enrolled = _timed(lambda: enrol(args.pemda, actor="bench", on=day))
        enr_refresh = sum(refresh_seconds)
        if not connected:
            aggregates.connect()
            checkpoint()
            after_s, _ = _timed(lambda: aggregates.refresh([employer.pk]))
        else:
            after_s = None
        rounds.append({
            "round": n + 1, "refresh": connected, "import": imp_s, "import_refresh": imp_refresh,
            "new": imported.new, "rejected": imported.rejected, "committed": imported.committed,
            "enrol": enr_s, "enrol_refresh": enr_refresh, "enrolled": enrolled.enrolled,
            "enrol_issues": len(enrolled.issues), "refresh_after": after_s,
        })  # fmt: skip
    out["rounds"] = rounds
    # the aggregates kept by the signal are still the rows' answer
    kept = coverage_tree(day, region=args.pemda).as_dict()
    rows = coverage_tree(day, region=args.pemda, from_rows=True).as_dict()
    if kept != rows:
        raise AssertionError(f"after the writes: aggregates and rows differ at {_first_difference(kept, rows)}")
    out["after"] = {"equal": True, "workers": kept["workers"], "enrolled": kept["enrolled"]}
    out["maxrss"] = maxrss_bytes()
    return out


PHASES: dict[str, Callable[[argparse.Namespace], dict[str, Any]]] = {
    "setup": phase_setup,
    "rebuild": phase_rebuild,
    "views": phase_views,
    "writes": phase_writes,
}


def child(args: argparse.Namespace) -> None:
    run_child(PHASES[args.phase], args)


# ---------------------------------------------------------------------------------------------------------
# Parent side: run the phases, print the figures.
# ---------------------------------------------------------------------------------------------------------


def run_phase(url: str, phase: str, workdir: Path, args: argparse.Namespace, **extra: Any) -> dict[str, Any]:
    result_path = workdir / f"{phase}-{time.monotonic_ns()}.json"
    cmd = [sys.executable, str(Path(__file__).resolve()), "--phase", phase, "--database-url", url,
           "--result", str(result_path), "--workers", str(args.workers), "--runs", str(args.runs),
           "--row-runs", str(args.row_runs), "--import-rows", str(args.import_rows), "--reference", args.reference,
           "--workdir", str(workdir)]  # fmt: skip
    for key, value in extra.items():
        cmd += [f"--{key}", str(value)]
    env = dict(os.environ)
    env.update({"DJANGO_SETTINGS_MODULE": "lindung.settings", "LINDUNG_DATABASE_URL": url, "LINDUNG_DEBUG": "0",
                "LINDUNG_ALLOW_DEV_KEY": "1"})  # fmt: skip
    subprocess.run(cmd, check=True, env=env, cwd=ROOT)
    out = json.loads(result_path.read_text())
    result_path.unlink()
    return out


def fmt_s(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def percentile(values: list[float], q: float) -> float:
    """Nearest rank: the smallest value with at least q of the values at or below it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def spread(values: list[float]) -> str:
    return (f"p50 {fmt_s(percentile(values, 0.5))}, p95 {fmt_s(percentile(values, 0.95))}, "
            f"max {fmt_s(max(values))} ({len(values)} runs)")  # fmt: skip


def parent(args: argparse.Namespace) -> int:
    url = os.environ.get("LINDUNG_DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        say(
            "LINDUNG_DATABASE_URL is not a postgres:// URL: run through scripts/with-postgres.sh "
            "or `make bench-coverage`."
        )
        return 2
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="lindung-coverage-"))
    workdir.mkdir(parents=True, exist_ok=True)
    say(f"coverage benchmark: {args.workers:,} workers, reference day {args.reference}, {args.runs} runs from the "
        f"aggregates and {args.row_runs} from the rows per view, imports of {args.import_rows:,} rows; "
        f"{os.cpu_count()} CPUs")  # fmt: skip
    total = time.perf_counter()
    try:
        results = run_all(url, workdir, args)
    finally:
        if not args.keep and not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)
    say(f"\nall phases: {fmt_s(time.perf_counter() - total)}")
    ok = report(results)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2, default=str))
    return 0 if ok else 1


def run_all(url: str, workdir: Path, args: argparse.Namespace) -> dict[str, Any]:
    out: dict[str, Any] = {}
    r = out["setup"] = run_phase(url, "setup", workdir, args)
    c = r["counts"]
    say(
        f"[setup] {c['employers']} Pemda, {c['units']:,} units {c['units by kind']} ({c['units nobody on roster']} "
        f"with nobody), {c['workers']:,} workers and employments ({c['ended']:,} ended, "
        f"{c['started before history']:,} started before the 24 months), {c['memberships']:,} memberships "
        f"{c['memberships by status']} ({c['bpu memberships']:,} BPU, {c['with kpj']:,} with KPJ, "
        f"{c['begin after the employment ended']:,} beginning after their employment ended); "
        f"{len(c['pemda without agreement'])} Pemda without an agreement {c['pemda without agreement']}; "
        f"largest Pemda {c['largest pemda']}, smallest {c['smallest pemda']}"
    )
    generation = sum(v for k, v in r["seconds"].items() if k != "migrate, regions")
    say("[setup] generation " + fmt_s(generation) + ": " + ", ".join(f"{k} {fmt_s(v)}" for k, v in
                                                                      r["seconds"].items())
        + f"; VACUUM ANALYZE {fmt_s(r['vacuum'])} (untimed); peak RSS {r['maxrss'] / GB:.2f} GB")  # fmt: skip
    say(
        f"[setup] Pemda view: {r['pemda']} ({r['pemda_workers']:,} workers); province {PROVINCE}: "
        f"{r['province_workers']:,} workers; server {r['server']}"
    )
    pemda = r["pemda"]

    r = out["rebuild"] = run_phase(url, "rebuild", workdir, args)
    say(
        f"[rebuild] aggregates.rebuild(): {fmt_s(r['seconds'])}, {r['sizes']['coverage_unitevent']:,} UnitEvent + "
        f"{r['sizes']['coverage_unitstate']:,} UnitState rows (horizon {r['horizon']}); "
        + ", ".join(f"{k} {fmt_s(v)}" for k, v in r["stages"].items())
        + f"; VACUUM ANALYZE {fmt_s(r['vacuum'])} (untimed); peak RSS {r['maxrss'] / GB:.2f} GB"
    )
    say("[rebuild] table sizes: " + ", ".join(f"{t} {r['sizes'][t]:,} rows {r['sizes'][t + ' bytes'] / 2**20:.0f} MB"
                                              for t in TABLES))  # fmt: skip

    r = out["views"] = run_phase(url, "views", workdir, args, pemda=pemda)
    for name, v in r["views"].items():
        kept, rows = v["kept_runs"], v["row_runs"]
        say(
            f"[views] {name} {v['kwargs'] or ''}: {v['workers']:,} workers, {v['enrolled']:,} enrolled "
            f"({v['coverage']}%), {v['units_enrolled']:,}/{v['units']:,} units enrolled, {v['children']} children, "
            f"{v['units_without_enrolment']:,} units and {v['employers_without_enrolment']} Pemda without enrolment"
        )
        rest = [k - m for k, m in zip(kept, v["unit_measures"], strict=True)]
        say(
            f"[views]   aggregates: {spread(kept)}; of which aggregates.unit_measures p50 "
            f"{fmt_s(percentile(v['unit_measures'], 0.5))}, the rest of coverage_tree + as_dict p50 "
            f"{fmt_s(percentile(rest, 0.5))}"
        )
        say(f"[views]   rows:       {spread(rows)}; ratio of p50s {percentile(rows, 0.5) / percentile(kept, 0.5):.0f}x;"
            f" answers equal")  # fmt: skip
        for d in r["days"][name]:
            say(
                f"[views]   {d['label']} {d['day']}: aggregates {fmt_s(d['kept'])}, rows {fmt_s(d['rows'])}, "
                f"equal ({d['workers']:,} workers, {d['enrolled']:,} enrolled)"
            )
    say(f"[views] peak RSS {r['maxrss'] / GB:.2f} GB")

    largest = out["setup"]["counts"]["largest pemda"][1]
    r = out["writes"] = run_phase(url, "writes", workdir, args, pemda=pemda, largest=largest)
    for code, a in r["refresh_alone"].items():
        say(
            f"[writes] aggregates.refresh([{code}]) alone, {a['employments']:,} employments: "
            f"{', '.join(fmt_s(s) for s in a['runs'])} ({a['events']:,} events)"
        )
    c = r["catch_up"]
    say(
        f"[writes] enrol {pemda} once first (enrols what the dataset left out): {fmt_s(c['seconds'])}, "
        f"{c['enrolled']:,} enrolled, refresh {fmt_s(c['refresh'])} of it"
    )
    for x in r["rounds"]:
        label = "with refresh   " if x["refresh"] else "refresh off    "
        line = (
            f"[writes] round {x['round']} {label}: import_roster {x['new']:,} new rows "
            f"{fmt_s(x['import'])} (refresh {fmt_s(x['import_refresh'])}), enrol {x['enrolled']:,} "
            f"{fmt_s(x['enrol'])} (refresh {fmt_s(x['enrol_refresh'])})"
        )
        if x["refresh_after"] is not None:
            line += f"; refresh afterwards {fmt_s(x['refresh_after'])}"
        say(line)
    say(
        f"[writes] after the writes the Pemda view from the aggregates equals the rows ({r['after']['workers']:,} "
        f"workers, {r['after']['enrolled']:,} enrolled); peak RSS {r['maxrss'] / GB:.2f} GB"
    )
    return out


def report(results: dict[str, Any]) -> bool:
    rows: list[tuple[str, str, str, str, str]] = []

    def add(figure: str, value: str, goal: str, ratio: str, ok: bool | None) -> None:
        rows.append((figure, value, goal, ratio, "-" if ok is None else ("PASS" if ok else "MISS")))

    setup, rebuild, views, writes = (results[k] for k in ("setup", "rebuild", "views", "writes"))
    generation = sum(v for k, v in setup["seconds"].items() if k != "migrate, regions")
    add(
        f"dataset: {setup['counts']['workers']:,} workers, {setup['counts']['memberships']:,} memberships",
        fmt_s(generation),
        "(info)",
        "",
        None,
    )
    add(
        f"aggregates.rebuild(): {rebuild['events']:,} events, {rebuild['sizes']['coverage_unitstate']:,} states",
        fmt_s(rebuild["seconds"]),
        "(info)",
        "",
        None,
    )
    ok = True
    for name, v in views["views"].items():
        kept, rows_ = v["kept_runs"], v["row_runs"]
        p95 = percentile(kept, 0.95)
        passed = p95 < GOAL_SECONDS and v["equal"]
        ok &= passed
        label = {"nation": "national view", "province": f"province view {PROVINCE}",
                 "pemda": f"Pemda view {setup['pemda']}"}[name]  # fmt: skip
        add(
            f"{label}, aggregates p95 ({len(kept)} runs)",
            f"{fmt_s(p95)} (p50 {fmt_s(percentile(kept, 0.5))})",
            "< 200 ms",
            f"{p95 / GOAL_SECONDS:.2f}x goal",
            passed,
        )
        inside = v["unit_measures"]
        rest = [k - m for k, m in zip(kept, inside, strict=True)]
        add(
            f"{label}, inside: unit_measures / the rest, p50",
            f"{fmt_s(percentile(inside, 0.5))} / {fmt_s(percentile(rest, 0.5))}",
            "(info)",
            "",
            None,
        )
        add(f"{label}, from the rows p50 ({len(rows_)} runs)", f"{fmt_s(percentile(rows_, 0.5))} "
            f"(p95 {fmt_s(percentile(rows_, 0.95))})", "(baseline)",
            f"{percentile(rows_, 0.5) / percentile(kept, 0.5):.0f}x the aggregates", None)  # fmt: skip
        add(f"{label}, same answer ({1 + len(views['days'][name])} days)", "equal", "equal", "", v["equal"])
    for code, a in writes["refresh_alone"].items():
        add(
            f"aggregates.refresh([{code}]) alone, {a['employments']:,} employments (best of 3)",
            fmt_s(min(a["runs"])),
            "(info)",
            "",
            None,
        )
    with_ = [x for x in writes["rounds"] if x["refresh"]]
    off = [x for x in writes["rounds"] if not x["refresh"]]
    names = {"import": "import_roster --commit", "enrol": "enrol"}
    for kind in ("import", "enrol"):
        best = min(with_, key=lambda x: x[kind])
        best_off = min(x[kind] for x in off)
        rows_written = best["new"] if kind == "import" else best["enrolled"]
        add(f"{names[kind]} of {rows_written:,} rows into {setup['pemda']}, with refresh (best of {len(with_)})",
            fmt_s(best[kind]), "(small)", f"refresh {fmt_s(best[f'{kind}_refresh'])} = "
            f"{best[f'{kind}_refresh'] / best[kind]:.0%} of it", None)  # fmt: skip
        add(
            f"{names[kind]}, refresh disconnected (best of {len(off)})",
            fmt_s(best_off),
            "(baseline)",
            f"with refresh {best[kind] / best_off:.2f}x",
            None,
        )
    widths = [max(len(r[i]) for r in [*rows, ("figure", "value", "goal", "ratio", "result")]) for i in range(5)]
    line = "  ".join("{:<%d}" % w for w in widths)  # noqa: UP031
    say("\n" + line.format("figure", "value", "goal", "ratio", "result"))
    say("  ".join("-" * w for w in widths))
    for r in rows:
        say(line.format(*r))
    say(f"\nserver: {', '.join(f'{k}={v}' for k, v in setup['server'].items())}")
    say(
        f"peak RSS per phase: setup {setup['maxrss'] / GB:.2f} GB, rebuild {rebuild['maxrss'] / GB:.2f} GB, views "
        f"{views['maxrss'] / GB:.2f} GB, writes {writes['maxrss'] / GB:.2f} GB"
    )
    say("Absolute times vary on shared machines (up to 1.8x between runs); the ratios within one run are steadier.")
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=2_200_000, help="workers in the dataset (default 2,200,000)")
    parser.add_argument("--runs", type=int, default=30, help="timed runs per view from the aggregates (default 30)")
    parser.add_argument("--row-runs", type=int, default=3, help="timed runs per view from the rows (default 3)")
    parser.add_argument("--import-rows", type=int, default=3000, help="rows of each roster import (default 3,000)")
    parser.add_argument("--reference", default="2026-10-15", help="the reference day (default 2026-10-15)")
    parser.add_argument("--keep", action="store_true", help="keep the work directory (roster files)")
    parser.add_argument("--json", help="also write every measurement to this JSON file")
    parser.add_argument("--workdir", help="work directory (default: a new temporary one, removed at the end)")
    # child-process arguments
    parser.add_argument("--phase", choices=tuple(PHASES), help=argparse.SUPPRESS)
    parser.add_argument("--database-url", help=argparse.SUPPRESS)
    parser.add_argument("--result", help=argparse.SUPPRESS)
    parser.add_argument("--pemda", help=argparse.SUPPRESS)
    parser.add_argument("--largest", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.phase:
        child(args)
        return 0
    return parent(args)


if __name__ == "__main__":
    sys.exit(main())
