"""The coverage exports: the .xlsx read back with openpyxl, the PDF read back with pypdf and drawn with pypdfium2.

A small Sumatera Barat: Solok Selatan has enrolled its three workers; Kabupaten Solok has 1,200 workers in one
unit and nobody enrolled, and a puskesmas whose name needs letters beyond Latin-1.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pypdf
import pypdfium2
import pytest

from lindung.coverage import pdf
from lindung.coverage.pdf import FontNotInstalled, write_coverage_pdf, write_pdf
from lindung.coverage.reports import coverage_tables, write_coverage_xlsx
from lindung.coverage.services import Node, TrendPoint, coverage_tree, scope_employer_ids, trend
from lindung.coverage.tables import Column, Table
from lindung.enrolment.services import add_agreement, enrol
from lindung.intake.services import import_roster
from lindung.registry.models import WorkUnit
from lindung.registry.services import add_employer
from tests.integration.factories import solok_selatan, write_csv

pytestmark = pytest.mark.django_db

HEADER = ["NIK", "Nama Lengkap", "Kode Unit", "Kategori", "Upah Sebulan", "TMT", "Tanggal Selesai"]
ON = dt.date(2024, 5, 25)
SOLOK_WORKERS = 1_200
# Beyond Latin-1 (’ Ş ū Ō): the PDF core fonts cannot print these; an embedded TrueType font can.
NAME = "Puskesmas Nur’aini Ägustina Çahya Şükran Ōtsuka"


def roster(tmp_path: Path, code: str, rows: list[list[str]], name: str) -> None:
    path = write_csv(tmp_path / name, rows, header=HEADER)
    result = import_roster(path, code, mode="commit", actor="test", today=ON)
    assert result.committed, [i.message for i in result.issues if i.severity == "error"]


@pytest.fixture
def province(tmp_path: Path) -> tuple[Node, list[TrendPoint]]:
    solok_selatan()
    roster(
        tmp_path,
        "13.11",
        [
            ["1311015507900001", "Siti Aminah", "DINKES", "THL", "2500000", "2022-03-01", ""],
            ["1311011203850002", "Budi Santoso", "SATPOLPP", "Honorer", "3000000", "2024-05-20", ""],
            ["1311014107920003", "Rina Marlina", "NGR-PT", "Perangkat Desa", "2000000", "2023-01-02", ""],
        ],
        "selatan.csv",
    )
    add_agreement("13.11", programs="JKK,JKM,JHT", effective_from=dt.date(2024, 1, 1), actor="test")
    enrol("13.11", actor="test", on=ON)
    solok = add_employer("13.02", None, "test").employer
    WorkUnit.objects.create(employer=solok, code="DISDIK", name="Dinas Pendidikan", kind="dinas")
    WorkUnit.objects.create(employer=solok, code="PKM-01", name=NAME, kind="puskesmas")
    rows = [
        [f"130201010190{i + 1:04d}", f"Guru {i}", "DISDIK", "THL", "2200000", "2021-07-01", ""]
        for i in range(SOLOK_WORKERS)
    ]
    roster(tmp_path, "13.02", rows, "solok.csv")
    return coverage_tree(ON, region="13"), trend(ON, 12, scope_employer_ids(region="13"))


def pdf_text(path: Path) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(path).pages]


# --- .xlsx -------------------------------------------------------------------------------------------


def test_the_xlsx_has_a_sheet_per_table_with_numbers_as_numbers_and_codes_as_text(
    tmp_path: Path, province: tuple[Node, list[TrendPoint]]
) -> None:
    node, points = province
    path = write_coverage_xlsx(tmp_path / "cakupan.xlsx", node, ON, points)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Ringkasan", "Per program", "Unit tanpa peserta", "Pemda tanpa peserta", "Tren bulanan"]

    summary = book["Ringkasan"]
    header = [c.value for c in summary[4]]
    assert header[:7] == ["Kode", "Nama", "Pekerja", "Peserta", "Cakupan (%)", "Unit", "Unit dengan peserta"]
    rows = {r[0]: r for r in summary.iter_rows(min_row=5, values_only=True)}
    assert set(rows) == {"13", "13.11", "13.02"} | {c.code for c in node.children}
    top = rows["13"]
    assert top[2:7] == (SOLOK_WORKERS + 3, 3, pytest.approx(0.2), 5, 3)
    assert rows["13.11"][2:5] == (3, 3, 100)
    assert rows["13.02"][2:5] == (SOLOK_WORKERS, 0, 0)
    assert dict(zip(header, rows["13.11"], strict=True)) == dict(
        zip(header, ["13.11", "Kabupaten Solok Selatan", 3, 3, 100, 3, 3, 2, 2, 1, 1, 0, 0], strict=True)
    )
    assert all(isinstance(cell.value, int | float) for cell in summary[5][2:])  # typed numbers, not text
    assert summary["A5"].data_type == "s" and summary["A5"].number_format == "@"  # "13" stays text

    programs = {r[0]: r for r in book["Per program"].iter_rows(min_row=5, values_only=True)}
    assert programs["13.11"][2:] == (3, 3, 3, 3, 0, 0)  # peserta, JKK, JKM, JHT, JP, JKP

    units = list(book["Unit tanpa peserta"].iter_rows(min_row=5, values_only=True))
    assert units == [
        ("13.02", "Pemerintah Kabupaten Solok", "DISDIK", "Dinas Pendidikan", "dinas"),
        ("13.02", "Pemerintah Kabupaten Solok", "PKM-01", NAME, "puskesmas"),
    ]
    nobody = list(book["Pemda tanpa peserta"].iter_rows(min_row=5, values_only=True))
    assert nobody[0] == ("13.02", "Pemerintah Kabupaten Solok")  # then the Pemda with no roster in lindung yet
    assert {code for code, _ in nobody} == {"13", *(c.code for c in node.children)} - {"13.11"}
    months = list(book["Tren bulanan"].iter_rows(min_row=5, values_only=True))
    assert len(months) == 12
    assert months[-1] == ("Mei 2024", SOLOK_WORKERS + 3, 3, pytest.approx(0.2), 3)
    assert months[0][0] == "Juni 2023"


def test_the_tables_follow_the_node_asked_for(province: tuple[Node, list[TrendPoint]]) -> None:
    employer = coverage_tree(ON, employer="13.11")
    tables = {t.title: t for t in coverage_tables(employer, ON)}
    assert "Tren bulanan" not in tables  # no trend given, no trend sheet
    assert [r[0] for r in tables["Ringkasan"].rows] == ["13.11", "DINKES", "NGR-PT", "SATPOLPP"]
    assert tables["Unit tanpa peserta"].rows == []
    assert tables["Pemda tanpa peserta"].rows == []


# --- PDF ---------------------------------------------------------------------------------------------


def test_the_coverage_pdf_says_the_figures_in_indonesian_and_names_who_to_follow_up(
    tmp_path: Path, province: tuple[Node, list[TrendPoint]]
) -> None:
    node, points = province
    path = write_coverage_pdf(tmp_path / "cakupan.pdf", node, ON, points)
    pages = pdf_text(path)
    text = re.sub(r"\s+", " ", " ".join(pages))
    assert "Laporan Cakupan Kepesertaan BPJS Ketenagakerjaan Pekerja Non-ASN" in text
    assert "Provinsi Sumatera Barat, per 25 Mei 2024" in text
    assert "3 dari 1.203 pekerja non-ASN (0,2%)" in text
    nobody = len(node.employers_without_enrolment)  # Kabupaten Solok and every Pemda with no roster yet
    assert nobody > 1 and f"{nobody} Pemda belum mendaftarkan siapa pun" in text
    assert "OPD 2 dari 4; nagari/desa 1 dari 1" in text
    assert "Kabupaten Solok Selatan 3 3 100,0%" in text  # a row of the table of children
    assert "untuk ditindaklanjuti" in text
    assert "Pemerintah Kabupaten Solok" in text
    assert "Dinas Pendidikan" in text
    assert NAME in text  # every letter of the name, read back from the embedded font
    assert "Tren cakupan bulanan" in text and "Jun 23" in text and "Mei 24" in text
    assert f"Halaman 1 dari {len(pages)}" in pages[0]
    assert "oleh lindung" in pages[-1]


def test_the_font_is_embedded_so_the_names_render_anywhere(
    tmp_path: Path, province: tuple[Node, list[TrendPoint]]
) -> None:
    node, points = province
    path = write_coverage_pdf(tmp_path / "cakupan.pdf", node, ON, points)
    fonts = pypdf.PdfReader(path).pages[0]["/Resources"]["/Font"]
    embedded = []
    for ref in fonts.values():
        font = ref.get_object()
        descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
        embedded.append((str(font["/BaseFont"]), "/FontFile2" in descriptor))
    assert embedded and all(has_file for _, has_file in embedded), embedded
    assert any("DejaVuSans" in name for name, _ in embedded)


def test_page_one_draws_text_and_the_trend_bars(tmp_path: Path, province: tuple[Node, list[TrendPoint]]) -> None:
    node, points = province
    path = write_coverage_pdf(tmp_path / "cakupan.pdf", node, ON, points)
    document = pypdfium2.PdfDocument(path)
    image = document[0].render(scale=1).to_pil().convert("RGB")
    document.close()
    colours = image.getcolors(maxcolors=1 << 24) or []
    dark = sum(n for n, (r, g, b) in colours if r + g + b < 200)
    bars = sum(n for n, colour in colours if colour == pdf.BAR)
    assert dark > 5_000  # text, not a blank page
    assert bars > 20  # the bars of the months with coverage


def test_the_coverage_pdf_of_a_place_with_nobody_on_the_roster_still_renders(tmp_path: Path) -> None:
    node = coverage_tree(ON, region="13")  # regions only: no Pemda, no worker
    path = write_coverage_pdf(tmp_path / "kosong.pdf", node, ON, trend(ON, 3, []))
    text = re.sub(r"\s+", " ", " ".join(pdf_text(path)))
    assert "0 dari 0 pekerja non-ASN di Provinsi Sumatera Barat terdaftar" in text  # no "(0,0%)": nothing to divide
    assert "Mei 2024 0 0 - 0" in text  # the trend table's row: coverage of nobody is "-", not 0%


def test_a_very_long_follow_up_list_is_cut_in_the_pdf_and_whole_in_the_xlsx(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, province: tuple[Node, list[TrendPoint]]
) -> None:
    node, points = province
    monkeypatch.setattr(pdf, "LIST_LIMIT", 1)
    text = re.sub(r"\s+", " ", " ".join(pdf_text(write_coverage_pdf(tmp_path / "c.pdf", node, ON, points))))
    assert "1 pertama dari 2; daftar lengkapnya ada di berkas .xlsx" in text
    assert "Dinas Pendidikan" in text
    assert NAME not in text
    book = openpyxl.load_workbook(write_coverage_xlsx(tmp_path / "c.xlsx", node, ON, points))
    assert book["Unit tanpa peserta"].max_row == 4 + 2


def test_numbers_are_written_as_an_indonesian_reader_writes_them() -> None:
    assert pdf.number(1135) == "1.135"
    assert pdf.number(2_200_000) == "2.200.000"
    assert pdf.number(Decimal("1234.5")) == "1.234,5"
    assert pdf.percent(Decimal("10.2")) == "10,2%"
    assert pdf.percent(Decimal("100.0")) == "100,0%"
    assert pdf.percent(None) == "-"
    assert pdf.date_label(dt.date(2018, 10, 4)) == "4 Oktober 2018"


def _table(rows: int, columns: int = 3) -> Table:
    cols = [Column("Nama pekerja", "text"), Column("Upah", "money"), Column("Cakupan", "percent")]
    cols += [Column(f"Kolom tambahan {i}", "int") for i in range(columns - 3)]
    return Table(
        "Daftar",
        cols,
        [[f"Pekerja {i:03d}", 1_135_000 + i, Decimal("10.2"), *range(columns - 3)] for i in range(rows)],
        note="Catatan tabel",
    )


def test_a_long_table_runs_onto_more_pages_with_its_header_repeated(tmp_path: Path) -> None:
    path = write_pdf(
        tmp_path / "t.pdf",
        title="Judul",
        subtitle="Sub",
        paragraphs=["Pembuka."],
        tables=[_table(150)],
        generated=dt.date(2018, 10, 4),
    )
    pages = pdf_text(path)
    assert len(pages) >= 3
    for n, page in enumerate(pages, start=1):
        assert "Nama pekerja" in page and "Upah" in page  # the header on every page
        assert f"Halaman {n} dari {len(pages)}" in page
        assert "Dibuat 4 Oktober 2018 oleh lindung" in page
    text = " ".join(pages)
    assert "Pekerja 000 1.135.000 10,2%" in text
    assert "Pekerja 149 1.135.149 10,2%" in text
    assert text.count("Pekerja ") == 150


def test_a_wide_table_turns_the_page_to_landscape(tmp_path: Path) -> None:
    narrow = write_pdf(tmp_path / "n.pdf", title="T", subtitle="", paragraphs=[], tables=[_table(3)])
    wide = write_pdf(tmp_path / "w.pdf", title="T", subtitle="", paragraphs=[], tables=[_table(3, columns=14)])
    portrait = pypdf.PdfReader(narrow).pages[0].mediabox
    landscape = pypdf.PdfReader(wide).pages[0].mediabox
    assert portrait.width < portrait.height
    assert landscape.width > landscape.height
    assert "Kolom tambahan 10" in re.sub(r"\s+", " ", pdf_text(wide)[0])


def test_a_missing_font_names_the_debian_package_to_install(tmp_path: Path, settings: Any) -> None:
    settings.FONT_DIR = tmp_path
    with pytest.raises(FontNotInstalled, match="fonts-dejavu-core") as caught:
        write_pdf(tmp_path / "x.pdf", title="T", subtitle="", paragraphs=[], tables=[])
    assert "make system-packages" in str(caught.value)
    assert not (tmp_path / "x.pdf").exists()
