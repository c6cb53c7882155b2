"""Targets per employer, unit and region: set, imported, and shown against the enrolled workers.

`enrolled_pemda` builds a small Solok Selatan through the real roster, enrolment, KPJ and billing
services; the inpres and regional tests use it too.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from lindung.billing.services import issue_invoice, record_payment
from lindung.coverage.models import Target
from lindung.coverage.targets import default_day, import_targets, set_target, targets_vs_actuals
from lindung.domain.errors import NotFound, ValidationFailed
from lindung.enrolment.services import add_agreement, enrol, import_kpj
from lindung.intake.services import import_roster
from lindung.registry.models import Change, ChangeSet
from lindung.registry.services import add_employer
from tests.integration.factories import solok_selatan, write_csv, write_xlsx
from tests.integration.test_cli import database_url, lindung, workdir
from tests.workbooks import read_book

__all__ = ["database_url", "workdir"]  # fixtures shared with test_cli.py

SITI = "1311015507900001"  # THL, DINKES, enrolled (PPU) with a KPJ
BUDI = "1311011203850002"  # Honorer, SATPOLPP, starts 20 May 2024 after the enrolment: not enrolled
RINA = "1311014107920003"  # pekerja rentan, NGR-PT, sponsored (BPU)
ANDI = "1311010101800004"  # pekerja rentan, NGR-PT, sponsored (BPU)
ROSTER_HEADER = ["NIK", "Nama Lengkap", "Kode Unit", "Kategori", "Upah Sebulan", "TMT"]
ON = dt.date(2024, 5, 25)
SITI_MAY = 13_500  # 2,500,000 x (JKK 0.24% + JKM 0.30%), PP 44/2015


def enrolled_pemda(tmp_path: Path) -> None:
    """Solok Selatan on 25 May 2024: 4 on the roster (2 non-ASN, 2 vulnerable), 3 enrolled (Siti PPU, Rina
    and Andi BPU), Siti with a KPJ; an agreement under Perbup 12/2023; May's PPU invoice paid on 10 June."""
    solok_selatan()
    rows = [
        [SITI, "Siti Aminah", "DINKES", "THL", "2500000", "2022-03-01"],
        [BUDI, "Budi Santoso", "SATPOLPP", "Honorer", "3000000", "2024-05-20"],
        [RINA, "Rina Marlina", "NGR-PT", "Pekerja Rentan (BPU)", "1000000", "2024-01-02"],
        [ANDI, "Andi Saputra", "NGR-PT", "Pekerja Rentan (BPU)", "1000000", "2024-01-02"],
    ]
    result = import_roster(
        write_csv(tmp_path / "roster.csv", rows, header=ROSTER_HEADER), "13.11", mode="commit", actor="t", today=ON
    )
    assert result.committed, [i.message for i in result.issues if i.severity == "error"]
    add_agreement(
        "13.11",
        programs="JKK,JKM",
        effective_from=dt.date(2024, 1, 1),
        actor="t",
        basis="perkada",
        basis_number="Perbup 12/2023",
        basis_date=dt.date(2023, 12, 20),
    )
    add_agreement("13.11", programs="JKK,JKM", effective_from=dt.date(2024, 1, 1), actor="t", segment="bpu", funders=[])
    enrolled = enrol("13.11", actor="t", on=dt.date(2024, 5, 10))
    assert enrolled.enrolled == 3, enrolled.as_dict()
    kpj = write_csv(tmp_path / "kpj.csv", [[SITI, "24011234567", "AKTIF"]], header=["NIK", "KPJ", "Status"])
    import_kpj(kpj, "13.11", actor="t")
    invoice = issue_invoice("13.11", dt.date(2024, 5, 1), actor="t").invoice
    assert invoice.total == SITI_MAY
    record_payment(invoice.number, amount=SITI_MAY, paid_on=dt.date(2024, 6, 10), billing_code="2103", actor="t")


@pytest.mark.django_db
def test_the_same_target_again_writes_nothing_and_a_new_count_keeps_its_history(tmp_path: Path) -> None:
    solok_selatan()
    target, written = set_target(2024, 4000, employer="13.11", note="usulan", actor="t")
    assert written and target.count == 4000 and target.employer is not None
    changesets = ChangeSet.objects.count()
    again, written = set_target(2024, 4000, employer="13.11", note="usulan", actor="t")
    assert not written and again.pk == target.pk and ChangeSet.objects.count() == changesets
    changed, written = set_target(2024, 4500, employer="13.11", note="usulan", actor="t")
    assert written and changed.pk == target.pk
    assert Target.objects.filter(year=2024).count() == 1
    change = Change.objects.get(model="coverage.target", object_id=str(target.pk), action="update")
    assert (change.before, change.after) == ({"count": 4000, "note": "usulan"}, {"count": 4500, "note": "usulan"})


@pytest.mark.django_db
def test_a_target_names_one_subject_that_exists() -> None:
    solok_selatan()
    set_target(2024, 10, employer="13.11", unit="DINKES", actor="t")
    set_target(2024, 900, region="13", actor="t")
    assert Target.objects.count() == 2
    with pytest.raises(ValidationFailed):
        set_target(2024, 10, employer="13.11", region="13", actor="t")
    with pytest.raises(ValidationFailed):
        set_target(2024, 10, actor="t")
    with pytest.raises(NotFound):
        set_target(2024, 10, employer="13.11", unit="NOPE", actor="t")
    with pytest.raises(NotFound):
        set_target(2024, 10, employer="16.08", actor="t")  # not registered
    with pytest.raises(NotFound):
        set_target(2024, 10, region="99", actor="t")
    with pytest.raises(ValidationFailed):
        set_target(2024, -1, employer="13.11", actor="t")
    with pytest.raises(ValidationFailed):
        set_target(2024, 10, region="13.11.01", actor="t")  # a kecamatan
    assert Target.objects.count() == 2


@pytest.mark.django_db
def test_an_imported_file_is_all_or_nothing_and_twice_changes_nothing(tmp_path: Path) -> None:
    solok_selatan()
    add_employer("16.08", None, "t")
    header = ["Tahun", "Kode Pemda", "Kode OPD", "Sasaran", "Jumlah", "Keterangan"]
    good = write_csv(
        tmp_path / "target.csv",
        [
            ["2024", "16.08", "", "", "4.000", "usulan Bupati OKU Timur"],
            ["2024", "13.11", "DINKES", "", "25", ""],
            ["2024", "16", "", "wilayah", "150000", ""],
        ],
        header=header,
    )
    first = import_targets(good, actor="t")
    assert (first.rows, first.created, first.updated, first.unchanged) == (3, 3, 0, 0)
    oku = Target.objects.get(employer__region_id="16.08", year=2024)
    assert (oku.count, oku.note) == (4000, "usulan Bupati OKU Timur")
    assert Target.objects.get(region_id="16").count == 150_000
    changesets = ChangeSet.objects.count()
    second = import_targets(good, actor="t")
    assert (second.created, second.updated, second.unchanged) == (0, 0, 3)
    assert ChangeSet.objects.count() == changesets

    bad = write_csv(
        tmp_path / "bad.csv",
        [
            ["2024", "16.08", "", "", "5000", ""],  # a fine update, but the file is rejected
            ["2024", "16.09", "", "", "100", ""],  # Pemda not registered
            ["2024", "13.11", "NOPE", "", "10", ""],  # unknown unit
            ["20x4", "13.11", "", "", "-3", ""],  # bad year and negative count
            ["2024", "16.08", "", "", "12,5", ""],  # not a whole number and a duplicate subject
        ],
        header=header,
    )
    with pytest.raises(ValidationFailed) as refused:
        import_targets(bad, actor="t")
    found = {(i.row, i.code) for i in refused.value.issues}
    assert {(3, "EMPLOYER_UNKNOWN"), (4, "UNIT_UNKNOWN"), (5, "YEAR_INVALID"), (5, "COUNT_NEGATIVE")} <= found
    assert (6, "COUNT_NOT_INTEGER") in found
    assert Target.objects.get(employer__region_id="16.08", year=2024).count == 4000
    assert ChangeSet.objects.count() == changesets


@pytest.mark.django_db
def test_an_xlsx_with_number_cells_is_read_like_the_csv(tmp_path: Path) -> None:
    add_employer("16.08", None, "t")
    path = write_xlsx(tmp_path / "t.xlsx", [[2025, "16.08", 4000]], header=["Tahun", "Kode Wilayah", "Target"])
    assert import_targets(path, actor="t").created == 1
    assert Target.objects.get(year=2025, employer__region_id="16.08").count == 4000


@pytest.mark.django_db
def test_targets_are_shown_against_the_workers_enrolled_on_the_day(tmp_path: Path) -> None:
    enrolled_pemda(tmp_path)
    add_employer("13.01", None, "t")  # a second Pemda in the province with nobody enrolled
    set_target(2024, 4, employer="13.11", actor="t")
    set_target(2024, 2, employer="13.11", unit="NGR-PT", actor="t")
    set_target(2024, 6, region="13", actor="t")
    set_target(2024, 50, employer="13.01", actor="t")
    set_target(2023, 1, employer="13.11", actor="t")  # another year
    rows = {(r.kind, r.code, r.unit_code): r for r in targets_vs_actuals(2024, on=ON)}
    assert set(rows) == {
        ("pemda", "13.11", ""),
        ("unit", "13.11", "NGR-PT"),
        ("wilayah", "13", ""),
        ("pemda", "13.01", ""),
    }
    pemda = rows["pemda", "13.11", ""]
    assert (pemda.target, pemda.workers, pemda.enrolled, str(pemda.reached)) == (4, 4, 3, "75.0")
    nagari = rows["unit", "13.11", "NGR-PT"]
    assert (nagari.workers, nagari.enrolled, str(nagari.reached)) == (2, 2, "100.0")
    province = rows["wilayah", "13", ""]
    assert (province.enrolled, str(province.reached)) == (3, "50.0")  # 13.11 and 13.01 together
    assert rows["pemda", "13.01", ""].enrolled == 0
    before = targets_vs_actuals(2024, on=dt.date(2023, 12, 31))  # memberships start with the agreement
    assert {r.enrolled for r in before} == {0}
    only = targets_vs_actuals(2024, on=ON, employer="13.11")
    assert {(r.kind, r.unit_code) for r in only} == {("pemda", ""), ("unit", "NGR-PT")}
    assert {r.code for r in targets_vs_actuals(2024, on=ON, region="13.01")} == {"13.01"}
    data = json.loads(json.dumps(pemda.as_dict()))
    assert data["reached"] == 75.0 and data["unit"] is None


def test_a_years_actuals_default_to_its_last_day_or_today() -> None:
    today = dt.date(2024, 5, 25)
    assert default_day(2023, today) == dt.date(2023, 12, 31)
    assert default_day(2024, today) == today


def test_target_commands_set_import_and_show(workdir: Path, tmp_path: Path) -> None:
    assert lindung("employer", "add", "--region", "16.08", cwd=workdir).returncode == 0
    put = ["target", "set", "--year", "2024", "--count", "4000", "--employer", "16.08", "--format", "json"]
    first = lindung(*put, cwd=workdir)
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)["outcome"] == "written"
    assert json.loads(lindung(*put, cwd=workdir).stdout)["outcome"] == "unchanged"
    assert lindung("target", "set", "--year", "2024", "--count", "5", cwd=workdir).returncode == 2  # no subject
    unknown = lindung("target", "set", "--year", "2024", "--count", "5", "--employer", "99.99", cwd=workdir)
    assert unknown.returncode == 2 and "belum terdaftar" in unknown.stderr

    path = write_csv(
        tmp_path / "t.csv", [["2024", "16", "wilayah", "20000"]], header=["Tahun", "Kode", "Sasaran", "Target"]
    )
    imported = lindung("target", "import", str(path), "--format", "json", cwd=workdir)
    assert imported.returncode == 0, imported.stderr
    assert json.loads(imported.stdout)["created"] == 1
    bad = write_csv(tmp_path / "bad.csv", [["2024", "16.08", "banyak"]], header=["Tahun", "Kode", "Target"])
    refused = lindung("target", "import", str(bad), cwd=workdir)
    assert refused.returncode == 1 and "baris 2" in refused.stderr

    out = tmp_path / "target.xlsx"
    show = lindung(
        "target", "show", "--year", "2024", "--on", "2024-06-30", "--xlsx", str(out), "--format", "json", cwd=workdir
    )
    assert show.returncode == 0, show.stderr
    data = json.loads(show.stdout)
    assert [(t["kind"], t["code"], t["target"], t["enrolled"]) for t in data["targets"]] == [
        ("wilayah", "16", 20000, 0),
        ("pemda", "16.08", 4000, 0),
    ]
    sheet = read_book(out, read_only=True)["Target 2024"]
    values = [row for row in sheet.iter_rows(min_row=5, values_only=True)]
    assert [(r[1], r[5]) for r in values] == [("16", 20000), ("16.08", 4000)]
    text = lindung("target", "show", "--year", "2024", "--region", "16", cwd=workdir)
    assert text.returncode == 0 and "4.000" in text.stdout
