"""Hostile and odd spreadsheets (issue 19): every encoding people's tools write, formulas, merged cells,
damaged workbooks, stray columns and oversized files. Each is read, or refused with a sentence; nothing
raises past the import, nothing is saved from a refused row."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

from lindung.domain.errors import ValidationFailed
from lindung.intake import jobs
from lindung.intake.services import ImportResult, import_roster
from lindung.registry.models import Worker
from tests.integration.factories import HEADER, row, solok_selatan, write_xlsx

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 23)
SITI = "1311015507900001"
BUDI = "1311011203850002"
ANI = "1311014508920003"


@pytest.fixture(autouse=True)
def employer() -> None:
    solok_selatan()


def run(path: Path, mode: str = "dry") -> ImportResult:
    return import_roster(path, "13.11", mode=mode, actor="test", today=TODAY)  # type: ignore[arg-type]


def csv_text(rows: list[list[str]]) -> str:
    return "\r\n".join(";".join(r) for r in [HEADER, *rows]) + "\r\n"


NAMES = ["Siti Aminah", "Désiré Müller", "Budi Santoso"]  # é and ü exist in Windows-1252 and in Latin-1
ROWS = [row(SITI, NAMES[0]), row(BUDI, NAMES[1]), row(ANI, NAMES[2])]


@pytest.mark.parametrize(
    "encoding, bom",
    [
        ("utf-8", b""),
        ("utf-8", b"\xef\xbb\xbf"),  # Excel's "CSV UTF-8"
        ("utf-16-le", b"\xff\xfe"),  # Excel's "Unicode Text", Notepad's "Unicode"
        ("utf-16-be", b"\xfe\xff"),
        ("utf-16-le", b""),  # UTF-16 whose byte-order mark was lost
        ("cp1252", b""),  # Excel's plain "CSV" on Windows
        ("latin-1", b""),
    ],
)
def test_every_encoding_peoples_tools_write_is_read(tmp_path: Path, encoding: str, bom: bytes) -> None:
    path = tmp_path / "r.csv"
    path.write_bytes(bom + csv_text(ROWS).encode(encoding))
    result = run(path, "commit")
    assert (result.rows, result.rejected, result.new) == (3, 0, 3), result.issues
    assert sorted(Worker.objects.values_list("name", flat=True)) == sorted(NAMES)


@pytest.mark.parametrize(
    "content, words",
    [
        # Shift-JIS: its "、" is 0x81 0x41, and 0x81 is a byte Windows-1252 leaves undefined.
        (csv_text([row(SITI, "Siti、Aminah")]).encode("shift_jis"), "pengodean teksnya tidak dikenali (bait ke-"),
        (b"NIK;Nama;Kode Unit\n" + bytes(range(32)) * 4, "bukan teks"),
        ("NIK;Nama".encode("utf-32"), "bukan teks"),
        (b"PK\x03\x04" + b"\x00" * 200, "buku kerja Excel (.xlsx)"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 200, "Excel lama (.xls)"),
    ],
)
def test_anything_else_is_refused_with_a_sentence_and_nothing_saved(tmp_path: Path, content: bytes, words: str) -> None:
    path = tmp_path / "r.csv"
    path.write_bytes(content)
    with pytest.raises(ValidationFailed) as refused:
        run(path, "commit")
    message = str(refused.value)
    assert words in message and "CSV UTF-8" in message and "r.csv" in message
    assert Worker.objects.count() == 0


def test_the_refusal_is_in_english_when_asked(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_bytes(b"NIK\x00;Nama\x00")
    with pytest.raises(ValidationFailed, match="it is not text"):
        import_roster(path, "13.11", actor="test", today=TODAY, lang="en")


FORMULAS = ["=cmd|' /C calc'!A0", "@SUM(A1)", '+HYPERLINK("http://x")', "-2+3", "\t=1+1", "\rSiti"]


def test_text_that_a_spreadsheet_reads_as_a_formula_is_refused_row_by_row(tmp_path: Path) -> None:
    niks = [f"13110155079000{i:02d}" for i in range(1, len(FORMULAS) + 1)]
    rows = [row(nik, name) for nik, name in zip(niks, FORMULAS, strict=True)]
    rows.append(row("1311015507900099", "Rina Marlina", job="=1+1"))  # a job title too
    rows.append(row("1311015507900098", "Dewi Lestari", job="-"))  # a lone dash is people's "none"
    path = tmp_path / "r.csv"
    path.write_text(csv_text(rows).replace("\r\n", "\n"), encoding="utf-8")
    result = run(path, "partial")
    formula = [(i.row, i.column) for i in result.issues if i.code == "TEXT_FORMULA"]
    assert formula == [(r, "Nama Lengkap") for r in range(2, 2 + len(FORMULAS))] + [(8, "Jabatan")]
    leading = {i.row: i.message for i in result.issues if i.code == "TEXT_FORMULA"}
    assert '"="' in leading[2] and '"@"' in leading[3] and "tab" in leading[6] and "CR" in leading[7]
    assert result.rejected == len(FORMULAS) + 1
    assert list(Worker.objects.values_list("name", flat=True)) == ["Dewi Lestari"]


def test_markup_in_a_name_is_refused(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "r.xlsx", [row(SITI, "<script>alert(1)</script>"), row(BUDI, "Budi &amp; Co")])
    result = run(path, "partial")
    assert {(i.row, i.code) for i in result.issues if i.severity == "error"} == {(2, "NAME_MARKUP"), (3, "NAME_MARKUP")}
    assert Worker.objects.count() == 0


def test_a_formula_cell_in_a_workbook_is_reported_with_its_row_and_column(tmp_path: Path) -> None:
    path = tmp_path / "r.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Daftar Pekerja")
    sheet.write_row(0, 0, HEADER)
    sheet.write_row(1, 0, row(SITI, "Siti Aminah"))
    sheet.write_row(2, 0, row(BUDI, "x"))
    sheet.write_formula(2, 1, '=PROPER("budi santoso")', None, "Budi Santoso")  # with a stored result
    sheet.write_row(3, 0, row(ANI, "Ani Lestari"))
    sheet.write_formula(3, 6, "=2000000+500000")  # Gaji, no stored result
    book.close()
    result = run(path, "partial")
    cells = [(i.row, i.column, i.code) for i in result.issues if i.code == "CELL_FORMULA"]
    assert cells == [(3, "Nama Lengkap", "CELL_FORMULA"), (4, "Gaji", "CELL_FORMULA")]
    message = next(i.message for i in result.issues if i.row == 4 and i.code == "CELL_FORMULA")
    assert message.startswith("Sel berisi rumus (=2000000+500000)") and "Tempel Spesial > Nilai" in message
    assert list(Worker.objects.values_list("name", flat=True)) == ["Siti Aminah"]


def test_merged_cells_are_expanded_to_every_row_they_cover_with_a_warning_naming_the_range(tmp_path: Path) -> None:
    path = tmp_path / "r.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Daftar Pekerja")
    sheet.merge_range(0, 0, 0, 1, "")  # nothing above the header is a title here, but merges there are ignored
    sheet.write_row(0, 0, HEADER)
    for r, (nik, name) in enumerate([(SITI, "Siti Aminah"), (BUDI, "Budi Santoso"), (ANI, "Ani Lestari")], 1):
        sheet.write_row(r, 0, row(nik, name, unit=""))
    sheet.merge_range("D2:D4", "SATPOLPP")  # Kode Unit merged over three workers
    sheet.write_row(5, 0, [""] * len(HEADER))  # a blank row below stays blank
    book.close()
    result = run(path, "commit")
    assert (result.rows, result.rejected) == (3, 0), result.issues
    merged = [(i.row, i.column, i.severity) for i in result.issues if i.code == "CELL_MERGED"]
    assert merged == [(2, "Kode Unit", "warning"), (3, "Kode Unit", "warning"), (4, "Kode Unit", "warning")]
    assert "D2:D4" in next(i.message for i in result.issues if i.code == "CELL_MERGED")
    units = set(Worker.objects.values_list("employments__unit__code", flat=True))
    assert units == {"SATPOLPP"}


def test_a_damaged_workbook_gets_one_sentence_and_no_library_text(tmp_path: Path) -> None:
    good = write_xlsx(tmp_path / "good.xlsx", [row(SITI, "Siti Aminah")])
    data = good.read_bytes()
    cases = {
        "cut.xlsx": data[: len(data) // 2],  # cut short in transit
        "old.xlsx": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512,  # an .xls, or a password-protected book
        "empty-zip.xlsx": b"PK\x05\x06" + b"\x00" * 18,
    }
    other = tmp_path / "no-sheet.xlsx"
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    cases[other.name] = other.read_bytes()
    for name, content in cases.items():
        path = tmp_path / name
        path.write_bytes(content)
        with pytest.raises(ValidationFailed) as refused:
            run(path)
        message = str(refused.value)
        assert message.startswith(f"Berkas {name} bukan berkas Excel (.xlsx) yang dapat dibuka"), message
        for library in ("calamine", "Zip", "EOCD", "Error", "error:"):
            assert library not in message, message
    with pytest.raises(ValidationFailed, match="dilindungi kata sandi"):
        run(tmp_path / "old.xlsx")


def test_thousands_of_stray_columns_are_one_warning(tmp_path: Path) -> None:
    header = [*HEADER, *[f"Kolom {i}" for i in range(10_000)]]
    values = [*row(SITI, "Siti Aminah"), *[""] * 10_000]
    path = tmp_path / "r.csv"
    path.write_text(";".join(header) + "\n" + ";".join(values) + "\n", encoding="utf-8")
    result = run(path)
    unknown = [i for i in result.issues if i.code.startswith("HEADER_UNKNOWN")]
    assert [i.code for i in unknown] == ["HEADER_UNKNOWN_MANY"]
    assert unknown[0].message.startswith('10.000 kolom tidak dikenal dan diabaikan: "Kolom 0"')
    assert result.rejected == 0
    # A few stray columns are still named one by one.
    few = tmp_path / "few.csv"
    few.write_text(";".join([*HEADER, "Catatan", "Paraf"]) + "\n" + ";".join([*row(SITI, "Siti"), "", ""]) + "\n")
    assert [i.value for i in run(few).issues if i.code == "HEADER_UNKNOWN"] == ["Catatan", "Paraf"]


def test_the_size_refusal_states_the_real_size_and_the_limit() -> None:
    with pytest.raises(ValidationFailed) as refused:
        jobs.check_upload("dinkes.csv", 52_428_801)
    assert str(refused.value).startswith(
        "Berkas dinkes.csv terlalu besar: 52,4 MB (52.428.801 bait); paling besar 50 MB."
    )
    jobs.check_upload("dinkes.csv", 50_000_000)  # the limit itself is allowed


def test_the_error_workbook_of_a_hostile_file_keeps_formulas_as_text(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text(csv_text([row(SITI, '=HYPERLINK("http://x","klik")')]), encoding="utf-8")
    errors = tmp_path / "galat.xlsx"
    import_roster(path, "13.11", actor="test", today=TODAY, errors_out=errors)
    cell = openpyxl.load_workbook(errors)["Daftar Pekerja"]["B2"]
    assert cell.data_type == "s" and cell.value == '=HYPERLINK("http://x","klik")'
