"""Who receives a JKM, JKK or JHT benefit after a participant's death: the legal order of reference §3.6.

The family comes from the family card (KK). The first step of the order with anyone in it receives:

    1  the widow or widower, or the children
    2  straight-line relatives to the second degree: parents, else grandchildren, else grandparents
    3  siblings (saudara kandung)
    4  parents-in-law (mertua)
    5  whoever the participant's will names (penerima wasiat)
    6  nobody: for JKM and JKK the benefit goes to the Dana Jaminan Sosial (the funeral cost to whoever
       arranged the funeral), for JHT the balance to the Balai Harta Peninggalan

What the order does not settle is flagged for a person to decide, never guessed: no family entered at all
(is there truly nobody, or was the KK not entered?), two spouses (the legal spouse registered with BPJS TK
comes first; sharing needs every party's agreement), more children qualifying for a scholarship than may
receive one. Children qualify for a scholarship until the day before they turn the age limit (23), and not
once married or working.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from lindung.domain.errors import Issue, ValidationFailed

__all__ = ["PROGRAMS", "RELATIONS", "FamilyMember", "HeirDecision", "ScholarChild", "decide_heirs"]

PROGRAMS = ("jkm", "jkk", "jht")
SPOUSES = ("istri", "suami")
ORDER: tuple[tuple[str, ...], ...] = (
    ("istri", "suami", "anak"),
    ("ayah", "ibu"),
    ("cucu",),
    ("kakek", "nenek"),
    ("saudara kandung",),
    ("mertua",),
    ("penerima wasiat",),
)
# The legal step of each group of ORDER: parents, grandchildren and grandparents are all step 2, in that order.
STEP_OF_GROUP = (1, 2, 2, 2, 3, 4, 5)
LAST_STEP = 6
RELATIONS = frozenset(r for group in ORDER for r in group)
REMAINDER = {"jkm": "Dana Jaminan Sosial", "jkk": "Dana Jaminan Sosial", "jht": "Balai Harta Peninggalan"}


@dataclass(frozen=True)
class FamilyMember:
    relation: str
    nik: str
    name: str
    birth_date: dt.date | None = None
    married: bool = False
    working: bool = False

    def age_on(self, day: dt.date) -> int | None:
        if self.birth_date is None:
            return None
        b = self.birth_date
        return day.year - b.year - ((day.month, day.day) < (b.month, b.day))


@dataclass(frozen=True)
class ScholarChild:
    nik: str
    name: str
    until: dt.date  # the last day before the age limit

    def as_dict(self) -> dict[str, Any]:
        return {"nik": self.nik, "nama": self.name, "until": self.until.isoformat()}


@dataclass(frozen=True)
class HeirDecision:
    program: str
    step: int | None
    recipients: tuple[FamilyMember, ...]
    remainder_to: str | None
    needs_decision: tuple[str, ...]
    scholarship: tuple[ScholarChild, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "program": self.program,
            "step": self.step,
            "recipients": [{"hubungan": m.relation, "nik": m.nik, "nama": m.name} for m in self.recipients],
            "remainder_to": self.remainder_to,
            "needs_decision": list(self.needs_decision),
            "scholarship": [c.as_dict() for c in self.scholarship],
        }


def _birthday(born: dt.date, years: int) -> dt.date:
    try:
        return born.replace(year=born.year + years)
    except ValueError:  # born on 29 February
        return dt.date(born.year + years, 3, 1)


def scholarship_children(
    family: Sequence[FamilyMember], on: dt.date, *, age_limit: int, most: int
) -> tuple[tuple[ScholarChild, ...], list[str]]:
    """The children who may receive a scholarship on `on`, and what a person must decide about them."""
    flags: list[str] = []
    found: list[ScholarChild] = []
    for child in (m for m in family if m.relation == "anak"):
        if child.birth_date is None:
            flags.append(f"anak {child.name}: tanggal lahir belum dicatat, syarat beasiswa tidak dapat diperiksa")
            continue
        if child.married or child.working:
            continue
        until = _birthday(child.birth_date, age_limit) - dt.timedelta(days=1)
        if on <= until:
            found.append(ScholarChild(child.nik, child.name, until))
    if len(found) > most:
        names = ", ".join(c.name for c in found)
        flags.append(f"{len(found)} anak memenuhi syarat beasiswa ({names}); paling banyak {most}: tentukan siapa")
    return tuple(found), flags


def decide_heirs(
    program: str,
    family: Sequence[FamilyMember],
    on: dt.date,
    *,
    age_limit: int | None = 23,
    most_scholars: int = 2,
    none_confirmed: bool = False,
) -> HeirDecision:
    """The heirs of a participant who died on `on`, by the legal order; `age_limit` and `most_scholars` come
    from the dated scholarship rules (`benefit.scholarship` in rates/benefits.toml; None: no schedule that day,
    no scholarship). An empty family is step 6
    only when a person has confirmed there is nobody (`none_confirmed`); otherwise it is flagged."""
    if program not in PROGRAMS:
        raise ValidationFailed(f"Program {program!r} tidak dikenal; pilih {', '.join(PROGRAMS)}")
    unknown = [m for m in family if m.relation not in RELATIONS]
    if unknown:
        issues = [
            Issue(None, "hubungan", "HEIR_RELATION", f"hubungan {m.relation!r} tidak dikenal", m.relation)
            for m in unknown
        ]
        raise ValidationFailed(
            f"Hubungan keluarga tidak dikenal: {', '.join(sorted({m.relation for m in unknown}))}; "
            f"pakai {', '.join(sorted(RELATIONS))}",
            issues,
        )
    flags: list[str] = []
    scholars: tuple[ScholarChild, ...] = ()
    if program in ("jkm", "jkk") and age_limit is not None:
        scholars, flags = scholarship_children(family, on, age_limit=age_limit, most=most_scholars)
    if not family and none_confirmed:
        return HeirDecision(program, LAST_STEP, (), REMAINDER[program], (), ())
    if not family:
        flags.insert(
            0,
            "belum ada anggota keluarga yang dicatat: periksa kartu keluarga dan surat keterangan ahli "
            "waris sebelum manfaat diserahkan ke " + REMAINDER[program],
        )
        return HeirDecision(program, None, (), None, tuple(flags), ())
    for group, step in zip(ORDER, STEP_OF_GROUP, strict=True):
        members = tuple(m for m in family if m.relation in group)
        if not members:
            continue
        spouses = [m for m in members if m.relation in SPOUSES]
        if len(spouses) > 1:
            flags.insert(
                0,
                f"{len(spouses)} pasangan tercatat ({', '.join(m.name for m in spouses)}): pasangan sah "
                "yang terdaftar di BPJS TK didahulukan; pembagian perlu kesepakatan semua pihak",
            )
        return HeirDecision(program, step, members, None, tuple(flags), scholars)
    raise AssertionError("every relation belongs to a step of the order")
