"""Reconciliation on a real database: loading BPJS TK and BKN files, every finding kind with its evidence,
tolerant names, the next run's new / open / resolved, a person's resolution and its history, bad input, scope.

One Pemda (Solok Selatan, 13.11, NPP 11000001) and its neighbour (Dharmasraya, 13.10, NPP 11000002), as of
2024-06-20: May's contribution was due on 15 June, so a participant paid up to 2024-05 owes nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import subprocess
import sys
from contextlib import redirect_stdout
from io import StringIO
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from django.core.management import CommandError, call_command

from lindung.accounts.roles import Role
from lindung.accounts.scope import Scope
from lindung.domain.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from lindung.intake.services import import_roster
from lindung.reconcile import services
from lindung.reconcile.loading import load_source, target_of
from lindung.reconcile.models import Finding, FindingEvent, Run, SourceFile
from lindung.registry.models import Employer, WorkUnit
from lindung.registry.services import add_employer
from tests.integration.factories import solok_selatan, write_csv, write_xlsx

ON = dt.date(2024, 6, 20)
EVERYTHING = Scope(user_id=None, role=Role.SUPERUSER, employer_ids=None)
NPP_SOLSEL = "11000001"
NPP_DHARMAS = "11000002"


def nik(day: int, month: int, year: int, serial: int, woman: bool = False, prefix: str = "131101") -> str:
    return f"{prefix}{day + (40 if woman else 0):02d}{month:02d}{year % 100:02d}{serial:04d}"


SITI = nik(15, 7, 90, 1, woman=True)  # protected, paid; BPJS TK writes her name with her degree
BUDI = nik(12, 3, 85, 2)  # NGR-PT, not a participant at all
ANI = nik(1, 2, 88, 3, woman=True)  # wage 3,000,000 on the roster, 2,000,000 reported
DEDI = nik(5, 5, 80, 4)  # NONAKTIF at BPJS TK
EKO = nik(9, 9, 91, 5)  # active, paid only up to January: four months in arrears
FITRI = nik(20, 10, 92, 6, woman=True)  # another name at BPJS TK
GITA = nik(3, 4, 93, 7, woman=True)  # another birth date at BPJS TK
HADI = nik(14, 2, 87, 8)  # on the rosters of both Pemda
JOKO = nik(7, 7, 77, 9)  # employment ended 31 January, still paid up to May
LINA = nik(11, 11, 89, 10, woman=True)  # two active KPJ
IWAN = nik(2, 2, 82, 11)  # paid under the Pemda's NPP, never on a roster
MAYA = nik(8, 8, 94, 12, woman=True)  # in BKN's census, on no roster

ROSTER_HEADER = ["NIK", "Nama Lengkap", "Kode Unit", "Kategori", "Upah Sebulan", "TMT", "Tanggal Selesai"]
MASTER_HEADER = [
    "NIK",
    "No. KPJ",
    "NPP",
    "Nama Peserta",
    "Tgl Lahir",
    "Status Kepesertaan",
    "Tanggal Kepesertaan",
    "Upah (Rp)",
    "Bulan Iuran Terakhir",
]
BKN_HEADER = ["NIK", "Nama", "Instansi", "Unit Kerja", "Jabatan"]
INSTANSI = "Pemerintah Kabupaten Solok Selatan"


def participant(
    who: str,
    name: str,
    *,
    kpj: str | None = None,
    npp: str = NPP_SOLSEL,
    birth: str = "",
    status: str = "AKTIF",
    since: str = "2024-03-01",
    wage: str = "2500000",
    paid: str = "2024-05",
) -> list[str]:
    return [who, kpj or f"24{who[-6:]}", npp, name, birth, status, since, wage, paid]


def master_rows() -> list[list[str]]:
    return [
        participant(SITI, "SITI AMINAH, S.Pd", birth="15/07/1990"),
        participant(ANI, "Ani Lestari", wage="2000000"),
        participant(DEDI, "Dedi Kurniawan", status="NONAKTIF"),
        participant(EKO, "Eko Saputra", paid="2024-01"),
        participant(FITRI, "Rina Marlina"),
        participant(GITA, "Gita Permata", birth="04/03/1993"),
        participant(HADI, "Hadi Gunawan"),
        participant(JOKO, "Joko Susilo", since="2023-01-01"),
        participant(LINA, "Lina Marlina", kpj="24000001"),
        participant(LINA, "Lina Marlina", kpj="24000002"),
        participant(IWAN, "Iwan Setiawan", since="2024-01-01", wage="2000000"),
    ]


def roster_row(who: str, name: str, unit: str = "DINKES", wage: str = "2500000", end: str = "") -> list[str]:
    return [who, name, unit, "THL", wage, "2024-01-02", end]


@pytest.fixture
def data_dir(settings: Any, tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    settings.DATA_DIR = folder
    return folder


@pytest.fixture
def solok(db: None, tmp_path: Path, data_dir: Path) -> Employer:
    employer = solok_selatan()
    add_employer("13.11", NPP_SOLSEL, "test")
    rows = [
        roster_row(SITI, "Siti Aminah"),
        roster_row(BUDI, "Budi Santoso", unit="NGR-PT"),
        roster_row(ANI, "Ani Lestari", wage="3000000"),
        roster_row(DEDI, "Dedi Kurniawan", unit="SATPOLPP"),
        roster_row(EKO, "Eko Saputra"),
        roster_row(FITRI, "Fitri Handayani"),
        roster_row(GITA, "Gita Permata"),
        roster_row(HADI, "Hadi Gunawan", unit="SATPOLPP"),
        roster_row(JOKO, "Joko Susilo", end="2024-01-31"),
        roster_row(LINA, "Lina Marlina"),
    ]
    path = write_csv(tmp_path / "roster.csv", rows, header=ROSTER_HEADER)
    result = import_roster(path, "13.11", mode="commit", actor="test", today=dt.date(2024, 5, 25))
    assert result.committed, [i.message for i in result.issues]
    dharmas = add_employer("13.10", NPP_DHARMAS, "test").employer
    WorkUnit.objects.create(employer=dharmas, code="DINKES", name="Dinas Kesehatan", kind="dinas")
    other = write_csv(tmp_path / "dharmas.csv", [roster_row(HADI, "Hadi Gunawan")], header=ROSTER_HEADER)
    assert import_roster(other, "13.10", mode="commit", actor="test", today=dt.date(2024, 5, 25)).committed
    return Employer.objects.get(pk=employer.pk)


def load(path: Path, source: str = "bpjstk", day: str = "2024-06-15", **kw: Any) -> Any:
    target = kw.pop("target", None) or target_of(employer="13.11")
    return load_source(
        kw.pop("scope", EVERYTHING),
        path,
        source=source,
        target=target,
        actor="test",
        data_date=dt.date.fromisoformat(day),
        **kw,
    )


def census_rows() -> list[list[str]]:
    people = [(SITI, "Siti Aminah S.Pd"), (BUDI, "Budi Santoso"), (ANI, "Ani Lestari"), (MAYA, "Maya Sari")]
    return [[n, name, INSTANSI, "Dinas Kesehatan", "Tenaga kesehatan"] for n, name in people]


@pytest.fixture
def loaded(solok: Employer, tmp_path: Path) -> Employer:
    assert load(write_csv(tmp_path / "peserta.csv", master_rows(), header=MASTER_HEADER)).committed
    assert load(write_csv(tmp_path / "bkn.csv", census_rows(), header=BKN_HEADER), source="bkn").committed
    return solok


def run(scope: Scope = EVERYTHING, on: dt.date = ON, **target: Any) -> services.RunResult:
    return services.run_reconciliation(scope, target_of(**(target or {"employer": "13.11"})), on=on, actor="test")


def found(result: services.RunResult, kind: str) -> dict[str, dict[str, Any]]:
    """The items of one kind by the name on the roster (or the other list)."""
    return {i["name"]: i for i in result.items if i["kind"] == kind}


def test_every_finding_kind_is_found_with_its_evidence(loaded: Employer) -> None:
    result = run()
    assert result.counts == {
        "tidak_terlindungi": 3,
        "bayar_tanpa_orang": 2,
        "ganda": 2,
        "upah_tidak_sesuai": 1,
        "belum_didata": 7,
        "identitas_berbeda": 2,
    }
    unprotected = found(result, "tidak_terlindungi")
    assert set(unprotected) == {"Budi Santoso", "Dedi Kurniawan", "Eko Saputra"}
    assert unprotected["Budi Santoso"]["evidence"]["alasan"] == "tidak ada di data peserta BPJS TK untuk NPP Pemda"
    assert unprotected["Budi Santoso"]["unit"] == "NGR-PT"
    assert unprotected["Dedi Kurniawan"]["evidence"]["alasan"] == "NONAKTIF di BPJS TK"
    assert unprotected["Eko Saputra"]["evidence"]["bulan_menunggak"] == 4  # February to May
    paid = found(result, "bayar_tanpa_orang")
    assert set(paid) == {"Iwan Setiawan", "Joko Susilo"}
    assert paid["Joko Susilo"]["evidence"]["alasan"] == "penugasan berakhir 2024-01-31"
    assert paid["Joko Susilo"]["evidence"]["bulan_dibayar"] == 4  # February to May
    assert paid["Iwan Setiawan"]["evidence"]["bulan_dibayar"] == 5  # January to May
    assert paid["Iwan Setiawan"]["unit"] is None
    doubles = found(result, "ganda")
    assert doubles["Hadi Gunawan"]["evidence"]["daftar"]["pemda"] == ["13.10", "13.11"]
    assert doubles["Lina Marlina"]["evidence"]["bpjstk"]["kpj_aktif"] == 2
    (wage,) = found(result, "upah_tidak_sesuai").values()
    assert wage["name"] == "Ani Lestari" and wage["evidence"]["selisih"] == 1_000_000
    assert wage["evidence"]["alasan"] == "upah dilaporkan lebih rendah"
    census = [i for i in result.items if i["kind"] == "belum_didata"]
    assert [i["name"] for i in census if i["evidence"]["alasan"].startswith("ada di pendataan")] == ["Maya Sari"]
    assert len(census) == 7  # Maya, and the six active on the roster BKN does not know (not Joko: ended)
    identity = found(result, "identitas_berbeda")
    assert identity["Fitri Handayani"]["evidence"]["bpjstk"]["nama"] == "Rina Marlina"
    assert identity["Fitri Handayani"]["evidence"]["alasan"] == "nama berbeda"
    assert identity["Gita Permata"]["evidence"]["alasan"] == "hari dan bulan tertukar"
    assert all(i["nik_masked"].count("*") == 8 for i in result.items)
    assert Finding.objects.count() == sum(result.counts.values())
    assert FindingEvent.objects.filter(action="found").count() == sum(result.counts.values())


def test_a_name_written_with_titles_or_old_spelling_is_no_finding(loaded: Employer) -> None:
    result = run()
    names = {i["name"] for i in result.items if i["kind"] == "identitas_berbeda"}
    assert "Siti Aminah" not in names  # "SITI AMINAH, S.Pd" at BPJS TK, "Siti Aminah S.Pd" at BKN
    assert "Joko Susilo" not in names


def test_the_money_paid_for_a_person_who_left_is_counted_from_the_agreement(loaded: Employer) -> None:
    from lindung.enrolment.services import add_agreement

    add_agreement("13.11", programs="JKK,JKM", effective_from=dt.date(2024, 1, 1), actor="t")
    paid = found(run(), "bayar_tanpa_orang")
    # JKK class 1 (0.24%) + JKM (0.30%) of Rp2,000,000 = Rp10,800 a month, five months.
    assert paid["Iwan Setiawan"]["evidence"]["rupiah_dibayar"] == 5 * 10_800


def test_the_next_run_knows_new_open_and_resolved_and_a_resolution_stays_in_the_history(
    loaded: Employer, tmp_path: Path
) -> None:
    first = run()
    budi = found(first, "tidak_terlindungi")["Budi Santoso"]["key"]
    dedi = found(first, "tidak_terlindungi")["Dedi Kurniawan"]["key"]
    eko = found(first, "tidak_terlindungi")["Eko Saputra"]["key"]
    services.resolve_finding(EVERYTHING, budi, resolution="enrol", note="didaftarkan 21 Juni", actor="admin")
    services.resolve_finding(EVERYTHING, dedi, resolution="explained", note="cuti di luar tanggungan", actor="admin")
    # BPJS TK's next file: Budi enrolled, Eko paid up.
    rows = [r for r in master_rows() if r[0] != EKO]
    rows += [participant(BUDI, "Budi Santoso"), participant(EKO, "Eko Saputra")]
    assert load(write_csv(tmp_path / "juli.csv", rows, header=MASTER_HEADER), day="2024-07-01").committed
    second = run(on=dt.date(2024, 7, 2))
    assert second.counts["tidak_terlindungi"] == 1  # Dedi, still NONAKTIF
    assert second.changes["resolved"] == 1  # Eko's finding; Budi's was resolved by a person already
    assert second.changes["explained"] == 1
    states = dict(Finding.objects.filter(key__in=[budi, dedi, eko]).values_list("key", "state"))
    assert states == {budi: "resolved", dedi: "explained", eko: "resolved"}
    history = [(e.action, e.state_before, e.state_after) for e in services.history(EVERYTHING, budi)]
    assert history == [("found", "", "new"), ("resolved", "new", "resolved")]
    event = services.history(EVERYTHING, budi)[1]
    assert (event.actor, event.resolution, event.note) == ("admin", "enrol", "didaftarkan 21 Juni")
    eko_history = [(e.action, e.state_after) for e in services.history(EVERYTHING, eko)]
    assert eko_history == [("found", "new"), ("gone", "resolved")]
    assert found(second, "upah_tidak_sesuai")["Ani Lestari"]["state"] == "open"
    assert found(second, "tidak_terlindungi")["Dedi Kurniawan"]["state"] == "explained"


def test_a_finding_fixed_by_a_person_but_still_there_is_reopened(loaded: Employer) -> None:
    key = found(run(), "upah_tidak_sesuai")["Ani Lestari"]["key"]
    services.resolve_finding(EVERYTHING, key, resolution="correct_wage", note="dikirim ke BPJS TK", actor="admin")
    again = run()
    assert again.changes["reopened"] == 1
    assert Finding.objects.get(key=key).state == "open"
    assert [e.action for e in services.history(EVERYTHING, key)] == ["found", "resolved", "reopened"]


def test_without_participant_data_only_the_rosters_and_the_census_are_compared(solok: Employer) -> None:
    result = run()
    assert result.counts["tidak_terlindungi"] == 0 and result.counts["ganda"] == 1  # Hadi, on two rosters
    assert "belum ada data peserta BPJS TK" in " ".join(result.skipped)


def test_a_resolution_needs_a_known_kind_and_a_note(loaded: Employer) -> None:
    key = run().items[0]["key"]
    with pytest.raises(ValidationFailed, match="Catatan"):
        services.resolve_finding(EVERYTHING, key, resolution="enrol", note=" ", actor="a")
    with pytest.raises(ValidationFailed, match="tidak dikenal"):
        services.resolve_finding(EVERYTHING, key, resolution="hapus", note="x", actor="a")
    with pytest.raises(NotFound):
        services.resolve_finding(EVERYTHING, "0" * 40, resolution="enrol", note="x", actor="a")
    with pytest.raises(ValidationFailed, match="8 karakter"):
        services.resolve_finding(EVERYTHING, key[:5], resolution="enrol", note="x", actor="a")


# Loading: formats, headers, bad input -------------------------------------------------------------------------


def test_the_same_rows_load_from_csv_xlsx_and_parquet(solok: Employer, tmp_path: Path) -> None:
    rows = master_rows()
    csv_file = write_csv(tmp_path / "p.csv", rows, header=MASTER_HEADER)
    xlsx = write_xlsx(tmp_path / "p.xlsx", rows, header=MASTER_HEADER)
    parquet = tmp_path / "p.parquet"
    pl.DataFrame({h: [r[i] for r in rows] for i, h in enumerate(MASTER_HEADER)}).write_parquet(parquet)
    frames = []
    utf16 = tmp_path / "p-utf16.csv"  # a participant file saved as "Unicode" by Excel or Notepad
    utf16.write_bytes(csv_file.read_text(encoding="utf-8").encode("utf-16"))
    days = ("2024-06-01", "2024-06-02", "2024-06-03", "2024-06-04")
    for day, path in zip(days, (csv_file, xlsx, parquet, utf16), strict=True):
        result = load(path, day=day)
        assert result.committed and result.loaded == len(rows), result.issues
        stored = SourceFile.objects.get(pk=result.source_file_id)
        frames.append(pl.read_parquet(Path(str(tmp_path / "data")) / stored.path).drop("row"))
    assert frames[0].equals(frames[1]) and frames[0].equals(frames[2]) and frames[0].equals(frames[3])
    assert SourceFile.objects.filter(current=True).count() == 1
    assert frames[0].filter(pl.col("nik") == int(SITI)).get_column("tanggal_lahir").item() == dt.date(1990, 7, 15)
    assert frames[0].filter(pl.col("nik") == int(EKO)).get_column("bulan_iuran_terakhir").item() == dt.date(2024, 1, 1)


def test_the_stored_master_is_readable_by_its_owner_only_and_sorted_by_npp(solok: Employer, tmp_path: Path) -> None:
    result = load(write_csv(tmp_path / "p.csv", master_rows(), header=MASTER_HEADER))
    stored = SourceFile.objects.get(pk=result.source_file_id)
    path = tmp_path / "data" / stored.path
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert stored.rows == 11 and len(stored.sha256) == 64 and stored.loaded_by == "test"
    assert stored.data_date == dt.date(2024, 6, 15) and stored.npps == [NPP_SOLSEL]


def test_the_same_file_twice_changes_nothing_and_says_so(solok: Employer, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "p.csv", master_rows(), header=MASTER_HEADER)
    assert load(path).committed
    again = load(path)
    assert again.unchanged and not again.committed
    assert "tidak ada yang berubah" in again.message
    assert SourceFile.objects.count() == 1


def test_an_older_file_is_refused_with_both_dates_unless_forced(solok: Employer, tmp_path: Path) -> None:
    assert load(write_csv(tmp_path / "juni.csv", master_rows(), header=MASTER_HEADER), day="2024-06-15").committed
    older = write_csv(tmp_path / "mei.csv", master_rows()[:5], header=MASTER_HEADER)
    with pytest.raises(Conflict) as refused:
        load(older, day="2024-05-15")
    assert "2024-05-15" in str(refused.value) and "2024-06-15" in str(refused.value) and "--force" in str(refused.value)
    assert SourceFile.objects.count() == 1
    forced = load(older, day="2024-05-15", force=True)
    assert forced.committed
    assert SourceFile.objects.get(current=True).forced


def test_a_file_for_another_npp_is_refused_naming_whose_it_is(solok: Employer, tmp_path: Path) -> None:
    rows = [participant(HADI, "Hadi Gunawan", npp=NPP_DHARMAS)]
    with pytest.raises(ValidationFailed) as refused:
        load(write_csv(tmp_path / "p.csv", rows, header=MASTER_HEADER))
    assert "Kabupaten Dharmasraya" in str(refused.value) and NPP_DHARMAS in str(refused.value)
    assert SourceFile.objects.count() == 0
    assert not (tmp_path / "data" / "reconcile").exists()


def test_a_pemda_without_an_npp_is_told_how_to_record_it(db: None, tmp_path: Path, data_dir: Path) -> None:
    solok_selatan()
    with pytest.raises(ValidationFailed, match=r"employer add --region 13\.11 --npp"):
        load(write_csv(tmp_path / "p.csv", master_rows(), header=MASTER_HEADER))


def test_a_census_of_another_pemda_is_refused_naming_it(solok: Employer, tmp_path: Path) -> None:
    rows = [[MAYA, "Maya Sari", "Pemerintah Kabupaten Dharmasraya", "Dinkes", "Perawat"]]
    with pytest.raises(ValidationFailed, match="Kabupaten Dharmasraya"):
        load(write_csv(tmp_path / "bkn.csv", rows, header=BKN_HEADER), source="bkn")
    assert SourceFile.objects.count() == 0


def test_a_file_without_a_nik_column_is_refused(solok: Employer, tmp_path: Path) -> None:
    rows = [r[1:] for r in master_rows()]
    with pytest.raises(ValidationFailed) as refused:
        load(write_csv(tmp_path / "p.csv", rows, header=MASTER_HEADER[1:]))
    assert str(refused.value) == "Berkas p.csv tidak punya kolom NIK; tidak ada yang dimuat"
    assert SourceFile.objects.count() == 0


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".parquet"])
def test_a_truncated_file_is_refused(solok: Employer, tmp_path: Path, suffix: str) -> None:
    rows = master_rows()
    path = tmp_path / f"p{suffix}"
    if suffix == ".csv":
        write_csv(path, rows, header=MASTER_HEADER)
    elif suffix == ".xlsx":
        write_xlsx(path, rows, header=MASTER_HEADER)
    else:
        pl.DataFrame({h: [r[i] for r in rows] for i, h in enumerate(MASTER_HEADER)}).write_parquet(path)
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * 0.8)])
    with pytest.raises(ValidationFailed, match="terpotong"):
        load(path)
    if suffix == ".csv":  # the same in UTF-16, whose tail is read two bytes a character
        text = data.decode("utf-8").encode("utf-16")
        path.write_bytes(text[: int(len(text) * 0.8) // 2 * 2])
        with pytest.raises(ValidationFailed, match="terpotong"):
            load(path)
    assert SourceFile.objects.count() == 0


def test_bad_rows_are_reported_by_row_and_nothing_is_loaded_unless_partial(solok: Employer, tmp_path: Path) -> None:
    rows = master_rows()
    rows[1][0] = "13110141028800"  # 14 digits
    rows[2][5] = "CUTI"
    rows[3][8] = "Januari"
    path = write_csv(tmp_path / "p.csv", rows, header=MASTER_HEADER)
    result = load(path)
    assert not result.committed and result.rejected == 3 and SourceFile.objects.count() == 0
    issues = [(i.row, i.column, i.code) for i in result.issues]
    assert issues == [
        (3, "NIK", "NIK_INVALID"),
        (4, "Status", "STATUS_INVALID"),
        (5, "Bulan Iuran Terakhir", "MONTH_INVALID"),
    ]
    assert result.issues[0].value == "*" * 14  # masked, never the NIK itself
    partial = load(path, partial=True)
    assert partial.committed and partial.loaded == len(rows) - 3 and partial.rejected == 3


def test_no_nik_reaches_the_log(loaded: Employer, caplog: pytest.LogCaptureFixture, tmp_path: Path) -> None:
    caplog.set_level(logging.DEBUG, logger="lindung.reconcile")
    load(write_csv(tmp_path / "p2.csv", master_rows()[:4], header=MASTER_HEADER), day="2024-06-16")
    run()
    text = caplog.text
    assert "reconcile run" in text and "reconcile load" in text
    assert all(n not in text for n in (SITI, BUDI, ANI, DEDI, EKO, IWAN))


# Scope ------------------------------------------------------------------------------------------------------


def test_an_admin_runs_their_own_pemda_only_and_a_clerk_sees_their_units_findings(loaded: Employer) -> None:
    dharmas = Employer.objects.get(region_id="13.10")
    other_admin = Scope(user_id=9, role=Role.ADMIN, employer_ids=frozenset({dharmas.pk}), employer_code="13.10")
    with pytest.raises(PermissionDenied):
        run(other_admin)
    with pytest.raises(PermissionDenied):
        load(Path(__file__), scope=other_admin)
    admin = Scope(user_id=8, role=Role.ADMIN, employer_ids=frozenset({loaded.pk}), employer_code="13.11")
    result = run(admin)
    assert sum(result.counts.values()) == 17
    nagari = WorkUnit.objects.get(employer=loaded, code="NGR-PT")
    clerk = Scope(user_id=7, role=Role.CLERK, employer_ids=frozenset({loaded.pk}), unit_id=nagari.pk)
    listed = list(services.findings(clerk))
    assert [(f.name, f.kind) for f in listed] == [("Budi Santoso", "tidak_terlindungi")]
    with pytest.raises(NotFound):
        services.get_finding(clerk, found(result, "upah_tidak_sesuai")["Ani Lestari"]["key"])
    with pytest.raises(PermissionDenied):
        run(clerk)


def test_a_monitor_sees_counts_only(loaded: Employer) -> None:
    run()
    monitor = Scope(user_id=6, role=Role.MONITOR, employer_ids=frozenset({loaded.pk}), region_code="13")
    (row,) = services.summary(monitor)
    assert row["employer"] == "13.11" and row["findings"]["tidak_terlindungi"] == 3
    assert "nik" not in json.dumps(row)
    with pytest.raises(PermissionDenied):
        services.findings(monitor)


def test_a_branch_loads_its_territory_and_runs_it(loaded: Employer, tmp_path: Path) -> None:
    from lindung.regions.models import Region
    from lindung.registry.models import BranchOffice

    office = BranchOffice.objects.create(code="KC-SLK", name="KC Solok")
    office.territory.add(Region.objects.get(code="13.11"))
    branch = Scope(user_id=5, role=Role.BRANCH, employer_ids=frozenset({loaded.pk}), branch_code="KC-SLK")
    rows = [*master_rows(), participant(nik(1, 1, 70, 99), "Pekerja Swasta", npp="99999999")]  # a company
    path = write_csv(tmp_path / "kc.csv", rows, header=MASTER_HEADER)
    result = load(path, day="2024-06-18", scope=branch, target=target_of(branch="KC-SLK"))
    assert result.committed
    dharmas = [participant(HADI, "Hadi Gunawan", npp=NPP_DHARMAS)]  # 13.10 is not in the territory
    with pytest.raises(ValidationFailed, match="di luar wilayah"):
        load(
            write_csv(tmp_path / "kc2.csv", dharmas, header=MASTER_HEADER),
            day="2024-06-19",
            scope=branch,
            target=target_of(branch="KC-SLK"),
        )
    by_branch = run(branch, branch="KC-SLK")
    assert by_branch.participants is not None and by_branch.participants.coverage == "branch"
    assert by_branch.counts["tidak_terlindungi"] == 3


# The command line -------------------------------------------------------------------------------------------


def cli(*args: str) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        with redirect_stdout(out):  # JSON goes to sys.stdout
            call_command("reconcile", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    except CommandError as exc:  # a usage error: the console command prints it and exits with its code
        code = exc.returncode
        err.write(str(exc))
    return code, out.getvalue(), err.getvalue()


def test_the_command_loads_runs_and_prints_the_promised_json(solok: Employer, tmp_path: Path) -> None:
    master = write_csv(tmp_path / "p.csv", master_rows(), header=MASTER_HEADER)
    code, out, _ = cli("load", str(master), "--source", "bpjstk", "--employer", "13.11", "--date", "2024-06-15")
    assert code == 0 and "11 baris dimuat" in out
    code, out, _ = cli("load", str(master), "--source", "bpjstk", "--employer", "13.11", "--date", "2024-06-15")
    assert code == 0 and "tidak ada yang berubah" in out
    code, out, _ = cli("run", "--employer", "13.11", "--on", "2024-06-20", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["employer"] == "13.11" and data["on"] == "2024-06-20"
    assert list(data["findings"]) == [
        "tidak_terlindungi",
        "bayar_tanpa_orang",
        "ganda",
        "upah_tidak_sesuai",
        "belum_didata",
        "identitas_berbeda",
    ]
    assert data["findings"]["belum_didata"] == 0  # no census loaded
    assert {"kind", "nik_masked", "unit"} <= set(data["items"][0])
    assert SITI not in out and BUDI not in out
    code, out, _ = cli("run", "--employer", "13.11", "--on", "2024-06-20", "--out", str(tmp_path / "t.xlsx"))
    assert code == 0 and "Tidak terlindungi" in out and "Daftar temuan disimpan" in out
    assert (tmp_path / "t.xlsx").stat().st_size > 0
    key = json.loads(cli("findings", "--employer", "13.11", "--kind", "ganda", "--format", "json")[1])[0]["key"]
    code, out, _ = cli("resolve", key[:12], "--resolution", "explained", "--note", "mutasi ke Dharmasraya")
    assert code == 0 and "dijelaskan" in out
    code, out, _ = cli("history", key)
    assert code == 0 and "mutasi ke Dharmasraya" in out


def test_the_command_answers_bad_input_with_one_sentence(solok: Employer, tmp_path: Path) -> None:
    code, _, err = cli("load", str(tmp_path / "nope.csv"), "--source", "bpjstk", "--employer", "13.11")
    assert code == 2 and "tidak ditemukan" in err and "Traceback" not in err
    code, _, err = cli("run", "--employer", "99.99")
    assert code == 2 and "belum terdaftar" in err
    code, _, err = cli("run", "--employer", "13.11", "--user", "nobody")
    assert code == 2 and "Pengguna nobody tidak ada" in err
    code, _, err = cli("run")
    assert code == 2 and "--employer KODE" in err
    bad = write_csv(tmp_path / "bad.csv", [["x", "y"]], header=["Nama", "Status"])
    code, out, err = cli("load", str(bad), "--source", "bpjstk", "--employer", "13.11", "--format", "json")
    assert code == 1 and json.loads(out)["message"].startswith("Berkas bad.csv tidak punya kolom NIK")
    assert Run.objects.count() == 0


def test_an_uninitialised_database_is_one_sentence(tmp_path: Path) -> None:
    env = dict(os.environ, LINDUNG_ALLOW_DEV_KEY="1", LINDUNG_DATABASE_URL=f"sqlite:///{tmp_path / 'none.sqlite3'}")
    done = subprocess.run(
        [sys.executable, "-m", "lindung", "reconcile", "run", "--employer", "13.11"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2 and "lindung init" in done.stderr and "Traceback" not in done.stderr


def test_a_national_run_reads_the_rosters_snapshot_until_a_roster_write(loaded: Employer, tmp_path: Path) -> None:
    national = target_of(national=True)
    assert load(write_csv(tmp_path / "n.csv", master_rows(), header=MASTER_HEADER), target=national).committed
    first = run(national=True)
    # Dharmasraya's Hadi too: unprotected there (no row under its NPP) and on two rosters.
    assert first.counts == {
        "tidak_terlindungi": 4,
        "bayar_tanpa_orang": 2,
        "ganda": 3,
        "upah_tidak_sesuai": 1,
        "belum_didata": 7,
        "identitas_berbeda": 2,
    }
    assert first.seconds["export_cached"] == 0.0
    assert run(national=True).seconds["export_cached"] == 1.0
    assert len(list((tmp_path / "data" / "reconcile" / "roster").glob("roster-*.parquet"))) == 1
    newcomer = nik(6, 6, 96, 13, woman=True)
    path = write_csv(tmp_path / "baru.csv", [roster_row(newcomer, "Nina Kartika")], header=ROSTER_HEADER)
    assert import_roster(path, "13.11", mode="commit", actor="test", today=dt.date(2024, 5, 25)).committed
    third = run(national=True)
    assert third.seconds["export_cached"] == 0.0
    assert "Nina Kartika" in found(third, "tidak_terlindungi")
    assert len(list((tmp_path / "data" / "reconcile" / "roster").glob("roster-*.parquet"))) == 1


def test_a_pemda_that_gains_an_npp_after_the_load_is_read_from_the_master(loaded: Employer, tmp_path: Path) -> None:
    """The Pemda rows are cut from a loaded master once (engine.pemda_part); a Pemda given its NPP later
    must not be missed for want of a new cut."""
    national = target_of(national=True)
    later = nik(1, 1, 81, 14, prefix="130101")
    rows = [*master_rows(), participant(later, "Rudi Hartono", npp="11000003")]
    assert load(write_csv(tmp_path / "n.csv", rows, header=MASTER_HEADER), target=national).committed
    stored = tmp_path / "data" / SourceFile.objects.get(coverage="national", current=True).path
    assert len(list(stored.parent.glob(f"{stored.stem}.pemda-*.parquet"))) == 1
    assert (stored.parent / f"{stored.stem}.ganda.parquet").is_file()
    assert "Rudi Hartono" not in found(run(national=True), "bayar_tanpa_orang")  # a company's NPP so far
    add_employer("13.01", "11000003", "test")
    paid = found(run(national=True), "bayar_tanpa_orang")
    assert paid["Rudi Hartono"]["employer"] == "13.01"
    assert paid["Rudi Hartono"]["evidence"]["alasan"] == "tidak ada di daftar Pemda"
    assert len(list(stored.parent.glob(f"{stored.stem}.pemda-*.parquet"))) == 1  # the old cut replaced


def test_the_engine_counts_months_as_the_domain_rules_do(loaded: Employer, tmp_path: Path) -> None:
    """The months unpaid and the months paid for a person who left are worked out in SQL over the whole
    nation; for every case here they must equal domain.reconcile's `months_unpaid` and `months_paid_after`."""
    from lindung.domain.reconcile import months_paid_after, months_unpaid

    cases = [("2024-05", "2024-03-01"), ("2024-02", "2024-01-01"), ("", "2024-02-01"), ("2023-11", "2023-01-01")]
    people = [nik(d, 1, 70, 20 + d, prefix="131101") for d in range(1, len(cases) + 1)]
    roster = [roster_row(p, f"Pekerja {i}") for i, p in enumerate(people)]
    assert import_roster(
        write_csv(tmp_path / "r.csv", roster, header=ROSTER_HEADER), "13.11", mode="commit", actor="t",
        today=dt.date(2024, 5, 25),
    ).committed  # fmt: skip
    master = [participant(p, f"Pekerja {i}", paid=paid, since=since) for i, (p, (paid, since)) in
              enumerate(zip(people, cases, strict=True))]  # fmt: skip
    gone = [nik(d, 2, 71, 40 + d, prefix="131101") for d in range(1, len(cases) + 1)]
    master += [participant(g, f"Keluar {i}", paid=paid, since=since) for i, (g, (paid, since)) in
               enumerate(zip(gone, cases, strict=True))]  # fmt: skip
    assert load(write_csv(tmp_path / "m.csv", [*master_rows(), *master], header=MASTER_HEADER), force=True).committed
    result = services.run_reconciliation(EVERYTHING, target_of(employer="13.11"), on=ON, actor="t", unpaid_months=1)
    unpaid = found(result, "tidak_terlindungi")
    paid_for = found(result, "bayar_tanpa_orang")
    for i, (paid, since) in enumerate(cases):
        last = dt.date.fromisoformat(paid + "-01") if paid else None
        first = dt.date.fromisoformat(since)
        owed = months_unpaid(last, ON, since=first)
        if owed >= 1:
            assert unpaid[f"Pekerja {i}"]["evidence"]["bulan_menunggak"] == owed
        else:
            assert f"Pekerja {i}" not in unpaid
        assert paid_for[f"Keluar {i}"]["evidence"]["bulan_dibayar"] == months_paid_after(None, first, last)
