"""Coverage of all workers per region: workforce and participant files, and the non-ASN coverage beside it."""

from __future__ import annotations

import datetime as dt
import json
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from lindung.coverage.models import RegionalFigure
from lindung.coverage.regional import (
    check_regional,
    import_regional,
    parse_month,
    read_regional,
    region_code,
    regional_coverage,
    whole_number,
)
from lindung.domain.errors import NotFound, ValidationFailed
from lindung.regions.models import Region
from lindung.registry.models import Change, ChangeSet
from tests.integration.factories import write_csv, write_xlsx
from tests.integration.test_cli import database_url, lindung, workdir
from tests.integration.test_targets import enrolled_pemda
from tests.workbooks import read_book

__all__ = ["database_url", "workdir"]  # fixtures shared with test_cli.py

HEADER = ["Kode Wilayah", "Periode", "Penduduk Bekerja", "Peserta Aktif BPJS TK", "Sumber"]
# Banjarnegara, October 2022 (the story's 10.2%): BPS working population and BPJS TK active participants.
BANJARNEGARA = ["33.04", "2022-10", "557.843", "56.900", "BPS Sakernas Agustus 2022; BPJS TK Cabang Banjarnegara"]
WORKFORCE, PARTICIPANTS = 557_843, 56_900


def expected_percent(part: int, whole: int) -> Decimal:
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.1"), ROUND_HALF_UP)


@pytest.mark.parametrize(
    ("text", "value", "problem"),
    [
        ("557843", 557_843, None),
        ("557.843", 557_843, None),
        ("557,843", 557_843, None),
        ("557843.0", 557_843, None),  # a number cell read as text
        ("1.000.000,00", 1_000_000, None),
        ("", None, None),
        ("-5", None, "NEGATIVE"),
        ("10,5", None, "NOT_INTEGER"),
        ("sepuluh", None, "NOT_NUMBER"),
    ],
)
def test_counts_are_read_as_people_write_them(text: str, value: int | None, problem: str | None) -> None:
    assert whole_number(text) == (value, problem)


@pytest.mark.parametrize(
    ("text", "month"),
    [
        ("2022-10", dt.date(2022, 10, 1)),
        ("2022/10", dt.date(2022, 10, 1)),
        ("10/2022", dt.date(2022, 10, 1)),
        ("Oktober 2022", dt.date(2022, 10, 1)),
        ("2022-10-01 00:00:00", dt.date(2022, 10, 1)),  # Excel made a date of it
        ("2022-13", None),
        ("Okt", None),
    ],
)
def test_periods_are_read_as_people_write_them(text: str, month: dt.date | None) -> None:
    assert parse_month(text) == month


def test_a_kabkota_code_typed_as_a_number_gets_its_zero_back() -> None:
    assert (region_code("16.1"), region_code("16.10"), region_code(" 74 ")) == ("16.10", "16.10", "74")


@pytest.mark.django_db
def test_banjarnegaras_ten_point_two_percent_comes_out_of_the_file(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "wilayah.csv", [BANJARNEGARA], header=HEADER)
    result = import_regional(path, actor="t", today=dt.date(2024, 1, 1))
    assert (result.rows, result.created) == (1, 1)
    [row] = regional_coverage("33.04", dt.date(2022, 10, 1))
    assert (row.workforce, row.participants) == (WORKFORCE, PARTICIPANTS)
    assert row.coverage == expected_percent(PARTICIPANTS, WORKFORCE) == Decimal("10.2")
    assert row.on == dt.date(2022, 10, 31)
    assert (row.non_asn_workers, row.non_asn_coverage) == (0, None)  # Banjarnegara has no roster here
    assert json.loads(json.dumps(row.as_dict()))["coverage"] == 10.2


@pytest.mark.django_db
def test_the_same_file_twice_changes_nothing_and_a_new_figure_keeps_its_history(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "wilayah.csv", [BANJARNEGARA], header=HEADER)
    today = dt.date(2024, 1, 1)
    import_regional(path, actor="t", today=today)
    changesets = ChangeSet.objects.count()
    again = import_regional(path, actor="t", today=today)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    assert ChangeSet.objects.count() == changesets
    # a BPJS TK file with only the participants: the BPS workforce stays
    later = write_csv(
        tmp_path / "bpjs.csv",
        [["33.04", "Oktober 2022", "57000", "BPJS TK Cabang Banjarnegara"]],
        header=["Kode", "Bulan", "Peserta Aktif", "Sumber"],
    )
    updated = import_regional(later, actor="t", today=today)
    assert updated.updated == 1
    figure = RegionalFigure.objects.get(region_id="33.04")
    assert (figure.workforce, figure.participants) == (WORKFORCE, 57_000)
    change = Change.objects.get(model="coverage.regionalfigure", action="update")
    assert (change.before["participants"], change.after["participants"]) == (PARTICIPANTS, 57_000)
    assert change.after["workforce"] == WORKFORCE


@pytest.mark.django_db
def test_a_file_with_a_bad_row_changes_nothing_and_names_every_row(tmp_path: Path) -> None:
    rows = [
        BANJARNEGARA,
        ["99.99", "2022-10", "100", "10", ""],  # unknown region
        ["33.04", "2022-13", "100", "10", ""],  # bad period
        ["33.05", "2022-10", "-100", "10,5", ""],  # negative, not a whole number
        ["33.04.01", "2022-10", "100", "10", ""],  # a kecamatan
        ["33.04", "2022-10", "100", "10", ""],  # twice
        ["33.06", "2022-10", "", "", ""],  # no figure
        ["33.06", "2030-01", "100", "1", ""],  # a month still to come
    ]
    with pytest.raises(ValidationFailed) as refused:
        import_regional(write_csv(tmp_path / "bad.csv", rows, header=HEADER), actor="t", today=dt.date(2024, 1, 1))
    found = {(i.row, i.code) for i in refused.value.issues}
    assert {
        (3, "REGION_UNKNOWN"),
        (4, "PERIOD_INVALID"),
        (5, "COUNT_NEGATIVE"),
        (5, "COUNT_NOT_INTEGER"),
        (6, "REGION_LEVEL"),
        (7, "ROW_DUPLICATE"),
        (8, "FIGURES_MISSING"),
        (9, "PERIOD_FUTURE"),
    } == found
    assert not RegionalFigure.objects.exists()


def test_the_rules_judge_a_read_file_without_the_database(tmp_path: Path) -> None:
    rows = [BANJARNEGARA, ["33.04.01", "2022-10", "100", "10", ""], ["33.04", "2022-10", "100", "", ""]]
    sheet = read_regional(write_csv(tmp_path / "w.csv", rows, header=HEADER))
    assert sheet.labels["participants"] == "Peserta Aktif BPJS TK"
    levels = {"33.04": Region.Level.KABKOTA, "33.04.01": Region.Level.KECAMATAN}
    valid, issues = check_regional(sheet, levels, dt.date(2024, 1, 1))
    assert [(r.row, r.region, r.period, r.workforce, r.participants) for r in valid] == [
        (2, "33.04", dt.date(2022, 10, 1), WORKFORCE, PARTICIPANTS)
    ]
    assert [(i.row, i.code) for i in issues] == [(3, "REGION_LEVEL"), (4, "ROW_DUPLICATE")]
    assert check_regional(sheet, {}, dt.date(2024, 1, 1))[1][0].code == "REGION_UNKNOWN"


@pytest.mark.django_db
def test_more_participants_than_workers_is_recorded_with_a_warning(tmp_path: Path) -> None:
    # BPJS TK counts participants where their employer is registered: DKI Jakarta shows more than 100%.
    path = write_csv(tmp_path / "dki.csv", [["31", "2025-02", "5.200.000", "8.010.000", ""]], header=HEADER)
    result = import_regional(path, actor="t", today=dt.date(2025, 3, 1))
    assert [w.code for w in result.warnings] == ["PARTICIPANTS_ABOVE_WORKFORCE"]
    assert "Peserta aktif 8.010.000 melebihi penduduk bekerja 5.200.000" in result.warnings[0].message
    [row] = regional_coverage("31")
    assert row.coverage == expected_percent(8_010_000, 5_200_000) > 100


@pytest.mark.django_db
def test_an_xlsx_with_number_cells_and_excel_dates_is_read(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "wilayah.xlsx",
        [[16.1, "2022-10", 520_000, 41_600], ["16.08", "2022-11", 330000.0, 19_800]],
        header=["Kode Wilayah", "Periode", "Angkatan Kerja", "Peserta Aktif"],
    )
    assert import_regional(path, actor="t", today=dt.date(2024, 1, 1)).created == 2
    assert RegionalFigure.objects.get(region_id="16.10").participants == 41_600
    assert RegionalFigure.objects.get(region_id="16.08").workforce == 330_000


@pytest.mark.django_db
def test_the_non_asn_coverage_of_the_roster_stands_beside_the_regional_figure(tmp_path: Path) -> None:
    enrolled_pemda(tmp_path)  # 13.11: 4 on the roster on 31 May 2024, 3 enrolled
    rows = [
        ["13.11", "2024-05", "90.000", "9.000", ""],
        ["13.11", "2023-12", "89.000", "8.500", ""],
        ["13", "2024-05", "2.700.000", "700.000", ""],
    ]
    import_regional(write_csv(tmp_path / "w.csv", rows, header=HEADER), actor="t", today=dt.date(2024, 6, 1))
    december, may = regional_coverage("13.11", today=dt.date(2024, 6, 1))
    assert (may.period, may.on, may.non_asn_workers, may.non_asn_enrolled) == (
        dt.date(2024, 5, 1),
        dt.date(2024, 5, 31),
        4,
        3,
    )
    assert may.non_asn_coverage == expected_percent(3, 4)
    assert may.coverage == expected_percent(9_000, 90_000)
    assert (december.non_asn_workers, december.non_asn_enrolled) == (1, 0)  # only Siti was employed, not yet enrolled
    # the province adds up its Pemda
    [province] = regional_coverage("13", dt.date(2024, 5, 1), today=dt.date(2024, 6, 1))
    assert (province.non_asn_workers, province.non_asn_enrolled) == (4, 3)
    with pytest.raises(NotFound):
        regional_coverage("99")


def test_regional_commands_import_and_show(workdir: Path, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "wilayah.csv", [BANJARNEGARA], header=HEADER)
    imported = lindung("regional", "import", str(path), "--format", "json", cwd=workdir)
    assert imported.returncode == 0, imported.stderr
    assert json.loads(imported.stdout)["created"] == 1
    assert (
        json.loads(lindung("regional", "import", str(path), "--format", "json", cwd=workdir).stdout)["unchanged"] == 1
    )
    out = tmp_path / "wilayah.xlsx"
    show = lindung(
        "regional",
        "show",
        "--region",
        "33.04",
        "--period",
        "2022-10",
        "--xlsx",
        str(out),
        "--format",
        "json",
        cwd=workdir,
    )
    assert show.returncode == 0, show.stderr
    [period] = json.loads(show.stdout)["periods"]
    assert (period["period"], period["workforce"], period["participants"], period["coverage"]) == (
        "2022-10",
        WORKFORCE,
        PARTICIPANTS,
        float(expected_percent(PARTICIPANTS, WORKFORCE)),
    )
    sheet = read_book(out, read_only=True)["Cakupan wilayah 33.04"]
    [row] = list(sheet.iter_rows(min_row=5, values_only=True))
    assert (row[0], row[2], row[3], row[4], row[5]) == ("33.04", "2022-10", WORKFORCE, PARTICIPANTS, 10.2)
    text = lindung("regional", "show", "--region", "33.04", cwd=workdir)
    assert text.returncode == 0 and "10,2%" in text.stdout
    bad = write_csv(tmp_path / "bad.csv", [["33.04", "2022-10", "-1", "5", ""]], header=HEADER)
    refused = lindung("regional", "import", str(bad), cwd=workdir)
    assert refused.returncode == 1 and "negatif" in refused.stderr
    assert lindung("regional", "show", "--region", "33.04", "--period", "2022-1", cwd=workdir).returncode == 2
