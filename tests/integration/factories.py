"""Plain factory functions for the integration tests."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

import xlsxwriter

from lindung.registry.models import Employer, WorkUnit
from lindung.registry.services import add_employer

HEADER = ["NIK", "Nama Lengkap", "L/P", "Kode Unit", "Kategori", "Jabatan", "Gaji", "TMT"]


def solok_selatan() -> Employer:
    """Kabupaten Solok Selatan with two OPD and a nagari."""
    employer = add_employer("13.11", None, "test").employer
    for code, name, kind in [
        ("DINKES", "Dinas Kesehatan", "dinas"),
        ("SATPOLPP", "Satpol PP dan Damkar", "dinas"),
        ("NGR-PT", "Nagari Pasir Talang", "desa"),
    ]:
        WorkUnit.objects.get_or_create(employer=employer, code=code, defaults={"name": name, "kind": kind})
    return employer


def row(
    nik: str,
    name: str,
    unit: str = "DINKES",
    wage: str = "2500000",
    start: str = "02/01/2024",
    sex: str = "",
    category: str = "THL",
    job: str = "Cleaning service",
) -> list[str]:
    return [nik, name, sex, unit, category, job, wage, start]


def write_csv(path: Path, rows: Sequence[Sequence[str]], header: Sequence[str] = HEADER, sep: str = ";") -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter=sep)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_xlsx(path: Path, rows: Sequence[Sequence[object]], header: Sequence[str] = HEADER) -> Path:
    """Strings are written as text cells, ints and floats as number cells (as Excel stores them)."""
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Daftar Pekerja")
    sheet.write_row(0, 0, header)
    for r, values in enumerate(rows, start=1):
        for c, value in enumerate(values):
            if isinstance(value, int | float):
                sheet.write_number(r, c, value)
            else:
                sheet.write_string(r, c, str(value))
    book.close()
    return path
