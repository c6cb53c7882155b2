"""The billing commands as a Pemda IT officer runs them: contribution, agreement, enrol, kpj, invoice, payment.

Real processes against a database of the module's own (see test_cli.py for the fixtures).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.integration.factories import write_csv
from tests.integration.test_cli import database_url, lindung, workdir
from tests.workbooks import read_book

__all__ = ["database_url", "workdir"]  # fixtures shared with test_cli.py

SITI = "1311015507900001"
BUDI = "1311011203850002"


def contribution(*args: str, cwd: Path) -> dict[str, object]:
    done = lindung("contribution", *args, "--format", "json", cwd=cwd)
    assert done.returncode == 0, done.stderr + done.stdout
    data: dict[str, object] = json.loads(done.stdout)
    return data


def programs(data: dict[str, object]) -> dict[str, dict[str, object]]:
    return {p["program"]: p for p in data["programs"]}  # type: ignore[attr-defined]


def test_contribution_prints_every_program_with_its_regulation(workdir: Path) -> None:
    # PP 44/2015 (JKK 0.24%, JKM 0.30%), PP 46/2015 (JHT 3.7% + 2%), PP 45/2015 (JP 2% + 1%, cap from 1 March 2024).
    data = contribution(
        "--wage", "12000000", "--programs", "JKK,JKM,JHT,JP", "--risk-class", "1", "--on", "2024-03-01", cwd=workdir
    )
    found = programs(data)
    assert [found[p]["total"] for p in ("JKK", "JKM", "JHT", "JP")] == [28_800, 36_000, 684_000, 301_269]
    assert (found["JP"]["wage_base"], found["JP"]["employer"], found["JP"]["worker"]) == (10_042_300, 200_846, 100_423)
    assert data["total"] == 28_800 + 36_000 + 684_000 + 301_269
    assert data["employer"] == 28_800 + 36_000 + 444_000 + 200_846
    assert all(p["regulation"] for p in found.values())
    assert "45/2015" in str(found["JP"]["regulation"])


def test_the_jp_cap_changes_on_the_first_of_march(workdir: Path) -> None:
    before = programs(contribution("--wage", "12000000", "--programs", "JKK,JKM,JP", "--on", "2024-02-29", cwd=workdir))
    assert before["JP"]["wage_base"] == 9_559_600


def test_the_bpu_package_is_sixteen_thousand_eight_hundred(workdir: Path) -> None:
    data = contribution("--segment", "bpu", "--wage", "1000000", "--programs", "JKK,JKM", cwd=workdir)
    assert data["total"] == 16_800


def test_a_date_without_rates_is_refused_with_exit_1(workdir: Path) -> None:
    done = lindung("contribution", "--wage", "3000000", "--programs", "JKK,JKM", "--on", "2014-12-31", cwd=workdir)
    assert done.returncode == 1
    assert "2014" in done.stderr


def test_from_agreement_to_payment_through_the_command_line(workdir: Path, tmp_path: Path) -> None:
    units = write_csv(
        tmp_path / "units.csv",
        [["DINKES", "Dinas Kesehatan", "dinas"], ["SATPOLPP", "Satpol PP dan Damkar", "dinas"]],
        header=["Kode Unit", "Nama Unit", "Jenis"],
    )
    assert lindung("employer", "add", "--region", "13.11", cwd=workdir).returncode == 0
    assert lindung("units", "import", str(units), "--employer", "13.11", "--commit", cwd=workdir).returncode == 0
    roster = write_csv(
        tmp_path / "roster.csv",
        [
            [SITI, "Siti Aminah", "DINKES", "THL", "2500000", "01/03/2022"],
            [BUDI, "Budi Santoso", "SATPOLPP", "Honorer", "3000000", "20/05/2024"],
        ],
        header=["NIK", "Nama Lengkap", "Kode Unit", "Kategori", "Gaji", "TMT"],
    )
    imported = lindung("roster", "import", str(roster), "--employer", "13.11", "--commit", cwd=workdir)
    assert imported.returncode == 0, imported.stderr

    add = ["agreement", "add", "--employer", "13.11", "--programs", "JKK,JKM", "--effective", "2024-01-01"]
    extra = ["--unit-class", "SATPOLPP=3", "--funder", "APBD Kab:kabkota:60", "--funder", "APBD Prov:provinsi:40"]
    first = lindung(*add, *extra, "--format", "json", cwd=workdir)
    assert first.returncode == 0, first.stderr
    assert (json.loads(first.stdout)["outcome"], json.loads(first.stdout)["employer"]) == ("created", "13.11")
    assert json.loads(lindung(*add, *extra, "--format", "json", cwd=workdir).stdout)["outcome"] == "unchanged"
    assert lindung(*add, "--funder", "nope", cwd=workdir).returncode == 2

    enrolled = lindung("enrol", "--employer", "13.11", "--on", "2024-05-25", "--format", "json", cwd=workdir)
    assert enrolled.returncode == 0, enrolled.stderr
    assert json.loads(enrolled.stdout)["enrolled"] == 2

    kpj = write_csv(
        tmp_path / "kpj.csv",
        [[SITI, "24011234567", "AKTIF"], ["3201011507900009", "24019999999", "AKTIF"]],
        header=["NIK", "KPJ", "Status"],
    )
    kpj_done = lindung("kpj", "import", str(kpj), "--employer", "13.11", "--format", "json", cwd=workdir)
    assert kpj_done.returncode == 0, kpj_done.stderr
    assert [u["nik"] for u in json.loads(kpj_done.stdout)["unmatched"]] == ["3201********0009"]

    create = ["invoice", "create", "--employer", "13.11", "--period", "2024-05", "--format", "json"]
    issued = lindung(*create, cwd=workdir)
    assert issued.returncode == 0, issued.stderr
    invoice = json.loads(issued.stdout)
    # Siti: 2,500,000 x (0.24% + 0.30%) = 13,500; Budi at class 3: 3,000,000 x (0.89% + 0.30%) = 35,700.
    assert (invoice["outcome"], invoice["total"], invoice["workers"]) == ("created", 13_500 + 35_700, 2)
    assert invoice["employer"] == "13.11"
    assert invoice["due_date"] == "2024-06-17"  # 15 June 2024 is a Saturday
    assert [f["amount"] for f in invoice["funding"]] == [29_520, 19_680]
    again = json.loads(lindung(*create, cwd=workdir).stdout)
    assert (again["outcome"], again["number"]) == ("unchanged", invoice["number"])
    assert lindung("invoice", "create", "--employer", "13.11", "--period", "2024-5", cwd=workdir).returncode == 2

    out = tmp_path / "tagihan.xlsx"
    assert lindung("invoice", "export", invoice["number"], "--out", str(out), cwd=workdir).returncode == 0
    assert "Rincian" in read_book(out, read_only=True).sheetnames

    pay = ["payment", "add", "--invoice", invoice["number"], "--amount", "20000", "--date", "2024-06-14"]
    assert lindung(*pay, "--billing-code", "210300010000", cwd=workdir).returncode == 0
    late = json.loads(
        lindung("arrears", "--employer", "13.11", "--on", "2024-08-01", "--format", "json", cwd=workdir).stdout
    )
    assert [(i["invoice"], i["balance"], i["ageing"]) for i in late["invoices"]] == [
        (invoice["number"], 13_500 + 35_700 - 20_000, "31-60 hari")
    ]
    assert late["invoices"][0]["employer"] == "13.11"
    conflict = lindung(
        *pay[:-2], "--amount", "5", "--date", "2024-06-14", "--billing-code", "210300010000", cwd=workdir
    )
    assert conflict.returncode == 1 and "tidak dicatat dua kali" in conflict.stderr


@pytest.mark.parametrize("missing", ["--wage", "--programs"])
def test_contribution_without_its_required_options_is_a_usage_error(workdir: Path, missing: str) -> None:
    args = {"--wage": "3000000", "--programs": "JKK,JKM"}
    args.pop(missing)
    assert lindung("contribution", *[x for kv in args.items() for x in kv], cwd=workdir).returncode == 2


def test_an_unverified_rate_is_overridden_per_agreement_and_a_verified_one_refused(workdir: Path) -> None:
    assert lindung("employer", "add", "--region", "16.08", cwd=workdir).returncode == 0
    add = ["agreement", "add", "--employer", "16.08", "--programs", "JKK,JKM,JKP", "--format", "json"]
    # reference §2.5: the JKM part of the JKP recomposition under PP 37/2021 is unverified [U]
    done = lindung(*add, "--effective", "2024-01-01", "--override", "jkp.from_jkm.rate=0", cwd=workdir)
    assert done.returncode == 0, done.stdout + done.stderr
    refused = lindung(*add, "--effective", "2024-02-01", "--override", "jkm.employer=0.1", cwd=workdir)
    assert refused.returncode == 1
    assert json.loads(refused.stdout)["issues"][0]["code"] == "RATE_OVERRIDE_VERIFIED"
    assert lindung(*add, "--effective", "2024-03-01", "--override", "nonsense", cwd=workdir).returncode == 2
