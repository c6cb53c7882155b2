"""What leaving workers out costs a Pemda: the workers on the roster without protection on a day, the benefit
the Pemda must pay itself if one of them dies in a work accident (PP 44/2015: an employer that did not
register its workers pays benefits at least equal to BPJS TK's), and what covering them would cost a month.

Per worker: the JKK death benefit at their wage, max(48 x wage, the JKM lump sum) + the periodic and funeral
amounts (domain.benefits, rates/benefits.toml); the monthly cost is JKK class 1 + JKM of the wage, each share
rounded half up to the rupiah per worker (HALF_UP_PER_SHARE). One SQL aggregate per query, whatever the size.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, Sum, Value
from django.db.models.functions import Greatest

from lindung.coverage.tables import Column, Table
from lindung.domain.errors import ValidationFailed
from lindung.domain.formats import rupiah
from lindung.domain.formats import thousands as _n
from lindung.domain.money import percent_fraction
from lindung.domain.rates import RateBook, load_rate_book
from lindung.enrolment.models import Membership
from lindung.registry.models import Employment


@dataclass(frozen=True)
class Exposure:
    code: str
    name: str
    workers: int
    liability: int  # the sum over those workers of the JKK death benefit at their wage
    monthly_cost: int  # JKK class 1 + JKM for them, a month

    @property
    def per_worker(self) -> int:
        return self.liability // self.workers if self.workers else 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "workers": self.workers,
            "liability": self.liability,
            "monthly_cost": self.monthly_cost,
        }


def _share_sql(num: int, den: int) -> Any:
    """round_half_up(wage x num / den) per row, in integer arithmetic the database does exactly."""
    return (F("wage") * Value(2 * num) + Value(den)) / Value(2 * den)


def exposure(
    on: dt.date,
    employer_ids: list[int] | None,
    *,
    unit: str | None = None,
    by: str = "employer",
    book: RateBook | None = None,
) -> list[Exposure]:
    """One row per employer (or per unit, `by="unit"`) with anyone unprotected on `on`, largest liability first."""
    book = book or load_rate_book()
    death = book.at("benefit.jkk.death", on).amount("wage_months")
    floor = book.at("benefit.jkm", on).amount("lump_sum")
    extra = book.at("benefit.jkk.periodic", on).amount("amount") + book.at("benefit.jkk.funeral", on).amount("amount")
    jkk = percent_fraction(book.percent("jkk.1", "employer", on))
    jkm = percent_fraction(book.percent("jkm", "employer", on))
    protected = (
        Membership.objects.filter(employment_id=OuterRef("pk"), valid_from__lte=on)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
        .exclude(status=Membership.Status.REJECTED)
    )
    rows = Employment.objects.filter(start_date__lte=on).filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
    if employer_ids is not None:
        rows = rows.filter(employer_id__in=employer_ids)
    if unit is not None:
        rows = rows.filter(unit__code=unit)
    rows = rows.filter(~Exists(protected))
    keys = ("employer__region_id", "employer__name") if by == "employer" else ("unit__code", "unit__name")
    found = (
        rows.values(*keys)
        .annotate(
            workers=Count("id"),
            lump=Sum(Greatest(F("wage") * Value(death), Value(floor), output_field=IntegerField())),
            cost=Sum(_share_sql(*jkk) + _share_sql(*jkm), output_field=IntegerField()),
        )
        .order_by(*keys)
    )
    result = [
        Exposure(r[keys[0]], r[keys[1]], r["workers"], int(r["lump"]) + r["workers"] * extra, int(r["cost"]))
        for r in found
    ]
    return sorted(result, key=lambda e: (-e.liability, e.code))


def total(rows: list[Exposure], code: str, name: str) -> Exposure:
    return Exposure(
        code, name, sum(r.workers for r in rows), sum(r.liability for r in rows), sum(r.monthly_cost for r in rows)
    )


@dataclass(frozen=True)
class LeftOut:
    """The answer to "what does leaving them out cost": the whole and its parts, or why it cannot be said."""

    whole: Exposure | None
    parts: list[Exposure]
    missing: str = ""  # no benefit amounts in the rate data for that day

    def as_dict(self) -> dict[str, Any] | None:
        if self.whole is None:
            return None
        return self.whole.as_dict() | {"parts": [e.as_dict() for e in self.parts]}


def left_out(
    on: dt.date, employer_ids: list[int] | None, code: str, name: str, *, unit: str | None = None, by_unit: bool
) -> LeftOut:
    """exposure() and its total for a node, with the rate book's refusal (a day before the benefit data) kept as a
    sentence instead of an error: coverage reports still print when the liability cannot be computed."""
    try:
        parts = exposure(on, employer_ids, unit=unit, by="unit" if by_unit else "employer")
    except ValidationFailed as exc:
        return LeftOut(None, [], str(exc))
    return LeftOut(total(parts, code, name), parts)


def sentence(whole: Exposure) -> str:
    """The liability in one Bahasa Indonesia sentence, as the command, the dashboard and the PDF report say it."""
    return (
        f"Tanpa perlindungan: {_n(whole.workers)} pekerja. Bila seorang meninggal karena kecelakaan kerja, Pemda "
        f"membayar sendiri (PP 44/2015) rata-rata {rupiah(whole.per_worker)}; untuk mereka semua "
        f"{rupiah(whole.liability)}. Melindungi mereka (JKK kelas 1 dan JKM): {rupiah(whole.monthly_cost)} sebulan."
    )


def exposure_table(unprotected: LeftOut, on: dt.date) -> Table | None:
    """The liability per Pemda (or per unit) as a report table, largest first; None when it cannot be said."""
    if unprotected.whole is None:
        return None
    return Table(
        "Tanpa perlindungan",
        [
            Column("Kode", "text", 14),
            Column("Nama", "text", 40),
            Column("Pekerja", "int", 10),
            Column("Tanggungan Pemda (PP 44/2015)", "money", 22),
            Column("Iuran JKK+JKM sebulan", "money", 18),
        ],
        [[e.code, e.name, e.workers, e.liability, e.monthly_cost] for e in unprotected.parts],
        note=(
            f"Pekerja di daftar tanpa kepesertaan sah per {on.isoformat()}. Tanggungan: manfaat kematian JKK yang "
            "dibayar Pemda sendiri bila salah seorang meninggal karena kecelakaan kerja (48 x upah, paling sedikit "
            "santunan JKM, ditambah santunan berkala dan biaya pemakaman)."
        ),
    )
