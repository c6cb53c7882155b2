"""Coverage on any day at every level, from the kept aggregates and straight from the rows, kept in step with
every roster import, enrolment and KPJ import, and rolled back with them."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction

from lindung.coverage import aggregates
from lindung.coverage.models import UnitEvent, UnitState
from lindung.coverage.services import Node, coverage_tree, employer_counts, trend
from lindung.domain.errors import NotFound
from lindung.enrolment.services import add_agreement, enrol, import_kpj
from lindung.intake.services import import_roster
from lindung.regions.models import Region
from lindung.registry.models import BranchOffice, Employer, WorkUnit
from lindung.registry.services import add_employer
from tests.integration.factories import solok_selatan, write_csv
from tests.integration.test_cli import database_url, lindung, workdir

__all__ = ["database_url", "workdir"]  # fixtures shared with test_cli.py

pytestmark = pytest.mark.django_db

HEADER = ["NIK", "Nama Lengkap", "Kode Unit", "Kategori", "Upah Sebulan", "TMT", "Tanggal Selesai"]
SITI = "1311015507900001"
BUDI = "1311011203850002"
RINA = "1311014107920003"
AGUS = "1311010101880004"
DEWI = "1304014507910005"  # Tanah Datar prefix; counted where she works, not by her NIK
TODAY = dt.date(2024, 5, 25)


def roster(tmp_path: Path, code: str, rows: list[list[str]], today: dt.date = TODAY, name: str = "r.csv") -> None:
    path = write_csv(tmp_path / name, rows, header=HEADER)
    result = import_roster(path, code, mode="commit", actor="test", today=today)
    assert result.committed, [i.message for i in result.issues if i.severity == "error"]


@pytest.fixture
def places(tmp_path: Path) -> None:
    """Solok Selatan (two OPD and a nagari) enrolled; Kabupaten Solok beside it with nobody enrolled;
    a branch office serving both."""
    solok_selatan()
    roster(
        tmp_path,
        "13.11",
        [
            [SITI, "Siti Aminah", "DINKES", "THL", "2500000", "2022-03-01", ""],
            [BUDI, "Budi Santoso", "SATPOLPP", "Honorer", "3000000", "2024-05-20", ""],
            [RINA, "Rina Marlina", "NGR-PT", "Perangkat Desa", "2000000", "2023-01-02", "2024-06-15"],
        ],
    )
    add_agreement("13.11", programs="JKK,JKM,JHT", effective_from=dt.date(2024, 1, 1), actor="test")
    enrol("13.11", actor="test", on=TODAY)
    solok = add_employer("13.02", None, "test").employer
    WorkUnit.objects.create(employer=solok, code="DISDIK", name="Dinas Pendidikan", kind="dinas")
    roster(tmp_path, "13.02", [[DEWI, "Dewi Sartika", "DISDIK", "THL", "2200000", "2021-07-01", ""]], name="s.csv")
    office = BranchOffice.objects.create(code="KC-SLK", name="KC Solok")
    office.territory.add(Region.objects.get(code="13.11"), Region.objects.get(code="13.02"))


def levels(on: dt.date) -> dict[str, Node]:
    """Every level a worker of Satpol PP Solok Selatan belongs to."""
    nation = coverage_tree(on)
    province = coverage_tree(on, region="13")
    kabkota = coverage_tree(on, region="13.11")
    return {
        "nation": nation,
        "nation/13": next(c for c in nation.children if c.code == "13"),
        "province": province,
        "province/13.11": next(c for c in province.children if c.code == "13.11"),
        "kabkota": kabkota,
        "employer": coverage_tree(on, employer="13.11"),
        "unit": coverage_tree(on, employer="13.11", unit="SATPOLPP"),
        "kabkota/SATPOLPP": next(c for c in kabkota.children if c.code == "SATPOLPP"),
        "branch": coverage_tree(on, branch="KC-SLK"),
    }


def same_from_rows(on: dt.date, **where: str) -> None:
    assert coverage_tree(on, **where).as_dict() == coverage_tree(on, from_rows=True, **where).as_dict(), (on, where)


@pytest.mark.usefixtures("places")
def test_the_counts_of_a_pemda_its_units_and_the_lists_of_who_enrolled_nobody() -> None:
    tree = coverage_tree(TODAY, region="13.11")
    assert (tree.counts.workers, tree.counts.enrolled, tree.counts.coverage) == (3, 3, 100)
    assert tree.counts.programs == {"JKK": 3, "JKM": 3, "JHT": 3, "JP": 0, "JKP": 0}
    assert tree.counts.groups == {"opd": (2, 2), "desa": (1, 1)}
    province = coverage_tree(TODAY, region="13")
    solok = next(c for c in province.children if c.code == "13.02")
    assert (solok.counts.workers, solok.counts.enrolled, solok.counts.coverage) == (1, 0, 0)
    assert (province.employers_without_enrolment[0].code, province.employers_without_enrolment[0].name) == (
        "13.02",
        Employer.objects.get(region_id="13.02").name,
    )
    # Every other Pemda of the province has not even sent a roster: they have enrolled nobody either.
    pemda = {"13", *Region.objects.filter(parent_id="13", current=True).values_list("code", flat=True)}
    assert {e.code for e in province.employers_without_enrolment} == pemda - {"13.11"}
    assert [(u.employer, u.code) for u in province.units_without_enrolment] == [("13.02", "DISDIK")]
    # Dewi's NIK says Tanah Datar (13.04); she counts in Kabupaten Solok, where she works.
    tanah_datar = next(c for c in province.children if c.code == "13.04")
    assert tanah_datar.counts.workers == 0
    # Before Budi started (20 May) and after Rina's last day (15 June).
    may = coverage_tree(dt.date(2024, 5, 19), region="13.11").counts
    assert (may.workers, may.enrolled) == (2, 2)
    july = coverage_tree(dt.date(2024, 7, 1), region="13.11")
    assert (july.counts.workers, july.counts.enrolled) == (2, 2)
    assert [u.code for u in july.units_without_enrolment] == ["NGR-PT"]
    assert july.counts.groups == {"opd": (2, 2), "desa": (1, 0)}


# (workers, enrolled) of Solok Selatan and of Kabupaten Solok on each day, worked out from the fixture's rows:
# Siti (DINKES) employed from 2022-03-01, Budi (SATPOLPP) from 2024-05-20, Rina (NGR-PT) 2023-01-02 to
# 2024-06-15 (her last day counts); covered from the agreement's 2024-01-01 or their later start (Budi);
# Dewi (Kabupaten Solok) from 2021-07-01, never enrolled. The nation, province 13 and the branch KC-SLK
# hold exactly these two Pemda, so each is their sum.
COUNTS_BY_DAY: dict[dt.date | None, tuple[tuple[int, int], tuple[int, int]]] = {
    dt.date(2021, 6, 30): ((0, 0), (0, 0)),  # before anyone started
    dt.date(2021, 7, 1): ((0, 0), (1, 0)),  # Dewi's first day
    dt.date(2023, 12, 31): ((2, 0), (1, 0)),  # Siti and Rina employed, the agreement not yet in force
    dt.date(2024, 1, 1): ((2, 2), (1, 0)),  # the agreement's first day
    dt.date(2024, 5, 20): ((3, 3), (1, 0)),  # Budi's first day, covered from it
    dt.date(2024, 6, 15): ((3, 3), (1, 0)),  # Rina's last day still counts
    dt.date(2024, 6, 16): ((2, 2), (1, 0)),
    dt.date(2024, 6, 30): ((2, 2), (1, 0)),
    dt.date(2024, 7, 1): ((2, 2), (1, 0)),
    None: ((2, 2), (1, 0)),  # past the kept months: Siti and Budi stay
}


@pytest.mark.usefixtures("places")
def test_the_kept_aggregates_answer_as_the_rows_do_on_every_kind_of_day() -> None:
    enrol("13.11", actor="test", on=dt.date(2024, 7, 1))  # ends Rina's membership on 30 June
    past_horizon = aggregates.horizon() + dt.timedelta(days=400)
    checked = 0
    for key, (solsel, solok) in COUNTS_BY_DAY.items():
        day = key or past_horizon
        both = (solsel[0] + solok[0], solsel[1] + solok[1])
        expected = {"": both, "13": both, "13.11": solsel, "KC-SLK": both, "13.02": solok}
        for name, where in (
            ("", {}),
            ("13", {"region": "13"}),
            ("13.11", {"region": "13.11"}),
            ("KC-SLK", {"branch": "KC-SLK"}),
            ("13.02", {"employer": "13.02"}),
        ):
            same_from_rows(day, **where)
            counts = coverage_tree(day, **where).counts
            assert (counts.workers, counts.enrolled) == expected[name], (day, where)
            checked += 1
    assert checked == 10 * 5


@pytest.mark.usefixtures("places")
def test_adding_a_membership_moves_every_level(tmp_path: Path) -> None:
    before = levels(TODAY)
    roster(
        tmp_path,
        "13.11",
        [[AGUS, "Agus Salim", "SATPOLPP", "Honorer", "2800000", "2024-05-02", ""]],
        name="agus.csv",
    )
    hired = levels(TODAY)
    for level, node in hired.items():
        assert (node.counts.workers, node.counts.enrolled) == (
            before[level].counts.workers + 1,
            before[level].counts.enrolled,
        ), level
    enrol("13.11", actor="test", on=TODAY)
    after = levels(TODAY)
    for level, node in after.items():
        assert node.counts.enrolled == before[level].counts.enrolled + 1, level
        assert node.counts.programs["JHT"] == before[level].counts.programs["JHT"] + 1, level
    same_from_rows(TODAY)
    # By hand, on 25 May 2024: Satpol PP holds Budi and now Agus, both enrolled; Solok Selatan Siti, Budi,
    # Rina and Agus, all enrolled; the nation, province and branch add Dewi (Kabupaten Solok, not enrolled).
    fixed = {"unit": (2, 2), "kabkota/SATPOLPP": (2, 2), "employer": (4, 4), "kabkota": (4, 4)}
    fixed |= {level: (5, 4) for level in ("nation", "nation/13", "province", "branch")}
    fixed["province/13.11"] = (4, 4)
    assert {level: (node.counts.workers, node.counts.enrolled) for level, node in after.items()} == fixed
    assert {level: (node.counts.workers, node.counts.enrolled) for level, node in hired.items()} == {
        level: (workers, enrolled - 1) for level, (workers, enrolled) in fixed.items()
    }


@pytest.mark.usefixtures("places")
def test_kpj_numbers_and_rejections_move_integration_and_coverage(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "kpj.csv",
        [[SITI, "12345678901", "AKTIF"], [BUDI, "12345678902", "DITOLAK"]],
        ["NIK", "KPJ", "Status"],
    )
    import_kpj(path, "13.11", actor="test")
    counts = employer_counts(TODAY)[Employer.objects.get(region_id="13.11").pk]
    assert (counts.enrolled, counts.with_kpj) == (2, 1)  # Budi was rejected: not covered
    same_from_rows(TODAY, region="13.11")


@pytest.mark.usefixtures("places")
def test_an_interrupted_import_leaves_the_aggregates_as_they_were(tmp_path: Path) -> None:
    before = (coverage_tree(TODAY).as_dict(), UnitEvent.objects.count(), UnitState.objects.count())
    path = write_csv(
        tmp_path / "late.csv", [[AGUS, "Agus Salim", "DINKES", "THL", "2800000", "2024-05-02", ""]], header=HEADER
    )
    with pytest.raises(RuntimeError), transaction.atomic():
        import_roster(path, "13.11", mode="commit", actor="test", today=TODAY)
        assert coverage_tree(TODAY).counts.workers == before[0]["workers"] + 1  # seen inside the transaction
        raise RuntimeError("power cut")
    assert (coverage_tree(TODAY).as_dict(), UnitEvent.objects.count(), UnitState.objects.count()) == before


@pytest.mark.usefixtures("places")
def test_a_rebuild_gives_the_same_answers_and_the_trend_reads_month_ends() -> None:
    enrol("13.11", actor="test", on=dt.date(2024, 7, 1))
    kept = coverage_tree(dt.date(2024, 6, 20)).as_dict()
    aggregates.rebuild(dt.date(2024, 7, 1))
    assert aggregates.horizon() == dt.date(2025, 7, 1)
    assert coverage_tree(dt.date(2024, 6, 20)).as_dict() == kept
    points = trend(dt.date(2024, 7, 10), months=4)
    assert [p.month for p in points] == [dt.date(2024, m, 1) for m in (4, 5, 6, 7)]
    assert [(p.workers, p.enrolled) for p in points] == [(3, 2), (4, 3), (3, 2), (3, 2)]
    # April: Siti, Rina enrolled + Dewi; May: Budi joins; June ends with Rina gone.


def test_unknown_places_are_named() -> None:
    with pytest.raises(NotFound, match="99"):
        coverage_tree(TODAY, region="99")
    with pytest.raises(NotFound, match="KC-XX"):
        coverage_tree(TODAY, branch="KC-XX")
    empty = coverage_tree(TODAY, region="13.11")  # a kab/kota not yet in lindung: nothing, not an error
    assert (empty.counts.workers, empty.children) == (0, ())


def test_the_coverage_command_prints_node_and_children_as_json(workdir: Path) -> None:
    assert lindung("employer", "add", "--region", "13.11", cwd=workdir).returncode == 0
    units = write_csv(
        workdir / "units.csv",
        [["DINKES", "Dinas Kesehatan", "dinas"], ["NGR-PT", "Nagari Pasir Talang", "nagari"]],
        ["Kode Unit", "Nama Unit", "Jenis"],
    )
    done = lindung("units", "import", str(units), "--employer", "13.11", "--commit", cwd=workdir)
    assert done.returncode == 0, done.stderr + done.stdout
    people = write_csv(workdir / "r.csv", [[SITI, "Siti Aminah", "DINKES", "THL", "2500000", "2022-03-01", ""]], HEADER)
    done = lindung("roster", "import", str(people), "--employer", "13.11", "--commit", cwd=workdir)
    assert done.returncode == 0, done.stderr + done.stdout
    for args in (
        ("agreement", "add", "--employer", "13.11", "--programs", "JKK,JKM", "--effective", "2024-01-01"),
        ("enrol", "--employer", "13.11", "--on", "2024-05-25", "--unit", "DINKES"),
    ):
        done = lindung(*args, cwd=workdir)
        assert done.returncode == 0, done.stderr + done.stdout
    done = lindung("coverage", "--region", "13", "--on", "2024-05-25", "--format", "json", cwd=workdir)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert (data["code"], data["workers"], data["enrolled"], data["coverage"]) == ("13", 1, 1, 100.0)
    child = next(c for c in data["children"] if c["code"] == "13.11")
    assert {k: child[k] for k in ("name", "workers", "enrolled", "units", "units_enrolled")} == {
        "name": "Kabupaten Solok Selatan",
        "workers": 1,
        "enrolled": 1,
        "units": 2,
        "units_enrolled": 1,
    }
    assert child["units_without_enrolment"] == [{"employer": "13.11", "code": "NGR-PT", "name": "Nagari Pasir Talang"}]
    assert child["employers_without_enrolment"] == []
    text = lindung("coverage", "--region", "13.11", "--on", "2024-05-25", cwd=workdir)
    assert "OPD: 1 dari 1" in text.stdout and "nagari/desa: 0 dari 1" in text.stdout
    bad = lindung("coverage", "--region", "99", cwd=workdir)
    assert bad.returncode == 2 and "99" in bad.stderr
    assert lindung("coverage", "--unit", "DINKES", cwd=workdir).returncode == 2


@pytest.mark.usefixtures("places")
def test_a_view_takes_a_handful_of_queries_whatever_its_size(django_assert_max_num_queries: Any) -> None:
    for where in ({}, {"region": "13"}, {"region": "13.11"}, {"branch": "KC-SLK"}):
        with django_assert_max_num_queries(8):
            coverage_tree(TODAY, **where)


@pytest.mark.usefixtures("places")
def test_a_membership_counts_only_while_its_employment_lasts(tmp_path: Path) -> None:
    # A correction: Rina in fact left on 15 December 2023, before her membership began (1 January 2024).
    roster(
        tmp_path,
        "13.11",
        [[RINA, "Rina Marlina", "NGR-PT", "Perangkat Desa", "2000000", "2023-01-02", "2023-12-15"]],
        name="rina.csv",
    )
    enrol("13.11", actor="test", on=TODAY)
    # By hand: on 15 Dec 2023 Siti and Rina are employed and nobody is covered yet (the agreement starts
    # 1 Jan 2024); from 16 Dec only Siti; from 1 Jan Siti is covered and Rina's membership (from 1 Jan)
    # does not count, her employment having ended. Budi starts only on 20 May.
    expected = {
        dt.date(2023, 12, 15): (2, 0),
        dt.date(2023, 12, 16): (1, 0),
        dt.date(2024, 1, 1): (1, 1),
        dt.date(2024, 1, 31): (1, 1),
    }
    for day, counts in expected.items():
        tree = coverage_tree(day, region="13.11")
        assert 0 <= tree.counts.enrolled <= tree.counts.workers, day
        assert (tree.counts.workers, tree.counts.enrolled) == counts, day
        same_from_rows(day, region="13.11")
