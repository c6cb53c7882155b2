"""The seed stories' agreements, enrolment, invoices and payments, on top of the demo roster.

- Pemprov Sulawesi Tenggara: JKK and JKM only (seed 002: 977 non-ASN "dalam dua program").
- OKU Timur: all five programs (seed 001); its fire brigade (Satpol PP dan Damkar) at JKK class 3.
- Banjarnegara: THL and PTT from 1 November 2022 (seed 003), JKK and JKM; the split between the
  kabupaten and the province and the late fee are illustrations, not from the story.
- KC Palembang's five (seed 004, April 2021: the branch asks them to register their non-ASN under Inpres
  2/2021), a mix for its officer: Kota Palembang signed a PKS that year and enrolled everyone; Musi
  Banyuasin enrolled its OPD and RSUD in August 2026 but not yet the kecamatan offices and puskesmas;
  Ogan Ilir only its health workers (RSUD and puskesmas); OKI and Banyuasin nobody. Agreements, dates and
  numbers are illustrations; the story names only the five.

Invoices for August to October 2026; Sultra pays August on time, September late and in two parts,
and leaves October open, so the arrears and the late fee have something to show; Kota Palembang pays
every month on time, Musi Banyuasin September late and Ogan Ilir only August. Every amount
paid is read from the invoice, never written here. Running it again changes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from lindung.billing.models import Invoice
from lindung.billing.services import issue_invoice, record_payment
from lindung.enrolment.services import FunderShare, add_agreement, enrol
from lindung.registry.models import Employer, WorkUnit

ENROL_ON = dt.date(2026, 8, 1)
MONTHS = (dt.date(2026, 8, 1), dt.date(2026, 9, 1), dt.date(2026, 10, 1))


@dataclass(frozen=True)
class DemoAgreement:
    region: str
    programs: str
    effective: dt.date
    basis: str
    basis_number: str
    basis_date: dt.date
    risk_units: dict[str, int] = field(default_factory=dict)
    funders: tuple[FunderShare, ...] = ()
    late_fee: bool = False
    unit_kinds: tuple[str, ...] = ()  # enrol only the units of these kinds (empty: every unit)


AGREEMENTS = (
    DemoAgreement("74", "JKK,JKM", dt.date(2018, 1, 1), "pks", "560/PKS/BPJSTK-SULTRA/2017", dt.date(2017, 12, 20)),
    DemoAgreement(
        "16.08",
        "JKK,JKM,JHT,JP,JKP",
        dt.date(2023, 1, 1),
        "perkada",
        "Perbup OKU Timur 12/2022",
        dt.date(2022, 12, 15),
        risk_units={"SATPOLPP": 3},
    ),
    DemoAgreement(
        "33.04",
        "JKK,JKM",
        dt.date(2022, 11, 1),
        "nota",
        "Nota Kesepakatan 560/1127/2022",
        dt.date(2022, 10, 27),
        funders=(
            FunderShare("APBD Kabupaten Banjarnegara", "kabkota", Decimal(70)),
            FunderShare("APBD Provinsi Jawa Tengah", "provinsi", Decimal(30)),
        ),
        late_fee=True,
    ),
    DemoAgreement("16.71", "JKK,JKM", dt.date(2021, 7, 1), "pks", "PKS 560/214/BPJSTK-PLG/2021", dt.date(2021, 6, 21)),
    DemoAgreement(
        "16.06",
        "JKK,JKM",
        dt.date(2026, 8, 1),
        "pks",
        "PKS 800/1409/BKPSDM-MUBA/2026",
        dt.date(2026, 7, 20),
        unit_kinds=("sekretariat", "dinas", "badan", "rsud"),
    ),
    DemoAgreement(
        "16.10",
        "JKK,JKM",
        dt.date(2026, 8, 1),
        "nota",
        "Nota Kesepakatan 440/318/DINKES-OI/2026",
        dt.date(2026, 7, 27),
        unit_kinds=("rsud", "puskesmas"),
    ),
)

# Payment plans per employer: (month index, fraction of the invoice as (numerator, denominator), paid on).
PAYMENTS: dict[str, tuple[tuple[int, int, int, dt.date], ...]] = {
    "74": (
        (0, 1, 1, dt.date(2026, 9, 14)),
        (1, 1, 2, dt.date(2026, 11, 3)),
        (1, 1, 2, dt.date(2026, 11, 20)),
    ),
    "16.08": ((0, 1, 1, dt.date(2026, 9, 10)), (1, 1, 1, dt.date(2026, 10, 15)), (2, 1, 2, dt.date(2026, 11, 16))),
    "33.04": ((0, 1, 1, dt.date(2026, 9, 15)), (1, 1, 1, dt.date(2026, 11, 2)), (2, 1, 1, dt.date(2026, 11, 13))),
    "16.71": ((0, 1, 1, dt.date(2026, 9, 11)), (1, 1, 1, dt.date(2026, 10, 13)), (2, 1, 1, dt.date(2026, 11, 12))),
    "16.06": ((0, 1, 1, dt.date(2026, 9, 15)), (1, 1, 1, dt.date(2026, 11, 4))),
    "16.10": ((0, 1, 1, dt.date(2026, 9, 10)),),
}


@dataclass(frozen=True)
class BillingOutcome:
    agreements: int
    enrolled: int
    invoices: int
    payments: int

    def as_dict(self) -> dict[str, int]:
        return vars(self).copy()


def run_billing_demo(actor: str) -> BillingOutcome:
    agreements = enrolled = invoices = payments = 0
    for plan in AGREEMENTS:
        employer = Employer.objects.filter(region_id=plan.region).first()
        if employer is None:
            continue
        kinds = dict(WorkUnit.objects.filter(employer=employer).values_list("code", "kind"))
        units = set(kinds)
        _, created = add_agreement(
            plan.region,
            programs=plan.programs,
            effective_from=plan.effective,
            actor=actor,
            basis=plan.basis,
            basis_number=plan.basis_number,
            basis_date=plan.basis_date,
            unit_classes={u: c for u, c in plan.risk_units.items() if u in units},
            funders=plan.funders,
            late_fee=plan.late_fee,
        )
        agreements += created
        chosen = sorted(u for u, kind in kinds.items() if kind in plan.unit_kinds) if plan.unit_kinds else None
        enrolled += enrol(plan.region, actor=actor, on=ENROL_ON, units=chosen).enrolled
        issued: list[Invoice] = []
        for month in MONTHS:
            result = issue_invoice(plan.region, month, actor=actor)
            invoices += result.created
            issued.append(result.invoice)
        for n, (index, numerator, denominator, day) in enumerate(PAYMENTS.get(plan.region, ())):
            invoice = issued[index]
            amount = invoice.total * numerator // denominator
            if numerator != denominator and n == len(PAYMENTS[plan.region]) - 1:
                amount = invoice.total - amount  # the second half carries the odd rupiah
            code = f"{invoice.period:%y%m}{plan.region.replace('.', '')}{n:04d}"
            _, created = record_payment(invoice.number, amount=amount, paid_on=day, billing_code=code, actor=actor)
            payments += created
    return BillingOutcome(agreements, enrolled, invoices, payments)
