"""Inpres 2/2021 compliance of one Pemda, scored on BPJS TK's four pillars (reference §5.1, §6.2).

Every pillar scores a fraction in [0, 1]; the total is the weighted sum of the pillars, 0 to 100:

- regulasi: the score of the best kind of legal basis issued by the day (Perda > Perkada > PKS > nota);
- coverage: the non-ASN workers on the roster who are enrolled, and the vulnerable (BPU) workers on the
  roster the Pemda sponsors, each a share, combined by the coverage sub-weights;
- anggaran: having an APBD allocation for the year, and how much of it was paid (paid / allocated,
  at most 1; paying with nothing allocated counts as fully realised), combined by the budget sub-weights;
- integrasi: the enrolled members whose KPJ number BPJS TK sent back.

No official weights exist (reference §6.2: "exact scoring weights or indicator formulas: not found"):
they are data, read from a TOML file (`coverage/weights.toml`) and checked here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from lindung.domain.errors import Issue, ValidationFailed

PILLARS = ("regulasi", "coverage", "anggaran", "integrasi")
PILLAR_LABELS = {"regulasi": "Regulasi", "coverage": "Cakupan", "anggaran": "Anggaran", "integrasi": "Integrasi"}
REGULATION_KINDS = ("perda", "perkada", "pks", "nota")
COVERAGE_PARTS = ("non_asn", "rentan")
BUDGET_PARTS = ("allocated", "realised")

_SCORE_PLACES = Decimal("0.0001")  # pillar scores
_TOTAL_PLACES = Decimal("0.1")  # the total, 0-100: what is shown and ranked


@dataclass(frozen=True)
class Weights:
    pillars: Mapping[str, Decimal]  # pillar -> points out of 100
    regulation: Mapping[str, Decimal]  # kind -> score in [0, 1]
    coverage: Mapping[str, Decimal]  # non_asn / rentan -> share of the coverage pillar, summing to 100
    budget: Mapping[str, Decimal]  # allocated / realised -> share of the budget pillar, summing to 100

    def as_dict(self) -> dict[str, dict[str, float]]:
        """The weights for `lindung inpres --format json`, as JSON numbers. They are scoring weights (points out
        of 100 and shares), not money, and every score is computed from the Decimals above; only this printout
        turns them into floats, which hold the few decimal places a weights file has exactly enough to show."""
        return {
            "pillars": {k: float(v) for k, v in self.pillars.items()},
            "regulation": {k: float(v) for k, v in self.regulation.items()},
            "coverage": {k: float(v) for k, v in self.coverage.items()},
            "budget": {k: float(v) for k, v in self.budget.items()},
        }


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        return None
    return number if number.is_finite() else None


def _section(
    data: Mapping[str, Any], name: str, keys: Sequence[str], low: Decimal, high: Decimal, issues: list[Issue]
) -> dict[str, Decimal]:
    table = data.get(name)
    if not isinstance(table, Mapping):
        issues.append(Issue(None, name, "WEIGHTS_SECTION", f"Bagian [{name}] tidak ada di berkas bobot"))
        return {}
    out: dict[str, Decimal] = {}
    for key in keys:
        value = _number(table.get(key))
        if value is None:
            issues.append(
                Issue(None, f"{name}.{key}", "WEIGHTS_VALUE", f"{name}.{key} harus berupa angka", str(table.get(key)))
            )
        elif not low <= value <= high:
            issues.append(
                Issue(None, f"{name}.{key}", "WEIGHTS_RANGE", f"{name}.{key} harus antara {low} dan {high}", str(value))
            )
        else:
            out[key] = value
    for key in sorted(set(table) - set(keys)):
        issues.append(
            Issue(
                None, f"{name}.{key}", "WEIGHTS_UNKNOWN", f"{name}.{key} tidak dikenal; yang dikenal: {', '.join(keys)}"
            )
        )
    return out


def _sums_to_hundred(name: str, values: Mapping[str, Decimal], count: int, issues: list[Issue]) -> None:
    if len(values) == count and sum(values.values()) != 100:
        parts = " + ".join(f"{k} {v}" for k, v in values.items())
        issues.append(
            Issue(
                None,
                name,
                "WEIGHTS_SUM",
                f"Bobot [{name}] harus berjumlah 100, bukan {sum(values.values())} ({parts})",
                str(sum(values.values())),
            )
        )


def parse_weights(data: Mapping[str, Any]) -> Weights:
    """Weights from the TOML file's tables, or ValidationFailed listing everything wrong with them."""
    issues: list[Issue] = []
    hundred = Decimal(100)
    pillars = _section(data, "pillars", PILLARS, Decimal(0), hundred, issues)
    _sums_to_hundred("pillars", pillars, len(PILLARS), issues)
    regulation = _section(data, "regulation", REGULATION_KINDS, Decimal(0), Decimal(1), issues)
    coverage = _section(data, "coverage", COVERAGE_PARTS, Decimal(0), hundred, issues)
    _sums_to_hundred("coverage", coverage, len(COVERAGE_PARTS), issues)
    budget = _section(data, "budget", BUDGET_PARTS, Decimal(0), hundred, issues)
    _sums_to_hundred("budget", budget, len(BUDGET_PARTS), issues)
    if issues:
        raise ValidationFailed(
            "Berkas bobot Inpres tidak dapat dipakai: " + "; ".join(i.message for i in issues), issues
        )
    return Weights(pillars, regulation, coverage, budget)


@dataclass(frozen=True)
class Facts:
    """What one Pemda did, as of a day and for a budget year: plain numbers, gathered by the service."""

    regulation: str | None = None  # the kind of its best legal basis issued by the day, or None
    workers: int = 0  # on the roster, every category
    enrolled: int = 0  # with a valid membership, every segment
    vulnerable_workers: int = 0  # on the roster as pekerja rentan (the BPU workers it sponsors)
    vulnerable_enrolled: int = 0  # enrolled in segment BPU
    with_kpj: int = 0  # enrolled members with a KPJ number
    allocated: int = 0  # APBD rupiah allocated for the year
    paid: int = 0  # rupiah paid against its invoices in the year, up to the day

    @property
    def non_asn_workers(self) -> int:
        return max(self.workers - self.vulnerable_workers, 0)

    @property
    def non_asn_enrolled(self) -> int:
        return max(self.enrolled - self.vulnerable_enrolled, 0)

    @property
    def nothing_done(self) -> bool:
        """No legal basis, nobody enrolled, no allocation and no payment: the first to follow up."""
        return self.regulation is None and self.enrolled == 0 and self.allocated == 0 and self.paid == 0


def share(part: int, whole: int) -> Decimal:
    """`part` of `whole` as a fraction in [0, 1] (4 places, half up); 0 when there is nothing to divide."""
    if whole <= 0 or part <= 0:
        return Decimal(0)
    return min(Decimal(part) / Decimal(whole), Decimal(1)).quantize(_SCORE_PLACES, rounding=ROUND_HALF_UP)


def _blend(parts: Mapping[str, Decimal], weights: Mapping[str, Decimal]) -> Decimal:
    value = sum((parts[k] * weights[k] for k in weights), Decimal(0)) / 100
    return value.quantize(_SCORE_PLACES, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Score:
    pillars: Mapping[str, Decimal]  # pillar -> [0, 1]
    parts: Mapping[str, Decimal]  # the sub-scores: non_asn, rentan, allocated, realised
    total: Decimal  # 0-100, one decimal


def score(facts: Facts, weights: Weights) -> Score:
    """The pillar scores and the weighted total of one Pemda."""
    parts = {
        "non_asn": share(facts.non_asn_enrolled, facts.non_asn_workers),
        "rentan": share(facts.vulnerable_enrolled, facts.vulnerable_workers),
        "allocated": Decimal(1) if facts.allocated > 0 else Decimal(0),
        "realised": (
            share(facts.paid, facts.allocated) if facts.allocated > 0 else Decimal(1 if facts.paid > 0 else 0)
        ),
    }
    pillars = {
        "regulasi": weights.regulation.get(facts.regulation, Decimal(0)) if facts.regulation else Decimal(0),
        "coverage": _blend(parts, weights.coverage),
        "anggaran": _blend(parts, weights.budget),
        "integrasi": share(facts.with_kpj, facts.enrolled),
    }
    total = sum((pillars[p] * weights.pillars[p] for p in PILLARS), Decimal(0))
    return Score(pillars, parts, total.quantize(_TOTAL_PLACES, rounding=ROUND_HALF_UP))


def best_regulation(found: Sequence[tuple[str, str, dt.date]], weights: Weights) -> tuple[str, str, dt.date] | None:
    """The legal basis that scores highest (kind, number, date); among equals the most recent."""
    known = [f for f in found if f[0] in weights.regulation]
    if not known:
        return None
    return max(known, key=lambda f: (weights.regulation[f[0]], f[2], f[1]))


def competition_ranks(totals: Sequence[Decimal]) -> list[int]:
    """Rank 1 for the highest; equal totals share a rank and the next rank skips (1, 2, 2, 4)."""
    ordered = sorted(totals, reverse=True)
    first: dict[Decimal, int] = {}
    for position, value in enumerate(ordered, start=1):
        first.setdefault(value, position)
    return [first[t] for t in totals]
