"""The order of heirs, reference/bpjs-tk.md §3.6, one step at a time, and what is left to a person."""

from __future__ import annotations

import datetime as dt

import pytest

from lindung.domain.errors import ValidationFailed
from lindung.domain.heirs import FamilyMember, decide_heirs

DIED = dt.date(2026, 11, 10)


def member(relation: str, n: int = 1, born: dt.date | None = None, **kw: bool) -> FamilyMember:
    return FamilyMember(relation, f"131101010190{n:04d}", f"{relation} {n}", born or dt.date(1970, 1, 1), **kw)


def step_and_relations(program: str, family: list[FamilyMember]) -> tuple[int | None, list[str], str | None]:
    d = decide_heirs(program, family, DIED)
    return d.step, [m.relation for m in d.recipients], d.remainder_to


@pytest.mark.parametrize(
    ("family", "step", "receives"),
    [
        # 1: widow, widower or children, before anyone else
        ([member("istri"), member("anak", 2), member("ayah", 3)], 1, ["istri", "anak"]),
        ([member("anak"), member("ibu", 2)], 1, ["anak"]),
        ([member("suami")], 1, ["suami"]),
        # 2: parents, else grandchildren, else grandparents
        ([member("ayah"), member("ibu", 2), member("cucu", 3), member("kakek", 4)], 2, ["ayah", "ibu"]),
        ([member("cucu"), member("nenek", 2), member("saudara kandung", 3)], 2, ["cucu"]),
        ([member("nenek"), member("saudara kandung", 2)], 2, ["nenek"]),
        # 3: siblings; 4: parents-in-law; 5: the will
        ([member("saudara kandung"), member("mertua", 2)], 3, ["saudara kandung"]),
        ([member("mertua"), member("penerima wasiat", 2)], 4, ["mertua"]),
        ([member("penerima wasiat")], 5, ["penerima wasiat"]),
    ],
)
def test_the_first_step_with_someone_in_it_receives(family: list[FamilyMember], step: int, receives: list[str]) -> None:
    assert step_and_relations("jkm", family) == (step, receives, None)
    assert step_and_relations("jht", family) == (step, receives, None)


def test_with_nobody_confirmed_jkm_goes_to_the_social_security_fund_and_jht_to_the_estate_office() -> None:
    jkm = decide_heirs("jkm", [], DIED, none_confirmed=True)
    jht = decide_heirs("jht", [], DIED, none_confirmed=True)
    assert (jkm.step, jkm.remainder_to, jkm.recipients) == (6, "Dana Jaminan Sosial", ())
    assert (jht.step, jht.remainder_to) == (6, "Balai Harta Peninggalan")
    assert decide_heirs("jkk", [], DIED, none_confirmed=True).remainder_to == "Dana Jaminan Sosial"


def test_no_family_entered_is_flagged_never_guessed() -> None:
    d = decide_heirs("jkm", [], DIED)
    assert (d.step, d.recipients, d.remainder_to) == (None, (), None)
    assert len(d.needs_decision) == 1
    assert "kartu keluarga" in d.needs_decision[0]


def test_two_spouses_are_flagged_for_a_person_to_decide() -> None:
    d = decide_heirs("jkm", [member("istri", 1), member("istri", 2), member("anak", 3)], DIED)
    assert d.step == 1
    assert [m.relation for m in d.recipients] == ["istri", "istri", "anak"]
    assert any("2 pasangan" in flag for flag in d.needs_decision)
    assert not decide_heirs("jkm", [member("istri", 1), member("anak", 3)], DIED).needs_decision


def test_a_child_qualifies_for_a_scholarship_until_the_day_before_turning_23() -> None:
    # Born 11 November 2003: turns 23 on 11 November 2026, the day after the death: still qualifies, until 10 Nov.
    young = member("anak", 1, dt.date(2003, 11, 11))
    # Born 10 November 2003: turns 23 on the day of the death: no longer.
    turned = member("anak", 2, dt.date(2003, 11, 10))
    d = decide_heirs("jkm", [member("istri", 3), young, turned], DIED)
    assert [(c.nik, c.until) for c in d.scholarship] == [(young.nik, dt.date(2026, 11, 10))]


def test_a_married_or_working_child_does_not_qualify_and_a_third_child_is_flagged() -> None:
    kids = [member("anak", n, dt.date(2010 + n, 1, 1)) for n in range(1, 4)]
    married = member("anak", 8, dt.date(2005, 1, 1), married=True)
    working = member("anak", 9, dt.date(2006, 1, 1), working=True)
    d = decide_heirs("jkm", [*kids, married, working], DIED)
    assert [c.nik for c in d.scholarship] == [k.nik for k in kids]
    assert any("3 anak memenuhi syarat" in flag for flag in d.needs_decision)
    # JHT has no scholarship.
    assert decide_heirs("jht", kids, DIED).scholarship == ()


def test_a_child_without_a_birth_date_is_flagged_for_the_scholarship() -> None:
    d = decide_heirs("jkk", [FamilyMember("anak", "1311010101900001", "Tanpa Tanggal")], DIED)
    assert d.step == 1
    assert d.scholarship == ()
    assert any("tanggal lahir belum dicatat" in flag for flag in d.needs_decision)


def test_unknown_relations_and_programs_are_refused() -> None:
    with pytest.raises(ValidationFailed, match="sepupu"):
        decide_heirs("jkm", [member("sepupu")], DIED)
    with pytest.raises(ValidationFailed, match="jp"):
        decide_heirs("jp", [member("istri")], DIED)
