"""The stories' coverage, from agreements and enrolment runs on the demo roster (never from stored figures).

- Sulawesi Tenggara, 4 October 2018 (seed 002): the Pemprov (enrolled by the billing demo under its 2018
  agreement) and six kab/kota that had registered everyone on their roster by then; the other eleven
  kab/kota had registered nobody.
- Solok Selatan, 15 July 2019 (seed 000): 11 of its 34 OPD and 29 wali nagari had registered their
  workers when BPJS TK KC Solok handed over its certificate. Which 11 OPD and which 29 nagari is drawn
  from the roster: the units with the most workers on the day of registration.
- OKU Timur (seed 001): about 4,000 non-ASN proposed for the year, kept as the 2023 target.
- Banjarnegara (seed 003): BPJS TK's coverage of all workers in the kabupaten was 10.2% in October 2022,
  from the regional figures file in `demo/data/` (workforce and participants are illustrative numbers
  whose ratio is the story's).
- Inpres 2/2021: the legal basis of each agreement counts as a regulation; APBD allocations for 2026 are
  four times the quarter the billing demo invoiced; KPJ numbers come back for the Pemprov Sultra and for
  half of OKU Timur, through the KPJ import.

Running it again changes nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from django.db.models import Count, Q, Sum

from lindung.billing.models import Invoice
from lindung.coverage.compliance import add_allocation, add_regulation
from lindung.coverage.regional import import_regional
from lindung.coverage.targets import set_target
from lindung.domain.terms import UNIT_KINDS
from lindung.enrolment.models import Membership
from lindung.enrolment.services import add_agreement, enrol, import_kpj
from lindung.regions.models import Region
from lindung.registry.models import Employer, WorkUnit

SULTRA_ENROLLED_ON = dt.date(2018, 10, 1)
# Effective dates and PKS of the six kab/kota (illustrative; the story gives only their counts).
SULTRA_AGREEMENTS = {
    "Kota Kendari": (dt.date(2018, 3, 1), "PKS 560/118/2018"),
    "Kabupaten Bombana": (dt.date(2018, 2, 1), "PKS 560/47/BPJSTK-BMB/2018"),
    "Kabupaten Konawe": (dt.date(2017, 12, 1), "PKS 800/2211/2017"),
    "Kabupaten Konawe Selatan": (dt.date(2018, 7, 1), "PKS 560/305/2018"),
    "Kabupaten Kolaka": (dt.date(2018, 5, 1), "PKS 560/212/2018"),
    "Kabupaten Kolaka Timur": (dt.date(2018, 8, 1), "PKS 560/77/2018"),
}

SOLSEL_AGREED = dt.date(2019, 5, 1)
SOLSEL_ENROLLED_ON = dt.date(2019, 7, 1)
SOLSEL_DAY = dt.date(2019, 7, 15)  # seed 000: "Senin (15/7)"
SOLSEL_OPD, SOLSEL_NAGARI = 11, 29

OKU_TIMUR_TARGET = (2023, 4000)  # seed 001: "sekitar 4.000 pegawai non ASN yang kami usulkan ... tahun ini"
ALLOCATION_YEAR = 2026
KPJ_SHARE = {"74": 1.0, "16.08": 0.5}


@dataclass(frozen=True)
class CoverageOutcome:
    enrolled: int
    targets: int
    regional: int
    regulations: int
    allocations: int
    kpj: int

    def as_dict(self) -> dict[str, int]:
        return vars(self).copy()


def _code(province: str, name: str) -> str | None:
    region = Region.objects.filter(parent_id=province, name=name, current=True).first()
    return region.code if region else None


def _busiest_units(employer: Employer, on: dt.date, kinds: Sequence[str], count: int) -> list[str]:
    """The `count` units of these kinds with the most workers on `on` (ties by code); all of them staffed."""
    rows = (
        WorkUnit.objects.filter(employer=employer, kind__in=kinds)
        .annotate(
            staff=Count(
                "employments",
                filter=Q(employments__start_date__lte=on)
                & (Q(employments__end_date__isnull=True) | Q(employments__end_date__gte=on)),
            )
        )
        .filter(staff__gt=0)
        .order_by("-staff", "code")
        .values_list("code", flat=True)
    )
    chosen = list(rows[:count])
    if len(chosen) < count:
        raise RuntimeError(f"{employer.name}: hanya {len(chosen)} unit berpegawai pada {on}, perlu {count}")
    return chosen


def _sultra(actor: str) -> int:
    enrolled = 0
    for name, (effective, number) in SULTRA_AGREEMENTS.items():
        code = _code("74", name)
        if code is None or not Employer.objects.filter(region_id=code).exists():
            continue
        add_agreement(
            code,
            programs="JKK,JKM",
            effective_from=effective,
            actor=actor,
            basis="pks",
            basis_number=number,
            basis_date=effective - dt.timedelta(days=14),
        )
        enrolled += enrol(code, actor=actor, on=SULTRA_ENROLLED_ON).enrolled
    return enrolled


def _solok_selatan(actor: str) -> int:
    code = _code("13", "Kabupaten Solok Selatan")
    employer = Employer.objects.filter(region_id=code).first() if code else None
    if employer is None:
        return 0
    add_agreement(
        employer.region_id,
        programs="JKK,JKM",
        effective_from=SOLSEL_AGREED,
        actor=actor,
        basis="pks",
        basis_number="PKS 560/21/BPJSTK-SLK/2019",
        basis_date=dt.date(2019, 4, 22),
    )
    offices = [k for k in UNIT_KINDS if k != "desa"]
    units = _busiest_units(employer, SOLSEL_ENROLLED_ON, offices, SOLSEL_OPD)
    units += _busiest_units(employer, SOLSEL_ENROLLED_ON, ["desa"], SOLSEL_NAGARI)
    return enrol(employer.region_id, actor=actor, on=SOLSEL_ENROLLED_ON, units=units).enrolled


def _regional(actor: str) -> int:
    source = resources.files("lindung.demo") / "data" / "regional_figures.csv"
    with resources.as_file(source) as path:
        result = import_regional(path, actor=actor)
    return result.created + result.updated


def _allocations(actor: str) -> int:
    made = 0
    quarters = (
        Invoice.objects.filter(period__year=ALLOCATION_YEAR)
        .values_list("employer__region_id")
        .annotate(total=Sum("total"))
        .order_by("employer__region_id")
    )
    for code, quarter in quarters:
        amount = -(-quarter * 4 // 1_000_000) * 1_000_000  # a year of the quarter, up to the next million
        _, created = add_allocation(code, ALLOCATION_YEAR, amount, basis=f"DPA BPKAD {ALLOCATION_YEAR}", actor=actor)
        made += created
    return made


def _regulations(actor: str) -> int:
    """Regulations beyond the agreements' own basis (illustrative numbers)."""
    made = 0
    banjarnegara = _code("33", "Kabupaten Banjarnegara")
    if banjarnegara and Employer.objects.filter(region_id=banjarnegara).exists():
        _, created = add_regulation(
            banjarnegara,
            "perkada",
            "Perbup Banjarnegara 57/2023",
            dt.date(2023, 6, 12),
            title="Perlindungan jaminan sosial ketenagakerjaan bagi pegawai non-ASN dan pekerja rentan",
            actor=actor,
        )
        made += created
    return made


def _kpj(actor: str) -> int:
    """KPJ numbers sent back by BPJS TK, imported from a file as a Pemda would."""
    updated = 0
    rng = random.Random(2021)
    for code, share in KPJ_SHARE.items():
        members = list(
            Membership.objects.filter(employer__region_id=code, kpj__isnull=True)
            .order_by("id")
            .values_list("worker__nik", flat=True)
        )
        if not members or Membership.objects.filter(employer__region_id=code, kpj__isnull=False).exists():
            continue  # KPJ already came back for this Pemda
        chosen = members[: round(len(members) * share)]
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"kpj-{code}.csv"
            with path.open("w", newline="", encoding="utf-8") as f:
                writer = csv.writer(f)
                writer.writerow(["NIK", "KPJ", "Status"])
                for nik in chosen:
                    writer.writerow([nik, f"{rng.randint(10**10, 10**11 - 1)}", "AKTIF"])
            updated += import_kpj(path, code, actor=actor).updated
    return updated


def run_coverage_demo(actor: str) -> CoverageOutcome:
    enrolled = _sultra(actor) + _solok_selatan(actor)
    targets = 0
    oku = _code("16", "Kabupaten Ogan Komering Ulu Timur")
    if oku and Employer.objects.filter(region_id=oku).exists():
        year, count = OKU_TIMUR_TARGET
        _, created = set_target(year, count, employer=oku, note="usulan Pemkab OKU Timur (seed 001)", actor=actor)
        targets += created
    return CoverageOutcome(
        enrolled=enrolled,
        targets=targets,
        regional=_regional(actor),
        regulations=_regulations(actor),
        allocations=_allocations(actor),
        kpj=_kpj(actor),
    )
