"""Invoice benchmark: one month's invoice for a million memberships beside one SQL aggregate of the same total,
and the contributions themselves beside a plain polars expression.

    scripts/with-postgres.sh .venv/bin/python bench/invoice.py [--rows N] [--database sqlite|postgres|both]
    (or `make bench-invoice BENCH_ARGS="--rows 20000"`)

The parent process only starts children, one per database and phase (`--database ... --phase ...`): Django
reads its settings once per process, and each child's ru_maxrss is the peak of that phase alone. SQLite uses
a temporary file; PostgreSQL uses LINDUNG_DATABASE_URL when it is a postgres:// URL (with-postgres.sh sets
it), else it is skipped with a note.

Per database, in this order: setup (migrate, regions, employer 32.01 with 40 units, the agreement, N workers,
employments and memberships in bulk, ~1% wage changes recorded after the month; VACUUM ANALYZE on PostgreSQL)
- A: the SQL aggregate, twice - C: contribution_frame against a hand-written polars expression over the rows
billed_month reads, best of --runs (3) each after a warm-up - B: issue_invoice with its stages - the same issue again
(returns the invoice already issued) - A again, twice - the floor of writing the lines. The aggregate baseline
is the fastest of its four runs. Every timed phase starts after a CHECKPOINT (PostgreSQL) and a sync.
See bench/README.md ("Invoice (issue 3)") for what each figure means.
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
from collections.abc import Callable
from pathlib import Path
from typing import Any

from harness import Stages, maxrss_bytes, run_child, say, server_info

PG_SETTINGS = ("fsync", "synchronous_commit", "full_page_writes", "shared_buffers", "work_mem")
SQLITE_SETTINGS = ("journal_mode", "synchronous", "cache_size")
BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
EMPLOYER = "32.01"  # Kabupaten Bogor: 40 kecamatan
UNIT_COUNT = 40
PROGRAMS = "JKK,JKM,JHT,JP"
RISKY_UNIT = ("BPBD", 3)  # the disaster agency: JKK class 3 instead of the employer's class 1
AGREEMENT_FROM = dt.date(2024, 1, 1)
CHUNK = 200_000
GB = 1024**3
LINE_COLUMNS = ("invoice_id", "membership_id", "worker_id", "unit_id", "risk_class", "wage_base", "jkk", "jkm",
                "jht_employer", "jht_worker", "jp_base", "jp_employer", "jp_worker", "employer_amount",
                "worker_amount")  # fmt: skip
FLOOR_DDL = """CREATE TABLE bench_lines (
    invoice_id bigint NOT NULL, membership_id bigint NOT NULL, worker_id bigint NOT NULL, unit_id bigint NOT NULL,
    risk_class smallint NOT NULL, wage_base bigint NOT NULL, jkk bigint NOT NULL, jkm bigint NOT NULL,
    jht_employer bigint NOT NULL, jht_worker bigint NOT NULL, jp_base bigint NOT NULL, jp_employer bigint NOT NULL,
    jp_worker bigint NOT NULL, employer_amount bigint NOT NULL, worker_amount bigint NOT NULL,
    PRIMARY KEY (invoice_id, membership_id)
)"""


# ---------------------------------------------------------------------------------------------------------
# Child side: one phase against one database.
# ---------------------------------------------------------------------------------------------------------


class InvoiceStages(Stages):
    """Wall time per stage of issue_invoice."""

    def install(self) -> None:
        from lindung.billing import services
        from lindung.intake import bulk

        self.wrap(services, "billed_month", "billed_month (total)")
        self.wrap(bulk, "query_frame", "query_frame (members)")
        self.wrap(services, "_wage_in_month", "_wage_in_month")
        self.wrap(services, "contribution_frame", "contribution_frame")
        self.wrap(bulk, "insert_frame", "insert_frame (lines)")
        self.wrap(services, "_write_subtotals", "_write_subtotals")
        self.wrap(services, "_write_funding", "_write_funding")

    def result(self, start: float, end: float) -> dict[str, float]:
        out = dict(self.seconds)
        if "billed_month (total)" in self.first_start:
            out["before billed_month (lock, agreement)"] = self.first_start["billed_month (total)"] - start
        if "_write_funding" in self.last_end:
            out["after _write_funding (summary, commit)"] = end - self.last_end["_write_funding"]
        return out


def checkpoint() -> None:
    """Untimed, before each timed phase: PostgreSQL writes its dirty buffers (CHECKPOINT), then the kernel writes
    its dirty pages (sync), so that neither the checkpointer nor the kernel's writeback of what the previous phase
    wrote competes with what is timed next (2 CPUs)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("CHECKPOINT")
    os.sync()


def month_of(args: argparse.Namespace) -> tuple[dt.date, dt.date]:
    from lindung.domain.periods import month_end, parse_period

    start = parse_period(args.month)
    return start, month_end(start)


def _frames(
    lo: int, hi: int, rows: int, start: dt.date, end: dt.date, ids: dict[str, Any], unit_ids: list[int]
) -> tuple[Any, Any, Any, Any]:
    """Workers, employments, the billed rows (i, employment_id, wage: for the wage changes) and memberships for
    rows lo..hi-1. Rows below `rows` are billed in the month (1% of them end during it); the others (1% more)
    are not: ended before it, rejected, or starting after it."""
    import polars as pl

    from lindung.domain.periods import month_end

    i = pl.col("i")
    extra = i >= rows
    kind = (i - rows) % 3
    ended_in_month = ~extra & (i % 100 == 50)
    before_month = start - dt.timedelta(days=41)
    before_month_end = month_end(before_month)
    base = pl.DataFrame({"i": pl.int_range(lo, hi, dtype=pl.Int64, eager=True)}).with_columns(
        ids["worker"].alias("worker_id"),
        ids["employment"].alias("employment_id"),
        ids["membership"].alias("membership_id"),
        # 1,500,000 .. 15,000,000 in whole rupiah: under and over the JP cap, every rounding case
        (1_500_000 + (i * 104_729) % 13_500_001).alias("wage"),
        pl.when(extra & (kind == 2))
        .then(pl.lit(end) + pl.duration(days=1 + (i % 20)))
        .otherwise(pl.lit(dt.date(2015, 1, 1)) + pl.duration(days=(i * 7919) % 4000))  # 2015 .. 2025-12
        .alias("start_date"),
        pl.when(ended_in_month)
        .then(pl.lit(start) + pl.duration(days=i % 28))
        .when(extra & (kind == 0))
        .then(pl.lit(before_month))
        .otherwise(pl.lit(None, pl.Date))
        .alias("end_date"),
    )
    workers = base.select(
        pl.col("worker_id").alias("id"),
        (pl.lit("3201") + i.cast(pl.String).str.zfill(12)).alias("nik"),
        (pl.lit("Pekerja ") + i.cast(pl.String)).alias("name"),
        (pl.lit(dt.date(1965, 1, 1)) + pl.duration(days=(i * 31) % 14000)).alias("birth_date"),
        pl.when(i % 2 == 0).then(pl.lit("L")).otherwise(pl.lit("P")).alias("sex"),
        pl.lit(ids["changeset"], pl.Int64).alias("created_in_id"),
    )
    units = pl.Series(unit_ids, dtype=pl.Int64)
    categories = pl.Series(["thl", "honorer", "kontrak", "ptt"])
    employments = base.select(
        pl.col("employment_id").alias("id"),
        "worker_id",
        pl.lit(ids["employer"], pl.Int64).alias("employer_id"),
        pl.lit(units).gather(i % len(unit_ids)).alias("unit_id"),
        pl.lit(categories).gather(i % 4).alias("category"),
        "wage",
        "start_date",
        "end_date",
        pl.lit(ids["changeset"], pl.Int64).alias("created_in_id"),
    )
    valid_from = pl.max_horizontal(pl.col("start_date"), pl.lit(AGREEMENT_FROM))
    memberships = base.select(
        pl.col("membership_id").alias("id"),
        "worker_id",
        pl.lit(ids["employer"], pl.Int64).alias("employer_id"),
        "employment_id",
        pl.lit(ids["agreement"], pl.Int64).alias("agreement_id"),
        pl.lit("ppu").alias("segment"),
        valid_from.alias("valid_from"),
        pl.when(ended_in_month)
        .then(pl.lit(end))
        .when(extra & (kind == 0))
        .then(pl.lit(before_month_end))
        .otherwise(pl.lit(None, pl.Date))
        .alias("valid_to"),
        pl.when(extra & (kind == 1))
        .then(pl.lit("rejected"))
        .when(extra & (kind == 0))
        .then(pl.lit("ended"))
        .otherwise(pl.lit("registered"))
        .alias("status"),
        pl.lit(ids["changeset"], pl.Int64).alias("created_in_id"),
    )
    return workers, employments, base.filter(~extra).select("i", "employment_id", "wage"), memberships


def _changes(billed: Any, changesets: dict[str, int]) -> Any:
    """Wage Change rows for ~1.5% of the billed employments (their registry wage is the newest one):
    1%: changed after the month (0.1% twice: the earliest change's `before` is the month's wage);
    0.5%: changed before the month (ignored: the registry wage applies)."""
    import polars as pl

    def rows(frame: Any, changeset: str, before: Any, after: Any) -> Any:
        return frame.select(
            pl.lit(changesets[changeset], pl.Int64).alias("changeset_id"),
            pl.lit("registry.employment").alias("model"),
            pl.col("employment_id").cast(pl.String).alias("object_id"),
            pl.lit("update").alias("action"),
            pl.concat_str(pl.lit('{"wage": '), before.cast(pl.String), pl.lit("}")).alias("before"),
            pl.concat_str(pl.lit('{"wage": '), after.cast(pl.String), pl.lit("}")).alias("after"),
        )

    i, wage = pl.col("i"), pl.col("wage")
    once = billed.filter((i % 100 == 7) & (i % 1000 != 7))
    twice = billed.filter(i % 1000 == 7)
    earlier = billed.filter(i % 200 == 3)
    return pl.concat([
        rows(twice, "second_after", wage - 100_000, wage),  # recorded first, effective later
        rows(once, "after", wage - 250_000, wage),
        rows(twice, "after", wage - 250_000, wage - 100_000),
        rows(earlier, "before", wage - 300_000, wage),
    ])  # fmt: skip


def phase_setup(args: argparse.Namespace) -> dict[str, Any]:
    import polars as pl
    from django.core.management import call_command
    from django.db import connection, transaction

    import generate
    from lindung.enrolment.models import Membership
    from lindung.enrolment.services import add_agreement
    from lindung.intake import bulk
    from lindung.regions.models import Region
    from lindung.regions.services import load_regions
    from lindung.registry.models import Change, Employment, Worker, WorkUnit
    from lindung.registry.services import add_employer, open_changeset

    start, end = month_of(args)
    seconds: dict[str, float] = {}
    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    load_regions()
    employer = add_employer(EMPLOYER, None, "bench").employer
    kecamatan = list(
        Region.objects.filter(parent_id=EMPLOYER, level=Region.Level.KECAMATAN, current=True)
        .order_by("code")
        .values_list("code", "name")
    )
    units = generate.unit_rows(kecamatan, UNIT_COUNT)
    WorkUnit.objects.bulk_create(
        [WorkUnit(employer=employer, code=code, name=name, kind=kind) for code, name, kind in units]
    )
    agreement, _ = add_agreement(
        EMPLOYER, programs=PROGRAMS, effective_from=AGREEMENT_FROM, actor="bench", unit_classes=dict([RISKY_UNIT])
    )
    unit_ids = list(WorkUnit.objects.filter(employer=employer).order_by("id").values_list("id", flat=True))
    seconds["migrate, regions, employer, units, agreement"] = time.perf_counter() - t0

    total = args.rows + args.rows // 100
    cs = open_changeset("bench", f"bench setup {total} rows")
    changesets = {
        # created in this order on purpose: ids do not follow the effective days
        "second_after": open_changeset("bench", "bench wage change", effective=end + dt.timedelta(days=45)).pk,
        "after": open_changeset("bench", "bench wage change", effective=end + dt.timedelta(days=15)).pk,
        "before": open_changeset("bench", "bench wage change", effective=start - dt.timedelta(days=60)).pk,
    }
    changes = []
    t0 = time.perf_counter()
    for lo in range(0, total, CHUNK):
        hi = min(lo + CHUNK, total)
        with transaction.atomic():
            ids = {
                "worker": bulk.reserve_ids(Worker._meta.db_table, hi - lo),
                "employment": bulk.reserve_ids(Employment._meta.db_table, hi - lo),
                "membership": bulk.reserve_ids(Membership._meta.db_table, hi - lo),
                "changeset": cs.pk, "employer": employer.pk, "agreement": agreement.pk,
            }  # fmt: skip
            workers, employments, billed, memberships = _frames(lo, hi, args.rows, start, end, ids, unit_ids)
            bulk.insert_frame(Worker._meta.db_table, workers)
            bulk.insert_frame(Employment._meta.db_table, employments)
            bulk.insert_frame(Membership._meta.db_table, memberships)
            changes.append(_changes(billed, changesets))
    change_rows = pl.concat(changes)
    with transaction.atomic():
        bulk.insert_frame(Change._meta.db_table, change_rows)
    seconds["workers, employments, memberships, changes (bulk)"] = time.perf_counter() - t0
    if connection.vendor == "postgresql":
        t0 = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        seconds["VACUUM ANALYZE"] = time.perf_counter() - t0
    return {
        "seconds": seconds, "memberships": total, "billed": args.rows, "changes": change_rows.height,
        "changed_after_month": change_rows.filter(pl.col("changeset_id") == changesets["after"]).height,
        "server": server_info(PG_SETTINGS, SQLITE_SETTINGS), "maxrss": maxrss_bytes(),
    }  # fmt: skip


def _context(args: argparse.Namespace) -> dict[str, Any]:
    from lindung.enrolment.services import agreement_in_force, rate_book_for
    from lindung.registry.services import get_employer

    start, end = month_of(args)
    employer = get_employer(EMPLOYER)
    agreement = agreement_in_force(employer, "ppu", end)
    assert agreement is not None
    return {"start": start, "end": end, "employer": employer, "agreement": agreement, "book": rate_book_for(agreement)}


def _fractions(book: Any, programs: list[str], on: dt.date) -> dict[str, Any]:
    """The shares of the package as integer fractions (domain.money.percent_fraction) of the rates in force on
    `on`: {"employer": [(program, key, (num, den)) ...], "worker": [...], "jkk": {class: {payer: (num, den)}},
    "cap": JP cap}. Zero rates are left out."""
    from lindung.domain.money import percent_fraction

    unknown = set(programs) - {"JKK", "JKM", "JHT", "JP"}
    assert not unknown, f"the benchmark's SQL knows JKK, JKM, JHT and JP only, not {unknown}"
    out: dict[str, Any] = {"employer": [], "worker": [], "jkk": {}, "cap": None}
    if "JKK" in programs:
        out["jkk"] = {c: {p: percent_fraction(book.at(f"jkk.{c}", on).percent(p)) for p in ("employer", "worker")}
                      for c in range(1, 6)}  # fmt: skip
    for program, key in (("JKM", "jkm"), ("JHT", "jht"), ("JP", "jp")):
        if program in programs:
            for payer in ("employer", "worker"):
                fraction = percent_fraction(book.at(key, on).percent(payer))
                if fraction[0]:
                    out[payer].append((program, key, fraction))
    if "JP" in programs:
        out["cap"] = int(book.at("jp.cap", on).amount("amount"))
    out["minimum_reported"] = int(book.at("wage.minimum_reported", on).amount("amount"))
    return out


def _share_sql(base: str, fraction: tuple[int, int]) -> str:
    """round half up of base x num / den for base >= 0, in integer arithmetic (both databases truncate `/`)."""
    num, den = fraction
    return f"(({base}) * {2 * num} + {den}) / {2 * den}" if num else "0"


def billed_rows_sql(vendor: str, ctx: dict[str, Any]) -> tuple[str, list[Any], dict[str, str]]:
    """FROM ... WHERE of the month's billed rows (wage in the month, risk class per unit), and the share
    expressions over the derived columns `wage` and `risk_class`."""
    agreement = ctx["agreement"]
    assert agreement.reported_wage is None, "the benchmark's SQL reads each worker's wage"
    f = _fractions(ctx["book"], agreement.program_list, ctx["start"])
    if vendor == "postgresql":
        old_wage = """(ch."before" ->> 'wage')::bigint"""
        has_wage = """(ch."before" -> 'wage') IS NOT NULL"""  # what Django's has_key means: the key is there
        least = "LEAST"
    else:
        old_wage = """json_extract(ch."before", '$.wage')"""
        has_wage = """json_type(ch."before", '$.wage') IS NOT NULL"""
        least = "MIN"  # SQLite's MIN with two arguments is the smaller of them
    shares: dict[str, str] = {}
    for payer in ("employer", "worker"):
        if f["jkk"] and any(f["jkk"][c][payer][0] for c in f["jkk"]):
            cases = " ".join(f"WHEN {c} THEN {_share_sql('wage', f['jkk'][c][payer])}" for c in f["jkk"])
            shares[f"jkk_{payer}"] = f"CASE risk_class {cases} END"
        else:
            shares[f"jkk_{payer}"] = "0"
        for program, key, fraction in f[payer]:
            base = f"{least}(wage, {f['cap']})" if program == "JP" else "wage"
            shares[f"{key}_{payer}"] = _share_sql(base, fraction)
        for key in ("jkm", "jht", "jp"):
            shares.setdefault(f"{key}_{payer}", "0")
    shares["jp_base"] = f"{least}(wage, {f['cap']})" if f["cap"] is not None else "0"
    shares["employer"] = " + ".join(f"({shares[f'{k}_employer']})" for k in ("jkk", "jkm", "jht", "jp"))
    shares["worker"] = " + ".join(f"({shares[f'{k}_worker']})" for k in ("jkk", "jkm", "jht", "jp"))
    later = f"""ch.model = 'registry.employment' AND ch.action = 'update' AND cs.effective > %s AND {has_wage}"""
    if vendor == "postgresql":
        # A hash join to a derived table: the earliest change after the month of each employment.
        wage = "COALESCE(l.old_wage, e.wage)"
        join = f"""
    LEFT JOIN (
        SELECT employment_id, old_wage FROM (
            SELECT CAST(ch.object_id AS BIGINT) AS employment_id, {old_wage} AS old_wage,
                   ROW_NUMBER() OVER (PARTITION BY ch.object_id ORDER BY cs.effective, cs.id, ch.id) AS n
            FROM registry_change ch JOIN registry_changeset cs ON cs.id = ch.changeset_id
            WHERE {later}
        ) ranked WHERE n = 1
    ) l ON l.employment_id = e.id"""
    else:
        # SQLite joins by nested loops only and builds no automatic index on that derived table: the same LEFT
        # JOIN scans it once per membership (0.165 s at 20,000 rows, quadratic). The earliest later change is
        # found instead by a probe of the (model, object_id) index per membership.
        wage = f"""COALESCE((
        SELECT {old_wage} FROM registry_change ch JOIN registry_changeset cs ON cs.id = ch.changeset_id
        WHERE ch.object_id = CAST(e.id AS TEXT) AND {later}
        ORDER BY cs.effective, cs.id, ch.id LIMIT 1), e.wage)"""
        join = ""
    sql = f"""
    SELECT m.id AS membership_id, m.worker_id, e.unit_id, {wage} AS wage,
           COALESCE(u.risk_class, {int(agreement.risk_class)}) AS risk_class
    FROM enrolment_membership m
    JOIN registry_employment e ON e.id = m.employment_id{join}
    LEFT JOIN enrolment_unitriskclass u ON u.agreement_id = %s AND u.unit_id = e.unit_id
    WHERE m.employer_id = %s AND m.segment = %s AND m.status <> 'rejected'
      AND m.valid_from <= %s AND (m.valid_to IS NULL OR m.valid_to >= %s)
      AND (e.end_date IS NULL OR e.end_date >= %s)"""
    if vendor != "postgresql":
        # Keeps SQLite from flattening this query into the outer one, which would copy the correlated subquery
        # into every share expression that reads `wage` (nine probes per row instead of one: 3x slower).
        sql += "\n    LIMIT -1 OFFSET 0"
    start, end = ctx["start"].isoformat(), ctx["end"].isoformat()
    params = [end, agreement.pk, ctx["employer"].pk, agreement.segment, end, start, start]
    return sql, params, shares


def aggregate_sql(vendor: str, ctx: dict[str, Any]) -> tuple[str, list[Any]]:
    rows, params, s = billed_rows_sql(vendor, ctx)
    sql = f"""SELECT COUNT(*), COALESCE(SUM({s["employer"]}), 0), COALESCE(SUM({s["worker"]}), 0)
FROM ({rows}
) r"""
    return sql, params


def phase_aggregate(args: argparse.Namespace) -> dict[str, Any]:
    from django.db import connection

    ctx = _context(args)
    sql, params = aggregate_sql(connection.vendor, ctx)
    checkpoint()
    runs = []
    for _ in range(2):
        start = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            count, employer, worker = cursor.fetchone()
        runs.append(time.perf_counter() - start)
    return {"runs": runs, "workers": int(count), "employer": int(employer), "worker": int(worker),
            "total": int(employer) + int(worker), "sql": sql}  # fmt: skip


def phase_issue(args: argparse.Namespace) -> dict[str, Any]:
    from django.db import connection

    from lindung.billing.services import issue_invoice

    stages = InvoiceStages()
    if not args.again:
        stages.install()
    month, _ = month_of(args)
    checkpoint()
    rss_before = maxrss_bytes()
    start = time.perf_counter()
    issued = issue_invoice(EMPLOYER, month, actor="bench")
    end = time.perf_counter()
    invoice = issued.invoice
    out: dict[str, Any] = {
        "seconds": end - start, "created": issued.created, "number": invoice.number, "workers": invoice.workers,
        "employer": invoice.employer_amount, "worker": invoice.worker_amount, "total": invoice.total,
        "stages": stages.result(start, end), "maxrss": maxrss_bytes(), "maxrss_before": rss_before,
    }  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*), COALESCE(SUM(employer_amount + worker_amount), 0) FROM billing_invoiceline "
                       "WHERE invoice_id = %s", [invoice.pk])  # fmt: skip
        lines, lines_total = cursor.fetchone()
        out["lines"], out["lines_total"] = int(lines), int(lines_total)
        cursor.execute("SELECT COUNT(*) FROM billing_invoicesubtotal WHERE invoice_id = %s", [invoice.pk])
        out["subtotals"] = int(cursor.fetchone()[0])
    if connection.vendor == "postgresql" and not args.again:
        # Untimed: what autovacuum would do soon after a million new rows, done now so that it does not run
        # during the phases that follow (2 CPUs).
        t0 = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE billing_invoiceline")
        out["vacuum_seconds"] = time.perf_counter() - t0
    return out


def naive_contributions(frame: Any, f: dict[str, Any]) -> Any:
    """The same columns as contribution_frame, written by hand: (wage * num * 2 + den) // (2 * den) per share."""
    import polars as pl

    from lindung.domain.contributions import FRAME_COLUMNS

    def share(base: Any, fraction: tuple[int, int]) -> Any:
        num, den = fraction
        return (base * (2 * num) + den) // (2 * den)

    assert all(f["jkk"][c]["worker"][0] == 0 for c in f["jkk"]), "PPU JKK has no worker share"
    wage, risk = pl.col("wage"), pl.col("risk_class")
    jkk = pl.when(risk == 1).then(share(wage, f["jkk"][1]["employer"]))
    for c in (2, 3, 4, 5):
        jkk = jkk.when(risk == c).then(share(wage, f["jkk"][c]["employer"]))
    jp_base = pl.min_horizontal(wage, pl.lit(f["cap"], pl.Int64))
    rates = {(key, payer): fraction for payer in ("employer", "worker") for _, key, fraction in f[payer]}
    assert set(rates) == {("jkm", "employer"), ("jht", "employer"), ("jht", "worker"), ("jp", "employer"),
                          ("jp", "worker")}, rates  # fmt: skip
    zero = pl.lit(0, pl.Int64)
    out = (
        frame.with_columns(
            wage.alias("wage_base"),
            jkk.alias("jkk"),
            share(wage, rates["jkm", "employer"]).alias("jkm"),
            share(wage, rates["jht", "employer"]).alias("jht_employer"),
            share(wage, rates["jht", "worker"]).alias("jht_worker"),
            jp_base.alias("jp_base"),
            share(jp_base, rates["jp", "employer"]).alias("jp_employer"),
            share(jp_base, rates["jp", "worker"]).alias("jp_worker"),
            *(zero.alias(c) for c in ("jkp_base", "jkp_government", "jkp_from_jkk", "jkp_from_jkm")),
            (wage < f["minimum_reported"]).alias("under_minimum_reported"),
        )
        .with_columns(
            (pl.col("jkk") + pl.col("jkm") + pl.col("jht_employer") + pl.col("jp_employer")).alias("employer"),
            (pl.col("jht_worker") + pl.col("jp_worker")).alias("worker"),
        )
        .with_columns((pl.col("employer") + pl.col("worker")).alias("total"))
    )
    others = [c for c in frame.columns if c not in FRAME_COLUMNS]
    return out.select(*others, *FRAME_COLUMNS)


def _billed_frame(ctx: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    """The frame billed_month hands to contribution_frame (and its arguments), and billed_month's own result."""
    from lindung.billing import services

    captured: dict[str, Any] = {}
    original = services.contribution_frame

    def capture(book: Any, frame: Any, **kwargs: Any) -> Any:
        captured.update(book=book, frame=frame, kwargs=kwargs)
        return original(book, frame, **kwargs)

    services.contribution_frame = capture
    try:
        lines, _ = services.billed_month(ctx["employer"], ctx["agreement"], ctx["start"], services.InvoicePart())
    finally:
        services.contribution_frame = original
    captured["lines"] = lines
    return captured["frame"], captured


def _best(fn: Callable[[], Any], runs: int = 3) -> list[float]:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return times


def phase_contributions(args: argparse.Namespace) -> dict[str, Any]:
    import polars as pl

    from lindung.domain import contributions
    from lindung.domain.money import percent_fraction, share_expr

    ctx = _context(args)
    frame, captured = _billed_frame(ctx)  # billed_month has called contribution_frame once: warm
    book, kwargs = captured["book"], captured["kwargs"]
    f = _fractions(book, list(kwargs["programs"]), kwargs["on"])
    checkpoint()
    naive_contributions(frame, f)  # warm-up, untimed (first allocations, thread pool), as for contribution_frame
    domain_runs, naive_runs = [], []
    for _ in range(args.runs):  # alternated, so that a slow moment of the machine hits both
        # Each result is dropped at once: keeping the previous one alive while the next is computed makes every
        # run allocate (and page-fault) fresh memory, which measured 1.5x slower.
        domain_runs += _best(lambda: contributions.contribution_frame(book, frame, **kwargs), 1)
        naive_runs += _best(lambda: naive_contributions(frame, f), 1)
    ours = contributions.contribution_frame(book, frame, **kwargs)
    plain = naive_contributions(frame, f)
    # For the breakdown: the refusal checks alone, and one share (JHT employer) written both ways.
    chosen, segment = contributions.normalise_request(kwargs["programs"], kwargs["segment"])
    plan = contributions._plan(book, chosen, segment, kwargs["on"])
    row_checks = _best(lambda: contributions._row_issues(plan, frame, "id"))
    rate = book.at("jht", kwargs["on"]).percent("employer")
    num, den = percent_fraction(rate)
    wage = pl.col("wage")
    one_domain = _best(lambda: frame.select(share_expr(wage, rate)))
    one_plain = _best(lambda: frame.select((wage * (2 * num) + den) // (2 * den)))
    return {
        "rows": frame.height, "columns_in": frame.columns, "kwargs": {k: str(v) for k, v in kwargs.items()},
        "domain_runs": domain_runs, "naive_runs": naive_runs,
        "domain_total": int(ours["total"].sum()), "naive_total": int(plain["total"].sum()),
        "identical": ours.equals(plain), "row_checks": row_checks, "one_share_domain": one_domain,
        "one_share_plain": one_plain, "maxrss": maxrss_bytes(),
    }  # fmt: skip


def phase_floor(args: argparse.Namespace) -> dict[str, Any]:
    """The floor of writing the lines: (1) one INSERT INTO billing_invoiceline SELECT of the same rows computed in
    SQL, for a throwaway invoice id; (2) bulk.insert_frame of the lines frame issue_invoice writes into a new
    plain table with the same columns and primary key. Each in one transaction, commit included."""
    import polars as pl
    from django.db import connection, transaction

    from lindung.intake import bulk

    ctx = _context(args)
    rows, params, s = billed_rows_sql(connection.vendor, ctx)
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) + 1000000 FROM billing_invoice")
        throwaway = int(cursor.fetchone()[0])
    checkpoint()
    select = (f"SELECT {throwaway}, membership_id, worker_id, unit_id, risk_class, wage, ({s['jkk_employer']}) + "
              f"({s['jkk_worker']}), ({s['jkm_employer']}) + ({s['jkm_worker']}), {s['jht_employer']}, "
              f"{s['jht_worker']}, {s['jp_base']}, {s['jp_employer']}, {s['jp_worker']}, {s['employer']}, "
              f"{s['worker']} FROM ({rows}\n) r")  # fmt: skip
    sql = f"INSERT INTO billing_invoiceline ({', '.join(LINE_COLUMNS)}) {select}"
    t0 = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        inserted = cursor.rowcount
    insert_select = time.perf_counter() - t0
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(SUM(employer_amount + worker_amount), 0) FROM billing_invoiceline "
                       "WHERE invoice_id = %s", [throwaway])  # fmt: skip
        sql_total = int(cursor.fetchone()[0])

    _, captured = _billed_frame(ctx)
    lines = captured["lines"].select(
        pl.lit(throwaway, pl.Int64).alias("invoice_id"), "membership_id", "worker_id", "unit_id", "risk_class",
        "wage_base", "jkk", "jkm", "jht_employer", "jht_worker", "jp_base", "jp_employer", "jp_worker",
        pl.col("employer").alias("employer_amount"), pl.col("worker").alias("worker_amount"),
    )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(FLOOR_DDL)
    checkpoint()
    t0 = time.perf_counter()
    with transaction.atomic():
        bulk.insert_frame("bench_lines", lines)
    insert_frame = time.perf_counter() - t0
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM bench_lines")
        copied = int(cursor.fetchone()[0])
        cursor.execute("DROP TABLE bench_lines")
    return {"insert_select": insert_select, "insert_select_rows": inserted, "insert_select_total": sql_total,
            "insert_frame": insert_frame, "insert_frame_rows": copied}  # fmt: skip


PHASES: dict[str, Callable[[argparse.Namespace], dict[str, Any]]] = {
    "setup": phase_setup,
    "aggregate": phase_aggregate,
    "issue": phase_issue,
    "contributions": phase_contributions,
    "floor": phase_floor,
}


def child(args: argparse.Namespace) -> None:
    run_child(PHASES[args.phase], args)


# ---------------------------------------------------------------------------------------------------------
# Parent side: run the phases, print the table.
# ---------------------------------------------------------------------------------------------------------


def run_phase(db: str, url: str, phase: str, workdir: Path, args: argparse.Namespace, **extra: Any) -> dict[str, Any]:
    result_path = workdir / f"{db}-{phase}-{time.monotonic_ns()}.json"
    cmd = [sys.executable, str(Path(__file__).resolve()), "--database", db, "--phase", phase, "--database-url", url,
           "--result", str(result_path), "--rows", str(args.rows), "--month", args.month,
           "--runs", str(args.runs)]  # fmt: skip
    for key, value in extra.items():
        if value is True:
            cmd.append(f"--{key}")
        elif value not in (None, False):
            cmd += [f"--{key}", str(value)]
    env = dict(os.environ)
    env.update({"DJANGO_SETTINGS_MODULE": "lindung.settings", "LINDUNG_DATABASE_URL": url, "LINDUNG_DEBUG": "0",
                "LINDUNG_ALLOW_DEV_KEY": "1"})  # fmt: skip
    wall = time.perf_counter()
    subprocess.run(cmd, check=True, env=env, cwd=ROOT)
    out = json.loads(result_path.read_text())
    result_path.unlink()
    out["_wall"] = time.perf_counter() - wall
    return out


def fmt_s(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def rupiah(amount: int) -> str:
    return f"Rp{amount:,}".replace(",", ".")


def run_database(db: str, url: str, workdir: Path, args: argparse.Namespace) -> dict[str, Any]:
    out: dict[str, Any] = {}

    def phase(name: str, key: str, **extra: Any) -> dict[str, Any]:
        out[key] = run_phase(db, url, name, workdir, args, **extra)
        return out[key]

    r = phase("setup", "setup")
    say(
        f"[{db}] setup: {r['memberships']:,} memberships ({r['billed']:,} billed in {args.month}), "
        f"{r['changes']:,} wage changes; "
        + ", ".join(f"{k} {fmt_s(v)}" for k, v in r["seconds"].items())
        + f"; server {r['server']}"
    )
    r = phase("aggregate", "aggregate_before")
    say(
        f"[{db}] A. SQL aggregate: {', '.join(fmt_s(s) for s in r['runs'])}; {r['workers']:,} workers, "
        f"total {rupiah(r['total'])}"
    )
    r = phase("contributions", "contributions")
    say(
        f"[{db}] C. contribution_frame {r['rows']:,} rows: {', '.join(fmt_s(s) for s in r['domain_runs'])}; "
        f"polars expression: {', '.join(fmt_s(s) for s in r['naive_runs'])}; identical {r['identical']}"
    )
    r = phase("issue", "issue")
    say(
        f"[{db}] B. issue_invoice: {fmt_s(r['seconds'])}, created {r['created']}, {r['workers']:,} workers, "
        f"total {rupiah(r['total'])}, {r['lines']:,} lines, peak RSS {r['maxrss'] / GB:.2f} GB"
    )
    r = phase("issue", "reissue", again=True)
    say(f"[{db}]    issue_invoice again: {fmt_s(r['seconds'])}, created {r['created']}")
    r = phase("aggregate", "aggregate_after")
    say(f"[{db}] A. SQL aggregate again: {', '.join(fmt_s(s) for s in r['runs'])}")
    r = phase("floor", "floor")
    say(
        f"[{db}]    lines floor: INSERT ... SELECT {fmt_s(r['insert_select'])}, insert_frame into a new table "
        f"{fmt_s(r['insert_frame'])}"
    )
    return out


STAGE_ORDER = [
    "before billed_month (lock, agreement)", "billed_month (total)", "query_frame (members)", "_wage_in_month",
    "contribution_frame", "insert_frame (lines)", "_write_subtotals", "_write_funding",
    "after _write_funding (summary, commit)",
]  # fmt: skip
NESTED = {"query_frame (members)", "_wage_in_month", "contribution_frame"}


def print_stages(results: dict[str, dict[str, Any]]) -> None:
    say("\nissue_invoice: where the time goes (seconds; the indented stages are inside billed_month)")
    say(f"  {'stage':<42}" + "".join(f"{db:>14}" for db in results))
    for name in STAGE_ORDER:
        label = f"  {name}" if name in NESTED else name
        cells = "".join(
            f"{r['issue']['stages'][name]:>12.3f} s" if name in r["issue"]["stages"] else f"{'':>14}"
            for r in results.values()
        )
        say(f"  {label:<42}{cells}")
    cells = ""
    for r in results.values():
        st = r["issue"]["stages"]
        cells += f"{r['issue']['seconds'] - sum(v for k, v in st.items() if k not in NESTED):>12.3f} s"
    say(f"  {'other (Invoice row, changeset, sums)':<42}{cells}")
    say(f"  {'TOTAL':<42}" + "".join(f"{r['issue']['seconds']:>12.3f} s" for r in results.values()))


def report(results: dict[str, dict[str, Any]], args: argparse.Namespace) -> bool:
    print_stages(results)
    for db, res in results.items():
        say(f"  [{db}] server: {', '.join(f'{k}={v}' for k, v in res['setup']['server'].items())}")
    rows: list[tuple[str, str, str, str, str]] = []

    def add(figure: str, value: str, goal: str, ratio: str, ok: bool | None) -> None:
        rows.append((figure, value, goal, ratio, "-" if ok is None else ("PASS" if ok else "MISS")))

    all_ok = True
    for db, res in results.items():
        setup, issue, again, contrib, floor = (res[k] for k in ("setup", "issue", "reissue", "contributions",
                                                                 "floor"))  # fmt: skip
        runs = res["aggregate_before"]["runs"] + res["aggregate_after"]["runs"]
        agg = min(runs)
        n = setup["billed"]
        add(
            f"[{db}] setup: {setup['memberships']:,} memberships, {setup['changes']:,} wage changes",
            fmt_s(sum(setup["seconds"].values())),
            "(not a goal)",
            "",
            None,
        )
        add(
            f"[{db}] A. SQL aggregate, {n:,} memberships (best of {len(runs)})",
            f"{fmt_s(agg)} ({' / '.join(f'{s:.3f}' for s in runs)})",
            "baseline",
            "1.00x",
            None,
        )
        ratio = issue["seconds"] / agg
        same = (issue["total"] == res["aggregate_before"]["total"] == res["aggregate_after"]["total"]
                == issue["lines_total"] and issue["workers"] == n == res["aggregate_before"]["workers"]
                and issue["lines"] == n)  # fmt: skip
        ok_ratio, ok_time = ratio <= 3 and same, issue["seconds"] < 60 and same
        add(
            f"[{db}] B. issue_invoice, {issue['workers']:,} lines",
            fmt_s(issue["seconds"]),
            "<= 3x aggregate",
            f"{ratio:.1f}x aggregate",
            ok_ratio,
        )
        add(
            f"[{db}] B. issue_invoice", fmt_s(issue["seconds"]), "< 60 s", f"{issue['seconds'] / 60:.2f}x goal", ok_time
        )
        add(
            f"[{db}]    totals: invoice = aggregate = sum of lines",
            f"{rupiah(issue['total'])} / {rupiah(res['aggregate_before']['total'])} / {rupiah(issue['lines_total'])}",
            "equal",
            "",
            same,
        )
        add(
            f"[{db}]    issue the same month again",
            f"{fmt_s(again['seconds'])} (created {again['created']})",
            "existing invoice, fast",
            f"{again['seconds'] / agg:.2f}x aggregate",
            not again["created"] and again["total"] == issue["total"] and again["seconds"] < 1,
        )
        add(
            f"[{db}]    floor: INSERT INTO billing_invoiceline SELECT (same rows, in SQL)",
            fmt_s(floor["insert_select"]),
            "(info)",
            f"{floor['insert_select'] / agg:.1f}x aggregate",
            None if floor["insert_select_total"] == issue["total"] else False,
        )
        add(
            f"[{db}]    floor: bulk.insert_frame of the lines into a new table",
            fmt_s(floor["insert_frame"]),
            "(info)",
            f"{floor['insert_frame'] / agg:.1f}x aggregate",
            None,
        )
        add(f"[{db}]    peak RSS of issue_invoice (ru_maxrss)", f"{issue['maxrss'] / GB:.2f} GB", "(info)", "", None)
        best_domain, best_naive = min(contrib["domain_runs"]), min(contrib["naive_runs"])
        c_ratio = best_domain / best_naive
        ok_c = c_ratio <= 3 and contrib["identical"] and contrib["domain_total"] == contrib["naive_total"]
        runs_c = f"best of {len(contrib['naive_runs'])}, after a warm-up"
        add(
            f"[{db}] C. polars expression, {contrib['rows']:,} rows ({runs_c})",
            fmt_s(best_naive),
            "baseline",
            "1.00x",
            None,
        )
        add(
            f"[{db}] C. contribution_frame, same rows ({runs_c})",
            fmt_s(best_domain),
            "<= 3x polars expression",
            f"{c_ratio:.2f}x expression",
            ok_c,
        )
        add(
            f"[{db}]    inside contribution_frame: the refusal checks (_row_issues)",
            fmt_s(min(contrib["row_checks"])),
            "(info)",
            f"{min(contrib['row_checks']) / best_naive:.2f}x expression",
            None,
        )
        one_d, one_p = min(contrib["one_share_domain"]), min(contrib["one_share_plain"])
        add(
            f"[{db}]    one share (JHT employer): domain share_expr / plain expression",
            f"{fmt_s(one_d)} / {fmt_s(one_p)}",
            "(info)",
            f"{one_d / one_p:.2f}x",
            None,
        )
        add(
            f"[{db}]    contributions: same frame, same total",
            rupiah(contrib["domain_total"]),
            "identical",
            "",
            contrib["identical"] and contrib["domain_total"] == contrib["naive_total"],
        )
        all_ok = all_ok and same and contrib["identical"]
    widths = [max(len(r[i]) for r in [*rows, ("figure", "value", "goal", "ratio", "result")]) for i in range(5)]
    line = "  ".join("{:<%d}" % w for w in widths)  # noqa: UP031
    say("\n" + line.format("figure", "value", "goal", "ratio", "result"))
    say("  ".join("-" * w for w in widths))
    for r in rows:
        say(line.format(*r))
    say(
        "\nfloor 1: one INSERT INTO billing_invoiceline ... SELECT of the same rows computed in SQL (throwaway "
        "invoice id),\n         one transaction, commit included; floor 2: bulk.insert_frame (the route issue_invoice "
        "uses) of the lines\n         frame into a new plain table with the same columns and primary key, commit "
        "included."
    )
    say("Absolute times vary on shared machines; the ratios within one run are what the goals judge.")
    return all_ok


def parent(args: argparse.Namespace) -> int:
    if not (len(args.month) == 7 and "2026-01" <= args.month <= "2099-12"):
        say("--month must be YYYY-MM, 2026-01 or later: the generated employments start in 2015-2025")
        return 2
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="lindung-bench-invoice-"))
    workdir.mkdir(parents=True, exist_ok=True)
    pg_url = os.environ.get("LINDUNG_DATABASE_URL", "")
    databases: dict[str, str] = {}
    if args.database in ("sqlite", "both"):
        databases["sqlite"] = f"sqlite:///{workdir / 'invoice.sqlite3'}"
    if args.database in ("postgres", "both"):
        if pg_url.startswith(("postgres://", "postgresql://")):
            databases["postgres"] = pg_url
        else:
            say(
                "NOTE: LINDUNG_DATABASE_URL is not a postgres:// URL: PostgreSQL is skipped "
                "(run through scripts/with-postgres.sh or `make bench-invoice`)."
            )
    if not databases:
        if not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)
        say("nothing to run")
        return 1
    say(
        f"invoice benchmark: {args.rows:,} billed memberships, month {args.month}; work dir {workdir}; "
        f"{os.cpu_count()} CPUs"
    )
    results: dict[str, dict[str, Any]] = {}
    total_start = time.perf_counter()
    try:
        for db, url in databases.items():
            if db == "sqlite":
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{workdir / 'invoice.sqlite3'}{suffix}").unlink(missing_ok=True)
            results[db] = run_database(db, url, workdir, args)
    finally:
        if not args.keep and not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)
    say(f"\nall phases: {fmt_s(time.perf_counter() - total_start)}")
    if not results:
        return 1
    consistent = report(results, args)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2, default=str))
    return 0 if consistent else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--rows",
        type=int,
        default=1_000_000,
        help="memberships billed in the month (default 1,000,000; 1%% more are not billed)",
    )
    parser.add_argument("--database", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--month", default="2026-10", help="the month invoiced, YYYY-MM (default 2026-10)")
    parser.add_argument(
        "--runs", type=int, default=3, help="timed runs of each side of figure C, the best is taken (default 3)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary work directory")
    parser.add_argument("--workdir", help="work directory (default: a new temporary one, removed at the end)")
    parser.add_argument("--json", help="also write every measurement to this JSON file")
    # child-process arguments
    parser.add_argument("--phase", choices=tuple(PHASES), help=argparse.SUPPRESS)
    parser.add_argument("--database-url", help=argparse.SUPPRESS)
    parser.add_argument("--result", help=argparse.SUPPRESS)
    parser.add_argument("--again", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.phase:
        child(args)
        return 0
    return parent(args)


if __name__ == "__main__":
    sys.exit(main())
