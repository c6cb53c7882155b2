"""Demo reconciliation for OKU Timur (16.08), the Pemda whose branch (KC Baturaja) has a demo login: a BPJS TK
participant file drawn from its memberships and a BKN census drawn from its roster, each with differences planted
at fixed places, loaded and reconciled as of the demo day. The files are written under LINDUNG_DATA_DIR, like any
loaded file. Running it again changes nothing (the Pemda's loaded files are found first)."""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from lindung.accounts.roles import Role
from lindung.accounts.scope import Scope
from lindung.enrolment.models import Membership
from lindung.reconcile import services
from lindung.reconcile.loading import load_source, target_of
from lindung.reconcile.models import SourceFile
from lindung.registry.models import Employer, Employment

EMPLOYER = "16.08"
NPP = "16080001"  # OKU Timur's demo NPP at BPJS TK
ON = dt.date(2026, 11, 30)
EVERYTHING = Scope(user_id=None, role=Role.SUPERUSER, employer_ids=None)
PARTICIPANT_HEADER = ["NIK", "KPJ", "NPP", "Nama", "Tanggal Lahir", "Status", "Tanggal Kepesertaan", "Upah"]
PARTICIPANT_HEADER.append("Bulan Iuran Terakhir")
CENSUS_HEADER = ["NIK", "Nama", "Instansi", "Unit Kerja", "Jabatan"]
# People BPJS TK pays for under the NPP who are on no roster, and people in BKN's census on no roster: NIKs of
# kecamatan 16.08.01 (women: day + 40), valid by the NIK rules.
STRANGERS = [("1608014503880901", "Nurhayati"), ("1608011207850902", "Rahmat Saleh"), ("1608016009900903", "Yanti")]
CENSUS_ONLY = [("1608012101870904", "Sukardi"), ("1608014811910905", "Fitriani"), ("1608010506860906", "Joni Iskandar")]


@dataclass(frozen=True)
class ReconcileDemo:
    participants: int
    census: int
    findings: dict[str, int]


def _write(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _participants(employer: Employer) -> list[list[str]]:
    """Every valid membership with its KPJ, except the planted differences: every 150th left out (not a
    participant), every 170th reported at a lower wage, every 190th paid only up to June, every 230th with another
    name, every 310th with a second KPJ; and the strangers, paid for under the NPP."""
    members = (
        Membership.objects.filter(employment__employer=employer, valid_to__isnull=True)
        .exclude(status=Membership.Status.REJECTED)
        .select_related("worker", "employment")
        .order_by("worker__nik")
    )
    rows = []
    for i, m in enumerate(members, start=1):
        if i % 150 == 0:
            continue
        wage = m.employment.wage - (500_000 if i % 170 == 0 else 0)
        paid = "2026-06" if i % 190 == 0 else "2026-10"
        name = "Hj. " + m.worker.name.split()[0] + " Binti Ahmad" if i % 230 == 0 else m.worker.name.upper()
        born = f"{m.worker.birth_date:%d/%m/%Y}"
        rows.append(
            [m.worker.nik, m.kpj or f"2608{i:07d}", NPP, name, born, "AKTIF", f"{m.valid_from}", str(wage), paid]
        )
        if i % 310 == 0:  # a second participant number for the same person
            rows.append([m.worker.nik, f"2609{i:07d}", NPP, name, born, "AKTIF", "2026-01-01", str(wage), paid])
    for n, (nik, name) in enumerate(STRANGERS, start=1):
        rows.append([nik, f"2608990{n:04d}", NPP, name, "", "AKTIF", "2025-01-01", "2300000", "2026-10"])
    return rows


def _census(employer: Employer) -> list[list[str]]:
    """BKN's 2022 pendataan for the Pemda: the roster but every 400th worker (not declared in 2022), and three
    people who are on no roster."""
    employments = (
        Employment.objects.filter(employer=employer, end_date__isnull=True)
        .select_related("worker", "unit")
        .order_by("worker__nik")
    )
    rows = [
        [e.worker.nik, e.worker.name, employer.name, e.unit.name, e.job_title or "Tenaga teknis"]
        for i, e in enumerate(employments, start=1)
        if i % 400
    ]
    rows += [[nik, name, employer.name, "Dinas Lingkungan Hidup", "Petugas kebersihan"] for nik, name in CENSUS_ONLY]
    return rows


def run_reconcile_demo(actor: str) -> ReconcileDemo | None:
    """Load the demo files and reconcile; None on a rerun (the files are loaded already) or without OKU Timur."""
    employer = Employer.objects.filter(region_id=EMPLOYER).first()
    if employer is None or SourceFile.objects.filter(employer=employer).exists():
        return None
    if not employer.npp:
        employer.npp = NPP
        employer.save(update_fields=["npp"])
    folder = Path(settings.DATA_DIR) / "demo-rekonsiliasi"
    participants = _participants(employer)
    census = _census(employer)
    target = target_of(employer=EMPLOYER)
    for source, path in (
        ("bpjstk", _write(folder / "peserta-bpjstk-16.08.csv", PARTICIPANT_HEADER, participants)),
        ("bkn", _write(folder / "pendataan-bkn-16.08.csv", CENSUS_HEADER, census)),
    ):
        load_source(EVERYTHING, path, source=source, target=target, actor=actor, data_date=ON)
    result = services.run_reconciliation(EVERYTHING, target, on=ON, actor=actor, with_items=False)
    return ReconcileDemo(len(participants), len(census), dict(result.counts))
