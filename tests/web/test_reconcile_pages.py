"""The reconciliation page for every persona: a clerk's unit, an admin's Pemda by unit, a branch's ranking, a
monitor's counts with no person; the .xlsx work list; a resolution with its note and history."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from lindung.accounts.roles import Role
from lindung.accounts.scope import Scope
from lindung.reconcile import services
from lindung.reconcile.loading import load_source, target_of
from lindung.reconcile.models import Finding, FindingEvent
from lindung.registry.services import add_employer
from tests.integration.factories import write_csv
from tests.web.conftest import DINKES_NIKS, TODAY, World, read_and_close
from tests.workbooks import read_book

EVERYTHING = Scope(user_id=None, role=Role.SUPERUSER, employer_ids=None)
HEADER = ["NIK", "KPJ", "NPP", "Nama", "Tanggal Lahir", "Status", "Tanggal Kepesertaan", "Upah", "Bulan Iuran Terakhir"]
STRANGER = "1311016101900009"  # paid under the Pemda's NPP, on no roster


@pytest.fixture
def found(world: World, tmp_path: Path, settings: Any) -> None:
    """Siti Rahma is an active, paid participant; Dewi Kartika (DINKES) and Budi Santoso (SATPOLPP) are on the
    roster but not participants; a stranger is paid for under the NPP."""
    settings.DATA_DIR = tmp_path / "data"
    add_employer("13.11", "11000001", "test")
    rows = [
        [DINKES_NIKS[0], "24000001", "11000001", "Siti Rahma", "", "AKTIF", "2024-01-02", "2500000", "2026-10"],
        [STRANGER, "24000009", "11000001", "Rudi Hartono", "", "AKTIF", "2025-01-01", "2500000", "2026-10"],
    ]
    path = write_csv(tmp_path / "peserta.csv", rows, header=HEADER)
    target = target_of(employer="13.11")
    assert load_source(EVERYTHING, path, source="bpjstk", target=target, actor="t", data_date=TODAY).committed
    services.run_reconciliation(EVERYTHING, target, on=TODAY, actor="t")
    kinds = sorted(Finding.objects.values_list("kind", "name"))
    assert ("tidak_terlindungi", "Dewi Kartika") in kinds and ("bayar_tanpa_orang", "Rudi Hartono") in kinds


def text_of(client: Client, url: str = "/rekonsiliasi/") -> str:
    answer = client.get(url)
    assert answer.status_code == 200
    return " ".join(answer.content.decode().split())


def test_each_persona_sees_the_findings_of_its_scope_and_a_monitor_only_counts(
    found: None, personas: dict[str, Client]
) -> None:
    clerk = text_of(personas["clerk"])  # DINKES: Dewi, with her NIK in full (the clerk keeps the roster)
    assert "Dewi Kartika" in clerk and DINKES_NIKS[1] in clerk and "Budi Santoso" not in clerk
    admin = text_of(personas["admin"])  # the Pemda, per unit
    assert "Dewi Kartika" in admin and "Budi Santoso" in admin and "Rudi Hartono" in admin
    assert "Per unit kerja" in admin
    monitor = text_of(personas["monitor"])
    assert "Per Pemda" in monitor and "13.11" in monitor
    assert "Dewi Kartika" not in monitor and DINKES_NIKS[1][-4:] not in monitor and "Daftar kerja" not in monitor
    assert "Dewi Kartika" not in text_of(personas["other_admin"])  # Kabupaten Solok
    only = text_of(personas["admin"], "/rekonsiliasi/?kind=bayar_tanpa_orang")
    assert "Rudi Hartono" in only and "Dewi Kartika" not in only.split("Daftar kerja")[1]


def test_the_work_list_downloads_as_xlsx_for_the_scope(
    found: None, personas: dict[str, Client], tmp_path: Path
) -> None:
    answer = personas["clerk"].get("/rekonsiliasi/unduh.xlsx?kind=tidak_terlindungi")
    assert answer.status_code == 200
    out = tmp_path / "daftar.xlsx"
    out.write_bytes(read_and_close(answer))
    rows = [r for r in read_book(out, read_only=True)["Temuan rekonsiliasi"].iter_rows(min_row=5, values_only=True)]
    assert [(r[0], r[3], r[4]) for r in rows] == [("Tidak terlindungi", DINKES_NIKS[1], "Dewi Kartika")]
    assert personas["monitor"].get("/rekonsiliasi/unduh.xlsx").status_code == 403


def test_a_resolution_needs_a_note_stays_in_the_history_and_only_inside_the_scope(
    found: None, personas: dict[str, Client]
) -> None:
    dewi = Finding.objects.get(name="Dewi Kartika")
    url = f"/rekonsiliasi/{dewi.key}/selesai/"
    personas["admin"].post(url, {"resolution": "enrol", "note": ""})
    assert Finding.objects.get(pk=dewi.pk).state == dewi.state  # no note: nothing changed
    personas["other_clerk"].post(url, {"resolution": "enrol", "note": "x"})  # SATPOLPP's clerk: not theirs
    assert Finding.objects.get(pk=dewi.pk).state == dewi.state
    answer = personas["clerk"].post(url, {"resolution": "enrol", "note": "Didaftarkan 3 November"})
    assert answer.status_code == 302
    done = Finding.objects.get(pk=dewi.pk)
    assert (done.state, done.resolution, done.note) == ("resolved", "enrol", "Didaftarkan 3 November")
    assert FindingEvent.objects.filter(finding=done, action="resolved").count() == 1
    assert "didaftarkan ke BPJS TK: Didaftarkan 3 November" in text_of(personas["admin"])


def test_the_dashboard_counts_the_open_findings_of_the_scope(found: None, personas: dict[str, Client]) -> None:
    admin = text_of(personas["admin"], "/")
    assert "Temuan rekonsiliasi yang masih terbuka" in admin
    # Dewi (DINKES) and Budi (SATPOLPP) unprotected; the clerk of DINKES counts only Dewi
    assert '<span class="n">2</span> <span class="l">Tidak terlindungi</span>' in admin
    assert '<span class="n">1</span> <span class="l">Tidak terlindungi</span>' in text_of(personas["clerk"], "/")
    assert "Temuan rekonsiliasi" not in text_of(personas["other_admin"], "/")  # nothing run for Kabupaten Solok


def test_a_branch_sees_its_pemda_ranked_by_unprotected_workers_then_money_paid_for_nobody() -> None:
    from lindung.web.views.reconcile import _ranked

    def row(code: str, unprotected: int, paid: int) -> dict[str, Any]:
        return {"employer": code, "findings": {"tidak_terlindungi": unprotected, "bayar_tanpa_orang": paid}}

    rows = [row("16.01", 2, 9), row("16.02", 5, 0), row("16.03", 2, 10), row("16.04", 2, 10)]
    assert [r["employer"] for r in _ranked(rows)] == ["16.02", "16.03", "16.04", "16.01"]


def test_an_admin_loads_a_participant_file_and_runs_from_the_page(
    world: World, personas: dict[str, Client], tmp_path: Path, settings: Any
) -> None:
    settings.DATA_DIR = tmp_path / "data"
    add_employer("13.11", "11000001", "test")
    admin = personas["admin"]
    page = text_of(admin)
    assert "Muat data dan jalankan" in page
    assert "Muat data dan jalankan" not in text_of(personas["clerk"])  # a clerk neither loads nor runs
    rows = [[STRANGER, "24000009", "11000001", "Rudi Hartono", "", "AKTIF", "2025-01-01", "2500000", "2026-10"]]
    path = write_csv(tmp_path / "peserta.csv", rows, header=HEADER)
    with path.open("rb") as handle:
        answer = admin.post("/rekonsiliasi/muat/", {"source": "bpjstk", "file": handle, "data_date": "2026-11-30"})
    assert answer.status_code == 302
    shown = text_of(admin)
    assert "dimuat" in shown.lower()
    answer = admin.post("/rekonsiliasi/jalankan/", {"on": TODAY.isoformat()})
    assert answer.status_code == 302
    shown = text_of(admin)
    assert "Rekonsiliasi" in shown and "Bayar tanpa orang 1" in shown and "Rudi Hartono" in shown
    assert Finding.objects.filter(kind="bayar_tanpa_orang", name="Rudi Hartono").count() == 1


def test_the_page_answers_bad_loads_and_other_pemda_with_a_sentence(
    world: World, personas: dict[str, Client], tmp_path: Path, settings: Any
) -> None:
    settings.DATA_DIR = tmp_path / "data"
    add_employer("13.11", "11000001", "test")
    admin = personas["admin"]
    assert admin.post("/rekonsiliasi/muat/", {"source": "bpjstk"}).status_code == 302
    assert "Pilih berkas" in text_of(admin)
    bad = tmp_path / "catatan.txt"
    bad.write_text("bukan data")
    with bad.open("rb") as handle:
        admin.post("/rekonsiliasi/muat/", {"source": "bpjstk", "file": handle})
    assert ".csv, .xlsx atau .parquet" in text_of(admin)
    admin.post("/rekonsiliasi/jalankan/", {"pemda": "13.02"})  # not theirs
    assert "tidak boleh" in text_of(admin) or "belum terdaftar" in text_of(admin)
    admin.post("/rekonsiliasi/jalankan/", {"on": "kemarin"})
    assert "Tanggal kemarin tidak dikenal" in text_of(admin)
    assert not Finding.objects.exists()
