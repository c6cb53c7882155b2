"""Invoice exports: the finance officer's workbook (NIK masked) and the SIPP upload file (full NIK, as text)."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from lindung.billing.exports import layouts, load_layout, write_invoice_xlsx, write_upload_file
from lindung.billing.models import Invoice
from lindung.billing.services import issue_invoice, record_payment
from lindung.domain.errors import ValidationFailed
from lindung.enrolment.services import FunderShare, add_agreement, enrol, import_kpj
from lindung.intake.services import import_roster
from lindung.registry.services import add_employer
from tests.integration.factories import solok_selatan, write_csv

pytestmark = pytest.mark.django_db

SITI = "1311015507900001"  # a woman born 15 July 1990
BUDI = "1311011203850002"  # a man born 12 March 1985
RUSLI = "1311010101800003"  # a man born 1 January 1980
SITI_KPJ = "04012345678"  # a leading zero: lost if the cell were a number
PAID = 1_000_000
HEADER = ["NIK", "Nama Lengkap", "L/P", "No. HP", "Kode Unit", "Kategori", "Jabatan", "Gaji", "TMT"]


def billed_may_2024(tmp_path: Path) -> Invoice:
    """Solok Selatan (NPP 12345678) with three workers, JKK+JKM+JHT+JP, funded 60/40, May 2024 billed, part paid."""
    solok_selatan()
    add_employer("13.11", "12345678", "test")
    roster = write_csv(
        tmp_path / "roster.csv",
        [
            [SITI, "Siti Aminah", "P", "081234567890", "DINKES", "THL", "Cleaning service", "2512345", "02/01/2024"],
            [BUDI, "Budi Santoso", "L", "", "SATPOLPP", "Honorer", "Pemadam", "3000000", "02/01/2024"],
            [RUSLI, "Rusli", "L", "", "NGR-PT", "Perangkat Desa/Nagari", "Wali nagari", "12000000", "02/01/2024"],
        ],
        header=HEADER,
    )
    result = import_roster(roster, "13.11", mode="commit", actor="test", today=dt.date(2024, 5, 20))
    assert result.committed, result.issues
    add_agreement(
        "13.11",
        programs="JKK,JKM,JHT,JP",
        effective_from=dt.date(2024, 1, 1),
        actor="test",
        basis="perkada",
        basis_number="Perbup 12/2023",
        basis_date=dt.date(2023, 12, 20),
        unit_classes={"SATPOLPP": 3},
        funders=[
            FunderShare("APBD Kabupaten Solok Selatan", "kabkota", Decimal(60)),
            FunderShare("APBD Provinsi Sumatera Barat", "provinsi", Decimal(40)),
        ],
    )
    enrol("13.11", actor="test", on=dt.date(2024, 5, 20))
    kpj = write_csv(tmp_path / "kpj.csv", [[SITI, SITI_KPJ, "AKTIF"]], header=["NIK", "KPJ", "Status"])
    assert import_kpj(kpj, "13.11", actor="test").updated == 1
    invoice = issue_invoice("13.11", dt.date(2024, 5, 1), actor="test").invoice
    record_payment(invoice.number, amount=PAID, paid_on=dt.date(2024, 6, 10), billing_code="210300010000", actor="t")
    return invoice


# Siti, May 2024, wage Rp2.512.345, JKK class 1 (DINKES has no override); rates in force on 1 May 2024:
SITI_SHARES = {
    "JKK": 6_030,  # PP 44/2015 jo. PP 82/2019: class 1 0.24% x 2.512.345 = 6.029,628 -> 6.030 (half up)
    "JKM": 7_537,  # PP 44/2015: 0.30% x 2.512.345 = 7.537,035 -> 7.537
    "JHT PK": 92_957,  # PP 46/2015: employer 3.7% = 92.956,765 -> 92.957
    "JHT TK": 50_247,  # PP 46/2015: worker 2% = 50.246,9 -> 50.247
    "JP PK": 50_247,  # PP 45/2015: employer 2% of min(wage, cap Rp10.042.300 from 1 Mar 2024) = 50.246,9 -> 50.247
    "JP TK": 25_123,  # PP 45/2015: worker 1% = 25.123,45 -> 25.123
}
SITI_EMPLOYER = 6_030 + 7_537 + 92_957 + 50_247  # 156.771
SITI_WORKER = 50_247 + 25_123  # 75.370


def table(sheet: Any) -> list[list[Any]]:
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def summary_value(rows: list[list[Any]], label: str) -> Any:
    found = [r[1] for r in rows if r and r[0] == label]
    assert found, f"{label!r} not in Ringkasan"
    return found[0]


def test_the_invoice_workbook_shows_the_stored_totals_and_one_workers_hand_computed_shares(tmp_path: Path) -> None:
    invoice = billed_may_2024(tmp_path)
    out = tmp_path / "tagihan.xlsx"
    write_invoice_xlsx(invoice, out, on=dt.date(2024, 6, 30))
    book = openpyxl.load_workbook(out, data_only=True)
    assert book.sheetnames == ["Ringkasan", "Rincian", "Per Unit"]

    summary = table(book["Ringkasan"])
    assert summary_value(summary, "Pemberi kerja") == "Pemerintah Kabupaten Solok Selatan"
    assert summary_value(summary, "NPP") == "12345678"
    assert summary_value(summary, "Nomor tagihan") == invoice.number
    assert summary_value(summary, "Periode") == "Mei 2024"
    assert summary_value(summary, "Program") == "JKK, JKM, JHT, JP"
    assert summary_value(summary, "Jatuh tempo").date() == invoice.due_date
    assert "Perbup 12/2023" in summary_value(summary, "Dasar perjanjian")
    assert summary_value(summary, "Iuran pemberi kerja") == invoice.employer_amount
    assert summary_value(summary, "Iuran pekerja") == invoice.worker_amount
    assert summary_value(summary, "Sudah dibayar") == PAID
    assert summary_value(summary, "Sisa tagihan") == invoice.total - PAID
    # By hand (May 2024, JP cap 10,042,300): Siti 2,512,345 class 1: employer 6,030 + 7,537 + 92,957 + 50,247
    # = 156,771, worker 50,247 + 25,123 = 75,370 (SITI_SHARES). Budi 3,000,000 class 3: employer 0.89% 26,700
    # + 9,000 + 111,000 + 60,000 = 206,700, worker 60,000 + 30,000 = 90,000. Rusli 12,000,000 class 1:
    # employer 28,800 + 36,000 + 444,000 + 200,846 (2% of the cap) = 709,646, worker 240,000 + 100,423 = 340,423.
    # Employer 156,771 + 206,700 + 709,646 = 1,073,117; worker 75,370 + 90,000 + 340,423 = 505,793;
    # total 1,578,910, of which 1,000,000 paid: 578,910 left.
    assert (summary_value(summary, "Iuran pemberi kerja"), summary_value(summary, "Iuran pekerja")) == (
        1_073_117,
        505_793,
    )
    assert (invoice.total, summary_value(summary, "Sisa tagihan")) == (1_578_910, 578_910)
    programs = {r[0]: r[1:4] for r in summary if r[0] in ("JKK", "JKM", "JHT", "JP")}
    assert programs["JKK"] == [6_030 + 26_700 + 28_800, 0, 61_530]  # Rusli: class 1 0.24% x 12.000.000 = 28.800
    assert sum(total for _, _, total in programs.values()) == invoice.total
    funders = {r[0]: r[3] for r in summary if r[0] and str(r[0]).startswith("APBD")}
    assert sum(funders.values()) == invoice.total
    assert funders["APBD Kabupaten Solok Selatan"] == invoice.funding.get(funder__kind="kabkota").amount
    # 60% and 40% of 1,578,910: 947,346 and 631,564 (both whole rupiah: no odd rupiah to place)
    assert funders == {"APBD Kabupaten Solok Selatan": 947_346, "APBD Provinsi Sumatera Barat": 631_564}

    details = table(book["Rincian"])
    header, body, total = details[0], details[1:-1], details[-1]
    assert len(body) == invoice.workers == 3
    col = {name: i for i, name in enumerate(header)}
    siti = next(r for r in body if r[col["Nama"]] == "Siti Aminah")
    assert siti[col["NIK"]] == "1311********0001"
    assert siti[col["KPJ"]] == SITI_KPJ
    assert (siti[col["Kode Unit"]], siti[col["Nama Unit"]], siti[col["Kelas Risiko"]]) == (
        "DINKES",
        "Dinas Kesehatan",
        1,
    )
    assert siti[col["Upah Dilaporkan"]] == 2_512_345
    assert {name: siti[col[name]] for name in SITI_SHARES} == SITI_SHARES
    assert (siti[col["Jumlah PK"]], siti[col["Jumlah TK"]]) == (SITI_EMPLOYER, SITI_WORKER)
    assert siti[col["Jumlah"]] == SITI_EMPLOYER + SITI_WORKER == 232_141
    budi = next(r for r in body if r[col["Nama"]] == "Budi Santoso")
    assert (budi[col["Kelas Risiko"]], budi[col["JKK"]]) == (3, 26_700)  # unit class 3: 0.89% x 3.000.000
    rusli = next(r for r in body if r[col["Nama"]] == "Rusli")
    assert (rusli[col["JP PK"]], rusli[col["JP TK"]]) == (200_846, 100_423)  # 2% and 1% of the cap 10.042.300
    assert (total[col["Jumlah PK"]], total[col["Jumlah TK"]], total[col["Jumlah"]]) == (
        invoice.employer_amount,
        invoice.worker_amount,
        invoice.total,
    )
    formats = openpyxl.load_workbook(out)["Rincian"]
    assert formats.cell(2, col["JKK"] + 1).number_format == "#,##0"
    assert formats.cell(len(details), col["Jumlah"] + 1).value.startswith("=SUM(")

    per_unit = table(book["Per Unit"])
    rows, unit_total = per_unit[1:-1], per_unit[-1]
    assert {(r[0], r[2]) for r in rows} == {
        (u, p) for u in ("DINKES", "NGR-PT", "SATPOLPP") for p in invoice.programs.split(",")
    }
    assert next(r for r in rows if r[0] == "SATPOLPP" and r[2] == "JKK")[4] == 26_700
    assert (unit_total[4], unit_total[5], unit_total[6]) == (
        invoice.employer_amount,
        invoice.worker_amount,
        invoice.total,
    )


def test_the_invoice_workbook_never_shows_a_full_nik(tmp_path: Path) -> None:
    invoice = billed_may_2024(tmp_path)
    out = tmp_path / "tagihan.xlsx"
    write_invoice_xlsx(invoice, out)
    cells = [str(v) for sheet in openpyxl.load_workbook(out) for row in sheet.iter_rows(values_only=True) for v in row]
    for nik in (SITI, BUDI, RUSLI):
        assert not any(nik in c for c in cells)
    assert "1311********0002" in cells


def test_the_upload_file_carries_full_niks_and_kpj_as_text_cells(tmp_path: Path) -> None:
    invoice = billed_may_2024(tmp_path)
    out = tmp_path / "unggah.xlsx"
    assert write_upload_file(invoice, out) == invoice.workers
    layout = load_layout("sipp_upah")
    sheet = openpyxl.load_workbook(out)[layout.sheet]
    rows = table(sheet)
    assert rows[0] == [c.header for c in layout.columns]
    col = {name: i for i, name in enumerate(rows[0])}
    by_nik = {r[col["NIK"]]: r for r in rows[1:]}
    assert set(by_nik) == {SITI, BUDI, RUSLI}
    siti = by_nik[SITI]
    assert siti[col["NAMA LENGKAP"]] == "Siti Aminah"
    assert siti[col["TANGGAL LAHIR"]] == "15-07-1990"
    assert siti[col["JENIS KELAMIN"]] == "P"
    assert siti[col["UPAH"]] == 2_512_345
    assert siti[col["TANGGAL MULAI KEPESERTAAN"]] == "02-01-2024"
    assert siti[col["NO HP"]] == "081234567890"
    assert siti[col["NO KPJ"]] == SITI_KPJ
    for r in range(2, len(rows) + 1):
        for name in ("NIK", "NO KPJ", "NO HP"):
            cell = sheet.cell(r, col[name] + 1)
            assert cell.number_format == "@"
            assert cell.value is None or cell.data_type == "s"


def test_an_unknown_layout_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    invoice = billed_may_2024(tmp_path)
    out = tmp_path / "unggah.xlsx"
    with pytest.raises(ValidationFailed, match="tidak dikenal") as refused:
        write_upload_file(invoice, out, layout="sipp_lama")
    assert "sipp_upah" in str(refused.value)
    assert not out.exists()


def test_a_layout_with_an_unknown_source_is_refused_naming_the_column(tmp_path: Path) -> None:
    invoice = billed_may_2024(tmp_path)
    layout = tmp_path / "cabang.toml"
    layout.write_text(
        'name = "templat cabang"\nformat = "csv"\nconfidence = "S"\n'
        '[[column]]\nheader = "NIK"\nsource = "nik"\n'
        '[[column]]\nheader = "GAJI POKOK"\nsource = "gaji"\n',
        "utf-8",
    )
    with pytest.raises(ValidationFailed, match="GAJI POKOK: sumber data 'gaji' tidak dikenal") as refused:
        write_upload_file(invoice, tmp_path / "unggah.csv", layout=layout)
    assert [i.code for i in refused.value.issues] == ["LAYOUT_SOURCE_UNKNOWN"]


def test_every_problem_of_a_layout_file_is_reported_at_once(tmp_path: Path) -> None:
    layout = tmp_path / "rusak.toml"
    layout.write_text(
        'format = "pdf"\nconfidence = "S"\n'
        '[[column]]\nheader = "LAHIR"\nsource = "birth_date"\nformat = "%Q"\n'
        '[[column]]\nheader = "UPAH"\nsource = "wage_base"\nformat = "%d"\n'
        '[[column]]\nheader = "GAJI"\nsource = "gaji"\n',
        "utf-8",
    )
    with pytest.raises(ValidationFailed) as refused:
        load_layout(layout)
    assert [(i.code, i.column) for i in refused.value.issues] == [
        ("LAYOUT_FORMAT", None),
        ("LAYOUT_COLUMN_FORMAT", "LAHIR"),
        ("LAYOUT_COLUMN_FORMAT", "UPAH"),
        ("LAYOUT_SOURCE_UNKNOWN", "GAJI"),
    ]


def test_a_csv_layout_from_a_branch_writes_period_npp_and_program_shares(tmp_path: Path) -> None:
    invoice = billed_may_2024(tmp_path)
    layout = tmp_path / "cabang.toml"
    layout.write_text(
        'name = "templat cabang"\nformat = "csv"\nseparator = "|"\nconfidence = "S"\n'
        '[[column]]\nheader = "NPP"\nsource = "npp"\n'
        '[[column]]\nheader = "PERIODE"\nsource = "period"\n'
        '[[column]]\nheader = "NIK"\nsource = "nik"\n'
        '[[column]]\nheader = "JK"\nsource = "sex"\nvalues = { L = "LAKI-LAKI", P = "PEREMPUAN" }\n'
        '[[column]]\nheader = "LAHIR"\nsource = "birth_date"\nformat = "%Y/%m/%d"\n'
        '[[column]]\nheader = "JKK"\nsource = "jkk"\n'
        '[[column]]\nheader = "IURAN"\nsource = "total"\n',
        "utf-8",
    )
    out = tmp_path / "unggah.csv"
    assert write_upload_file(invoice, out, layout=layout) == 3
    with out.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh, delimiter="|"))
    assert rows[0] == ["NPP", "PERIODE", "NIK", "JK", "LAHIR", "JKK", "IURAN"]
    siti = next(r for r in rows[1:] if r[2] == SITI)
    assert siti == ["12345678", "202405", SITI, "PEREMPUAN", "1990/07/15", "6030", str(SITI_EMPLOYER + SITI_WORKER)]


def test_the_packaged_layouts_are_listed_and_say_they_are_unverified() -> None:
    assert "sipp_upah" in layouts()
    layout = load_layout("sipp_upah")
    assert (layout.format, layout.confidence) == ("xlsx", "U")
    assert [c.source for c in layout.columns][:2] == ["nik", "name"]
