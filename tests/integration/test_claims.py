"""Claims on a real database: reporting in scope, coverage on the event day, documents, moves, payment."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from lindung.accounts.scope import Scope
from lindung.billing.services import issue_invoice, record_payment
from lindung.claims import services
from lindung.claims.models import Claim, ClaimEvent
from lindung.domain.errors import Conflict, InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from lindung.domain.heirs import FamilyMember
from lindung.enrolment.services import add_agreement, enrol
from lindung.intake.services import import_roster
from lindung.registry.models import Employer, WorkUnit
from tests.integration.factories import solok_selatan, write_csv

SITI = "1311015507900001"  # DINKES, enrolled
BUDI = "1311011203850002"  # NGR-PT (a nagari), never enrolled
HEADER = ["NIK", "Nama Lengkap", "Kode Unit", "Kategori", "Upah Sebulan", "TMT"]
PDF = b"%PDF-1.4\n%lindung test\n"
DEATH_DOCS = [
    "kpj",
    "ktp_worker",
    "ktp_heir",
    "death_certificate",
    "family_card",
    "heir_statement",
    "employer_letter",
    "bank_book",
]


def at(day: str, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime.fromisoformat(day).replace(hour=hour))


@pytest.fixture
def solok(tmp_path: Path) -> Employer:
    employer = solok_selatan()
    rows = [
        [SITI, "Siti Aminah", "DINKES", "THL", "2500000", "2024-03-01"],
        [BUDI, "Budi Santoso", "NGR-PT", "Perangkat Nagari", "2000000", "2024-03-01"],
    ]
    result = import_roster(
        write_csv(tmp_path / "r.csv", rows, header=HEADER),
        "13.11",
        mode="commit",
        actor="t",
        today=dt.date(2024, 5, 25),
    )
    assert result.committed
    add_agreement("13.11", programs="JKK,JKM", effective_from=dt.date(2024, 1, 1), actor="t")
    enrol("13.11", actor="t", on=dt.date(2024, 5, 25), units=["DINKES"])
    return employer


def pemda(e: Employer) -> Scope:
    return Scope(1, "pemda", frozenset({e.pk}), employer_code=e.region_id)


def clerk(e: Employer, unit: str) -> Scope:
    u = WorkUnit.objects.get(employer=e, code=unit)
    return Scope(2, "opd", frozenset({e.pk}), unit_id=u.pk, employer_code=e.region_id, unit_code=unit)


def branch(e: Employer) -> Scope:
    return Scope(3, "cabang", frozenset({e.pk}), branch_code="KC-SLK")


def death(e: Employer, nik: str = SITI, day: str = "2024-06-10") -> Claim:
    return services.report_claim(
        pemda(e),
        nik=nik,
        kind="jkm",
        event_at=at(day),
        place="Rumah",
        description="Meninggal karena sakit",
        actor="pemda",
    )


def family() -> list[FamilyMember]:
    return [
        FamilyMember("suami", "1311011203800009", "Rahmat", dt.date(1980, 3, 12)),
        FamilyMember("anak", "1311014506100002", "Putri", dt.date(2010, 6, 5)),
    ]


@pytest.mark.django_db
def test_a_death_of_an_enrolled_worker_is_covered_and_pays_the_jkm_amounts(solok: Employer) -> None:
    claim = death(solok)
    assert claim.number == "KLAIM-13.11-2024-000001"
    assert claim.covered is True
    assert claim.coverage["in_agreement"] is True
    assert claim.wage == 2_500_000
    # PP 82/2019: 20 + 12 + 10 = Rp42.000.000, whatever the wage.
    assert claim.benefit["total"] == 42_000_000
    # Enrolled from March 2024 to June 2024: 4 months, short of the 3 years the JKM scholarship needs.
    assert claim.contribution_months == 4
    assert claim.benefit["scholarship"]["eligible"] is False


@pytest.mark.django_db
def test_contributions_of_the_event_month_are_shown_paid_or_in_arrears(solok: Employer) -> None:
    invoice = issue_invoice("13.11", dt.date(2024, 6, 1), actor="t").invoice
    unpaid = death(solok)
    assert "menunggak Rp13.500" in unpaid.coverage["contribution"]  # 0,24% + 0,30% of 2.500.000 = 6.000 + 7.500
    record_payment(invoice.number, amount=13_500, paid_on=dt.date(2024, 7, 10), billing_code="1", actor="t")
    paid = death(solok, day="2024-06-11")
    assert paid.coverage["contribution"].startswith("lunas")


@pytest.mark.django_db
def test_a_worker_never_enrolled_is_not_covered_and_the_pemda_pays_itself(solok: Employer) -> None:
    claim = services.report_claim(
        pemda(solok),
        nik=BUDI,
        kind="jkk_accident",
        event_at=at("2024-06-10"),
        place="Kantor wali nagari",
        description="Jatuh dari tangga",
        actor="pemda",
    )
    assert claim.covered is False
    assert services.as_dict(claim)["pemda_pays"] is True
    claim = services.record_outcome(
        pemda(solok), claim.number, outcome="died", doctor_at=at("2024-06-11"), actor="pemda"
    )
    # What the Pemda owes itself (PP 44/2015): 48 x Rp2.000.000 + 12 jt + 10 jt = Rp118.000.000.
    assert claim.benefit["total"] == 118_000_000
    services.set_heirs(pemda(solok), claim.number, family(), actor="pemda")
    for kind in [*DEATH_DOCS, "report_stage_1", "doctor_letter", "marriage_book"]:
        services.attach_document(pemda(solok), claim.number, kind=kind, filename=f"{kind}.pdf", data=PDF, actor="p")
    services.decide(pemda(solok), claim.number, "complete", actor="pemda")
    with pytest.raises(Conflict, match="Pemda menanggung"):
        services.decide(branch(solok), claim.number, "verify", actor="cabang")


@pytest.mark.django_db
def test_the_whole_path_from_report_to_payment_records_who_and_when(solok: Employer, settings: object) -> None:
    claim = death(solok)
    services.set_heirs(pemda(solok), claim.number, family(), actor="pemda")
    with pytest.raises(ValidationFailed, match="Berkas belum lengkap"):
        services.decide(pemda(solok), claim.number, "complete", actor="pemda")
    for kind in [*DEATH_DOCS, "marriage_book"]:  # the husband is the heir: the marriage book too
        services.attach_document(
            clerk(solok, "DINKES"), claim.number, kind=kind, filename=f"{kind}.pdf", data=PDF, actor="opd"
        )
    services.decide(clerk(solok, "DINKES"), claim.number, "complete", actor="opd")
    with pytest.raises(PermissionDenied):
        services.decide(pemda(solok), claim.number, "verify", actor="pemda")
    services.decide(branch(solok), claim.number, "verify", actor="cabang")
    services.decide(branch(solok), claim.number, "approve", actor="cabang")
    with pytest.raises(ValidationFailed, match="tuliskan alasannya"):
        services.pay(
            branch(solok), claim.number, amount=40_000_000, paid_on=dt.date(2024, 6, 20), reference="R1", actor="cabang"
        )
    paid = services.pay(
        branch(solok), claim.number, amount=42_000_000, paid_on=dt.date(2024, 6, 20), reference="R1", actor="cabang"
    )
    assert (paid.state, paid.paid_amount) == ("paid", 42_000_000)
    moves = list(ClaimEvent.objects.filter(claim=paid).values_list("action", "actor"))
    assert [m for m in moves if m[0] not in ("document",)] == [
        ("report", "pemda"),
        ("heirs", "pemda"),
        ("complete", "opd"),
        ("verify", "cabang"),
        ("approve", "cabang"),
        ("pay", "cabang"),
    ]
    with pytest.raises(InvalidTransition):
        services.decide(branch(solok), claim.number, "reject", actor="cabang", reason="terlambat")


@pytest.mark.django_db
def test_bad_reports_are_refused_and_change_nothing(solok: Employer) -> None:
    with pytest.raises(ValidationFailed, match="mulai bekerja 2024-03-01"):
        death(solok, day="2024-02-10")  # before the employment began
    with pytest.raises(NotFound):  # another unit's worker for a DINKES clerk
        services.report_claim(
            clerk(solok, "DINKES"),
            nik=BUDI,
            kind="jkm",
            event_at=at("2024-06-10"),
            place="x",
            description="y",
            actor="opd",
        )
    with pytest.raises(ValidationFailed, match="alasannya"):
        services.report_claim(
            pemda(solok),
            nik=SITI,
            kind="jkm",
            event_at=at("2024-06-10"),
            place="x",
            description="y",
            actor="p",
            wage=3_000_000,
        )
    with pytest.raises(ValidationFailed, match="masa depan"):
        death(solok, day=(timezone.localdate() + dt.timedelta(days=2)).isoformat())
    assert Claim.objects.count() == 0


@pytest.mark.django_db
def test_an_upload_that_is_not_what_its_name_says_is_refused(solok: Employer, settings: object) -> None:
    claim = death(solok)
    with pytest.raises(ValidationFailed, match="bukan PDF"):
        services.attach_document(
            pemda(solok), claim.number, kind="kpj", filename="kpj.pdf", data=b"MZ\x90\x00", actor="p"
        )
    with pytest.raises(ValidationFailed, match="hanya PDF atau JPEG"):
        services.attach_document(pemda(solok), claim.number, kind="kpj", filename="kpj.exe", data=PDF, actor="p")
    jpeg = services.attach_document(
        pemda(solok), claim.number, kind="kpj", filename="kpj.jpg", data=b"\xff\xd8\xff\xe0 jpeg", actor="p"
    )
    assert jpeg.content_type == "image/jpeg"
    assert claim.documents.count() == 1


@pytest.mark.django_db
def test_the_heir_sees_the_state_with_the_claim_number_and_a_birth_date_only(solok: Employer) -> None:
    claim = death(solok)
    services.set_heirs(pemda(solok), claim.number, family(), actor="pemda")
    assert services.public_status(claim.number, dt.date(1999, 1, 1)) is None
    status = services.public_status(claim.number, dt.date(1980, 3, 12))
    assert status is not None
    assert status.state == "dilaporkan"
    assert "Buku tabungan" in status.missing
    assert services.public_status("KLAIM-13.11-2024-999999", dt.date(1980, 3, 12)) is None


@pytest.mark.django_db
def test_leaving_a_worker_out_costs_the_pemda_the_jkk_death_benefit(solok: Employer) -> None:
    from lindung.coverage.exposure import exposure

    rows = exposure(dt.date(2024, 6, 10), [solok.pk], by="unit")
    # Only Budi (NGR-PT, Rp2.000.000) is unprotected: 48 x 2.000.000 + 12 jt + 10 jt = Rp118.000.000 if he dies
    # at work; covering him costs JKK 0,24% (4.800) + JKM 0,30% (6.000) = Rp10.800 a month.
    assert [(r.code, r.workers, r.liability, r.monthly_cost) for r in rows] == [("NGR-PT", 1, 118_000_000, 10_800)]
    by_pemda = exposure(dt.date(2024, 6, 10), None)
    assert [(r.code, r.workers, r.liability) for r in by_pemda] == [("13.11", 1, 118_000_000)]
    # Before he joined (March 2024) nobody is on the roster, so nobody is left out.
    assert exposure(dt.date(2024, 2, 1), [solok.pk]) == []


@pytest.mark.django_db
def test_the_liability_reaches_the_printed_report_its_sheet_and_the_inpres_ranking(
    solok: Employer, tmp_path: Path
) -> None:
    from pypdf import PdfReader

    from lindung.coverage.exposure import exposure_table, left_out
    from lindung.coverage.pdf import write_coverage_pdf
    from lindung.coverage.services import coverage_tree

    on = dt.date(2024, 6, 10)
    node = coverage_tree(on, employer="13.11")
    unprotected = left_out(on, [solok.pk], node.code, node.name, by_unit=True)
    assert unprotected.whole is not None
    assert (unprotected.whole.workers, unprotected.whole.liability) == (1, 118_000_000)
    write_coverage_pdf(tmp_path / "r.pdf", node, on, None, unprotected)
    with (tmp_path / "r.pdf").open("rb") as handle:
        text = " ".join(page.extract_text() for page in PdfReader(handle).pages)
    assert "Rp118.000.000" in " ".join(text.split()) and "PP 44/2015" in text
    table = exposure_table(unprotected, on)
    assert table is not None and [list(r) for r in table.rows] == [["NGR-PT", table.rows[0][1], 1, 118_000_000, 10_800]]
    # Before the benefit data begins (JKM amounts from 2019-12-02) the report says so instead of a number.
    early = left_out(dt.date(2019, 1, 1), [solok.pk], "13.11", "Solok Selatan", by_unit=True)
    assert early.whole is None and early.missing and exposure_table(early, dt.date(2019, 1, 1)) is None


@pytest.mark.django_db
def test_a_partial_disability_outcome_computes_the_table_share_of_eighty_wages(solok: Employer) -> None:
    claim = services.report_claim(
        pemda(solok), nik=SITI, kind="jkk_accident", event_at=timezone.make_aware(dt.datetime(2024, 6, 10, 9)),
        place="Puskesmas", description="Jari terjepit pintu ambulans", actor="pemda",
    )  # fmt: skip
    doctor = timezone.make_aware(dt.datetime(2024, 7, 1, 10))
    with pytest.raises(ValidationFailed, match="bagian tubuh"):
        services.record_outcome(pemda(solok), claim.number, outcome="disabled_partial", doctor_at=doctor, actor="p")
    with pytest.raises(ValidationFailed, match="tidak ada di tabel"):
        services.record_outcome(
            pemda(solok), claim.number, outcome="disabled_partial", doctor_at=doctor, actor="p",
            parts=[("sayap", Decimal(100))],
        )  # fmt: skip
    claim.refresh_from_db()
    assert (claim.outcome, claim.disability_parts, claim.events.count()) == ("", [], 1)  # nothing changed
    done = services.record_outcome(
        pemda(solok), claim.number, outcome="disabled_partial", doctor_at=doctor, actor="p",
        parts=[("telunjuk_kanan", Decimal(100)), ("telunjuk_kiri", Decimal(50))],
    )  # fmt: skip
    # Siti's wage Rp2.500.000 x 80 = Rp200.000.000: right index finger 9% = 18.000.000, half the left one
    # (7% x 50% = 3,5%) = 7.000.000
    assert done.benefit["total"] == 25_000_000
    assert "bank_book" in services.missing(done)
