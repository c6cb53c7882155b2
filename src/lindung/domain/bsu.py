"""BSU (Bantuan Subsidi Upah) eligibility from the participant data, reference/bpjs-tk.md §5.5.

A programme year is a rule set kept as data, `rates/bsu/<year>.toml`: the amount, the day through which the worker
must be an active participant (contributions paid for that month), the wage cap and the rounding of a higher UMK,
and the roster categories that are not wage earners. A worker qualifies when every condition holds; one who fails
exactly one is listed as "hampir" (narrowly not), with the reason, for the Pemda to check before it sends the list
to its branch.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from importlib import resources

from lindung.domain.errors import NotFound, ValidationFailed
from lindung.domain.formats import rupiah

__all__ = ["BsuRule", "Participant", "Verdict", "judge", "load_bsu_rule", "wage_limit"]


@dataclass(frozen=True)
class BsuRule:
    year: int
    amount: int
    active_through: dt.date
    wage_cap: int
    umk_round: int
    excluded_categories: tuple[str, ...]
    regulation: str
    confidence: str

    @property
    def paid_month(self) -> dt.date:
        """The month whose contribution must be paid: the month of `active_through`."""
        return self.active_through.replace(day=1)


@dataclass(frozen=True)
class Participant:
    """What BPJS TK's file says of the worker: active or not, the last month paid, the reported wage."""

    active: bool
    paid_until: dt.date | None  # the first day of the last month paid
    wage: int | None


@dataclass(frozen=True)
class Verdict:
    eligible: bool
    failed: tuple[str, ...]  # the conditions not met, in words
    listed: bool = True  # in BPJS TK's participant data at all

    @property
    def narrowly(self) -> bool:
        """A participant who fails exactly one condition (an unpaid month, a wage just above the limit)."""
        return self.listed and len(self.failed) == 1


def load_bsu_rule(year: int) -> BsuRule:
    folder = resources.files("lindung").joinpath("rates", "bsu")
    entry = folder.joinpath(f"{year}.toml")
    if not entry.is_file():
        years = sorted(p.name.removesuffix(".toml") for p in folder.iterdir() if p.name.endswith(".toml"))
        raise NotFound(f"Aturan BSU {year} tidak ada di data; tersedia: {', '.join(years)}")
    data = tomllib.loads(entry.read_text("utf-8"))
    try:
        rule = BsuRule(
            year=int(data["year"]),
            amount=int(data["amount"]),
            active_through=data["active_through"],
            wage_cap=int(data["wage_cap"]),
            umk_round=int(data["umk_round"]),
            excluded_categories=tuple(data.get("excluded_categories", ())),
            regulation=str(data["regulation"]),
            confidence=str(data["confidence"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ValidationFailed(f"Berkas aturan BSU {year} tidak lengkap: {exc}") from None
    if not isinstance(rule.active_through, dt.date) or rule.year != year or rule.umk_round <= 0:
        raise ValidationFailed(f"Berkas aturan BSU {year}: year, active_through atau umk_round tidak sah")
    return rule


def wage_limit(rule: BsuRule, umk: int | None) -> int:
    """The highest reported wage that qualifies: the cap, or the UMK rounded up to the next `umk_round` where the
    UMK is higher (Rp3.600.001 -> Rp3.700.000)."""
    if umk is None or umk <= rule.wage_cap:
        return rule.wage_cap
    return -(-umk // rule.umk_round) * rule.umk_round


def judge(rule: BsuRule, category: str, participant: Participant | None, umk: int | None) -> Verdict:
    """Every condition the worker fails, in words; none means eligible."""
    failed: list[str] = []
    if category in rule.excluded_categories:
        failed.append("bukan pekerja penerima upah (BPU)")
    if participant is None:
        failed.append("tidak ada di data peserta BPJS TK")
        return Verdict(False, tuple(failed), listed=False)
    if not participant.active:
        failed.append("berstatus nonaktif di BPJS TK")
    month = f"{rule.paid_month:%m/%Y}"
    if participant.paid_until is None:
        failed.append(f"tidak ada iuran tercatat; harus dibayar sampai {month}")
    elif participant.paid_until < rule.paid_month:
        failed.append(f"iuran terakhir {participant.paid_until:%m/%Y}, sebelum {month}")
    limit = wage_limit(rule, umk)
    if participant.wage is None:
        failed.append("upah tidak dilaporkan ke BPJS TK")
    elif participant.wage > limit:
        failed.append(f"upah dilaporkan {rupiah(participant.wage)} di atas batas {rupiah(limit)}")
    return Verdict(not failed, tuple(failed))
