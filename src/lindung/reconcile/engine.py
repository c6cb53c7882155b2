"""The join: the roster rows of a scope against the participant master and the BKN census, in DuckDB.

Every input is a Parquet file: the master and the census as loaded (`reconcile/loading.py`), the roster as
exported by one query (`export_roster`: COPY on PostgreSQL, one fetch on SQLite). DuckDB reads them in
place; nothing of the master enters the Python heap except the rows of a finding. What each difference
means is decided in SQL here only where it is a plain comparison; names are compared tolerantly in Python
(`domain.reconcile.names_match`) for the few rows whose written names differ at all.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
from django.db import connection

from lindung.domain.reconcile import identity_difference, last_month_due
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
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    handle, tmp = tempfile.mkstemp(dir=folder, prefix=".roster-", suffix=".parquet")
    os.close(handle)
    try:
        os.chmod(tmp, 0o600)
        export_roster(Path(tmp), dt.date.max, None)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    for old in folder.glob("roster-*.parquet"):
        if old != path:
            old.unlink(missing_ok=True)
    return path, False


@dataclass(frozen=True)
class EmployerRow:
    employer_id: int
    code: str
    name: str
    npp: str | None
    in_scope: bool


@dataclass
class Item:
    kind: str
    employer_id: int
    nik: str  # the engine holds NIKs as numbers; an item as the 16 digits
    qualifier: str
    unit_id: int | None
    worker_id: int | None
    name: str
    evidence: dict[str, Any]

    def __post_init__(self) -> None:
        self.nik = str(self.nik)


@dataclass
class Joined:
    items: list[Item] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)  # employers not compared with BPJS TK, and why


def _plain(column: str) -> str:
    """SQL for a name with case, punctuation and what follows a comma (degrees) removed: names equal so
    need no tolerant comparison in Python."""
    return f"regexp_replace(lower(split_part({column}, ',', 1)), '[^a-z]', '', 'g')"


def _q(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _month(value: dt.date | None) -> str | None:
    return None if value is None else f"{value:%Y-%m}"


def _day(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def reconcile(
    *,
    roster: Path,
    master: Path | None,
    census: dict[int, Path],
    employers: Sequence[EmployerRow],
    on: dt.date,
    unpaid_months: int,
    workdir: Path | None = None,
    threads: int | None = None,
) -> Joined:
    """Every finding of the scope's employers as of `on`."""
    import time

    out = Joined()
    started = time.perf_counter()
    con = duckdb.connect()
    try:
        if threads:
            con.execute(f"SET threads = {int(threads)}")
        # Small tables travel as Parquet too: DuckDB inserts row by row from Python (0.5 s for 546 rows).
        emp = (workdir or roster.parent) / "employers.parquet"
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
        ).write_parquet(emp)
        con.execute(f"CREATE TEMP TABLE emp AS SELECT * FROM read_parquet({_q(emp)})")
        day = on.isoformat()
        con.execute(
            f"CREATE TEMP VIEW roster AS SELECT * FROM read_parquet({_q(roster)}) WHERE start_date <= DATE '{day}'"
        )
        # Active roster rows, everywhere exported; per (employer, NIK) for the scope.
        con.execute(
            f"""CREATE TEMP TABLE ra AS SELECT * FROM roster
            WHERE start_date <= DATE '{day}' AND (end_date IS NULL OR end_date >= DATE '{day}')"""
        )
        # Numbers only in the GROUP BY (an aggregate over text costs more than the join itself); the names and
        # codes of the representative employment are joined on afterwards, and the lists of the few doubles
        # are made by the query that reports them.
        con.execute(
            """CREATE TEMP TABLE rp0 AS SELECT r.employer_id, r.nik, min(r.worker_id) AS worker_id,
                arg_min(r.employment_id, r.unit_id) AS employment_id, min(r.unit_id) <> max(r.unit_id) AS several_units,
                sum(r.wage) AS wage, min(r.birth_date) AS birth_date, min(r.start_date) AS start_date
            FROM ra r JOIN emp e ON e.employer_id = r.employer_id AND e.in_scope GROUP BY r.employer_id, r.nik"""
        )
        con.execute(
            """CREATE TEMP TABLE rp AS SELECT rp0.*, ra.unit_id, ra.unit_code, ra.name
            FROM rp0 JOIN ra ON ra.employment_id = rp0.employment_id"""
        )
        compared = {e.employer_id for e in employers if e.in_scope and e.npp}
        for e in employers:
            if e.in_scope and not e.npp:
                out.skipped.append(f"{e.code} {e.name}: belum punya NPP, tidak dibandingkan dengan data BPJS TK")
        out.seconds["roster"] = time.perf_counter() - started
        if master is not None and compared:
            mark = time.perf_counter()
            _participants(con, out, master, day, on, unpaid_months)
            out.seconds["join"] = time.perf_counter() - mark
        elif master is None:
            out.skipped.append("belum ada data peserta BPJS TK yang dimuat untuk lingkup ini")
        mark = time.perf_counter()
        _roster_doubles(con, out)
        if census:
            _census(con, out, census)
        out.seconds["census"] = time.perf_counter() - mark
    finally:
        con.close()
    out.seconds["total"] = time.perf_counter() - started
    return out


def _participants(con: Any, out: Joined, master: Path, day: str, on: dt.date, unpaid_months: int) -> None:
    due = last_month_due(on)
    due_index = due.year * 12 + due.month - 1
    con.execute(f"CREATE TEMP VIEW master AS SELECT * FROM read_parquet({_q(master)})")
    # The scope's participants: rows under the NPP of an employer in scope.
    con.execute(
        f"""CREATE TEMP TABLE m AS SELECT p.*, e.employer_id,
            p.aktif AND (p.tanggal_kepesertaan IS NULL OR p.tanggal_kepesertaan <= DATE '{day}') AS active
        FROM master p JOIN emp e ON e.npp = p.npp AND e.in_scope"""
    )
    con.execute(
        """CREATE TEMP TABLE mp0 AS SELECT employer_id, nik, bool_or(active) AS active,
            max(bulan_iuran_terakhir) FILTER (WHERE active) AS last_paid,
            min(tanggal_kepesertaan) FILTER (WHERE active) AS first_day,
            max(upah) FILTER (WHERE active) AS upah,
            arg_max(tanggal_lahir, active::INT) AS lahir, arg_max("row", active::INT) AS "row",
            count(*) FILTER (WHERE NOT active) AS inactive_rows
        FROM m GROUP BY employer_id, nik"""
    )
    con.execute('CREATE TEMP TABLE mp AS SELECT mp0.*, m.nama, m.kpj FROM mp0 JOIN m ON m."row" = mp0."row"')
    # The active master rows, under any NPP, of every NIK the scope holds: one scan of the master serves
    # the other NPPs of the unprotected and the doubles at BPJS TK.
    con.execute(
        """CREATE TEMP TABLE mm AS SELECT p.nik, p.kpj, p.npp FROM master p
        WHERE p.aktif AND p.nik IN (SELECT nik FROM rp UNION ALL SELECT nik FROM mp)"""
    )
    # tidak terlindungi: on the roster and active, not an active participant under the Pemda's NPP, or in arrears.
    rows = con.execute(
        f"""WITH t AS (
            SELECT r.*, mp.active, mp.last_paid, mp.first_day, mp.inactive_rows, mp.kpj,
                CASE WHEN mp.active AND mp.last_paid IS NOT NULL
                     THEN {due_index} - (year(mp.last_paid) * 12 + month(mp.last_paid) - 1)
                     WHEN mp.active AND mp.first_day IS NOT NULL
                     THEN {due_index} - (year(mp.first_day) * 12 + month(mp.first_day) - 1) + 1
                     ELSE 0 END AS unpaid
            FROM rp r JOIN emp e ON e.employer_id = r.employer_id AND e.npp IS NOT NULL
            LEFT JOIN mp ON mp.employer_id = r.employer_id AND mp.nik = r.nik)
        SELECT t.employer_id, t.nik, t.unit_id, t.worker_id, t.name, t.active, t.inactive_rows, t.last_paid,
            t.unpaid, t.kpj, t.start_date, o.npps
        FROM t LEFT JOIN (
            SELECT nik, list(DISTINCT npp ORDER BY npp) AS npps FROM mm
            WHERE nik IN (SELECT nik FROM t WHERE active IS NULL OR NOT active) GROUP BY nik
        ) o ON o.nik = t.nik
        WHERE t.active IS NULL OR NOT t.active OR t.unpaid >= {int(unpaid_months)}"""
    ).fetchall()
    for employer_id, nik, unit_id, worker_id, name, active, inactive, last_paid, unpaid, kpj, start, npps in rows:
        if active is None:
            reason = "tidak ada di data peserta BPJS TK untuk NPP Pemda" if not inactive else "NONAKTIF di BPJS TK"
        elif not active:
            reason = "NONAKTIF di BPJS TK"
        else:
            reason = f"iuran menunggak {unpaid} bulan"
        evidence: dict[str, Any] = {
            "alasan": reason,
            "daftar": {"mulai": _day(start)},
            "bpjstk": {"aktif": bool(active), "kpj": kpj, "bulan_iuran_terakhir": _month(last_paid)},
        }
        if active:
            evidence["bulan_menunggak"] = int(unpaid)
        if npps:
            evidence["aktif_di_npp_lain"] = list(npps)
        out.items.append(Item("tidak_terlindungi", employer_id, nik, "", unit_id, worker_id, name, evidence))
    # bayar tanpa orang: active under the Pemda's NPP, not active on its roster (never there, or ended).
    rows = con.execute(
        """SELECT mp.employer_id, mp.nik, mp.nama, mp.kpj, mp.upah, mp.last_paid, mp.first_day,
                l.end_date, l.unit_id, l.unit_code, l.worker_id
        FROM mp LEFT JOIN rp ON rp.employer_id = mp.employer_id AND rp.nik = mp.nik
        LEFT JOIN (SELECT employer_id, nik, max(end_date) AS end_date, arg_max(unit_id, end_date) AS unit_id,
                          arg_max(unit_code, end_date) AS unit_code, min(worker_id) AS worker_id
                   FROM roster WHERE end_date IS NOT NULL GROUP BY employer_id, nik) l
            ON l.employer_id = mp.employer_id AND l.nik = mp.nik
        WHERE mp.active AND rp.nik IS NULL"""
    ).fetchall()
    for employer_id, nik, nama, kpj, upah, last_paid, first_day, ended, unit_id, unit_code, worker_id in rows:
        evidence = {
            "alasan": f"penugasan berakhir {ended.isoformat()}" if ended else "tidak ada di daftar Pemda",
            "bpjstk": {
                "kpj": kpj,
                "upah": upah,
                "bulan_iuran_terakhir": _month(last_paid),
                "tanggal_kepesertaan": _day(first_day),
            },
            "daftar": {"berakhir": _day(ended), "unit": unit_code},
        }
        out.items.append(Item("bayar_tanpa_orang", employer_id, nik, "", unit_id, worker_id, nama or "", evidence))
    # upah tidak sesuai: both active, the wage BPJS TK holds differs from the roster's.
    rows = con.execute(
        """SELECT rp.employer_id, rp.nik, rp.unit_id, rp.worker_id, rp.name, rp.wage, mp.upah
        FROM rp JOIN mp ON mp.employer_id = rp.employer_id AND mp.nik = rp.nik
        WHERE mp.active AND mp.upah IS NOT NULL AND mp.upah <> rp.wage"""
    ).fetchall()
    for employer_id, nik, unit_id, worker_id, name, wage, upah in rows:
        evidence = {
            "daftar": {"upah": wage},
            "bpjstk": {"upah": upah},
            "selisih": wage - upah,
            "alasan": "upah dilaporkan lebih rendah" if upah < wage else "upah dilaporkan lebih tinggi",
        }
        out.items.append(Item("upah_tidak_sesuai", employer_id, nik, "", unit_id, worker_id, name, evidence))
    # identitas berbeda (BPJS TK): same NIK, the names differ as written or the birth dates differ.
    rows = con.execute(
        f"""SELECT rp.employer_id, rp.nik, rp.unit_id, rp.worker_id, rp.name, rp.birth_date, mp.nama, mp.lahir
        FROM rp JOIN mp ON mp.employer_id = rp.employer_id AND mp.nik = rp.nik
        WHERE {_plain("rp.name")} IS DISTINCT FROM {_plain("mp.nama")}
           OR (mp.lahir IS NOT NULL AND rp.birth_date IS NOT NULL AND mp.lahir <> rp.birth_date)"""
    ).fetchall()
    _identity(out, rows, "bpjstk")
    # ganda at BPJS TK: two active KPJ for one NIK, or active under two Pemda's NPPs (any NIK of the scope).
    # First the NIKs with two active rows anywhere (a count, no lists), then their details.
    con.execute("""CREATE TEMP TABLE twice AS SELECT nik FROM mm GROUP BY nik HAVING count(*) > 1""")
    rows = con.execute(
        """WITH k AS (
            SELECT p.nik, count(DISTINCT p.kpj) AS kpjs, list(DISTINCT p.npp ORDER BY p.npp) AS npps,
                   count(DISTINCT p.npp) FILTER (WHERE p.npp IN (SELECT npp FROM emp WHERE npp IS NOT NULL)) AS pemda
            FROM mm p WHERE p.nik IN (SELECT nik FROM twice)
            GROUP BY p.nik HAVING count(DISTINCT p.kpj) > 1 OR pemda > 1)
        SELECT s.employer_id, k.nik, s.unit_id, s.worker_id, s.name, k.kpjs, k.npps, k.pemda FROM k
        JOIN (SELECT employer_id, nik, unit_id, worker_id, name FROM rp
              UNION SELECT employer_id, nik, NULL, NULL, nama FROM mp WHERE active) s ON s.nik = k.nik"""
    ).fetchall()
    seen: set[tuple[int, str]] = set()
    for employer_id, nik, unit_id, worker_id, name, kpjs, npps, pemda in sorted(rows, key=lambda r: r[2] is None):
        if (employer_id, nik) in seen:
            continue
        seen.add((employer_id, nik))
        reasons = []
        if kpjs > 1:
            reasons.append(f"{kpjs} KPJ aktif untuk satu NIK")
        if pemda > 1:
            reasons.append(f"aktif di {pemda} NPP Pemda")
        evidence = {"alasan": "; ".join(reasons), "bpjstk": {"npp": list(npps), "kpj_aktif": int(kpjs)}}
        out.items.append(Item("ganda", employer_id, nik, "bpjstk", unit_id, worker_id, name or "", evidence))


def _identity(out: Joined, rows: list[tuple[Any, ...]], source: str) -> None:
    label = "BPJS TK" if source == "bpjstk" else "BKN"
    for employer_id, nik, unit_id, worker_id, name, birth, other_name, other_birth in rows:
        diff = identity_difference(name, birth, other_name, other_birth)
        if not diff.any:
            continue
        evidence = {
            "alasan": ", ".join(diff.reasons()),
            "daftar": {"nama": name, "tanggal_lahir": _day(birth)},
            source: {"nama": other_name, "tanggal_lahir": _day(other_birth)},
            "sumber": label,
        }
        out.items.append(Item("identitas_berbeda", employer_id, nik, source, unit_id, worker_id, name, evidence))


def _roster_doubles(con: Any, out: Joined) -> None:
    """ganda on the rosters: one NIK active in two Pemda, or in two units of one Pemda."""
    rows = con.execute(
        """WITH several AS (
            SELECT nik FROM ra GROUP BY nik
            HAVING min(employer_id) <> max(employer_id) OR min(unit_id) <> max(unit_id)),
        d AS (SELECT ra.nik, list(DISTINCT e.code ORDER BY e.code) AS codes, count(DISTINCT ra.employer_id) AS n
              FROM ra JOIN emp e ON e.employer_id = ra.employer_id WHERE ra.nik IN (SELECT nik FROM several)
              GROUP BY ra.nik),
        u AS (SELECT employer_id, nik, count(DISTINCT unit_id) AS units,
                     list(DISTINCT unit_code ORDER BY unit_code) AS unit_codes
              FROM ra WHERE nik IN (SELECT nik FROM several) GROUP BY employer_id, nik)
        SELECT rp.employer_id, rp.nik, rp.unit_id, rp.worker_id, rp.name, u.units, u.unit_codes, d.codes, d.n
        FROM rp JOIN d ON d.nik = rp.nik JOIN u ON u.employer_id = rp.employer_id AND u.nik = rp.nik
        WHERE u.units > 1 OR d.n > 1"""
    ).fetchall()
    for employer_id, nik, unit_id, worker_id, name, units, unit_codes, codes, employers in rows:
        reasons = []
        if employers > 1:
            reasons.append(f"aktif di {employers} Pemda ({', '.join(codes)})")
        if units > 1:
            reasons.append(f"aktif di {units} unit ({', '.join(unit_codes)})")
        evidence = {"alasan": "; ".join(reasons), "daftar": {"pemda": list(codes), "unit": list(unit_codes)}}
        out.items.append(Item("ganda", employer_id, nik, "daftar", unit_id, worker_id, name, evidence))


def _census(con: Any, out: Joined, census: dict[int, Path]) -> None:
    """belum didata, both ways, and identitas berbeda against the census."""
    values = ", ".join(f"({int(k)}, {_q(v)})" for k, v in census.items())
    con.execute(f"CREATE TEMP TABLE census_files AS SELECT * FROM (VALUES {values}) t(employer_id, path)")
    files = ", ".join(_q(p) for p in census.values())
    con.execute(
        f"""CREATE TEMP TABLE c AS SELECT f.employer_id, b.* EXCLUDE (filename)
        FROM read_parquet([{files}], filename = true) b JOIN census_files f ON f.path = b.filename"""
    )
    rows = con.execute(
        """SELECT c.employer_id, c.nik, c.nama, c.unit_kerja, c.jabatan FROM c
        LEFT JOIN rp ON rp.employer_id = c.employer_id AND rp.nik = c.nik WHERE rp.nik IS NULL"""
    ).fetchall()
    for employer_id, nik, nama, unit, job in rows:
        evidence = {
            "alasan": "ada di pendataan BKN, tidak ada di daftar Pemda",
            "bkn": {"nama": nama, "unit_kerja": unit, "jabatan": job},
        }
        out.items.append(Item("belum_didata", employer_id, nik, "bkn", None, None, nama or "", evidence))
    rows = con.execute(
        """SELECT rp.employer_id, rp.nik, rp.unit_id, rp.worker_id, rp.name, rp.start_date FROM rp
        JOIN census_files f ON f.employer_id = rp.employer_id
        LEFT JOIN c ON c.employer_id = rp.employer_id AND c.nik = rp.nik WHERE c.nik IS NULL"""
    ).fetchall()
    for employer_id, nik, unit_id, worker_id, name, start in rows:
        evidence = {
            "alasan": "ada di daftar Pemda, tidak ada di pendataan BKN",
            "daftar": {"mulai": _day(start)},
        }
        out.items.append(Item("belum_didata", employer_id, nik, "daftar", unit_id, worker_id, name, evidence))
    rows = con.execute(
        f"""SELECT rp.employer_id, rp.nik, rp.unit_id, rp.worker_id, rp.name, rp.birth_date, c.nama, NULL::DATE
        FROM rp JOIN c ON c.employer_id = rp.employer_id AND c.nik = rp.nik
        WHERE {_plain("rp.name")} IS DISTINCT FROM {_plain("c.nama")}"""
    ).fetchall()
    _identity(out, rows, "bkn")
