"""Demo claims, one in each state: the perangkat nagari of Solok Selatan whose heirs received JKM (paid), an
OKU Timur DLH worker hurt at work (reported, files missing), a Dinkes driver killed on duty (verified), a
case rejected, and a Solok Selatan OPD worker who was never registered, so the Pemda pays his benefit itself.
Running it again changes nothing (the claims are found by their demo marker)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from fpdf import FPDF

from lindung.accounts.roles import Role
from lindung.accounts.scope import Scope
from lindung.claims import services
from lindung.claims.models import Claim
from lindung.domain.claims import checklist
from lindung.domain.heirs import FamilyMember
from lindung.enrolment.models import Membership
from lindung.registry.models import Employment

MARK = "demo"
EVERYTHING = Scope(user_id=None, role=Role.SUPERUSER, employer_ids=None)


def _pdf(title: str) -> bytes:
    doc = FPDF()
    doc.add_page()
    doc.set_font("helvetica", size=14)
    doc.cell(text=f"Contoh berkas demo: {title}")
    return bytes(doc.output())


def _when(day: str, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime.fromisoformat(day).replace(hour=hour))


def _worker(employer: str, *, unit_kind: str | None = None, unit: str | None = None, enrolled: bool) -> Employment:
    rows = Employment.objects.filter(employer__region_id=employer, end_date__isnull=True).select_related("worker")
    if unit_kind:
        rows = rows.filter(unit__kind=unit_kind)
    if unit:
        rows = rows.filter(unit__code=unit)
    has = Membership.objects.filter(employment_id__in=rows.values("id"), valid_to__isnull=True).exclude(
        status=Membership.Status.REJECTED
    )
    rows = (
        rows.filter(id__in=has.values("employment_id"))
        if enrolled
        else rows.exclude(id__in=has.values("employment_id"))
    )
    found = rows.order_by("id").first()
    if found is None:
        raise LookupError(f"demo: no {'enrolled' if enrolled else 'unenrolled'} worker in {employer} {unit or ''}")
    return found


def _family(employment: Employment, husband: str, wife: str, child: str) -> list[FamilyMember]:
    w = employment.worker
    partner, name = ("suami", husband) if w.sex == "P" else ("istri", wife)
    base = w.nik[:6]
    return [
        FamilyMember(partner, f"{base}0101807001", name, dt.date(1980, 1, 1)),
        FamilyMember("anak", f"{base}1506127002", child, dt.date(2012, 6, 15)),
    ]


def _files(claim: Claim, spouse_is_heir: bool) -> None:
    for kind in checklist(claim.kind, claim.outcome, spouse_is_heir=spouse_is_heir):
        services.attach_document(
            EVERYTHING, claim.number, kind=kind, filename=f"{kind}.pdf", data=_pdf(kind), actor=MARK
        )


def run_claims_demo() -> int:
    """The demo claims; returns how many were created (0 on a rerun)."""
    if Claim.objects.filter(reported_by=MARK).exists():
        return 0
    with transaction.atomic():
        # 1. A perangkat nagari of Solok Selatan dies of illness: JKM, heirs, files, approved and paid.
        nagari = _worker("13.11", unit_kind="desa", enrolled=True)
        jkm = services.report_claim(
            EVERYTHING,
            nik=nagari.worker.nik,
            kind="jkm",
            event_at=_when("2026-09-14", 5),
            unit_code=nagari.unit.code,
            place=f"Rumah duka, {nagari.unit.name}",
            description="Meninggal dunia karena sakit jantung",
            actor=MARK,
        )
        services.set_heirs(
            EVERYTHING, jkm.number, _family(nagari, "Syafrizal", "Rosmaniar", "Rahmat Hidayat"), actor=MARK
        )
        _files(jkm, spouse_is_heir=True)
        for move in ("complete", "verify", "approve"):
            services.decide(EVERYTHING, jkm.number, move, actor=MARK)
        jkm.refresh_from_db()
        services.pay(
            EVERYTHING,
            jkm.number,
            amount=jkm.benefit["total"],
            paid_on=dt.date(2026, 9, 30),
            reference="JKM-KC-SOLOK-0914",
            actor=MARK,
        )
        # 2. An OKU Timur DLH worker hurt at work: reported, the files still missing.
        dlh = _worker("16.08", unit="DLH", enrolled=True)
        services.report_claim(
            EVERYTHING,
            nik=dlh.worker.nik,
            kind="jkk_accident",
            event_at=_when("2026-11-28", 7),
            unit_code="DLH",
            place="TPA Martapura",
            description="Tangan terluka oleh mesin pencacah sampah",
            actor=MARK,
        )
        # 3. A Dinkes ambulance driver of OKU Timur killed on duty: verified by the branch, awaiting approval.
        driver = _worker("16.08", unit="DINKES", enrolled=True)
        death = services.report_claim(
            EVERYTHING,
            nik=driver.worker.nik,
            kind="jkk_accident",
            event_at=_when("2026-10-20", 22),
            unit_code="DINKES",
            place="Jalan lintas Sumatera, Belitang",
            description="Ambulans ditabrak truk saat merujuk pasien",
            actor=MARK,
        )
        services.record_outcome(EVERYTHING, death.number, outcome="died", doctor_at=_when("2026-10-21", 1), actor=MARK)
        services.set_heirs(
            EVERYTHING, death.number, _family(driver, "Bambang Irawan", "Sri Handayani", "Dimas Saputra"), actor=MARK
        )
        death.refresh_from_db()
        _files(death, spouse_is_heir=True)
        services.decide(EVERYTHING, death.number, "complete", actor=MARK)
        services.decide(EVERYTHING, death.number, "verify", actor=MARK)
        # 4. A case rejected: the injury happened on a day off, away from work.
        off = _worker("16.08", unit="DLH", enrolled=True)
        rejected = services.report_claim(
            EVERYTHING,
            nik=off.worker.nik,
            kind="jkk_accident",
            event_at=_when("2026-08-16", 15),
            unit_code="DLH",
            place="Lapangan sepak bola desa",
            description="Cedera lutut saat bermain bola pada hari libur",
            actor=MARK,
        )
        services.record_outcome(
            EVERYTHING, rejected.number, outcome="recovered", doctor_at=_when("2026-09-16"), actor=MARK
        )
        rejected.refresh_from_db()
        _files(rejected, spouse_is_heir=False)
        services.decide(EVERYTHING, rejected.number, "complete", actor=MARK)
        services.decide(
            EVERYTHING,
            rejected.number,
            "reject",
            actor=MARK,
            reason="Bukan kecelakaan kerja: terjadi pada hari libur, di luar tugas",
        )
        # 5. A Solok Selatan OPD worker never registered falls at work: the Pemda pays the benefit itself.
        left_out = _worker("13.11", unit_kind="sekretariat", enrolled=False)
        uncovered = services.report_claim(
            EVERYTHING,
            nik=left_out.worker.nik,
            kind="jkk_accident",
            event_at=_when("2026-11-03", 10),
            unit_code=left_out.unit.code,
            place=left_out.unit.name,
            description="Terjatuh dari tangga saat memperbaiki atap kantor",
            actor=MARK,
        )
        services.record_outcome(
            EVERYTHING, uncovered.number, outcome="recovered", doctor_at=_when("2026-12-01"), actor=MARK
        )
    return Claim.objects.filter(reported_by=MARK).count()
