"""Roster import: every problem reported, dry run by default, all-or-nothing, idempotent, history kept."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import openpyxl
import pytest
from django.contrib.auth.models import User

from lindung.accounts.roles import Role
from lindung.accounts.scope import Scope
from lindung.domain.errors import NotFound, ValidationFailed
from lindung.intake import bulk, jobs
from lindung.intake.services import ImportResult, import_roster
from lindung.intake.workbooks import PROBLEM_COLUMN, write_template
from lindung.registry.models import Change, ChangeSet, Employment, Worker
from tests.integration.factories import HEADER, row, solok_selatan, write_csv, write_xlsx

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 23)
SITI = "1311015507900001"  # 13.11.01, a woman born 15 July 1990
BUDI = "1311011203850002"  # 13.11.01, a man born 12 March 1985


def run(path: Path, mode: str = "dry", **kw: object) -> ImportResult:
    return import_roster(path, "13.11", mode=mode, actor="test", today=TODAY, **kw)  # type: ignore[arg-type]


def found(result: ImportResult) -> set[tuple[int | None, str, str]]:
    return {(i.row, i.code, i.column or "") for i in result.issues}


@pytest.fixture
def employer() -> None:
    solok_selatan()


@pytest.mark.usefixtures("employer")
def test_a_clean_file_is_a_dry_run_until_committed(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", [row(SITI, "Siti Aminah", sex="P"), row(BUDI, "Budi Santoso", unit="NGR-PT")])
    dry = run(path)
    assert (dry.rows, dry.new, dry.rejected, dry.committed) == (2, 2, 0, False)
    assert Worker.objects.count() == 0
    done = run(path, "commit")
    assert done.committed
    siti = Worker.objects.get(nik=SITI)
    assert (siti.name, siti.sex, siti.birth_date) == ("Siti Aminah", "P", dt.date(1990, 7, 15))
    job = siti.employments.get()
    assert (job.unit.code, job.category, job.wage, job.start_date) == (
        "DINKES",
        "thl",
        2_500_000,
        dt.date(2024, 1, 2),
    )


@pytest.mark.usefixtures("employer")
def test_importing_the_same_file_twice_changes_nothing_the_second_time(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", [row(SITI, "Siti Aminah"), row(BUDI, "Budi Santoso")])
    run(path, "commit")
    changes = Change.objects.count()
    again = run(path, "commit")
    assert (again.new, again.changed, again.unchanged, again.committed) == (0, 0, 2, False)
    assert Employment.objects.count() == 2
    assert Change.objects.count() == changes


@pytest.mark.usefixtures("employer")
def test_every_problem_is_reported_by_row_and_column_not_only_the_first(tmp_path: Path) -> None:
    rows = [
        row(SITI, "Siti Aminah"),  # 2: fine
        row("3.20101E+15", "Excel Rusak"),  # 3
        row(SITI, "Siti Lagi"),  # 4: same NIK again
        row(
            "1311013102900003",
            "Tanggal Salah",
            unit="XXX",
            category="pegawai",
            wage="abc",
            start="32/13/2020",
        ),
        row(BUDI, "Budi", sex="P"),  # 6: NIK says man
        row("1311011203850003", "Murah", wage="900000"),  # 7: warning only
        row("1311011203850004", "", wage="-5", start=""),  # 8
        row("1311011203850005", "Sen", wage="2.500.000,50"),  # 9
        row("1311011203850006", "Dini", start="01/01/1995"),  # 10: before 15 years old
    ]
    result = run(write_csv(tmp_path / "r.csv", rows))
    issues = found(result)
    assert {
        (3, "NIK_EXCEL_SCIENTIFIC", "NIK"),
        (4, "DUPLICATE_NIK", "NIK"),
        (5, "NIK_DATE", "NIK"),
        (5, "UNIT_UNKNOWN", "Kode Unit"),
        (5, "CATEGORY_UNKNOWN", "Kategori"),
        (5, "WAGE_INVALID", "Gaji"),
        (5, "DATE_INVALID", "TMT"),
        (6, "SEX_MISMATCH", "L/P"),
        (7, "WAGE_BELOW_FLOOR", "Gaji"),
        (8, "REQUIRED", "Nama Lengkap"),
        (8, "REQUIRED", "TMT"),
        (8, "WAGE_NOT_POSITIVE", "Gaji"),
        (9, "WAGE_FRACTION", "Gaji"),
        (10, "START_BEFORE_15", "TMT"),
    } <= issues
    assert not any(r == 2 for r, _, _ in issues)
    duplicate = next(i for i in result.issues if i.code == "DUPLICATE_NIK")
    assert "baris 2" in duplicate.message and duplicate.value == SITI
    assert (result.rows, result.rejected, result.warned, result.new) == (9, 7, 1, 2)


@pytest.mark.usefixtures("employer")
def test_messages_are_in_english_when_asked(tmp_path: Path) -> None:
    result = run(write_csv(tmp_path / "r.csv", [row(SITI, "Siti", unit="XXX")]), lang="en")
    assert result.issues[0].message == 'Work unit "XXX" is not registered for this employer.'


@pytest.mark.usefixtures("employer")
def test_commit_is_all_or_nothing_and_partial_writes_the_valid_rows(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", [row(SITI, "Siti Aminah"), row(BUDI, "Budi", unit="XXX")])
    refused = run(path, "commit")
    assert (refused.rejected, refused.committed) == (1, False)
    assert Worker.objects.count() == 0
    partial = run(path, "partial")
    assert partial.committed
    assert list(Worker.objects.values_list("nik", flat=True)) == [SITI]


@pytest.mark.usefixtures("employer")
def test_an_interrupted_import_leaves_the_database_as_it_was(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_csv(tmp_path / "r.csv", [row(SITI, "Siti Aminah"), row(BUDI, "Budi Santoso")])
    real_insert = bulk.insert_frame

    def fail_on_employments(table: str, *args: object, **kwargs: object) -> None:
        if table == "registry_employment":
            raise KeyboardInterrupt  # the clerk pressed Ctrl-C after the workers were written
        real_insert(table, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr("lindung.intake.services.insert_frame", fail_on_employments)
    changesets = ChangeSet.objects.count()
    with pytest.raises(KeyboardInterrupt):
        run(path, "commit")
    assert Worker.objects.count() == 0
    assert ChangeSet.objects.count() == changesets


@pytest.mark.usefixtures("employer")
def test_a_wage_change_is_recorded_with_who_when_before_and_after(tmp_path: Path) -> None:
    run(write_csv(tmp_path / "a.csv", [row(SITI, "Siti Aminah")]), "commit")
    result = run(write_csv(tmp_path / "b.csv", [row(SITI, "Siti Aminah", wage="Rp 2.750.000")]), "commit")
    assert (result.changed, result.new) == (1, 0)
    job = Employment.objects.get()
    assert job.wage == 2_750_000
    change = Change.objects.get(model="registry.employment", object_id=str(job.pk))
    assert (change.action, change.before, change.after) == (
        "update",
        {"wage": 2_500_000},
        {"wage": 2_750_000},
    )
    assert change.changeset.actor == "test"
    assert "b.csv" in change.changeset.source


@pytest.mark.usefixtures("employer")
def test_an_empty_optional_cell_never_erases_what_is_recorded(tmp_path: Path) -> None:
    header = [*HEADER, "No HP"]
    run(write_csv(tmp_path / "a.csv", [[*row(SITI, "Siti Aminah"), "081234567890"]], header), "commit")
    again = run(write_csv(tmp_path / "b.csv", [[*row(SITI, "Siti Aminah"), ""]], header), "commit")
    assert again.unchanged == 1
    assert Worker.objects.get().phone == "081234567890"


@pytest.mark.usefixtures("employer")
def test_a_worker_active_in_another_unit_needs_a_transfer_mark(tmp_path: Path) -> None:
    run(write_csv(tmp_path / "a.csv", [row(SITI, "Siti Aminah", unit="DINKES")]), "commit")
    moved = [row(SITI, "Siti Aminah", unit="SATPOLPP", start="01/03/2025")]
    refused = run(write_csv(tmp_path / "b.csv", moved))
    assert (2, "OTHER_UNIT", "Kode Unit") in found(refused)
    assert "DINKES" in refused.issues[0].message
    transfer = run(write_csv(tmp_path / "c.csv", [[*moved[0], "Ya"]], [*HEADER, "Mutasi"]), "commit")
    assert (transfer.changed, transfer.rejected) == (1, 0)
    old, new = Employment.objects.order_by("start_date")
    assert (old.unit.code, old.end_date) == ("DINKES", dt.date(2025, 2, 28))
    assert (new.unit.code, new.end_date) == ("SATPOLPP", None)
    assert Change.objects.filter(action="end", object_id=str(old.pk)).exists()


@pytest.mark.usefixtures("employer")
def test_an_exit_is_an_end_date_never_a_delete(tmp_path: Path) -> None:
    header = [*HEADER, "Tanggal Selesai"]
    run(write_csv(tmp_path / "a.csv", [[*row(SITI, "Siti Aminah"), ""]], header), "commit")
    result = run(write_csv(tmp_path / "b.csv", [[*row(SITI, "Siti Aminah"), "30/06/2026"]], header), "commit")
    assert result.changed == 1
    assert Employment.objects.get().end_date == dt.date(2026, 6, 30)
    assert Worker.objects.filter(nik=SITI).exists()


@pytest.mark.usefixtures("employer")
def test_workers_missing_from_a_reimport_of_a_unit_are_listed_not_ended(tmp_path: Path) -> None:
    run(write_csv(tmp_path / "a.csv", [row(SITI, "Siti Aminah"), row(BUDI, "Budi Santoso")]), "commit")
    result = run(write_csv(tmp_path / "b.csv", [row(SITI, "Siti Aminah")]), "commit")
    assert [(m.unit, m.name, m.nik) for m in result.not_in_file] == [("DINKES", "Budi Santoso", "1311********0002")]
    assert Employment.objects.filter(end_date__isnull=True).count() == 2


@pytest.mark.usefixtures("employer")
def test_a_unit_given_on_the_command_line_fills_the_unit_column(tmp_path: Path) -> None:
    header = [h for h in HEADER if h != "Kode Unit"]
    rows = [[c for i, c in enumerate(row(SITI, "Siti Aminah")) if HEADER[i] != "Kode Unit"]]
    result = run(write_csv(tmp_path / "r.csv", rows, header), "commit", unit="NGR-PT")
    assert result.new == 1
    assert Employment.objects.get().unit.code == "NGR-PT"


@pytest.mark.usefixtures("employer")
def test_xlsx_with_excel_numbers_dates_and_a_destroyed_nik(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        [SITI, "Siti Aminah", "P", "DINKES", "THL", "Sopir", 2500000, 45293],  # wage and date as numbers
        [1311011507900010, "Angka", "", "DINKES", "THL", "Sopir", 2500000, "02/01/2024"],  # NIK as a number
    ]
    result = run(write_xlsx(tmp_path / "r.xlsx", rows))
    assert found(result) == {(3, "NIK_EXCEL_NUMBER", "NIK")}
    assert "Teks" in result.issues[0].message
    run(write_xlsx(tmp_path / "r.xlsx", rows[:1]), "commit")
    job = Employment.objects.get()
    assert (job.wage, job.start_date) == (2_500_000, dt.date(2024, 1, 2))


@pytest.mark.usefixtures("employer")
def test_the_error_workbook_highlights_problem_cells_and_explains_them(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", [row(SITI, "Siti Aminah"), row(BUDI, "Budi", wage="900000", unit="XXX")])
    out = tmp_path / "galat.xlsx"
    run(path, errors_out=out)
    sheet = openpyxl.load_workbook(out).active
    assert sheet is not None
    header = [c.value for c in sheet[1]]
    assert header == [*HEADER, PROBLEM_COLUMN]
    assert sheet.cell(2, 1).value == SITI  # NIKs survive as text
    unit_cell, wage_cell = (
        sheet.cell(3, HEADER.index("Kode Unit") + 1),
        sheet.cell(3, HEADER.index("Gaji") + 1),
    )
    assert unit_cell.fill.fgColor.rgb.endswith("F8CBAD")  # error: red
    assert wage_cell.fill.fgColor.rgb.endswith("FFE699")  # warning: yellow
    assert sheet.cell(2, HEADER.index("Kode Unit") + 1).fill.fgColor.rgb in (None, "00000000")
    explanation = sheet.cell(3, len(HEADER) + 1).value
    assert "XXX" in explanation and "Rp1.000.000" in explanation
    assert not sheet.cell(2, len(HEADER) + 1).value


@pytest.mark.usefixtures("employer")
def test_the_error_file_can_be_csv(tmp_path: Path) -> None:
    out = tmp_path / "galat.csv"
    run(write_csv(tmp_path / "r.csv", [row(SITI, "Siti", unit="XXX")]), errors_out=out)
    text = out.read_text(encoding="utf-8-sig")
    assert PROBLEM_COLUMN in text.splitlines()[0] and "XXX" in text.splitlines()[1]


@pytest.mark.usefixtures("employer")
def test_the_template_has_notes_dropdowns_text_niks_and_an_example_that_import_skips(tmp_path: Path) -> None:
    from lindung.registry.models import Employer

    out = tmp_path / "templat.xlsx"
    write_template(out, Employer.objects.get(region_id="13.11"))
    book = openpyxl.load_workbook(out)
    sheet = book["Daftar Pekerja"]
    assert sheet.cell(1, 1).value == "NIK *" and sheet.cell(1, 1).comment is not None
    assert sheet.column_dimensions["A"].number_format == "@"
    sources = {dv.formula1 for dv in sheet.data_validations.dataValidation}
    assert "Pilihan!$A$2:$A$11" in sources and "Pilihan!$C$2:$C$4" in sources
    assert [book["Pilihan"].cell(r, 3).value for r in (2, 3, 4)] == ["DINKES", "NGR-PT", "SATPOLPP"]
    with pytest.raises(ValidationFailed, match="tidak berisi baris data"):
        run(out)  # only the example row: skipped


def test_unknown_employer_and_unreadable_files_get_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(NotFound, match="belum terdaftar"):
        run(write_csv(tmp_path / "r.csv", [row(SITI, "Siti")]))
    solok_selatan()
    (tmp_path / "x.pdf").write_bytes(b"%PDF-1.4")
    with pytest.raises(ValidationFailed, match="tidak didukung"):
        run(tmp_path / "x.pdf")
    with pytest.raises(NotFound, match="tidak ditemukan"):
        run(tmp_path / "hilang.csv")
    (tmp_path / "x.xlsx").write_bytes(b"not a zip")
    with pytest.raises(ValidationFailed, match="bukan berkas Excel"):
        run(tmp_path / "x.xlsx")
    with pytest.raises(ValidationFailed) as missing:
        run(write_csv(tmp_path / "h.csv", [[SITI, "Siti"]], ["NIK", "Nama"]))
    assert {i.code for i in missing.value.issues} == {"HEADER_MISSING"}


@pytest.mark.usefixtures("employer")
def test_a_csv_row_with_more_fields_than_the_header_is_refused_not_truncated(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text(",".join(HEADER) + "\n" + ",".join(row(SITI, "Siti Aminah", wage="2,500,000")) + "\n")
    with pytest.raises(ValidationFailed, match="tanda kutip"):
        run(path)
    assert Worker.objects.count() == 0


@pytest.mark.usefixtures("employer")
def test_a_header_given_twice_is_refused(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", [[*row(SITI, "Siti Aminah"), "x"]], [*HEADER, "NIK KTP"])
    with pytest.raises(ValidationFailed) as refused:
        run(path)
    assert [(i.code, i.value) for i in refused.value.issues] == [("HEADER_DUPLICATE", "NIK KTP")]


@pytest.mark.usefixtures("employer")
def test_a_sheet_that_starts_lower_and_further_right_keeps_its_row_numbers(tmp_path: Path) -> None:
    import xlsxwriter

    path = tmp_path / "r.xlsx"
    book = xlsxwriter.Workbook(str(path))
    book.add_worksheet("Sampul").write(0, 0, "Daftar pekerja Dinas Kesehatan")
    sheet = book.add_worksheet("Data")
    sheet.write_row(2, 1, HEADER)  # the header on row 3 from column B
    sheet.write_row(3, 1, row(SITI, "Siti Aminah", unit="XXX"))
    sheet.write_number(4, 1, 1311011507900010)  # a NIK that Excel turned into a number, in column B
    sheet.write_row(4, 2, row(BUDI, "Angka")[1:])
    book.close()
    result = run(path)
    assert found(result) == {(4, "UNIT_UNKNOWN", "Kode Unit"), (5, "NIK_EXCEL_NUMBER", "NIK")}


@pytest.mark.usefixtures("employer")
def test_text_longer_than_the_registry_keeps_is_refused_before_writing(tmp_path: Path) -> None:
    result = run(write_csv(tmp_path / "r.csv", [row(SITI, "A" * 201)]), "commit")
    assert (2, "TOO_LONG", "Nama Lengkap") in found(result)
    assert Worker.objects.count() == 0


@pytest.mark.usefixtures("employer")
def test_units_are_matched_by_exact_code_or_by_a_name_no_other_unit_has(tmp_path: Path) -> None:
    from lindung.registry.models import Employer, WorkUnit

    employer = Employer.objects.get(region_id="13.11")
    WorkUnit.objects.create(employer=employer, code="SD-1", name="SD Negeri 1", kind="sekolah")
    WorkUnit.objects.create(employer=employer, code="SD.1", name="SD Negeri 1", kind="sekolah")
    rows = [
        row(SITI, "Siti", unit="sd-1"),
        row(BUDI, "Budi", unit="SD Negeri 1"),
        row("1311011203850003", "Cici", unit="Dinas Kesehatan"),
    ]
    result = run(write_csv(tmp_path / "r.csv", rows), "partial")
    assert found(result) == {(3, "UNIT_UNKNOWN", "Kode Unit")}  # the name is ambiguous
    assert dict(Employment.objects.values_list("worker__nik", "unit__code")) == {
        SITI: "SD-1",
        "1311011203850003": "DINKES",
    }


@pytest.mark.usefixtures("employer")
def test_a_transfer_records_the_old_end_date_and_cannot_start_before_the_old_job(tmp_path: Path) -> None:
    header = [*HEADER, "Tanggal Selesai"]
    run(write_csv(tmp_path / "a.csv", [[*row(SITI, "Siti Aminah"), "31/12/2026"]], header), "commit")
    moved = [*HEADER, "Mutasi"]
    early = run(
        write_csv(tmp_path / "b.csv", [[*row(SITI, "Siti Aminah", unit="SATPOLPP", start="01/01/2023"), "Ya"]], moved)
    )
    assert (2, "TRANSFER_BEFORE_START", "TMT") in found(early)
    run(
        write_csv(tmp_path / "c.csv", [[*row(SITI, "Siti Aminah", unit="SATPOLPP", start="01/07/2025"), "Ya"]], moved),
        "commit",
    )
    end = Change.objects.get(action="end")
    assert end.before == {"end_date": "2026-12-31", "unit": "DINKES"}
    assert end.after == {"end_date": "2025-06-30", "transfer_to": "SATPOLPP"}


@pytest.mark.usefixtures("employer")
def test_a_past_period_never_overwrites_the_recorded_employment(tmp_path: Path) -> None:
    header = [*HEADER, "Tanggal Selesai"]
    run(write_csv(tmp_path / "a.csv", [[*row(SITI, "Siti Aminah", start="01/01/2022"), ""]], header), "commit")
    old = [[*row(SITI, "Siti Aminah", start="01/01/2019"), "31/12/2021"]]
    result = run(write_csv(tmp_path / "b.csv", old, header), "commit")
    assert (2, "PAST_PERIOD", "Tanggal Selesai") in found(result)
    job = Employment.objects.get()
    assert (job.start_date, job.end_date) == (dt.date(2022, 1, 1), None)


@pytest.mark.usefixtures("employer")
def test_the_changeset_names_the_file_and_the_first_16_hex_of_its_sha256(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "dinkes.csv", [row(SITI, "Siti Aminah")])
    result = run(path, "commit")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    assert ChangeSet.objects.get(pk=result.changeset_id).source == f"roster import dinkes.csv sha256:{digest}"


def test_a_job_hands_its_employer_and_the_digest_of_its_upload_to_the_import(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    employer = solok_selatan()
    data = write_csv(tmp_path / "dinkes.csv", [row(SITI, "Siti Aminah")]).read_bytes()
    user = User.objects.create(username="admin")
    admin = Scope(user.pk, Role.ADMIN, frozenset({employer.pk}), employer_code=employer.region_id)
    job = jobs.start_job(admin, [data], "dinkes.csv", len(data), None, None)
    assert job.sha256 == hashlib.sha256(data).hexdigest()

    def refetched(code: str) -> None:
        raise AssertionError(f"the employer {code} was looked up again")

    def rehashed(path: Path) -> str:
        raise AssertionError(f"{path.name} was hashed again")

    monkeypatch.setattr("lindung.intake.services.get_employer", refetched)
    monkeypatch.setattr("lindung.intake.services._sha256_of", rehashed)
    done = jobs.run_job(str(job.pk), "commit", "clerk", today=TODAY)
    assert done.status == "committed", done.message
    source = ChangeSet.objects.get(pk=done.changeset_id).source
    assert source == f"roster import dinkes.csv sha256:{job.sha256[:16]}"
