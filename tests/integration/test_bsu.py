"""`lindung bsu`: a Pemda's BSU 2022 list from the participant file loaded as of the cut-off, with the UMK table."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from lindung.accounts.roles import Role
from lindung.accounts.scope import Scope
from lindung.intake.services import import_roster
from lindung.reconcile.loading import load_source, target_of
from lindung.registry.services import add_employer
from tests.integration.factories import solok_selatan, write_csv
from tests.workbooks import read_book

EVERYTHING = Scope(user_id=None, role=Role.SUPERUSER, employer_ids=None)
NPP = "11000001"
ROSTER = ["NIK", "Nama Lengkap", "Kode Unit", "Kategori", "Upah Sebulan", "TMT"]
MASTER = ["NIK", "KPJ", "NPP", "Nama", "Tanggal Lahir", "Status", "Tanggal Kepesertaan", "Upah", "Bulan Iuran Terakhir"]
SITI, BUDI, ANI, EKO, RINA, JOKO = (
    "1311015507900001",  # paid through July, Rp2.500.000: qualifies
    "1311011203850002",  # paid only up to June: narrowly not
    "1311014102880003",  # reported Rp3.800.000: over Rp3.500.000, but under the UMK rounded up when one is given
    "1311010905910005",  # not in the participant data at all
    "1311014201880004",  # pekerja rentan (BPU): not a wage earner
    "1311010707770009",  # NONAKTIF and unpaid since May: two reasons
)


@pytest.fixture
def loaded(db: None, tmp_path: Path, settings: Any) -> Path:
    settings.DATA_DIR = tmp_path / "data"
    solok_selatan()
    add_employer("13.11", NPP, "test")
    people = [
        [SITI, "Siti Aminah", "DINKES", "Honorer", "2500000", "2021-03-01"],
        [BUDI, "Budi Santoso", "SATPOLPP", "Honorer", "3000000", "2021-03-01"],
        [ANI, "Ani Lestari", "DINKES", "THL", "3800000", "2021-03-01"],
        [EKO, "Eko Saputra", "DINKES", "THL", "2000000", "2022-01-03"],
        [RINA, "Rina Marlina", "NGR-PT", "Pekerja Rentan (BPU)", "1000000", "2021-03-01"],
        [JOKO, "Joko Susilo", "DINKES", "THL", "2000000", "2021-03-01"],
    ]
    roster = write_csv(tmp_path / "roster.csv", people, header=ROSTER)
    assert import_roster(roster, "13.11", mode="commit", actor="t", today=dt.date(2022, 7, 1)).committed
    rows = [
        [SITI, "24000001", NPP, "Siti Aminah", "", "AKTIF", "2021-03-01", "2500000", "2022-07"],
        [BUDI, "24000002", NPP, "Budi Santoso", "", "AKTIF", "2021-03-01", "3000000", "2022-06"],
        [ANI, "24000003", NPP, "Ani Lestari", "", "AKTIF", "2021-03-01", "3800000", "2022-07"],
        [RINA, "24000004", NPP, "Rina Marlina", "", "AKTIF", "2021-03-01", "1000000", "2022-07"],
        [JOKO, "24000009", NPP, "Joko Susilo", "", "NONAKTIF", "2021-03-01", "2000000", "2022-05"],
    ]
    master = write_csv(tmp_path / "peserta-juli-2022.csv", rows, header=MASTER)
    target = target_of(employer="13.11")
    assert load_source(EVERYTHING, master, source="bpjstk", target=target, actor="t", data_date=dt.date(2022, 7, 31))
    umk = tmp_path / "umk-2022.csv"
    umk.write_text("kode_wilayah,umk\n13.11,3.750.000\n13.10,2.600.000\n", encoding="utf-8")
    return umk


def bsu(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    call_command("bsu", "--year", "2022", "--employer", "13.11", *args, "--format", "json")
    return json.loads(capsys.readouterr().out)


def refused(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    err = StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("bsu", *args, stderr=err)
    return int(str(exit_.value.code)), err.getvalue() + capsys.readouterr().err


def test_the_list_names_who_qualifies_and_who_narrowly_does_not_and_why(
    loaded: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = bsu(capsys)
    by_name = {i["name"]: i for i in data["items"]}
    assert [n for n, i in by_name.items() if i["eligible"]] == ["Siti Aminah"]
    assert (data["eligible"], data["total_amount"], data["wage_limit"]) == (1, 600_000, 3_500_000)
    assert by_name["Budi Santoso"]["narrowly"] and "iuran terakhir 06/2022" in by_name["Budi Santoso"]["reasons"][0]
    assert (
        by_name["Ani Lestari"]["narrowly"]
        and "Rp3.800.000 di atas batas Rp3.500.000" in by_name["Ani Lestari"]["reasons"][0]
    )
    assert (
        by_name["Rina Marlina"]["narrowly"] and "bukan pekerja penerima upah" in by_name["Rina Marlina"]["reasons"][0]
    )
    assert not by_name["Eko Saputra"]["narrowly"] and by_name["Eko Saputra"]["reasons"] == [
        "tidak ada di data peserta BPJS TK"
    ]
    assert len(by_name["Joko Susilo"]["reasons"]) == 2 and not by_name["Joko Susilo"]["narrowly"]
    assert data["warnings"] == []  # the file describes the cut-off day itself
    # Solok Selatan's UMK Rp3.750.000 is above the cap: the limit is Rp3.800.000 and Ani qualifies
    out = tmp_path / "bsu.xlsx"
    with_umk = bsu(capsys, "--umk", str(loaded), "--out", str(out))
    assert (with_umk["wage_limit"], with_umk["eligible"], with_umk["total_amount"]) == (3_800_000, 2, 1_200_000)
    book = read_book(out, read_only=True)
    assert book.sheetnames == ["Memenuhi syarat", "Hampir memenuhi", "Tidak memenuhi"]
    names = [r[2] for r in book["Memenuhi syarat"].iter_rows(min_row=5, values_only=True)]
    assert sorted(names) == ["Ani Lestari", "Siti Aminah"]
    assert [r[1] for r in book["Memenuhi syarat"].iter_rows(min_row=5, values_only=True)].count(SITI) == 1


def test_without_participant_data_a_year_without_rules_or_a_bad_umk_file_it_says_what_to_do(
    loaded: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, text = refused(capsys, "--year", "2020", "--employer", "13.11")
    assert code == 2 and "Aturan BSU 2020 tidak ada di data; tersedia: 2022" in text
    add_employer("13.10", None, "test")
    code, text = refused(capsys, "--year", "2022", "--employer", "13.10")
    assert code == 1 and "lindung reconcile load --source bpjstk BERKAS --employer 13.10" in text
    bad = tmp_path / "umk.csv"
    bad.write_text("wilayah,upah\n13.11,3750000\n", encoding="utf-8")
    code, text = refused(capsys, "--year", "2022", "--employer", "13.11", "--umk", str(bad))
    assert code == 1 and "perlu kolom kode_wilayah dan umk" in text
