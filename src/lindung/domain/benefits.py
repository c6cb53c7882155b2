"""Benefits of JKM and JKK, computed from the dated amounts of `rates/benefits.toml` (reference §3.1-3.3).

Every component is whole rupiah with the regulation it comes from; a share of a wage ("50 % of the wage",
"70 % x 80 x the wage") is rounded half up to the rupiah once per component and month, as contributions are
(`money.share`, HALF_UP_PER_SHARE). The total is the cash benefit; scholarships are apart (paid each school
year on proof of schooling) and given as the most that the children counted may receive.

    jkm                   death not caused by work: lump sum, periodic (24 x Rp500.000 at once), funeral
    jkk-death             death from a work accident: 48 x wage (at least the JKM lump sum), periodic, funeral
    jkk-disability-total  total permanent disability: share x 80 x wage (the share is unverified), periodic
    jkk-disability-partial  partial permanent disability, per body part: table share x 80 x wage, times the share
                          of function lost when a function is lost rather than the part (the table is unverified data,
                          `rates/disability_partial.toml`)
    stmb                  temporary inability to work: 100 % of the wage for the first months, then 50 %
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from lindung.domain.errors import ValidationFailed
from lindung.domain.money import share
from lindung.domain.rates import Period, RateBook

__all__ = [
    "KINDS",
    "SCHOOL_LEVELS",
    "Benefit",
    "Component",
    "Scholarship",
    "body_parts",
    "compute_benefit",
    "parse_parts",
]

KINDS = ("jkm", "jkk-death", "jkk-disability-total", "jkk-disability-partial", "stmb")
PARTIAL = "benefit.jkk.disability_partial"
SCHOOL_LEVELS = ("tk", "sd", "smp", "sma", "pt")
MAX_WAGE = 10**12  # a monthly wage beyond a trillion rupiah is a typing error, not a wage


@dataclass(frozen=True)
class Component:
    code: str
    amount: int
    regulation: str  # the regulation with its period and confidence mark

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "amount": self.amount, "regulation": self.regulation}


@dataclass(frozen=True)
class Scholarship:
    eligible: bool
    children: int  # the children counted (at most the schedule's maximum)
    max_amount: int  # the most they may receive over their schooling, from the schedule
    reason: str
    regulation: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "eligible": self.eligible,
            "children": self.children,
            "max_amount": self.max_amount,
            "reason": self.reason,
            "regulation": self.regulation,
        }


NO_SCHOLARSHIP = Scholarship(False, 0, 0, "STMB tidak disertai beasiswa")
NO_PARTIAL_SCHOLARSHIP = Scholarship(False, 0, 0, "beasiswa JKK hanya untuk kematian atau cacat total tetap")


@dataclass(frozen=True)
class Benefit:
    kind: str
    on: dt.date
    components: tuple[Component, ...]
    scholarship: Scholarship

    @property
    def total(self) -> int:
        return sum(c.amount for c in self.components)

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "on": self.on.isoformat(),
            "components": [c.as_dict() for c in self.components],
            "total": self.total,
            "scholarship": self.scholarship.as_dict(),
        }


def _need(value: int | None, option: str, kind: str, *, positive: bool = True) -> int:
    if value is None:
        raise ValidationFailed(f"Manfaat {kind} memerlukan {option}")
    if value < (1 if positive else 0) or value > MAX_WAGE:
        raise ValidationFailed(f"{option} = {value} tidak masuk akal untuk manfaat {kind}")
    return value


def scholarship_schedule(book: RateBook, on: dt.date) -> tuple[int, int, str]:
    """(the most one child may receive, the most children, the regulation) of the schedule in force on `on`."""
    rules = book.at("benefit.scholarship", on)
    per_child = 0
    for level in SCHOOL_LEVELS:
        period = book.at(f"benefit.scholarship.{level}", on)
        per_child += period.amount("per_year") * period.amount("years")
    return per_child, rules.amount("max_children"), rules.describe()


def _scholarship(book: RateBook, on: dt.date, children: int, *, allowed: bool, reason: str) -> Scholarship:
    if children < 0:
        raise ValidationFailed(f"--children = {children} tidak boleh negatif")
    if not allowed or children == 0:
        return Scholarship(False, 0, 0, reason if not allowed else "tidak ada anak yang dicatat untuk beasiswa")
    per_child, most, regulation = scholarship_schedule(book, on)
    counted = min(children, most)
    return Scholarship(True, counted, counted * per_child, reason, regulation)


def _jkm(book: RateBook, on: dt.date, contribution_months: int | None, children: int) -> Benefit:
    jkm = book.at("benefit.jkm", on)
    components = (
        Component("santunan_sekaligus", jkm.amount("lump_sum"), jkm.describe()),
        Component("santunan_berkala", jkm.amount("periodic"), jkm.describe()),
        Component("biaya_pemakaman", jkm.amount("funeral"), jkm.describe()),
    )
    minimum = jkm.amount("scholarship_min_months")
    if children and contribution_months is None:
        raise ValidationFailed("Beasiswa JKM memerlukan --contribution-months (masa iur dalam bulan)")
    months = contribution_months or 0
    allowed = months >= minimum
    reason = (
        f"masa iur {months} bulan, paling sedikit {minimum} bulan"
        if allowed
        else f"masa iur {months} bulan, kurang dari {minimum} bulan: tanpa beasiswa"
    )
    return Benefit("jkm", on, components, _scholarship(book, on, children, allowed=allowed, reason=reason))


def _periodic_and_funeral(book: RateBook, on: dt.date) -> tuple[Component, Component]:
    periodic, funeral = book.at("benefit.jkk.periodic", on), book.at("benefit.jkk.funeral", on)
    return (
        Component("santunan_berkala", periodic.amount("amount"), periodic.describe()),
        Component("biaya_pemakaman", funeral.amount("amount"), funeral.describe()),
    )


def _jkk_death(book: RateBook, on: dt.date, wage: int, children: int) -> Benefit:
    rule = book.at("benefit.jkk.death", on)
    floor = book.at("benefit.jkm", on)
    by_wage = rule.amount("wage_months") * wage
    lump = Component("santunan_kematian", max(by_wage, floor.amount("lump_sum")), rule.describe())
    scholarship = _scholarship(book, on, children, allowed=True, reason="JKK: beasiswa tanpa masa iur minimal")
    return Benefit("jkk-death", on, (lump, *_periodic_and_funeral(book, on)), scholarship)


def _jkk_disability_total(book: RateBook, on: dt.date, wage: int, children: int) -> Benefit:
    rule = book.at("benefit.jkk.disability_total", on)
    lump = Component(
        "santunan_cacat_total_tetap", share(rule.amount("base_months") * wage, rule.percent("share")), rule.describe()
    )
    periodic, _ = _periodic_and_funeral(book, on)
    scholarship = _scholarship(book, on, children, allowed=True, reason="JKK: beasiswa tanpa masa iur minimal")
    return Benefit("jkk-disability-total", on, (lump, periodic), scholarship)


def body_parts(book: RateBook, on: dt.date) -> dict[str, Period]:
    """The partial-disability table in force on `on`: part code -> its period (share, name in `note`)."""
    prefix = PARTIAL + "."
    found = {}
    for key in book.keys:
        if key.startswith(prefix):
            try:
                found[key.removeprefix(prefix)] = book.at(key, on)
            except ValidationFailed:
                continue  # a part not in the table on that day
    return found


def parse_parts(texts: Sequence[str]) -> tuple[tuple[str, Decimal], ...]:
    """ "lengan_kanan_bahu" or "telunjuk_kiri:50" (50 % of its function lost) -> (part, percent lost); the part
    itself is checked against the table when the benefit is computed."""
    found = []
    for text in texts:
        code, _, lost = text.strip().partition(":")
        try:
            share = Decimal(lost.strip().replace(",", ".").rstrip("%")) if lost.strip() else Decimal(100)
        except InvalidOperation:
            raise ValidationFailed(
                f"Bagian {text!r}: persen fungsi yang hilang harus angka, mis. telunjuk_kiri:50"
            ) from None
        if code.strip():
            found.append((code.strip(), share))
    return tuple(found)


def _jkk_disability_partial(book: RateBook, on: dt.date, wage: int, parts: tuple[tuple[str, Decimal], ...]) -> Benefit:
    if not parts:
        raise ValidationFailed(
            "Manfaat jkk-disability-partial memerlukan --part (bagian tubuh); daftar: "
            + ", ".join(sorted(body_parts(book, on)))
        )
    rule = book.at(PARTIAL, on)
    table = body_parts(book, on)
    base = rule.amount("base_months") * wage
    components = []
    for code, lost in parts:
        part = table.get(code)
        if part is None:
            raise ValidationFailed(
                f"Bagian tubuh {code!r} tidak ada di tabel cacat sebagian; pilih {', '.join(sorted(table))}"
            )
        if not Decimal(0) < lost <= Decimal(100):
            raise ValidationFailed(f"Fungsi yang hilang {lost}% harus lebih dari 0 dan paling banyak 100%")
        percent = part.percent("share") * lost / Decimal(100)  # one rounding, of the combined share
        name = f"{part.note}" + ("" if lost == 100 else f", fungsi hilang {lost}%")
        components.append(
            Component(
                f"santunan_cacat_sebagian:{code}", share(base, percent), f"{name}: {part.describe()}; {rule.describe()}"
            )
        )
    return Benefit("jkk-disability-partial", on, tuple(components), NO_PARTIAL_SCHOLARSHIP)


def _stmb(book: RateBook, on: dt.date, wage: int, months: int) -> Benefit:
    rule: Period = book.at("benefit.jkk.stmb", on)
    full = min(months, rule.amount("full_months"))
    after = months - full
    components = [Component("stmb_penuh", full * share(wage, rule.percent("full_share")), rule.describe())]
    if after:
        components.append(Component("stmb_sebagian", after * share(wage, rule.percent("after_share")), rule.describe()))
    return Benefit("stmb", on, tuple(components), NO_SCHOLARSHIP)


def compute_benefit(
    book: RateBook,
    kind: str,
    on: dt.date,
    *,
    wage: int | None = None,
    contribution_months: int | None = None,
    children: int = 0,
    months: int | None = None,
    parts: tuple[tuple[str, Decimal], ...] = (),
) -> Benefit:
    """The benefit of `kind` for an event on `on` (the day of death, of the accident or of the doctor's letter)."""
    if kind == "jkm":
        if contribution_months is not None:
            _need(contribution_months, "--contribution-months", kind, positive=False)
        return _jkm(book, on, contribution_months, children)
    if kind == "jkk-death":
        return _jkk_death(book, on, _need(wage, "--wage", kind), children)
    if kind == "jkk-disability-total":
        return _jkk_disability_total(book, on, _need(wage, "--wage", kind), children)
    if kind == "jkk-disability-partial":
        return _jkk_disability_partial(book, on, _need(wage, "--wage", kind), parts)
    if kind == "stmb":
        return _stmb(book, on, _need(wage, "--wage", kind), _need(months, "--months", kind))
    raise ValidationFailed(f"Jenis manfaat {kind!r} tidak dikenal; pilih {', '.join(KINDS)}")


def liability(book: RateBook, on: dt.date, wage: int) -> int:
    """What a Pemda pays itself under PP 44/2015 when an unregistered worker dies in a work accident: the
    JKK death benefit at that wage (lump sum, periodic and funeral; scholarships apart)."""
    return _jkk_death(book, on, wage, 0).total
