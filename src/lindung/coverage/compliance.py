"""Inpres 2/2021 compliance per Pemda: record what a Pemda issued (regulations) and allocated (APBD), and
assess every autonomous Pemda on the four pillars with the weights of `weights.toml` (see
`domain.compliance` for the formula).

The assessment covers every current province and kab/kota in the Region table, registered in lindung or
not (a Pemda lindung does not know yet has done nothing it can see, and scores 0), less DKI Jakarta's
administrative kabupaten and kota, which are not autonomous (reference §5.2: 38 + 415 + 93 = 546).
It reads everything in a handful of queries whatever the number of Pemda.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from lindung.billing.models import Payment
from lindung.coverage.models import BudgetAllocation, Regulation
from lindung.coverage.services import employer_counts
from lindung.domain.compliance import (
    PILLARS,
    Facts,
    Score,
    Weights,
    best_regulation,
    competition_ranks,
    parse_weights,
    score,
)
from lindung.domain.coverage import percent
from lindung.domain.errors import Issue, NotFound, ValidationFailed
from lindung.enrolment.models import Agreement
from lindung.enrolment.services import BPU_CATEGORY
from lindung.regions.models import Region
from lindung.registry.models import Employer, Employment
from lindung.registry.services import employer_name, get_employer, open_changeset, record_change

WEIGHTS_FILE = Path(__file__).with_name("weights.toml")
NOT_AUTONOMOUS_PREFIX = "31."  # DKI Jakarta's kabupaten and kota administrasi


def load_weights(path: Path | None = None) -> Weights:
    """The weights of the file (default: the packaged `weights.toml`), checked."""
    path = path or WEIGHTS_FILE
    if not path.is_file():
        raise NotFound(f"Berkas bobot {path} tidak ditemukan")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ValidationFailed(
            f"Berkas bobot {path.name} bukan TOML yang sah: {exc}",
            [Issue(None, None, "WEIGHTS_TOML", str(exc), path.name)],
        ) from exc
    return parse_weights(data)


# --- recording ---------------------------------------------------------------------------------------


def add_regulation(
    employer_code: str, kind: str, number: str, issued_on: dt.date, *, title: str = "", actor: str
) -> tuple[Regulation, bool]:
    """Record a regulation a Pemda issued (PKS, Perkada, Perda, nota kesepakatan). The same one again
    (same kind and number) writes nothing; a corrected date or title updates it with its history.
    Returns it and whether anything was written."""
    employer = get_employer(employer_code)
    kind = kind.strip().lower()
    if kind not in Agreement.Basis.values:
        raise ValidationFailed(f"Jenis regulasi {kind!r} tidak dikenal; pilih {', '.join(Agreement.Basis.values)}")
    number = " ".join(number.split())
    if not number:
        raise ValidationFailed("Nomor regulasi wajib diisi")
    if len(number) > 150:
        raise ValidationFailed("Nomor regulasi paling panjang 150 karakter")
    title = " ".join(title.split())[:300]
    with transaction.atomic():
        found = Regulation.objects.select_for_update().filter(employer=employer, kind=kind, number=number).first()
        if found is None:
            cs = open_changeset(actor, f"inpres regulation {employer.region_id} {kind} {number}")
            found = Regulation.objects.create(
                employer=employer, kind=kind, number=number, issued_on=issued_on, title=title, created_in=cs
            )
            after = {"employer": employer.region_id, "kind": kind, "number": number, "issued_on": issued_on}
            record_change(cs, "coverage.regulation", found.pk, "create", None, after | {"title": title})
            return found, True
        if (found.issued_on, found.title) == (issued_on, title):
            return found, False
        cs = open_changeset(actor, f"inpres regulation {employer.region_id} {kind} {number}")
        before = {"issued_on": found.issued_on, "title": found.title}
        record_change(cs, "coverage.regulation", found.pk, "update", before, {"issued_on": issued_on, "title": title})
        found.issued_on, found.title = issued_on, title
        found.save(update_fields=["issued_on", "title"])
    return found, True


def add_allocation(
    employer_code: str, year: int, amount: int, *, basis: str = "", actor: str
) -> tuple[BudgetAllocation, bool]:
    """Record the APBD amount (whole rupiah) a Pemda allocated for its workers' contributions in a year.
    The same again writes nothing; a changed amount or basis updates it with its history."""
    employer = get_employer(employer_code)
    if not 2000 <= year <= 2100:
        raise ValidationFailed(f"Tahun anggaran {year} di luar 2000-2100")
    if amount < 0:
        raise ValidationFailed("Alokasi anggaran tidak boleh negatif")
    basis = " ".join(basis.split())[:150]
    with transaction.atomic():
        found = BudgetAllocation.objects.select_for_update().filter(employer=employer, year=year).first()
        if found is None:
            cs = open_changeset(actor, f"inpres allocation {employer.region_id} {year} {amount}")
            found = BudgetAllocation.objects.create(
                employer=employer, year=year, amount=amount, basis=basis, created_in=cs
            )
            after = {"employer": employer.region_id, "year": year, "amount": amount, "basis": basis}
            record_change(cs, "coverage.budgetallocation", found.pk, "create", None, after)
            return found, True
        if (found.amount, found.basis) == (amount, basis):
            return found, False
        cs = open_changeset(actor, f"inpres allocation {employer.region_id} {year} {amount}")
        before = {"amount": found.amount, "basis": found.basis}
        record_change(cs, "coverage.budgetallocation", found.pk, "update", before, {"amount": amount, "basis": basis})
        found.amount, found.basis = amount, basis
        found.save(update_fields=["amount", "basis"])
    return found, True


# --- assessment --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Basis:
    kind: str
    number: str
    issued_on: dt.date
    source: str  # regulasi (recorded regulation) or perjanjian (the legal basis of an agreement)


@dataclass(frozen=True)
class PemdaCompliance:
    code: str
    name: str
    level: str  # provinsi, kabupaten, kota
    province: str  # the province's code
    registered: bool  # has an Employer row in lindung
    facts: Facts
    regulation: Basis | None
    allocation_basis: str
    score: Score
    rank_province: int
    rank_nation: int

    @property
    def nothing_done(self) -> bool:
        return self.facts.nothing_done

    def as_dict(self) -> dict[str, Any]:
        f, s, r = self.facts, self.score, self.regulation
        return {
            "code": self.code,
            "name": self.name,
            "level": self.level,
            "province": self.province,
            "registered": self.registered,
            "score": float(s.total),
            "rank_province": self.rank_province,
            "rank_nation": self.rank_nation,
            "nothing_done": self.nothing_done,
            "pillars": {p: float(s.pillars[p]) for p in PILLARS},
            "regulasi": {
                "kind": r.kind if r else None,
                "number": r.number if r else None,
                "date": r.issued_on.isoformat() if r else None,
                "source": r.source if r else None,
                "score": float(s.pillars["regulasi"]),
            },
            "coverage": {
                "workers": f.workers,
                "enrolled": f.enrolled,
                "non_asn_workers": f.non_asn_workers,
                "non_asn_enrolled": f.non_asn_enrolled,
                "non_asn_percent": _float(percent(f.non_asn_enrolled, f.non_asn_workers)),
                "vulnerable_workers": f.vulnerable_workers,
                "vulnerable_enrolled": f.vulnerable_enrolled,
                "vulnerable_percent": _float(percent(f.vulnerable_enrolled, f.vulnerable_workers)),
                "score": float(s.pillars["coverage"]),
            },
            "anggaran": {
                "allocated": f.allocated,
                "paid": f.paid,
                "realised_percent": _float(percent(f.paid, f.allocated)),
                "basis": self.allocation_basis,
                "score": float(s.pillars["anggaran"]),
            },
            "integrasi": {
                "enrolled": f.enrolled,
                "with_kpj": f.with_kpj,
                "percent": _float(percent(f.with_kpj, f.enrolled)),
                "score": float(s.pillars["integrasi"]),
            },
        }


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def default_day(year: int | None, today: dt.date | None = None) -> dt.date:
    today = today or timezone.localdate()
    return today if year is None else min(today, dt.date(year, 12, 31))


def _autonomous_pemda() -> list[Region]:
    return list(
        Region.objects.filter(current=True, level__in=[Region.Level.PROVINSI, Region.Level.KABKOTA])
        .exclude(level=Region.Level.KABKOTA, code__startswith=NOT_AUTONOMOUS_PREFIX)
        .only("code", "name", "level", "kind")
        .order_by("code")
    )


def _scope(region: str | None) -> str | None:
    if region is None:
        return None
    code = region.strip()
    place = Region.objects.filter(code=code).only("code", "name", "level").first()
    if place is None:
        raise NotFound(f"Kode wilayah {region} tidak dikenal")
    if place.level not in (Region.Level.PROVINSI, Region.Level.KABKOTA):
        raise ValidationFailed(f"{code} {place.name} bukan provinsi atau kab/kota")
    if place.level == Region.Level.KABKOTA and code.startswith(NOT_AUTONOMOUS_PREFIX):
        raise ValidationFailed(f"{code} {place.name} adalah wilayah administrasi DKI Jakarta, bukan Pemda otonom")
    return code


def assess(
    on: dt.date | None = None, *, region: str | None = None, year: int | None = None, weights_path: Path | None = None
) -> list[PemdaCompliance]:
    """Every autonomous Pemda (of a province or one kab/kota when `region` is given) as of `on` for the
    budget year `year` (default: the year of `on`), best first: its facts per pillar, its score, and its
    ranks in its province and in the nation (always among all Pemda, whatever `region` narrows to)."""
    weights = load_weights(weights_path)
    on = on or default_day(year)
    year = year or on.year
    scope = _scope(region)
    pemda = _autonomous_pemda()
    employers = {code: (pk, name) for pk, code, name in Employer.objects.values_list("id", "region_id", "name")}
    counts = employer_counts(on)
    vulnerable = dict(
        Employment.objects.filter(category=BPU_CATEGORY, start_date__lte=on)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
        .values_list("employer_id")
        .annotate(n=Count("id"))
        .values_list("employer_id", "n")
    )
    found: dict[int, list[tuple[str, str, dt.date, str]]] = defaultdict(list)
    for employer_id, kind, number, issued in Regulation.objects.filter(issued_on__lte=on).values_list(
        "employer_id", "kind", "number", "issued_on"
    ):
        found[employer_id].append((kind, number, issued, "regulasi"))
    agreements = (
        Agreement.objects.exclude(basis="")
        .filter(Q(basis_date__lte=on) | Q(basis_date__isnull=True, effective_from__lte=on))
        .values_list("employer_id", "basis", "basis_number", "basis_date", "effective_from")
    )
    for employer_id, kind, number, basis_date, effective in agreements:
        found[employer_id].append((kind, number, basis_date or effective, "perjanjian"))
    allocations = {
        e: (amount, basis)
        for e, amount, basis in BudgetAllocation.objects.filter(year=year).values_list("employer_id", "amount", "basis")
    }
    paid = dict(
        Payment.objects.filter(paid_on__gte=dt.date(year, 1, 1), paid_on__lte=min(on, dt.date(year, 12, 31)))
        .values_list("invoice__employer_id")
        .annotate(total=Sum("amount"))
        .values_list("invoice__employer_id", "total")
    )

    assessed: list[tuple[Region, int | None, str, Facts, Basis | None, str, Score]] = []
    for place in pemda:
        pk, name = employers.get(place.code, (None, employer_name(place)))
        basis: Basis | None = None
        facts = Facts()
        allocation_basis = ""
        if pk is not None:
            candidates = found.get(pk, [])
            best = best_regulation([(k, n, d) for k, n, d, _ in candidates], weights)
            if best is not None:
                source = next(s for k, n, d, s in candidates if (k, n, d) == best)
                basis = Basis(best[0], best[1], best[2], source)
            c = counts.get(pk)
            amount, allocation_basis = allocations.get(pk, (0, ""))
            facts = Facts(
                regulation=basis.kind if basis else None,
                workers=c.workers if c else 0,
                enrolled=c.enrolled if c else 0,
                vulnerable_workers=vulnerable.get(pk, 0),
                vulnerable_enrolled=c.bpu if c else 0,
                with_kpj=c.with_kpj if c else 0,
                allocated=amount,
                paid=int(paid.get(pk) or 0),
            )
        assessed.append((place, pk, name, facts, basis, allocation_basis, score(facts, weights)))

    nation = competition_ranks([a[6].total for a in assessed])
    by_province: dict[str, list[int]] = defaultdict(list)
    for i, (place, *_) in enumerate(assessed):
        by_province[place.code.split(".")[0]].append(i)
    provincial: dict[int, int] = {}
    for members in by_province.values():
        for i, rank in zip(members, competition_ranks([assessed[i][6].total for i in members]), strict=True):
            provincial[i] = rank
    rows = [
        PemdaCompliance(
            code=place.code,
            name=name,
            level="provinsi" if place.level == Region.Level.PROVINSI else place.kind,
            province=place.code.split(".")[0],
            registered=pk is not None,
            facts=facts,
            regulation=basis,
            allocation_basis=allocation_basis,
            score=result,
            rank_province=provincial[i],
            rank_nation=nation[i],
        )
        for i, (place, pk, name, facts, basis, allocation_basis, result) in enumerate(assessed)
        if scope is None or place.code == scope or place.code.startswith(scope + ".")
    ]
    return sorted(rows, key=lambda r: (r.rank_nation, r.code))
