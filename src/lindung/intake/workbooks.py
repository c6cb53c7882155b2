"""Workbooks for people: the roster template with dropdowns, and the error report to fix and re-upload."""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

import xlsxwriter

from lindung.domain.errors import Issue
from lindung.domain.roster import FIELDS
from lindung.domain.sheets import neutralise_formula
from lindung.domain.terms import WORKER_CATEGORIES
from lindung.intake.reader import ROW, Sheet
from lindung.regions.models import Region
from lindung.registry.models import Employer, WorkUnit

_EXAMPLE: dict[str, str | int] = {
    "nik": "1311015507900001", "nama": "Contoh: Siti Aminah (baris ini dilewati saat impor)",
    "tanggal_lahir": "15/07/1990", "jenis_kelamin": "P", "no_hp": "081234567890", "unit": "DINKES",
    "kategori": "Tenaga Harian Lepas (THL)", "jabatan": "Cleaning service", "upah": 2_500_000,
    "tmt": "02/01/2024", "tanggal_selesai": "", "no_sk": "800/123/BKPSDM/2024", "domisili": "13.11.01.2001",
    "mutasi": "",
}  # fmt: skip

_GUIDE = [
    "Petunjuk pengisian daftar pekerja non-ASN",
    "",
    "1. Isi satu baris untuk setiap pekerja, dari cleaning service sampai penjaga malam.",
    "2. Kolom NIK berformat Teks. Jangan ubah ke Angka: Excel hanya menyimpan 15 digit dan NIK rusak.",
    "3. Tanggal ditulis 15/07/1990, 1990-07-15 atau 15 Juli 1990. Upah ditulis dalam rupiah penuh per bulan.",
    "4. Kategori dan Kode Unit dipilih dari daftar (lihat lembar Pilihan).",
    '5. Isi Mutasi dengan "Ya" bila pekerja pindah dari unit lain di Pemda yang sama.',
    '6. Baris contoh (nama diawali "Contoh:") dilewati saat impor; boleh dihapus.',
    "7. Kolom bertanda * wajib diisi. Arahkan kursor ke judul kolom untuk penjelasan.",
    "",
    "Periksa berkas: lindung roster import BERKAS --employer KODE (tanpa --commit tidak ada yang disimpan).",
]


def write_template(out: Path, employer: Employer | None, units: Sequence[WorkUnit] | None = None) -> None:
    """The roster template: headers with notes, NIK as text, dropdowns for category and unit, an example row.

    `units` are the units the dropdown offers (an OPD clerk's own unit); None offers every unit of `employer`.
    The example row is written for `employer`: one of its units, and a NIK and domicile of its own region.
    """
    if units is None:
        units = list(WorkUnit.objects.filter(employer=employer).order_by("code")) if employer else []
    choices_of_units = [(u.code, u.name) for u in units]
    sample = _example(employer, choices_of_units)
    book = xlsxwriter.Workbook(str(out))
    header = book.add_format(
        {
            "bold": True,
            "bg_color": "#1F4E78",
            "font_color": "#FFFFFF",
            "text_wrap": True,
            "valign": "top",
            "border": 1,
        }
    )
    text = book.add_format({"num_format": "@"})
    example = book.add_format({"italic": True, "font_color": "#7F7F7F", "num_format": "@"})
    example_money = book.add_format({"italic": True, "font_color": "#7F7F7F", "num_format": "#,##0"})
    money = book.add_format({"num_format": "#,##0"})
    sheet = book.add_worksheet("Daftar Pekerja")
    guide = book.add_worksheet("Petunjuk")
    choices = book.add_worksheet("Pilihan")

    choices.write_row(0, 0, ["Kategori", "", "Kode Unit", "Nama Unit"], header)
    for i, (label, _) in enumerate(WORKER_CATEGORIES.values(), start=1):
        choices.write_string(i, 0, label)
    for i, (code, name) in enumerate(choices_of_units, start=1):
        choices.write_string(i, 2, code)
        choices.write_string(i, 3, name)
    choices.set_column(0, 0, 28)
    choices.set_column(2, 3, 30)

    for col, f in enumerate(FIELDS):
        sheet.write_string(0, col, f.label + (" *" if f.required else ""), header)
        sheet.write_comment(0, col, f.note, {"x_scale": 2, "y_scale": 1.2})
        is_money = f.name == "upah"
        sheet.set_column(col, col, 26 if f.name in ("nama", "jabatan", "kategori") else 16, money if is_money else text)
        value = sample[f.name]
        if isinstance(value, int):
            sheet.write_number(1, col, value, example_money)
        elif value:
            sheet.write_string(1, col, value, example)
    columns = {f.name: i for i, f in enumerate(FIELDS)}
    last = 1_048_575
    sheet.data_validation(
        1,
        columns["kategori"],
        last,
        columns["kategori"],
        {
            "validate": "list",
            "source": f"=Pilihan!$A$2:$A${len(WORKER_CATEGORIES) + 1}",
            "error_message": "Pilih kategori dari daftar.",
        },
    )
    if choices_of_units:
        sheet.data_validation(
            1,
            columns["unit"],
            last,
            columns["unit"],
            {
                "validate": "list",
                "source": f"=Pilihan!$C$2:$C${len(choices_of_units) + 1}",
                "error_message": "Pilih kode unit dari daftar (lembar Pilihan).",
            },
        )
    sheet.data_validation(
        1,
        columns["jenis_kelamin"],
        last,
        columns["jenis_kelamin"],
        {"validate": "list", "source": ["L", "P"]},
    )
    sheet.data_validation(1, columns["mutasi"], last, columns["mutasi"], {"validate": "list", "source": ["Ya"]})
    sheet.freeze_panes(1, 0)
    sheet.set_row(0, 32)
    for i, line in enumerate(_GUIDE):
        guide.write_string(i, 0, line, header if i == 0 else None)
    guide.set_column(0, 0, 110)
    book.close()


def _example(employer: Employer | None, units: Sequence[tuple[str, str]]) -> dict[str, str | int]:
    """The example row for this Pemda: its first unit, and a NIK and domicile of a desa in its region (a NIK
    begins with the kecamatan of the holder's domicile; 55 07 90 is a woman born 15 July 1990)."""
    sample = dict(_EXAMPLE)
    if units:
        sample["unit"] = units[0][0]
    if employer is not None:
        desa = (
            Region.objects.filter(code__startswith=employer.region_id + ".", level=Region.Level.DESA, current=True)
            .order_by("code")
            .values_list("code", flat=True)
            .first()
        )
        if desa:
            sample["nik"] = desa.replace(".", "")[:6] + "5507900001"
            sample["domisili"] = desa
    return sample


def _issues_by_row(issues: Sequence[Issue]) -> dict[int, list[Issue]]:
    by_row: dict[int, list[Issue]] = defaultdict(list)
    for issue in issues:
        if issue.row is not None and issue.row > 1:
            by_row[issue.row].append(issue)
    return by_row


PROBLEM_COLUMN = "Keterangan Masalah"


def write_error_report(out: Path, sheet: Sheet, issues: Sequence[Issue]) -> None:
    """The submitted rows with problem cells highlighted and a column explaining each problem.

    .xlsx: errors red, warnings yellow, every cell as text so NIKs survive. .csv: the same rows and column.
    """
    headers = sheet.raw_headers
    columns = [f"c{i}" for i in range(len(headers))]
    by_row = _issues_by_row(issues)
    position: dict[str, int] = {}
    for index, header in enumerate(headers):
        position.setdefault(header, index)

    def explain(row_issues: list[Issue]) -> str:
        return "; ".join(f"{i.column}: {i.message}" if i.column else i.message for i in row_issues)

    if out.suffix.lower() == ".csv":
        with out.open("w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow([neutralise_formula(h) for h in (*headers, PROBLEM_COLUMN)])
            for values in sheet.raw.iter_rows(named=True):
                cells = [*(values[c] or "" for c in columns), explain(by_row.get(values[ROW], []))]
                writer.writerow([neutralise_formula(cell) for cell in cells])
        return
    book = xlsxwriter.Workbook(str(out), {"constant_memory": True, "strings_to_numbers": False})
    head = book.add_format({"bold": True, "bg_color": "#1F4E78", "font_color": "#FFFFFF", "border": 1})
    plain = book.add_format({"num_format": "@"})
    error = book.add_format({"num_format": "@", "bg_color": "#F8CBAD", "border": 1, "border_color": "#C00000"})
    warning = book.add_format({"num_format": "@", "bg_color": "#FFE699"})
    note = book.add_format({"text_wrap": True, "font_color": "#C00000"})
    ws = book.add_worksheet("Daftar Pekerja")
    ws.write_row(0, 0, [*headers, PROBLEM_COLUMN], head)
    ws.set_column(0, len(headers) - 1, 18, plain)
    ws.set_column(len(headers), len(headers), 90)
    ws.freeze_panes(1, 0)
    for out_row, values in enumerate(sheet.raw.iter_rows(named=True), start=1):
        row_issues = by_row.get(values[ROW], [])
        marks: dict[int, str] = {}
        for i in row_issues:
            col = position.get(i.column or "")
            if col is not None and marks.get(col) != "error":
                marks[col] = i.severity
        for col, c in enumerate(columns):
            cell = values[c]
            fmt = error if marks.get(col) == "error" else warning if marks.get(col) == "warning" else plain
            ws.write_string(out_row, col, "" if cell is None else str(cell), fmt)
        if row_issues:
            ws.write_string(out_row, len(headers), explain(row_issues), note)
    book.close()
