"""Inpres 2/2021 compliance per Pemda: recording regulations and allocations, the assessment of every
autonomous Pemda, its ranks, and the Pemda that have done nothing."""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lindung.coverage.compliance import WEIGHTS_FILE, add_allocation, add_regulation, assess
from lindung.coverage.models import BudgetAllocation, Regulation
from lindung.domain.errors import NotFound, ValidationFailed
from lindung.regions.models import Region
from lindung.registry.models import Change, ChangeSet
from lindung.registry.services import add_employer
from tests.integration.test_cli import database_url, lindung, workdir
from tests.integration.test_targets import SITI_MAY, enrolled_pemda
from tests.workbooks import read_book

__all__ = ["database_url", "workdir"]  # fixtures shared with test_cli.py

ON = dt.date(2024, 6, 30)
WEIGHTS = tomllib.loads(WEIGHTS_FILE.read_text(encoding="utf-8"))


def expected_total(regulation: str | None, non_asn: Decimal, rentan: Decimal, budget: Decimal, kpj: Decimal) -> Decimal:
    """The formula of weights.toml, written out again from the file's numbers."""
    w = {k: {n: Decimal(str(v)) for n, v in t.items()} for k, t in WEIGHTS.items()}
    coverage = (non_asn * w["coverage"]["non_asn"] + rentan * w["coverage"]["rentan"]) / 100
    total = (
        (w["regulation"][regulation] if regulation else 0) * w["pillars"]["regulasi"]
        + coverage * w["pillars"]["coverage"]
        + budget * w["pillars"]["anggaran"]
        + kpj * w["pillars"]["integrasi"]
    )
    return Decimal(total).quantize(Decimal("0.1"), ROUND_HALF_UP)


def autonomous_pemda(prefix: str = "") -> set[str]:
    regions = Region.objects.filter(current=True, level__in=[1, 2], code__startswith=prefix)
    return {c for c in regions.values_list("code", flat=True) if not (c.startswith("31.") and len(c) > 2)}


@pytest.mark.django_db
def test_a_regulation_and_an_allocation_are_recorded_once_and_their_corrections_kept() -> None:
    add_employer("74", None, "t")
    regulation, written = add_regulation("74", "perkada", "Pergub 12/2021", dt.date(2021, 6, 1), actor="t")
    assert written
    changesets = ChangeSet.objects.count()
    again, written = add_regulation("74", "perkada", "Pergub  12/2021", dt.date(2021, 6, 1), actor="t")
    assert not written and again.pk == regulation.pk and ChangeSet.objects.count() == changesets
    _, written = add_regulation("74", "perkada", "Pergub 12/2021", dt.date(2021, 6, 2), title="Jamsostek", actor="t")
    assert written and Regulation.objects.get().issued_on == dt.date(2021, 6, 2)
    change = Change.objects.get(model="coverage.regulation", action="update")
    assert (change.before["issued_on"], change.after["issued_on"]) == ("2021-06-01", "2021-06-02")
    with pytest.raises(ValidationFailed):
        add_regulation("74", "pergub", "1/2021", dt.date(2021, 1, 1), actor="t")
    with pytest.raises(NotFound):
        add_regulation("74.05", "perda", "1/2021", dt.date(2021, 1, 1), actor="t")

    allocation, written = add_allocation("74", 2024, 1_200_000_000, basis="DPA 2024", actor="t")
    assert written
    assert add_allocation("74", 2024, 1_200_000_000, basis="DPA 2024", actor="t") == (allocation, False)
    _, written = add_allocation("74", 2024, 1_500_000_000, basis="DPA-P 2024", actor="t")
    assert written and BudgetAllocation.objects.get().amount == 1_500_000_000
    change = Change.objects.get(model="coverage.budgetallocation", action="update")
    assert (change.before["amount"], change.after["amount"]) == (1_200_000_000, 1_500_000_000)
    with pytest.raises(ValidationFailed):
        add_allocation("74", 2024, -1, actor="t")


def queries(on: dt.date) -> int:
    with CaptureQueriesContext(connection) as captured:
        assess(on)
    return len(captured)


@pytest.mark.django_db
def test_every_autonomous_pemda_is_assessed_in_a_few_queries_however_many_act() -> None:
    rows = assess(ON)
    codes = [r.code for r in rows]
    assert len(codes) == len(set(codes)) == len(autonomous_pemda()) == 546  # reference §5.2: 38 + 415 + 93
    assert "31" in codes and not [c for c in codes if c.startswith("31.")]
    assert all(r.nothing_done and r.score.total == 0 and r.rank_nation == 1 for r in rows)
    few = queries(ON)
    for code in ("74", "74.01", "74.02", "13.11", "16.08"):
        add_employer(code, None, "t")
        add_regulation(code, "pks", f"PKS {code}", dt.date(2022, 1, 1), actor="t")
        add_allocation(code, 2024, 1_000, actor="t")
    assert queries(ON) == few <= 15


@pytest.mark.django_db
def test_the_pillars_add_up_to_the_score_and_the_ranks_follow_it(tmp_path: Path) -> None:
    enrolled_pemda(tmp_path)
    add_allocation("13.11", 2024, 100_000, actor="t")
    add_employer("13.01", None, "t")  # registered, nothing else
    add_employer("13.02", None, "t")
    add_allocation("13.02", 2024, 50_000, actor="t")  # only an allocation: something done
    rows = {r.code: r for r in assess(ON, region="13", year=2024)}
    assert set(rows) == autonomous_pemda("13")

    solok = rows["13.11"]
    f = solok.facts
    assert (f.workers, f.enrolled, f.vulnerable_workers, f.vulnerable_enrolled, f.with_kpj) == (4, 3, 2, 2, 1)
    assert (f.allocated, f.paid) == (100_000, SITI_MAY)
    assert solok.regulation is not None
    assert (solok.regulation.kind, solok.regulation.number, solok.regulation.source) == (
        "perkada",
        "Perbup 12/2023",
        "perjanjian",
    )
    budget = (Decimal(50) + Decimal(SITI_MAY) / 100_000 * 50) / 100
    total = expected_total("perkada", Decimal(1) / 2, Decimal(1), budget, (Decimal(1) / 3).quantize(Decimal("0.0001")))
    assert solok.score.total == total
    assert (solok.rank_nation, solok.rank_province, solok.nothing_done) == (1, 1, False)

    only_budget = rows["13.02"]
    assert only_budget.score.total == expected_total(None, Decimal(0), Decimal(0), Decimal("0.5"), Decimal(0))
    assert (only_budget.rank_nation, only_budget.rank_province, only_budget.nothing_done) == (2, 2, False)
    idle = [r for r in rows.values() if r.code not in ("13.11", "13.02")]
    assert all(r.nothing_done and r.score.total == 0 and r.rank_province == 3 for r in idle)
    assert rows["13.01"].registered and not rows["13.03"].registered
    assert rows["13"].name == "Pemerintah Provinsi Sumatera Barat"

    data = json.loads(json.dumps(solok.as_dict()))
    assert data["regulasi"] == {
        "kind": "perkada",
        "number": "Perbup 12/2023",
        "date": "2023-12-20",
        "source": "perjanjian",
        "score": float(Decimal(str(WEIGHTS["regulation"]["perkada"]))),
    }
    assert (data["anggaran"]["allocated"], data["anggaran"]["paid"]) == (100_000, SITI_MAY)
    assert data["coverage"]["non_asn_percent"] == 50.0 and data["integrasi"]["percent"] == 33.3


@pytest.mark.django_db
def test_a_perda_issued_by_the_day_outranks_the_agreements_perkada(tmp_path: Path) -> None:
    enrolled_pemda(tmp_path)
    add_regulation("13.11", "perda", "Perda 5/2024", dt.date(2024, 3, 1), actor="t")
    add_regulation("13.11", "perda", "Perda 9/2024", dt.date(2024, 9, 1), actor="t")  # after the day
    [solok] = assess(ON, region="13.11")
    assert solok.regulation is not None
    assert (solok.regulation.kind, solok.regulation.number, solok.regulation.issued_on) == (
        "perda",
        "Perda 5/2024",
        dt.date(2024, 3, 1),
    )
    assert solok.score.pillars["regulasi"] == Decimal(str(WEIGHTS["regulation"]["perda"]))
    [earlier] = assess(dt.date(2024, 2, 1), region="13.11")
    assert earlier.regulation is not None and earlier.regulation.kind == "perkada"


@pytest.mark.django_db
def test_payments_count_in_the_year_they_were_made(tmp_path: Path) -> None:
    enrolled_pemda(tmp_path)  # May's invoice paid on 10 June 2024
    assert assess(dt.date(2024, 6, 9), region="13.11")[0].facts.paid == 0
    assert assess(dt.date(2024, 6, 10), region="13.11")[0].facts.paid == SITI_MAY
    assert assess(dt.date(2025, 3, 1), region="13.11", year=2025)[0].facts.paid == 0


@pytest.mark.django_db
def test_other_weights_give_other_scores_and_broken_weights_are_refused(tmp_path: Path) -> None:
    add_employer("74", None, "t")
    add_regulation("74", "pks", "PKS 1/2022", dt.date(2022, 1, 1), actor="t")
    default = assess(ON, region="74")[0].score.total
    assert default == expected_total("pks", Decimal(0), Decimal(0), Decimal(0), Decimal(0))
    other = tmp_path / "bobot.toml"
    other.write_text(
        WEIGHTS_FILE.read_text(encoding="utf-8")
        .replace("regulasi = 25", "regulasi = 40")
        .replace("coverage = 35", "coverage = 20")
    )
    assert assess(ON, region="74", weights_path=other)[0].score.total == Decimal(40) * Decimal(
        str(WEIGHTS["regulation"]["pks"])
    )
    broken = tmp_path / "rusak.toml"
    broken.write_text(WEIGHTS_FILE.read_text(encoding="utf-8").replace("regulasi = 25", "regulasi = 30"))
    with pytest.raises(ValidationFailed, match="berjumlah 100"):
        assess(ON, weights_path=broken)
    with pytest.raises(NotFound):
        assess(ON, weights_path=tmp_path / "tidak-ada.toml")
    with pytest.raises(ValidationFailed):
        assess(ON, region="31.71")  # Jakarta Pusat is not an autonomous Pemda


def test_inpres_commands_record_and_rank(workdir: Path, tmp_path: Path) -> None:
    assert lindung("employer", "add", "--region", "13.11", cwd=workdir).returncode == 0
    assert lindung("employer", "add", "--region", "13.01", cwd=workdir).returncode == 0
    record = ["inpres", "regulation", "--employer", "13.11", "--kind", "perda", "--number", "Perda 3/2022"]
    first = lindung(*record, "--date", "2022-04-01", "--format", "json", cwd=workdir)
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)["outcome"] == "written"
    assert json.loads(lindung(*record, "--date", "2022-04-01", "--format", "json", cwd=workdir).stdout)["outcome"] == (
        "unchanged"
    )
    assert lindung(*record[:6], "pergub", *record[7:], "--date", "2022-04-01", cwd=workdir).returncode == 2
    budget = ["inpres", "allocation", "--employer", "13.01", "--year", "2024", "--amount", "250.000.000"]
    allocated = lindung(*budget, "--format", "json", cwd=workdir)
    assert allocated.returncode == 0, allocated.stderr
    assert json.loads(allocated.stdout)["amount"] == 250_000_000

    out = tmp_path / "inpres.xlsx"
    args = ["inpres", "--region", "13", "--on", "2024-06-30", "--xlsx", str(out), "--format", "json"]
    done = lindung(*args, cwd=workdir)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["weights"]["pillars"] == {k: float(v) for k, v in WEIGHTS["pillars"].items()}
    ranking = data["ranking"]
    assert [r["code"] for r in ranking[:2]] == ["13.11", "13.01"]
    assert ranking[0]["score"] == float(expected_total("perda", Decimal(0), Decimal(0), Decimal(0), Decimal(0)))
    assert ranking[1]["score"] == float(expected_total(None, Decimal(0), Decimal(0), Decimal("0.5"), Decimal(0)))
    assert ranking[0]["rank_province"] == 1 and ranking[1]["rank_province"] == 2
    follow_up = {r["code"] for r in data["follow_up"]}
    assert "13.11" not in follow_up and "13.01" not in follow_up and "13" in follow_up
    assert len(follow_up) == len(ranking) - 2

    book = read_book(out, read_only=True)
    assert book.sheetnames == ["Belum ada tindakan", "Peringkat Inpres", "Bobot", "Tanpa perlindungan"]
    assert ranking[0]["unprotected"] == {"workers": 0, "liability": 0, "monthly_cost": 0}  # nobody on a roster
    first_row = next(book["Peringkat Inpres"].iter_rows(min_row=5, max_row=5, values_only=True))
    assert first_row[:5] == (1, 1, "13.11", "Pemerintah Kabupaten Solok Selatan", ranking[0]["score"])
    assert first_row[6:8] == ("perda", "Perda 3/2022")
    idle = [row[0] for row in book["Belum ada tindakan"].iter_rows(min_row=5, values_only=True)]
    assert set(idle) == follow_up

    text = lindung("inpres", "--region", "13", "--on", "2024-06-30", cwd=workdir)
    assert text.returncode == 0, text.stderr
    assert text.stdout.index("Belum ada tindakan") < text.stdout.index("Peringkat") < text.stdout.index("Perda 3/2022")

    broken = tmp_path / "rusak.toml"
    broken.write_text(WEIGHTS_FILE.read_text(encoding="utf-8").replace("integrasi = 20", "integrasi = 25"))
    refused = lindung("inpres", "--weights", str(broken), cwd=workdir)
    assert refused.returncode == 1 and "berjumlah 100" in refused.stderr


@pytest.mark.django_db
def test_the_ranking_carries_what_leaving_workers_out_costs_each_pemda(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from django.core.management import call_command

    enrolled_pemda(tmp_path)  # Budi (Satpol PP, Rp3.000.000) is on the roster from 20 May 2024, not enrolled
    call_command("inpres", "--region", "13", "--on", "2024-05-31", "--format", "json")
    data = json.loads(capsys.readouterr().out)
    # 48 x 3.000.000 + JKK periodic 12.000.000 + funeral 10.000.000; JKK 0,24% (7.200) + JKM 0,30% (9.000) a month
    budi = {"workers": 1, "liability": 166_000_000, "monthly_cost": 16_200}
    assert next(r for r in data["ranking"] if r["code"] == "13.11")["unprotected"] == budi
    assert {k: data["unprotected"][k] for k in budi} == budi
    call_command("inpres", "--region", "13", "--on", "2024-05-31")
    text = capsys.readouterr().out
    assert "Tanpa perlindungan: 1 pekerja" in text and "Rp166.000.000" in text
