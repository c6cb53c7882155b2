"""Benefits against cases worked by hand from reference/bpjs-tk.md §3.1-3.3 (every figure is written out)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from lindung.domain.benefits import body_parts, compute_benefit, liability
from lindung.domain.errors import ValidationFailed
from lindung.domain.rates import load_rate_book

BOOK = load_rate_book()
ON = dt.date(2026, 11, 1)


def amounts(kind: str, **kw: object) -> dict[str, int]:
    return {c.code: c.amount for c in compute_benefit(BOOK, kind, ON, **kw).components}  # type: ignore[arg-type]


def test_jkm_pays_twenty_twelve_and_ten_million_whatever_the_wage() -> None:
    # PP 82/2019: lump sum Rp20.000.000, periodic 24 x Rp500.000 = Rp12.000.000, funeral Rp10.000.000.
    benefit = compute_benefit(BOOK, "jkm", ON, contribution_months=12)
    assert amounts("jkm") == {
        "santunan_sekaligus": 20_000_000,
        "santunan_berkala": 12_000_000,
        "biaya_pemakaman": 10_000_000,
    }
    assert benefit.total == 42_000_000
    assert all("PP 82/2019" in c.regulation for c in benefit.components)


def test_the_jkm_scholarship_needs_three_years_of_contributions_and_counts_two_children() -> None:
    # Per child: TK 2 x 1,5 jt + SD 6 x 1,5 jt + SMP 3 x 2 jt + SMA 3 x 3 jt + PT 5 x 12 jt
    #          = 3 + 9 + 6 + 9 + 60 = Rp87.000.000; two children Rp174.000.000; a third child is not counted.
    three_years = compute_benefit(BOOK, "jkm", ON, contribution_months=36, children=3).scholarship
    assert (three_years.eligible, three_years.children, three_years.max_amount) == (True, 2, 174_000_000)
    one = compute_benefit(BOOK, "jkm", ON, contribution_months=120, children=1).scholarship
    assert (one.eligible, one.children, one.max_amount) == (True, 1, 87_000_000)
    short = compute_benefit(BOOK, "jkm", ON, contribution_months=35, children=2).scholarship
    assert (short.eligible, short.children, short.max_amount) == (False, 0, 0)
    assert "35 bulan" in short.reason
    # The cash benefit does not depend on the scholarship.
    assert compute_benefit(BOOK, "jkm", ON, contribution_months=35, children=2).total == 42_000_000


def test_a_jkm_scholarship_asked_without_the_contribution_months_is_refused() -> None:
    with pytest.raises(ValidationFailed, match="contribution-months"):
        compute_benefit(BOOK, "jkm", ON, children=1)


def test_jkk_death_is_48_wages_plus_periodic_and_funeral() -> None:
    # Rp2.000.000 x 48 = Rp96.000.000; + Rp12.000.000 + Rp10.000.000 = Rp118.000.000 (the example).
    assert amounts("jkk-death", wage=2_000_000) == {
        "santunan_kematian": 96_000_000,
        "santunan_berkala": 12_000_000,
        "biaya_pemakaman": 10_000_000,
    }
    assert compute_benefit(BOOK, "jkk-death", ON, wage=2_000_000).total == 118_000_000
    assert liability(BOOK, ON, 2_000_000) == 118_000_000


def test_jkk_death_is_never_less_than_the_jkm_lump_sum() -> None:
    # Rp300.000 x 48 = Rp14.400.000 < Rp20.000.000, the JKM lump sum: the floor applies.
    assert amounts("jkk-death", wage=300_000)["santunan_kematian"] == 20_000_000
    # Rp416.667 x 48 = Rp20.000.016: just above the floor.
    assert amounts("jkk-death", wage=416_667)["santunan_kematian"] == 20_000_016


def test_a_jkk_scholarship_needs_no_minimum_contribution_period() -> None:
    s = compute_benefit(BOOK, "jkk-death", ON, wage=2_000_000, children=2).scholarship
    assert (s.eligible, s.children, s.max_amount) == (True, 2, 174_000_000)


def test_total_permanent_disability_is_seventy_percent_of_eighty_wages_plus_periodic() -> None:
    # 70 % x 80 x Rp2.500.000 = 56 x 2.500.000 = Rp140.000.000; + berkala Rp12.000.000 = Rp152.000.000.
    benefit = compute_benefit(BOOK, "jkk-disability-total", ON, wage=2_500_000)
    assert benefit.total == 152_000_000
    # An odd wage: 70 % x 80 x 2.500.001 = 140.000.056 exactly.
    assert amounts("jkk-disability-total", wage=2_500_001)["santunan_cacat_total_tetap"] == 140_000_056
    # The 70 % share is unverified: the component says so.
    assert "[D/U]" in benefit.components[0].regulation


def test_stmb_is_the_full_wage_for_twelve_months_then_half_rounded_half_up_per_month() -> None:
    # 12 x Rp3.000.001 = Rp36.000.012; then 50 % = 1.500.000,5 -> Rp1.500.001 a month, x 2 = Rp3.000.002.
    assert amounts("stmb", wage=3_000_001, months=14) == {"stmb_penuh": 36_000_012, "stmb_sebagian": 3_000_002}
    assert compute_benefit(BOOK, "stmb", ON, wage=3_000_001, months=14).total == 39_000_014
    # Within the first twelve months only the full wage: 3 x Rp2.100.000 = Rp6.300.000.
    assert amounts("stmb", wage=2_100_000, months=3) == {"stmb_penuh": 6_300_000}
    assert compute_benefit(BOOK, "stmb", ON, wage=2_100_000, months=3).scholarship.eligible is False


@pytest.mark.parametrize(
    ("kind", "kw", "message"),
    [
        ("jkk-death", {}, "--wage"),
        ("stmb", {"wage": 2_000_000}, "--months"),
        ("stmb", {"wage": 2_000_000, "months": 0}, "tidak masuk akal"),
        ("jkk-death", {"wage": -5}, "tidak masuk akal"),
        ("jkk-death", {"wage": 10**13}, "tidak masuk akal"),
        ("jkk", {}, "tidak dikenal"),
    ],
)
def test_bad_input_is_refused_with_what_is_missing(kind: str, kw: dict[str, int], message: str) -> None:
    with pytest.raises(ValidationFailed, match=message):
        compute_benefit(BOOK, kind, ON, **kw)  # type: ignore[arg-type]


def test_a_death_before_pp_82_2019_has_no_amount_in_the_data() -> None:
    # The reference gives no JKM amounts before PP 82/2019: the book refuses rather than guess.
    with pytest.raises(ValidationFailed):
        compute_benefit(BOOK, "jkm", dt.date(2019, 12, 1))
    assert compute_benefit(BOOK, "jkm", dt.date(2019, 12, 2)).total == 42_000_000


def test_partial_disability_is_the_table_share_of_eighty_wages_per_part_and_of_the_function_lost() -> None:
    # Rp2.000.000 x 80 = Rp160.000.000; a right arm from the shoulder (40 %) = Rp64.000.000; half the function of a
    # left index finger (7 % x 50 % = 3,5 %) = Rp5.600.000; no periodic amount and no scholarship.
    parts = (("lengan_kanan_bahu", Decimal(100)), ("telunjuk_kiri", Decimal(50)))
    benefit = compute_benefit(BOOK, "jkk-disability-partial", ON, wage=2_000_000, parts=parts)
    assert [(c.code, c.amount) for c in benefit.components] == [
        ("santunan_cacat_sebagian:lengan_kanan_bahu", 64_000_000),
        ("santunan_cacat_sebagian:telunjuk_kiri", 5_600_000),
    ]
    assert benefit.total == 69_600_000 and not benefit.scholarship.eligible
    assert "[U]" in benefit.components[0].regulation and "[V]" in benefit.components[0].regulation
    # one rounding of the combined share: 1.234.567 x 80 x 7 % x 33 % = 2.281.479,816 -> 2.281.480
    odd = compute_benefit(BOOK, "jkk-disability-partial", ON, wage=1_234_567, parts=(("telunjuk_kiri", Decimal(33)),))
    assert odd.total == 2_281_480
    assert set(body_parts(BOOK, ON)) >= {"lengan_kanan_bahu", "mata", "ibu_jari_kaki"}


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        ((), "memerlukan --part"),
        ((("sayap", Decimal(100)),), "tidak ada di tabel"),
        ((("mata", Decimal(0)),), "lebih dari 0"),
        ((("mata", Decimal(101)),), "paling banyak 100"),
    ],
)
def test_a_partial_disability_without_a_known_part_or_with_an_impossible_share_is_refused(
    parts: tuple[tuple[str, Decimal], ...], message: str
) -> None:
    with pytest.raises(ValidationFailed, match=message):
        compute_benefit(BOOK, "jkk-disability-partial", ON, wage=2_000_000, parts=parts)
