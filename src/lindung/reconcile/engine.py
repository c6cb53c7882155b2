"""The join: the roster rows of a scope against the participant master and the BKN census, in DuckDB.

Every input is a Parquet file: the master and the census as loaded (`reconcile/loading.py`), the roster as
exported by one query (`export_roster`: COPY on PostgreSQL, one fetch on SQLite). DuckDB reads them in
place and writes every finding, with its key, its evidence as JSON and the digest of that evidence, to one
Parquet file (`FOUND`); `diff` then compares that file with the findings already stored. No finding becomes
a Python object: Python is asked only what the domain decides and SQL cannot say plainly, for the few rows
that need it (whether two written names are one person's, `domain.reconcile.names_match`; what a month of
contributions costs, the `price` the caller passes).

Three files are cut from a master once, when it is loaded, and kept beside it: its rows under the NPPs of
the Pemda lindung knows (`pemda_part`), the NIKs with two active rows anywhere (`doubles`), and the NIK and
NPP of every active row sorted by NIK (`active_index`, for who among the unprotected is active under another
NPP). A run then reads the nation's 41 million rows only through them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
from django.db import connection

from lindung.domain.reconcile import KINDS, birth_date_difference, last_month_due, names_match
from lindung.intake.bulk import query_frame

ROSTER_SCHEMA: dict[str, type[pl.DataType]] = {
    "employment_id": pl.Int64,
    "employer_id": pl.Int64,
    "unit_id": pl.Int64,
    "unit_code": pl.String,
    "worker_id": pl.Int64,
    "nik": pl.String,
    "name": pl.String,
    "birth_date": pl.Date,
    "wage": pl.Int64,
    "start_date": pl.Date,
    "end_date": pl.Date,
}
_ROSTER_SQL = """
SELECT e.id, e.employer_id, e.unit_id, u.code, w.id, w.nik, w.name, CAST(w.birth_date AS TEXT), e.wage,
    CAST(e.start_date AS TEXT), CAST(e.end_date AS TEXT)
FROM registry_employment e
JOIN registry_worker w ON w.id = e.worker_id
JOIN registry_workunit u ON u.id = e.unit_id
WHERE e.start_date <= %s {where}
"""
# What each kind compares the roster with (the other kinds say it in their qualifier).
BASIS = {"tidak_terlindungi": "bpjstk", "bayar_tanpa_orang": "bpjstk", "upah_tidak_sesuai": "bpjstk"}
# The columns of the findings file, in order: what `diff` and the services read.
FOUND = (
    "key", "kind", "employer_id", "code", "nik", "qualifier", "unit_id", "unit_code", "worker_id", "name",
    "basis", "evidence", "digest",
)  # fmt: skip
# Rupiah per month for (employer id, reported wage) pairs; None where it cannot be computed.
Price = Callable[[list[tuple[int, int]]], list[int | None]]


def export_roster(path: Path, on: dt.date, employer_ids: Sequence[int] | None) -> int:
    """The roster rows a run needs, as Parquet: every employment of the scope's employers that started by
    `on` (active or ended), and the active employments elsewhere of the same workers (for *ganda*).
    Two plain queries for a scope, each served by an index ((employer, worker) and worker), rather than one
    with an OR that PostgreSQL answers by scanning every employment."""
    day = on.isoformat()
    if employer_ids is None:
        frame = query_frame(_ROSTER_SQL.format(where=""), [day], ROSTER_SCHEMA)
    else:
        ids = ",".join(str(int(i)) for i in employer_ids) or "0"
        own = query_frame(_ROSTER_SQL.format(where=f"AND e.employer_id IN ({ids})"), [day], ROSTER_SCHEMA)
        elsewhere = (
            f"AND e.employer_id NOT IN ({ids}) AND (e.end_date IS NULL OR e.end_date >= %s) AND e.worker_id IN "
            f"(SELECT s.worker_id FROM registry_employment s WHERE s.employer_id IN ({ids}) AND s.start_date <= %s "
            "AND (s.end_date IS NULL OR s.end_date >= %s))"
        )
        other = query_frame(_ROSTER_SQL.format(where=elsewhere), [day, day, day, day], ROSTER_SCHEMA)
        frame = pl.concat([own, other])
    frame.with_columns(pl.col("nik").cast(pl.Int64, strict=False)).write_parquet(path, compression="lz4")
    return frame.height


_FINGERPRINT = """SELECT (SELECT max(id) FROM registry_changeset), (SELECT count(*) FROM registry_employment),
    (SELECT max(id) FROM registry_employment), (SELECT max(updated_at) FROM registry_employment),
    (SELECT count(*) FROM registry_worker), (SELECT max(updated_at) FROM registry_worker),
    (SELECT count(*) FROM registry_workunit), (SELECT max(id) FROM registry_workunit)"""


def _private_write(path: Path, write: Callable[[Path], Any]) -> None:
    """Write `path` owner-only and atomically: a half-written file never takes the place of a whole one."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-", suffix=path.suffix)
    os.close(handle)
    try:
        os.chmod(tmp, 0o600)
        write(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def roster_snapshot(folder: Path) -> tuple[Path, bool]:
    """The whole roster as Parquet, kept in `folder` (under LINDUNG_DATA_DIR, owner-only) until a write
    changes it: every roster write opens a ChangeSet, and an update sets `updated_at`, so the fingerprint of
    those moves with every change. Returns the file and whether it was already there."""
    with connection.cursor() as cursor:
        cursor.execute(_FINGERPRINT)
        key = hashlib.sha1(repr(cursor.fetchone()).encode(), usedforsecurity=False).hexdigest()[:20]
    path = folder / f"roster-{key}.parquet"
    if path.is_file():
        return path, True
    _private_write(path, lambda tmp: export_roster(tmp, dt.date.max, None))
    for old in folder.glob("roster-*.parquet"):
        if old != path:
            old.unlink(missing_ok=True)
    return path, False


def doubles_path(master: Path) -> Path:
    return master.with_name(master.stem + ".ganda.parquet")


def doubles(master: Path) -> Path:
    """The NIKs with two or more active rows in the master, with their KPJs and NPPs: written once beside the
    master (when it is loaded, or by the first run that needs it) and read by every run after. Found by
    sorting the active NIKs (2 s for 41 million; a hash aggregate over as many groups takes 7 s)."""
    path = doubles_path(master)
    if path.is_file():
        return path
    niks = pl.scan_parquet(master).filter(pl.col("aktif")).select("nik").collect().get_column("nik").sort()
    twice = niks.filter(niks == niks.shift(1)).unique()
    frame = (
        pl.scan_parquet(master)
        .filter(pl.col("aktif") & pl.col("nik").is_in(twice.implode()))
        .group_by("nik")
        .agg(pl.col("kpj").n_unique().alias("kpjs"), pl.col("npp").unique().sort().alias("npps"))
        .collect()
    )
    _private_write(path, frame.write_parquet)
    return path


# Row groups of the active index: small, so that a few hundred NIKs read a few hundred of them.
INDEX_ROW_GROUP = 16_384
# Up to this many NIKs are looked up in the active index as constants (its row groups skipped by their NIK
# ranges: 0.25 s for 300 of 37 million); more are joined with the whole index.
INDEX_LOOKUP = 2_000


def active_index(master: Path) -> Path:
    """NIK and NPP of every active row of the master, sorted by NIK in small row groups, beside the master:
    where the unprotected of one Pemda are active under another NPP is then read from the row groups holding
    their NIKs, not from a scan of the nation (written when the master is loaded, or by the first run)."""
    path = master.with_name(master.stem + ".aktif.parquet")
    if path.is_file():
        return path
    frame = pl.scan_parquet(master).filter(pl.col("aktif")).select("nik", "npp").collect().sort("nik")
    _private_write(
        path,
        lambda tmp: frame.write_parquet(tmp, compression="lz4", statistics=True, row_group_size=INDEX_ROW_GROUP),
    )
    return path


def pemda_part(master: Path, npps: Sequence[str]) -> Path:
    """The master's rows under the NPPs of the Pemda lindung knows, as a file of their own beside it, so that
    a run reads them without decompressing the nation's columns (every row group of a master sorted by NPP
    holds some Pemda's rows). Written when the master is loaded and again whenever a Pemda gains an NPP
    the part does not hold; its name carries the NPPs it was cut for."""
    wanted = sorted(set(npps))
    tag = hashlib.sha1("|".join(wanted).encode(), usedforsecurity=False).hexdigest()[:12]
    path = master.with_name(f"{master.stem}.pemda-{tag}.parquet")
    if path.is_file():
        return path
    frame = pl.scan_parquet(master).filter(pl.col("npp").is_in(wanted)).collect()
    _private_write(path, lambda tmp: frame.write_parquet(tmp, compression="lz4"))
    for old in master.parent.glob(f"{master.stem}.pemda-*.parquet"):
        if old != path:
            old.unlink(missing_ok=True)
    return path


@dataclass(frozen=True)
class EmployerRow:
    employer_id: int
    code: str
    name: str
    npp: str | None
    in_scope: bool


@dataclass
class Joined:
    found: Path  # every finding of the run, the columns of FOUND
    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)  # employers not compared with BPJS TK, and why


def _plain(column: str) -> str:
    """SQL for a name with case, punctuation and what follows a comma (degrees) removed: names equal so
    need no tolerant comparison in Python."""
    return f"regexp_replace(lower(split_part({column}, ',', 1)), '[^a-z]', '', 'g')"


def _q(path: Path | str) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _parquet(con: Any, frame: pl.DataFrame, path: Path, table: str) -> None:
    """A small frame into DuckDB through a Parquet file (DuckDB inserts Python rows one by one)."""
    frame.write_parquet(path)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT * FROM read_parquet({_q(path)})")


def reconcile(
    *,
    roster: Path,
    master: Path | None,
    census: dict[int, Path],
    employers: Sequence[EmployerRow],
    on: dt.date,
    unpaid_months: int,
    workdir: Path,
    price: Price,
    threads: int | None = None,
) -> Joined:
    """Every finding of the scope's employers as of `on`, written to `workdir`/found.parquet."""
    out = Joined(found=workdir / "found.parquet")
    started = time.perf_counter()
    con = duckdb.connect()
    try:
        if threads:
            con.execute(f"SET threads = {int(threads)}")
        con.execute("SET preserve_insertion_order = false; SET enable_progress_bar = false")
        _parquet(
            con,
            pl.DataFrame(
                [(e.employer_id, e.code, e.name, e.npp, e.in_scope) for e in employers],
                schema={
                    "employer_id": pl.Int64,
                    "code": pl.String,
                    "name": pl.String,
                    "npp": pl.String,
                    "in_scope": pl.Boolean,
                },
                orient="row",
            ),
            workdir / "employers.parquet",
            "emp",
        )
        day = f"DATE '{on.isoformat()}'"
        con.execute(
            f"""CREATE TEMP TABLE roster AS SELECT employment_id, employer_id, unit_id, unit_code, worker_id, nik,
                name, birth_date, wage, start_date, end_date
            FROM read_parquet({_q(roster)}) WHERE start_date <= {day}"""
        )
        # Numbers only from here on (a join or an aggregate that carries text costs twice one that does not):
        # a name travels as its hash, and names and codes are joined on to the findings at the end (`rn`).
        con.execute(
            f"""CREATE TEMP TABLE ra AS SELECT employment_id, employer_id, unit_id, worker_id, nik, hash(name) AS nh,
                birth_date, wage, start_date
            FROM roster WHERE end_date IS NULL OR end_date >= {day}"""
        )
        con.execute("CREATE TEMP VIEW rn AS SELECT employment_id, unit_code, name FROM roster")
        # Per (employer, NIK) of the scope, its representative employment (in the first unit).
        con.execute(
            """CREATE TEMP TABLE rp AS SELECT r.employer_id, r.nik, min(r.worker_id) AS worker_id,
                arg_min(r.employment_id, r.unit_id) AS employment_id, min(r.unit_id) AS unit_id,
                arg_min(r.nh, r.unit_id) AS nh, sum(r.wage) AS wage,
                min(r.birth_date) AS birth_date, min(r.start_date) AS start_date
            FROM ra r JOIN emp e ON e.employer_id = r.employer_id AND e.in_scope GROUP BY r.employer_id, r.nik"""
        )
        con.execute(
            """CREATE TEMP TABLE found (kind VARCHAR, employer_id BIGINT, nik BIGINT, qualifier VARCHAR,
                unit_id BIGINT, unit_code VARCHAR, worker_id BIGINT, name VARCHAR, evidence VARCHAR)"""
        )
        for e in employers:
            if e.in_scope and not e.npp:
                out.skipped.append(f"{e.code} {e.name}: belum punya NPP, tidak dibandingkan dengan data BPJS TK")
        out.seconds["roster"] = time.perf_counter() - started
        compared = any(e.in_scope and e.npp for e in employers)
        if master is not None and compared:
            mark = time.perf_counter()
            _participants(con, master, day, on, unpaid_months, workdir, price)
            out.seconds["join"] = time.perf_counter() - mark
        elif master is None:
            out.skipped.append("belum ada data peserta BPJS TK yang dimuat untuk lingkup ini")
        mark = time.perf_counter()
        _roster_doubles(con)
        if census:
            _census(con, census, workdir)
        out.seconds["census"] = time.perf_counter() - mark
        mark = time.perf_counter()
        basis = " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in BASIS.items())
        # The key is domain.reconcile.finding_key; each kind gives one row per Pemda and NIK (a census never
        # holds a NIK twice: the load refuses it, and `c` keeps one all the same), so no two rows share a key,
        # which the table's unique key holds to.
        con.execute(
            f"""COPY (
                SELECT substr(sha256(f.kind || '|' || e.code || '|' || CAST(f.nik AS VARCHAR) || '|' || f.qualifier),
                        1, 40) AS key,
                    f.kind, f.employer_id, e.code, CAST(f.nik AS VARCHAR) AS nik, f.qualifier, f.unit_id, f.unit_code,
                    f.worker_id, left(coalesce(f.name, ''), 200) AS name,
                    CASE f.kind {basis} WHEN 'belum_didata' THEN 'bkn' ELSE f.qualifier END AS basis,
                    f.evidence, md5(f.evidence) AS digest
                FROM found f JOIN emp e ON e.employer_id = f.employer_id
            ) TO {_q(out.found)} (FORMAT parquet)"""
        )
        counted = dict(
            con.execute("SELECT kind, count(*) FROM read_parquet(?) GROUP BY kind", [str(out.found)]).fetchall()
        )
        out.counts = {k: int(counted.get(k, 0)) for k in KINDS}
        out.seconds["found"] = time.perf_counter() - mark
    finally:
        con.close()
    out.seconds["total"] = time.perf_counter() - started
    return out


_UNPROTECTED = """json_merge_patch(to_json({{
        'alasan': CASE WHEN t.active IS NULL THEN 'tidak ada di data peserta BPJS TK untuk NPP Pemda'
                       WHEN NOT t.active THEN 'NONAKTIF di BPJS TK'
                       ELSE 'iuran menunggak ' || t.unpaid || ' bulan' END,
        'daftar': {{'mulai': t.start_date}},
        'bpjstk': {{'aktif': coalesce(t.active, false), 'kpj': ms.kpj,
                    'bulan_iuran_terakhir': strftime(t.last_paid, '%Y-%m')}}}}),
    to_json({{'bulan_menunggak': CASE WHEN t.active THEN t.unpaid END,
              'aktif_di_npp_lain': CASE WHEN len(o.npps) > 0 THEN o.npps END}}))"""


def _participants(
    con: Any, master: Path, day: str, on: dt.date, unpaid_months: int, workdir: Path, price: Price
) -> None:
    due = last_month_due(on)
    due_index = due.year * 12 + due.month - 1
    # The scope's participants: rows under the NPP of an employer in scope, read with the NPPs as constants
    # so that the scan filters them before it reads any other column.
    npps = [r[0] for r in con.execute("SELECT DISTINCT npp FROM emp WHERE npp <> ''").fetchall()]
    scoped = [r[0] for r in con.execute("SELECT DISTINCT npp FROM emp WHERE in_scope AND npp IS NOT NULL").fetchall()]
    # A national or branch run reads the Pemda part; one Pemda reads the master, whose NPP order lets the scan
    # skip every row group but its own.
    part = pemda_part(master, npps) if len(scoped) > 1 else master
    listed = ", ".join(_q(n) for n in scoped)
    con.execute(
        f"""CREATE TEMP TABLE m AS SELECT p.nik, p.kpj, p.nama, p.tanggal_lahir, p.upah, p.tanggal_kepesertaan,
            p.bulan_iuran_terakhir, p."row", e.employer_id,
            p.aktif AND (p.tanggal_kepesertaan IS NULL OR p.tanggal_kepesertaan <= {day}) AS active
        FROM read_parquet({_q(part)}) p JOIN emp e ON e.npp = p.npp AND e.in_scope
        WHERE p.npp IN ({listed})"""
    )
    con.execute(
        """CREATE TEMP TABLE mp AS SELECT employer_id, nik, bool_or(active) AS active,
            max(bulan_iuran_terakhir) FILTER (WHERE active) AS last_paid,
            min(tanggal_kepesertaan) FILTER (WHERE active) AS first_day,
            max(upah) FILTER (WHERE active) AS upah,
            arg_max(tanggal_lahir, active::INT) AS lahir, arg_max("row", active::INT) AS "row",
            arg_max(hash(nama), active::INT) AS mh
        FROM m GROUP BY employer_id, nik"""
    )
    con.execute('CREATE TEMP VIEW ms AS SELECT "row", nama, kpj FROM m')
    # Every roster row of a Pemda with an NPP beside its participant row, if any: one join serves the
    # unprotected, the wages and the identities.
    con.execute(
        f"""CREATE TEMP TABLE j AS SELECT r.employer_id, r.nik, r.unit_id, r.employment_id, r.worker_id, r.nh,
            r.birth_date, r.wage, r.start_date, mp.nik IS NOT NULL AS matched, mp.active, mp.last_paid, mp."row",
            mp.upah, mp.mh, mp.lahir,
            CASE WHEN mp.active AND mp.last_paid IS NOT NULL
                 THEN {due_index} - (year(mp.last_paid) * 12 + month(mp.last_paid) - 1)
                 WHEN mp.active AND mp.first_day IS NOT NULL
                 THEN {due_index} - (year(mp.first_day) * 12 + month(mp.first_day) - 1) + 1
                 ELSE 0 END AS unpaid
        FROM rp r LEFT JOIN mp ON mp.employer_id = r.employer_id AND mp.nik = r.nik
        WHERE r.employer_id IN (SELECT employer_id FROM emp WHERE npp <> '')"""
    )
    # tidak terlindungi: on the roster and active, not an active participant under the Pemda's NPP, or in
    # arrears; with the other NPPs under which the person is active (from the active index).
    con.execute(
        f"CREATE TEMP TABLE t AS SELECT * FROM j WHERE active IS NULL OR NOT active OR unpaid >= {int(unpaid_months)}"
    )
    index = _q(active_index(master))
    wanted = con.execute("SELECT DISTINCT nik FROM t WHERE active IS NULL OR NOT active").fetchall()
    if len(wanted) <= INDEX_LOOKUP:
        among = ", ".join(str(int(n)) for (n,) in wanted) or "NULL"
    else:
        among = "SELECT nik FROM t WHERE active IS NULL OR NOT active"
    con.execute(
        f"""CREATE TEMP TABLE o AS SELECT nik, list(DISTINCT npp ORDER BY npp) AS npps
        FROM read_parquet({index}) WHERE nik IN ({among}) GROUP BY nik"""
    )
    con.execute(
        f"""INSERT INTO found SELECT 'tidak_terlindungi', t.employer_id, t.nik, '', t.unit_id, rn.unit_code,
            t.worker_id, rn.name, {_UNPROTECTED.format()}
        FROM t JOIN rn ON rn.employment_id = t.employment_id LEFT JOIN ms ON ms."row" = t."row"
        LEFT JOIN o ON o.nik = t.nik"""
    )
    # bayar tanpa orang: active under the Pemda's NPP, not active on its roster (never there, or ended):
    # the months paid after the end (or since the first month), at the agreement's rupiah per month.
    con.execute(
        """CREATE TEMP TABLE b AS SELECT mp.employer_id, mp.nik, mp."row", mp.upah, mp.last_paid,
            mp.first_day, l.end_date, l.unit_id, l.unit_code, l.worker_id,
            CASE WHEN mp.last_paid IS NULL THEN 0
                 WHEN l.end_date IS NOT NULL
                 THEN greatest(0, (year(mp.last_paid) * 12 + month(mp.last_paid))
                                  - (year(l.end_date) * 12 + month(l.end_date)))
                 WHEN mp.first_day IS NULL THEN 0
                 ELSE greatest(0, (year(mp.last_paid) * 12 + month(mp.last_paid))
                                  - (year(mp.first_day) * 12 + month(mp.first_day)) + 1) END AS months
        FROM mp ANTI JOIN rp ON rp.employer_id = mp.employer_id AND rp.nik = mp.nik
        LEFT JOIN (SELECT employer_id, nik, max(end_date) AS end_date, arg_max(unit_id, end_date) AS unit_id,
                          arg_max(unit_code, end_date) AS unit_code, min(worker_id) AS worker_id
                   FROM roster WHERE end_date IS NOT NULL GROUP BY employer_id, nik) l
            ON l.employer_id = mp.employer_id AND l.nik = mp.nik
        WHERE mp.active"""
    )
    pairs = con.execute("SELECT DISTINCT employer_id, upah FROM b WHERE upah > 0").fetchall()
    _parquet(
        con,
        pl.DataFrame(
            {
                "employer_id": [p[0] for p in pairs],
                "upah": [p[1] for p in pairs],
                "per_month": price([(int(p[0]), int(p[1])) for p in pairs]),
            },
            schema={"employer_id": pl.Int64, "upah": pl.Int64, "per_month": pl.Int64},
        ),
        workdir / "price.parquet",
        "price",
    )
    con.execute(
        """INSERT INTO found SELECT 'bayar_tanpa_orang', b.employer_id, b.nik, '', b.unit_id, b.unit_code,
            b.worker_id, ms.nama, to_json({
                'alasan': CASE WHEN b.end_date IS NOT NULL THEN 'penugasan berakhir ' || CAST(b.end_date AS VARCHAR)
                               ELSE 'tidak ada di daftar Pemda' END,
                'bpjstk': {'kpj': ms.kpj, 'upah': b.upah, 'bulan_iuran_terakhir': strftime(b.last_paid, '%Y-%m'),
                           'tanggal_kepesertaan': b.first_day},
                'daftar': {'berakhir': b.end_date, 'unit': b.unit_code},
                'bulan_dibayar': b.months,
                'rupiah_dibayar': b.months * p.per_month})
        FROM b JOIN ms ON ms."row" = b."row" LEFT JOIN price p ON p.employer_id = b.employer_id AND p.upah = b.upah"""
    )
    # upah tidak sesuai: both active, the wage BPJS TK holds differs from the roster's.
    con.execute(
        """INSERT INTO found SELECT 'upah_tidak_sesuai', j.employer_id, j.nik, '', j.unit_id, rn.unit_code,
            j.worker_id, rn.name, to_json({
                'daftar': {'upah': j.wage}, 'bpjstk': {'upah': j.upah}, 'selisih': j.wage - j.upah,
                'alasan': CASE WHEN j.upah < j.wage THEN 'upah dilaporkan lebih rendah'
                               ELSE 'upah dilaporkan lebih tinggi' END})
        FROM j JOIN rn ON rn.employment_id = j.employment_id
        WHERE j.active AND j.upah IS NOT NULL AND j.upah <> j.wage"""
    )
    # identitas berbeda (BPJS TK): same NIK, the names differ as written or the birth dates differ.
    _identity(
        con,
        """SELECT j.employer_id, j.nik, j.unit_id, rn.unit_code, j.worker_id, rn.name, j.birth_date,
            ms.nama AS other_name, j.lahir AS other_birth
        FROM (SELECT * FROM j WHERE matched AND (nh IS DISTINCT FROM mh
              OR (lahir IS NOT NULL AND birth_date IS NOT NULL AND lahir <> birth_date))) j
        JOIN rn ON rn.employment_id = j.employment_id JOIN ms ON ms."row" = j."row" """,
        "bpjstk",
        workdir,
    )
    # ganda at BPJS TK: two active KPJ for one NIK, or active under two Pemda's NPPs (any NIK of the scope).
    twice = doubles(master)
    con.execute(
        f"""INSERT INTO found
        WITH d AS (
            SELECT x.nik, any_value(x.kpjs) AS kpjs, any_value(x.npps) AS npps, count(DISTINCT e.npp) AS pemda
            FROM (SELECT nik, kpjs, npps, unnest(npps) AS npp FROM read_parquet({_q(twice)})) x
            LEFT JOIN emp e ON e.npp = x.npp GROUP BY x.nik),
        k AS (SELECT * FROM d WHERE kpjs > 1 OR pemda > 1),
        s AS (SELECT rp.employer_id, rp.nik, rp.unit_id, rn.unit_code, rp.worker_id, rn.name FROM rp
              JOIN rn ON rn.employment_id = rp.employment_id WHERE rp.nik IN (SELECT nik FROM k)
              UNION ALL
              SELECT mp.employer_id, mp.nik, NULL, NULL, NULL, ms.nama FROM mp JOIN ms ON ms."row" = mp."row"
              WHERE mp.active AND mp.nik IN (SELECT nik FROM k) AND NOT EXISTS (
                  SELECT 1 FROM rp WHERE rp.employer_id = mp.employer_id AND rp.nik = mp.nik))
        SELECT 'ganda', s.employer_id, s.nik, 'bpjstk', s.unit_id, s.unit_code, s.worker_id, s.name, to_json({{
            'alasan': concat_ws('; ', CASE WHEN k.kpjs > 1 THEN k.kpjs || ' KPJ aktif untuk satu NIK' END,
                                      CASE WHEN k.pemda > 1 THEN 'aktif di ' || k.pemda || ' NPP Pemda' END),
            'bpjstk': {{'npp': k.npps, 'kpj_aktif': k.kpjs}}}})
        FROM s JOIN k ON k.nik = s.nik"""
    )


def _identity(con: Any, candidates: str, source: str, workdir: Path) -> None:
    """identitas berbeda against `source`: the candidate pairs whose names differ once case, punctuation
    and degrees are off go to `names_match`; birth dates to `birth_date_difference`. Both decide in the
    domain, for the few rows that differ at all."""
    label = "BPJS TK" if source == "bpjstk" else "BKN"
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE ic AS SELECT row_number() OVER () AS i, c.* FROM ({candidates}) c
        WHERE (c.other_name IS NOT NULL AND trim(c.other_name) <> '' AND c.name IS DISTINCT FROM c.other_name
               AND {_plain("c.name")} IS DISTINCT FROM {_plain("c.other_name")})
           OR (c.other_birth IS NOT NULL AND c.birth_date IS NOT NULL AND c.other_birth <> c.birth_date)"""
    )
    rows = con.execute("SELECT i, name, birth_date, other_name, other_birth FROM ic").fetchall()
    reasons = []
    for i, name, birth, other_name, other_birth in rows:
        why = [] if not other_name or not other_name.strip() or names_match(name, other_name) else ["nama berbeda"]
        birth_why = birth_date_difference(birth, other_birth)
        if birth_why:
            why.append(birth_why)
        if why:
            reasons.append((i, ", ".join(why)))
    _parquet(
        con,
        pl.DataFrame(reasons, schema={"i": pl.Int64, "alasan": pl.String}, orient="row"),
        workdir / f"identity-{source}.parquet",
        "iw",
    )
    con.execute(
        f"""INSERT INTO found SELECT 'identitas_berbeda', ic.employer_id, ic.nik, '{source}', ic.unit_id,
            ic.unit_code, ic.worker_id, ic.name, to_json({{
                'alasan': iw.alasan,
                'daftar': {{'nama': ic.name, 'tanggal_lahir': ic.birth_date}},
                '{source}': {{'nama': ic.other_name, 'tanggal_lahir': ic.other_birth}},
                'sumber': '{label}'}})
        FROM ic JOIN iw ON iw.i = ic.i"""
    )


def _roster_doubles(con: Any) -> None:
    """ganda on the rosters: one NIK active in two Pemda, or in two units of one Pemda."""
    con.execute(
        """INSERT INTO found
        WITH several AS (
            SELECT nik FROM ra GROUP BY nik
            HAVING min(employer_id) <> max(employer_id) OR min(unit_id) <> max(unit_id)),
        d AS (SELECT ra.nik, list(DISTINCT e.code ORDER BY e.code) AS codes, count(DISTINCT ra.employer_id) AS n
              FROM ra JOIN emp e ON e.employer_id = ra.employer_id WHERE ra.nik IN (SELECT nik FROM several)
              GROUP BY ra.nik),
        u AS (SELECT ra.employer_id, ra.nik, count(DISTINCT ra.unit_id) AS units,
                     list(DISTINCT rn.unit_code ORDER BY rn.unit_code) AS unit_codes
              FROM ra JOIN rn ON rn.employment_id = ra.employment_id
              WHERE ra.nik IN (SELECT nik FROM several) GROUP BY ra.employer_id, ra.nik)
        SELECT 'ganda', rp.employer_id, rp.nik, 'daftar', rp.unit_id, rn.unit_code, rp.worker_id, rn.name, to_json({
            'alasan': concat_ws('; ',
                CASE WHEN d.n > 1 THEN 'aktif di ' || d.n || ' Pemda (' || array_to_string(d.codes, ', ') || ')' END,
                CASE WHEN u.units > 1
                     THEN 'aktif di ' || u.units || ' unit (' || array_to_string(u.unit_codes, ', ') || ')' END),
            'daftar': {'pemda': d.codes, 'unit': u.unit_codes}})
        FROM rp JOIN d ON d.nik = rp.nik JOIN u ON u.employer_id = rp.employer_id AND u.nik = rp.nik
        JOIN rn ON rn.employment_id = rp.employment_id
        WHERE u.units > 1 OR d.n > 1"""
    )


def _census(con: Any, census: dict[int, Path], workdir: Path) -> None:
    """belum didata, both ways, and identitas berbeda against the census."""
    _parquet(
        con,
        pl.DataFrame(
            {"employer_id": list(census), "path": [str(p) for p in census.values()]},
            schema={"employer_id": pl.Int64, "path": pl.String},
        ),
        workdir / "census-files.parquet",
        "census_files",
    )
    files = ", ".join(_q(p) for p in census.values())
    con.execute(
        f"""CREATE TEMP TABLE c AS SELECT DISTINCT ON (f.employer_id, b.nik) f.employer_id, b.* EXCLUDE (filename)
        FROM read_parquet([{files}], filename = true) b JOIN census_files f ON f.path = b.filename
        ORDER BY f.employer_id, b.nik, b.nama"""
    )
    con.execute(
        """INSERT INTO found SELECT 'belum_didata', c.employer_id, c.nik, 'bkn', NULL, NULL, NULL, c.nama, to_json({
            'alasan': 'ada di pendataan BKN, tidak ada di daftar Pemda',
            'bkn': {'nama': c.nama, 'unit_kerja': c.unit_kerja, 'jabatan': c.jabatan}})
        FROM c ANTI JOIN rp ON rp.employer_id = c.employer_id AND rp.nik = c.nik"""
    )
    con.execute(
        """INSERT INTO found SELECT 'belum_didata', rp.employer_id, rp.nik, 'daftar', rp.unit_id, rn.unit_code,
            rp.worker_id, rn.name, to_json({
                'alasan': 'ada di daftar Pemda, tidak ada di pendataan BKN', 'daftar': {'mulai': rp.start_date}})
        FROM rp SEMI JOIN census_files f ON f.employer_id = rp.employer_id
        ANTI JOIN c ON c.employer_id = rp.employer_id AND c.nik = rp.nik
        JOIN rn ON rn.employment_id = rp.employment_id"""
    )
    _identity(
        con,
        """SELECT rp.employer_id, rp.nik, rp.unit_id, rn.unit_code, rp.worker_id, rn.name, rp.birth_date,
            c.nama AS other_name, NULL::DATE AS other_birth
        FROM rp JOIN c ON c.employer_id = rp.employer_id AND c.nik = rp.nik
        JOIN rn ON rn.employment_id = rp.employment_id WHERE rp.nh IS DISTINCT FROM hash(c.nama)""",
        "bkn",
        workdir,
    )


# ---------------------------------------------------------------------------------------------------------
# The run against what is stored.
# ---------------------------------------------------------------------------------------------------------

PREVIOUS_SCHEMA: dict[str, type[pl.DataType]] = {
    "id": pl.Int64,
    "key": pl.String,
    "state": pl.String,
    "basis": pl.String,
    "employer_id": pl.Int64,
    "digest": pl.String,
}


@dataclass
class Diff:
    new: Path  # the findings never seen, the columns of FOUND
    # stored findings whose state or evidence moves (a finding seen again unchanged is left as it is):
    # id, state, evidence, digest, action, before
    moves: Path
    changes: dict[str, int]
    states: Path  # key and state after this run, of every finding of this run


def diff(
    found: Path,
    previous: Path,
    *,
    compared: set[str],
    census_employers: set[int],
    workdir: Path,
) -> Diff:
    """What this run changes in the stored findings (`previous`, PREVIOUS_SCHEMA), decided as
    domain.reconcile.next_state says: a finding seen again is open (or stays explained, or is reopened
    when it was resolved); one no longer found, by a run that compared its source, is resolved."""
    out = Diff(workdir / "new.parquet", workdir / "moves.parquet", {}, workdir / "states.parquet")
    sources = ", ".join(_q(s) for s in sorted(compared)) or "NULL"
    employers = ", ".join(str(int(e)) for e in sorted(census_employers)) or "NULL"
    con = duckdb.connect()
    try:
        con.execute("SET enable_progress_bar = false")
        con.execute(f"CREATE TEMP VIEW f AS SELECT * FROM read_parquet({_q(found)})")
        con.execute(f"CREATE TEMP TABLE p AS SELECT * FROM read_parquet({_q(previous)})")
        con.execute(f"COPY (SELECT f.* FROM f ANTI JOIN p ON p.key = f.key) TO {_q(out.new)} (FORMAT parquet)")
        con.execute(
            f"""COPY (
                SELECT p.id, CASE WHEN p.state = 'explained' THEN 'explained' ELSE 'open' END AS state,
                    CASE WHEN f.digest IS DISTINCT FROM p.digest THEN f.evidence END AS evidence,
                    CASE WHEN f.digest IS DISTINCT FROM p.digest THEN f.digest END AS digest,
                    CASE WHEN p.state = 'resolved' THEN 'reopened' END AS action, p.state AS before
                FROM p JOIN f ON f.key = p.key
                WHERE p.state NOT IN ('open', 'explained') OR f.digest IS DISTINCT FROM p.digest
                UNION ALL
                SELECT p.id, 'resolved', NULL, NULL, 'gone', p.state FROM p ANTI JOIN f ON f.key = p.key
                WHERE p.state IN ('new', 'open')
                  AND (p.basis IN ({sources}) OR (p.basis = 'bkn' AND p.employer_id IN ({employers})))
            ) TO {_q(out.moves)} (FORMAT parquet)"""
        )
        con.execute(
            f"""COPY (SELECT f.key, CASE WHEN p.state IS NULL THEN 'new' WHEN p.state = 'explained' THEN 'explained'
                             ELSE 'open' END AS state
                FROM f LEFT JOIN p ON p.key = f.key) TO {_q(out.states)} (FORMAT parquet)"""
        )
        moved = dict(
            con.execute(
                f"""SELECT coalesce(action, state), count(*) FROM read_parquet({_q(out.moves)})
                GROUP BY ALL"""
            ).fetchall()
        )
        opened = con.execute(
            f"""SELECT count(*) FILTER (WHERE state = 'new'), count(*) FILTER (WHERE state = 'open'),
                count(*) FILTER (WHERE state = 'explained') FROM read_parquet({_q(out.states)})"""
        ).fetchone()
    finally:
        con.close()
    assert opened is not None
    out.changes = {
        "new": int(opened[0]),
        "open": int(opened[1]),
        "explained": int(opened[2]),
        "reopened": int(moved.get("reopened", 0)),
        "resolved": int(moved.get("gone", 0)),
    }
    return out
