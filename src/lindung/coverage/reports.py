"""The coverage report's tables: the node and its children, per program, the units and Pemda with nobody enrolled,
and the monthly trend. The same tables go to the .xlsx export (one sheet each) and to the printable PDF."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from lindung.billing.exports import period_label
from lindung.coverage.services import Node, TrendPoint
from lindung.coverage.tables import Cell, Column, Table, write_xlsx
from lindung.domain.coverage import PROGRAMS
from lindung.domain.formats import thousands

__all__ = ["GROUP_COLUMNS", "coverage_tables", "write_coverage_xlsx"]

# What a node's children are, for the tables' notes.
CHILD_WORD = {
    "nation": "provinsi",
    "provinsi": "Pemprov dan kab/kota",
    "branch": "kab/kota",
    "kabkota": "unit kerja",
    "pemda": "unit kerja",
    "unit": "unit kerja",
}

UNIT_KINDS = {"desa": "nagari/desa"}

# The Ringkasan columns that split the units into OPD and nagari/desa.
GROUP_COLUMNS = ("OPD", "OPD dengan peserta", "Nagari/desa", "Nagari/desa dengan peserta")


def _day(on: dt.date) -> str:
    return f"{on.day} {period_label(on)}"


def _on(on: dt.date) -> str:
    return f"Per {_day(on)}"


def _rows(node: Node) -> list[Node]:
    return [node, *node.children]


def summary_table(node: Node, on: dt.date) -> Table:
    columns = [
        Column("Kode", "text", 12),
        Column("Nama", "text", 40),
        Column("Pekerja", "int", 11),
        Column("Peserta", "int", 11),
        Column("Cakupan (%)", "percent", 11),
        Column("Unit", "int", 9),
        Column("Unit dengan peserta", "int", 11),
        *[Column(label, "int", 11) for label in GROUP_COLUMNS],
        Column("BPU", "int", 9),
        Column("Dengan KPJ", "int", 11),
    ]
    rows: list[list[Cell]] = []
    for n in _rows(node):
        c = n.counts
        opd, desa = c.groups.get("opd", (0, 0)), c.groups.get("desa", (0, 0))
        rows.append(
            [
                n.code,
                n.name,
                c.workers,
                c.enrolled,
                c.coverage,
                c.units,
                c.units_enrolled,
                opd[0],
                opd[1],
                desa[0],
                desa[1],
                c.bpu,
                c.with_kpj,
            ]
        )
    children = f"; baris berikutnya: {CHILD_WORD.get(node.kind, 'bagiannya')}" if node.children else ""
    note = (
        f"{_on(on)}. Baris pertama: {node.name}{children}. Cakupan = peserta aktif dibanding pekerja di daftar, "
        "menurut wilayah Pemda pemberi kerja. BPU: pekerja rentan yang ditanggung Pemda."
    )
    return Table("Ringkasan", columns, rows, note)


def program_table(node: Node, on: dt.date) -> Table:
    columns = [
        Column("Kode", "text", 12),
        Column("Nama", "text", 40),
        Column("Peserta", "int", 11),
        *[Column(p, "int", 10) for p in PROGRAMS],
    ]
    rows: list[list[Cell]] = [
        [n.code, n.name, n.counts.enrolled, *[n.counts.programs.get(p, 0) for p in PROGRAMS]] for n in _rows(node)
    ]
    note = f"{_on(on)}. Peserta aktif per program: JKK, JKM, JHT, JP, JKP."
    return Table("Per program", columns, rows, note)


def _employer_names(node: Node) -> dict[str, str]:
    """Region code -> name of every node in the tree: Pemda names for the unit list."""
    names = {n.code: n.name for n in _rows(node) if n.kind in ("pemda", "kabkota", "provinsi")}
    names.update({e.code: e.name for e in node.employers_without_enrolment})
    return names


def units_table(node: Node, on: dt.date) -> Table:
    columns = [
        Column("Kode Pemda", "text", 10),
        Column("Pemda", "text", 34),
        Column("Kode unit", "text", 14),
        Column("Nama unit", "text", 44),
        Column("Jenis", "text", 12),
    ]
    names = _employer_names(node)
    rows: list[list[Cell]] = [
        [u.employer, names.get(u.employer, ""), u.code, u.name, UNIT_KINDS.get(u.kind, u.kind)]
        for u in node.units_without_enrolment
    ]
    note = f"{_on(on)}: {thousands(len(rows))} unit kerja yang belum mendaftarkan seorang pun pekerjanya."
    return Table("Unit tanpa peserta", columns, rows, note)


def employers_table(node: Node, on: dt.date) -> Table:
    columns = [Column("Kode", "text", 10), Column("Pemda", "text", 44)]
    rows: list[list[Cell]] = [[e.code, e.name] for e in node.employers_without_enrolment]
    note = f"{_on(on)}: {len(rows)} Pemda yang belum mendaftarkan seorang pun pekerjanya."
    return Table("Pemda tanpa peserta", columns, rows, note)


def trend_table(trend: Sequence[TrendPoint], on: dt.date) -> Table:
    columns = [
        Column("Bulan", "text", 16),
        Column("Pekerja", "int", 11),
        Column("Peserta", "int", 11),
        Column("Cakupan (%)", "percent", 11),
        Column("Unit dengan peserta", "int", 11),
    ]
    rows: list[list[Cell]] = [
        [period_label(p.month), p.workers, p.enrolled, p.coverage, p.units_enrolled] for p in trend
    ]
    note = f"Keadaan pada akhir tiap bulan; bulan terakhir: per {_day(on)}."
    return Table("Tren bulanan", columns, rows, note)


def coverage_tables(node: Node, on: dt.date, trend: Sequence[TrendPoint] | None = None) -> list[Table]:
    """Ringkasan, Per program, Unit tanpa peserta, Pemda tanpa peserta and (with a trend) Tren bulanan."""
    tables = [
        summary_table(node, on),
        program_table(node, on),
        units_table(node, on),
        employers_table(node, on),
    ]
    if trend:
        tables.append(trend_table(trend, on))
    return tables


def write_coverage_xlsx(
    path: Path, node: Node, on: dt.date, trend: Sequence[TrendPoint] | None = None, extra: Sequence[Table] = ()
) -> Path:
    """Every coverage table of the node on its own sheet, then the extra ones (the liability of the left-out)."""
    return write_xlsx(path, [*coverage_tables(node, on, trend), *extra])
