"""Iuran rules of reference/bpjs-tk.md §2, golden cases each citing its rule, and the frame version agreeing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lindung.domain.contributions import (
    FRAME_COLUMNS,
    Contribution,
    compute_contribution,
    contribution_frame,
)
from lindung.domain.errors import ValidationFailed
from lindung.domain.money import ROUNDING_POLICY
from lindung.domain.rates import load_rate_book

D = dt.date
BOOK = load_rate_book()
ON = D(2024, 6, 1)
ALL = ["JKK", "JKM", "JHT", "JP", "JKP"]


def ppu(wage: int, programs: list[str], *, risk_class: int = 1, on: dt.date = ON) -> Contribution:
    return compute_contribution(BOOK, wage=wage, programs=programs, risk_class=risk_class, segment="ppu", on=on)


def bpu(income: int, programs: list[str], *, on: dt.date = ON) -> Contribution:
    return compute_contribution(BOOK, wage=income, programs=programs, risk_class=1, segment="bpu", on=on)


def refused(**kwargs: object) -> list[str]:
    args: dict[str, object] = {"wage": 3_000_000, "programs": ["JKK"], "risk_class": 1, "segment": "ppu", "on": ON}
    args.update(kwargs)
    with pytest.raises(ValidationFailed) as caught:
        compute_contribution(BOOK, **args)  # type: ignore[arg-type]
    return [i.code for i in caught.value.issues]


# PPU golden cases -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("risk_class", "employer"),
    [(1, 7_200), (2, 16_200), (3, 26_700), (4, 38_100), (5, 52_200)],  # PP 44/2015 Lampiran I, x Rp3,000,000
)
def test_jkk_by_risk_class_on_the_whole_wage(risk_class: int, employer: int) -> None:
    jkk = ppu(3_000_000, ["JKK"], risk_class=risk_class).program("JKK")
    assert (jkk.employer, jkk.worker, jkk.total, jkk.wage_base) == (employer, 0, employer, 3_000_000)
    assert jkk.confidence == "V"
    assert "PP 44/2015" in jkk.regulation


def test_jkk_has_no_wage_cap() -> None:
    assert ppu(50_000_000, ["JKK"], risk_class=5).program("JKK").employer == 870_000  # 1.74 % of 50 juta


def test_jkm_is_030_percent_paid_by_the_employer() -> None:  # PP 44/2015
    jkm = ppu(3_000_000, ["JKM"]).program("JKM")
    assert (jkm.employer, jkm.worker, jkm.rate) == (9_000, 0, Decimal("0.30"))


def test_jht_is_37_percent_employer_and_2_percent_worker() -> None:  # PP 46/2015
    jht = ppu(3_000_000, ["JHT"]).program("JHT")
    assert (jht.employer, jht.worker, jht.total, jht.rate) == (111_000, 60_000, 171_000, Decimal("5.7"))


@pytest.mark.parametrize(
    ("wage", "base", "employer", "worker"),
    [
        (3_000_000, 3_000_000, 60_000, 30_000),  # under the cap: 2 % / 1 % of the wage (PP 45/2015)
        (10_042_300, 10_042_300, 200_846, 100_423),  # at the 2024 cap
        (15_000_000, 10_042_300, 200_846, 100_423),  # over the cap: the cap is the base
    ],
)
def test_jp_under_at_and_over_the_cap(wage: int, base: int, employer: int, worker: int) -> None:
    jp = ppu(wage, ["JP"]).program("JP")
    assert (jp.wage_base, jp.employer, jp.worker) == (base, employer, worker)
    assert "jp.cap" in jp.regulation or "Pasal 29" in jp.regulation


@pytest.mark.parametrize(
    ("on", "base", "employer", "worker"),
    [
        (D(2024, 2, 29), 9_559_600, 191_192, 95_596),  # cap of March 2023 - February 2024
        (D(2024, 3, 1), 10_042_300, 200_846, 100_423),  # the new cap from 1 March 2024
    ],
)
def test_jp_cap_changes_on_the_first_of_march(on: dt.date, base: int, employer: int, worker: int) -> None:
    jp = ppu(10_500_000, ["JP"], on=on).program("JP")
    assert (jp.wage_base, jp.employer, jp.worker) == (base, employer, worker)


def test_jp_on_a_reconstructed_cap_carries_its_confidence() -> None:
    jp = ppu(10_000_000, ["JP"], on=D(2017, 6, 1)).program("JP")
    assert jp.wage_base == 7_703_500
    assert jp.confidence == "D/U"


@pytest.mark.parametrize(
    ("on", "rate", "government", "from_jkk", "from_jkm", "confidence"),
    [
        (D(2025, 2, 6), Decimal("0.46"), 8_800, 5_600, 4_000, "U"),  # PP 37/2021; JKM part [U]
        (D(2025, 2, 7), Decimal("0.36"), 8_800, 5_600, 0, "V"),  # PP 6/2025: no JKM recomposition
    ],
)
def test_jkp_is_not_billed_and_is_recomposed(
    on: dt.date, rate: Decimal, government: int, from_jkk: int, from_jkm: int, confidence: str
) -> None:
    result = ppu(4_000_000, ["JKK", "JKM", "JKP"], on=on)
    jkp = result.program("JKP")
    assert (jkp.rate, jkp.wage_base, jkp.employer, jkp.worker, jkp.total) == (rate, 4_000_000, 0, 0, 0)
    assert jkp.government == government
    assert dict(jkp.recomposed) == {"JKK": from_jkk, "JKM": from_jkm}
    assert jkp.confidence == confidence
    # the employer's JKK and JKM bills are unchanged by the recomposition
    assert (result.program("JKK").employer, result.program("JKM").employer) == (9_600, 12_000)
    assert result.employer == 21_600


def test_jkp_base_is_capped_at_5_million() -> None:  # PP 37/2021
    jkp = ppu(8_000_000, ["JKK", "JKM", "JKP"]).program("JKP")
    assert (jkp.wage_base, jkp.government) == (5_000_000, 11_000)


def test_jkp_is_refused_before_2021_02_02() -> None:
    assert refused(programs=["JKK", "JKM", "JKP"], on=D(2021, 2, 1)) == ["RATE_MISSING"]
    assert ppu(3_000_000, ["JKK", "JKM", "JKP"], on=D(2021, 2, 2)).program("JKP").rate == Decimal("0.46")


def test_jkp_needs_jkk_and_jkm() -> None:
    assert refused(programs=["JKP"]) == ["JKP_NEEDS_JKK_JKM"]


def test_no_rate_before_2015_07_01() -> None:
    assert refused(on=D(2015, 6, 30)) == ["RATE_MISSING"]
    assert ppu(3_000_000, ["JKK"], on=D(2015, 7, 1)).employer == 7_200


def test_the_full_ppu_package_adds_up() -> None:
    result = ppu(10_500_000, ALL, on=D(2024, 3, 1))
    assert [p.program for p in result.programs] == ALL
    assert result.employer == 25_200 + 31_500 + 388_500 + 200_846  # JKK, JKM, JHT, JP
    assert result.worker == 210_000 + 100_423
    assert result.total == sum(p.total for p in result.programs)
    assert result.as_dict()["rounding_policy"] == ROUNDING_POLICY


# Rounding (money.ROUNDING_POLICY) ---------------------------------------------------------------------------


def test_a_share_ending_in_half_a_rupiah_rounds_up() -> None:
    assert ppu(2_000_050, ["JP"]).program("JP").worker == 20_001  # 1 % = 20,000.50
    assert ppu(2_500_500, ["JKM"]).program("JKM").employer == 7_502  # 0.30 % = 7,501.50


def test_a_share_ending_in_049_rounds_down() -> None:
    assert ppu(2_000_049, ["JP"]).program("JP").worker == 20_000  # 1 % = 20,000.49


def test_each_share_is_rounded_on_its_own() -> None:
    # JHT at 2,000,050: 3.7 % = 74,001.85 -> 74,002 and 2 % = 40,001.00; the total is their sum
    jht = ppu(2_000_050, ["JHT"]).program("JHT")
    assert (jht.employer, jht.worker, jht.total) == (74_002, 40_001, 114_003)


# Wage floors (reference §2.6) -------------------------------------------------------------------------------


def test_a_wage_under_the_absolute_floor_is_refused() -> None:  # SE B/12/012023: Rp1,000,000
    assert refused(wage=999_999) == ["WAGE_UNDER_ABSOLUTE_FLOOR"]
    assert refused(wage=999_999, on=D(2020, 1, 1)) == ["WAGE_UNDER_ABSOLUTE_FLOOR"]


def test_a_wage_under_the_minimum_reported_wage_is_warned_about() -> None:  # SE B/12/012023: Rp1,968,169
    result = ppu(1_500_000, ["JKK", "JKM"])
    assert [(w.code, w.severity) for w in result.warnings] == [("WAGE_UNDER_MINIMUM_REPORTED", "warning")]
    assert "1.968.169" in result.warnings[0].message
    assert result.total == 3_600 + 4_500
    assert ppu(1_968_169, ["JKK"]).warnings == ()


def test_before_2023_no_minimum_reported_wage_is_recorded() -> None:
    assert ppu(1_500_000, ["JKK"], on=D(2022, 12, 31)).warnings == ()


# Bad requests -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"programs": []}, ["PROGRAMS_EMPTY"]),
        ({"programs": ["JKK", "XYZ"]}, ["PROGRAM_UNKNOWN"]),
        ({"programs": ["JKK", "jkk"]}, ["PROGRAM_DUPLICATE"]),
        ({"risk_class": 0}, ["RISK_CLASS_INVALID"]),
        ({"risk_class": 6}, ["RISK_CLASS_INVALID"]),
        ({"segment": "pns"}, ["SEGMENT_UNKNOWN"]),
        ({"wage": 0}, ["WAGE_NOT_POSITIVE"]),
        ({"programs": ["JP"], "segment": "bpu"}, ["PROGRAM_NOT_FOR_BPU"]),
        ({"programs": ["JKK", "JKM", "JKP"], "segment": "bpu"}, ["PROGRAM_NOT_FOR_BPU"]),
        ({"programs": [], "risk_class": 9}, ["PROGRAMS_EMPTY", "RISK_CLASS_INVALID"]),
    ],
)
def test_bad_requests_are_refused_with_their_reasons(kwargs: dict[str, object], expected: list[str]) -> None:
    assert refused(**kwargs) == expected


def test_a_refusal_is_explained_in_indonesian_and_english_on_request() -> None:
    with pytest.raises(ValidationFailed, match="tidak tersedia bagi peserta bukan penerima upah"):
        compute_contribution(BOOK, wage=1, programs=["JP"], risk_class=1, segment="bpu", on=ON)
    with pytest.raises(ValidationFailed, match="not available to non-wage earners"):
        compute_contribution(BOOK, wage=1, programs=["JP"], risk_class=1, segment="bpu", on=ON, lang="en")


def test_programs_may_be_written_as_text_in_any_order() -> None:
    result = compute_contribution(BOOK, wage=3_000_000, programs="jkm, JKK", risk_class=1, segment="PPU", on=ON)
    assert [p.program for p in result.programs] == ["JKK", "JKM"]


# BPU (reference §2.3) ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("income", [1, 500_000, 1_000_000])
def test_the_bpu_package_at_the_lowest_income_is_16800(income: int) -> None:
    result = bpu(income, ["JKK", "JKM"])
    assert (result.program("JKK").worker, result.program("JKM").worker) == (10_000, 6_800)
    assert (result.employer, result.worker, result.total) == (0, 16_800, 16_800)
    assert result.program("JKM").rate is None


def test_bpu_with_jht_at_the_lowest_income_is_36800() -> None:  # [D] 10,000 + 6,800 + 20,000
    assert bpu(1_000_000, ["JKK", "JKM", "JHT"]).total == 36_800


def test_bpu_jkk_stops_at_the_highest_income() -> None:
    assert bpu(20_700_000, ["JKK"]).program("JKK").worker == 207_000
    assert bpu(35_000_000, ["JKK"]).program("JKK").worker == 207_000


def test_bpu_between_the_known_brackets_is_marked_unverified() -> None:
    jkk = bpu(3_000_000, ["JKK"]).program("JKK")
    assert (jkk.wage_base, jkk.worker, jkk.confidence) == (3_000_000, 30_000, "U")


def test_bpu_has_no_wage_floor_refusal() -> None:
    assert bpu(100_000, ["JKK", "JKM"]).warnings == ()


# The frame version ------------------------------------------------------------------------------------------

DAYS = [
    D(2015, 7, 1),
    D(2016, 2, 29),
    D(2016, 3, 1),
    D(2021, 2, 2),
    D(2022, 12, 31),
    D(2024, 2, 29),
    D(2024, 3, 1),
    D(2025, 2, 6),
    D(2025, 2, 7),
    D(2026, 11, 23),
]


def expected_row(result: Contribution, segment: str) -> dict[str, object]:
    def get(program: str) -> tuple[int, int, int]:
        try:
            share = result.program(program)
        except KeyError:
            return 0, 0, 0
        return share.wage_base, share.employer, share.worker

    jkp = next((p for p in result.programs if p.program == "JKP"), None)
    return {
        "jkk": sum(get("JKK")[1:]),
        "jkm": sum(get("JKM")[1:]),
        "jht_employer": get("JHT")[1],
        "jht_worker": get("JHT")[2],
        "jp_base": get("JP")[0] if segment == "ppu" else 0,
        "jp_employer": get("JP")[1],
        "jp_worker": get("JP")[2],
        "jkp_base": get("JKP")[0],
        "jkp_government": jkp.government if jkp else 0,
        "jkp_from_jkk": jkp.recomposed["JKK"] if jkp else 0,
        "jkp_from_jkm": jkp.recomposed["JKM"] if jkp else 0,
        "employer": result.employer,
        "worker": result.worker,
        "total": result.total,
        "under_minimum_reported": bool(result.warnings),
    }


@st.composite
def ppu_cases(draw: st.DrawFn) -> tuple[dt.date, list[str], list[int], list[int]]:
    on = draw(st.sampled_from(DAYS))
    pool = ALL if on >= D(2021, 2, 2) else ALL[:4]
    programs = draw(st.lists(st.sampled_from(pool), min_size=1, unique=True))
    if "JKP" in programs:
        programs = list(dict.fromkeys([*programs, "JKK", "JKM"]))
    size = draw(st.integers(min_value=1, max_value=40))
    wages = draw(st.lists(st.integers(1_000_000, 50_000_000), min_size=size, max_size=size))
    classes = draw(st.lists(st.integers(1, 5), min_size=size, max_size=size))
    return on, programs, wages, classes


@settings(max_examples=150)
@given(ppu_cases())
def test_the_frame_gives_the_same_rupiah_as_one_by_one_for_ppu(
    case: tuple[dt.date, list[str], list[int], list[int]],
) -> None:
    on, programs, wages, classes = case
    frame = pl.DataFrame({"wage": wages, "risk_class": classes}, schema={"wage": pl.Int64, "risk_class": pl.Int8})
    out = contribution_frame(BOOK, frame, programs=programs, segment="ppu", on=on)
    for row, wage, risk_class in zip(out.iter_rows(named=True), wages, classes, strict=True):
        result = ppu(wage, programs, risk_class=risk_class, on=on)
        assert row["wage_base"] == wage
        assert {k: row[k] for k in FRAME_COLUMNS if k != "wage_base"} == expected_row(result, "ppu")


@settings(max_examples=80)
@given(
    st.sampled_from(DAYS),
    st.lists(st.sampled_from(["JKK", "JKM", "JHT"]), min_size=1, unique=True),
    st.lists(st.integers(1, 40_000_000), min_size=1, max_size=40),
)
def test_the_frame_gives_the_same_rupiah_as_one_by_one_for_bpu(
    on: dt.date, programs: list[str], incomes: list[int]
) -> None:
    frame = pl.DataFrame({"wage": incomes}, schema={"wage": pl.Int64})
    out = contribution_frame(BOOK, frame, programs=programs, segment="bpu", on=on)
    for row, income in zip(out.iter_rows(named=True), incomes, strict=True):
        result = bpu(income, programs, on=on)
        assert row["wage_base"] == BOOK.bpu_base(income, on)
        assert {k: row[k] for k in FRAME_COLUMNS if k != "wage_base"} == expected_row(result, "bpu")


def frame_rows(out: pl.DataFrame) -> list[dict[str, object]]:
    return [{k: row[k] for k in FRAME_COLUMNS} for row in out.iter_rows(named=True)]


def test_the_frame_gives_the_rupiah_worked_out_by_hand_for_ppu() -> None:
    # 1 March 2024: JP cap 10,042,300 (jp_cap.toml), JKP under PP 37/2021 (0.22 + 0.14 + 0.10 of at most 5 juta).
    frame = pl.DataFrame({"wage": [10_500_000, 2_000_050, 1_500_000], "risk_class": [1, 5, 3]})
    out = contribution_frame(BOOK, frame, programs=ALL, segment="ppu", on=D(2024, 3, 1))
    assert frame_rows(out) == [
        # 10,500,000 class 1: JKK 0.24% = 25,200; JKM 0.30% = 31,500; JHT 3.7% = 388,500 and 2% = 210,000;
        # JP on the cap: 2% x 10,042,300 = 200,846 and 1% = 100,423; JKP on 5,000,000: 0.22% = 11,000,
        # 0.14% = 7,000, 0.10% = 5,000. Employer 25,200 + 31,500 + 388,500 + 200,846 = 646,046;
        # worker 210,000 + 100,423 = 310,423; total 956,469.
        {
            "wage_base": 10_500_000, "jkk": 25_200, "jkm": 31_500, "jht_employer": 388_500, "jht_worker": 210_000,
            "jp_base": 10_042_300, "jp_employer": 200_846, "jp_worker": 100_423, "jkp_base": 5_000_000,
            "jkp_government": 11_000, "jkp_from_jkk": 7_000, "jkp_from_jkm": 5_000,
            "employer": 646_046, "worker": 310_423, "total": 956_469, "under_minimum_reported": False,
        },
        # 2,000,050 class 5, each share half up: JKK 1.74% = 34,800.87 -> 34,801; JKM 0.30% = 6,000.15 -> 6,000;
        # JHT 3.7% = 74,001.85 -> 74,002 and 2% = 40,001; JP 2% = 40,001 and 1% = 20,000.50 -> 20,001;
        # JKP 0.22% = 4,400.11 -> 4,400, 0.14% = 2,800.07 -> 2,800, 0.10% = 2,000.05 -> 2,000.
        # Employer 34,801 + 6,000 + 74,002 + 40,001 = 154,804; worker 40,001 + 20,001 = 60,002; total 214,806.
        {
            "wage_base": 2_000_050, "jkk": 34_801, "jkm": 6_000, "jht_employer": 74_002, "jht_worker": 40_001,
            "jp_base": 2_000_050, "jp_employer": 40_001, "jp_worker": 20_001, "jkp_base": 2_000_050,
            "jkp_government": 4_400, "jkp_from_jkk": 2_800, "jkp_from_jkm": 2_000,
            "employer": 154_804, "worker": 60_002, "total": 214_806, "under_minimum_reported": False,
        },
        # 1,500,000 class 3 (under the Rp1,968,169 minimum reported wage: warned): JKK 0.89% = 13,350;
        # JKM 4,500; JHT 55,500 and 30,000; JP 30,000 and 15,000; JKP 3,300, 2,100, 1,500.
        # Employer 13,350 + 4,500 + 55,500 + 30,000 = 103,350; worker 45,000; total 148,350.
        {
            "wage_base": 1_500_000, "jkk": 13_350, "jkm": 4_500, "jht_employer": 55_500, "jht_worker": 30_000,
            "jp_base": 1_500_000, "jp_employer": 30_000, "jp_worker": 15_000, "jkp_base": 1_500_000,
            "jkp_government": 3_300, "jkp_from_jkk": 2_100, "jkp_from_jkm": 1_500,
            "employer": 103_350, "worker": 45_000, "total": 148_350, "under_minimum_reported": True,
        },
    ]  # fmt: skip


def test_the_frame_gives_the_rupiah_worked_out_by_hand_for_bpu() -> None:
    # BPU (reference §2.3): JKK 1% and JHT 2% of the income after the brackets, JKM Rp6,800; all the
    # participant's own (worker) share.
    frame = pl.DataFrame({"wage": [500_000, 3_000_050, 35_000_000]})
    out = contribution_frame(BOOK, frame, programs=["JKK", "JKM", "JHT"], segment="bpu", on=ON)
    no_ppu = {"jht_employer": 0, "jp_base": 0, "jp_employer": 0, "jp_worker": 0, "jkp_base": 0}
    no_jkp = {"jkp_government": 0, "jkp_from_jkk": 0, "jkp_from_jkm": 0, "employer": 0}
    assert frame_rows(out) == [
        # under Rp1,000,000: the lowest income is the base: 10,000 + 6,800 + 20,000 = 36,800
        {"wage_base": 1_000_000, "jkk": 10_000, "jkm": 6_800, "jht_worker": 20_000, **no_ppu, **no_jkp,
         "worker": 36_800, "total": 36_800, "under_minimum_reported": False},
        # between the brackets [U]: the income itself; 1% = 30,000.50 -> 30,001; 2% = 60,001;
        # 30,001 + 6,800 + 60,001 = 96,802
        {"wage_base": 3_000_050, "jkk": 30_001, "jkm": 6_800, "jht_worker": 60_001, **no_ppu, **no_jkp,
         "worker": 96_802, "total": 96_802, "under_minimum_reported": False},
        # over Rp20,700,000: the highest income is the base: 207,000 + 6,800 + 414,000 = 627,800
        {"wage_base": 20_700_000, "jkk": 207_000, "jkm": 6_800, "jht_worker": 414_000, **no_ppu, **no_jkp,
         "worker": 627_800, "total": 627_800, "under_minimum_reported": False},
    ]  # fmt: skip


def test_the_frame_keeps_its_own_columns_and_adds_the_contribution_columns() -> None:
    frame = pl.DataFrame({"nik": ["a", "b"], "wage": [3_000_000, 1_500_000], "risk_class": [1, 2]})
    out = contribution_frame(BOOK, frame, programs=["JKK", "JKM"], segment="ppu", on=ON)
    assert out.columns == ["nik", "wage", "risk_class", *FRAME_COLUMNS]
    assert out["jkk"].to_list() == [7_200, 8_100]
    assert out["under_minimum_reported"].to_list() == [False, True]
    assert out["total"].dtype == pl.Int64


def test_the_frame_refuses_rows_that_one_by_one_would_refuse() -> None:
    frame = pl.DataFrame({"wage": [3_000_000, 900_000, 3_000_000, None], "risk_class": [1, 1, 7, 1]})
    with pytest.raises(ValidationFailed) as caught:
        contribution_frame(BOOK, frame, programs=["JKK"], segment="ppu", on=ON)
    found = sorted((i.row, i.code) for i in caught.value.issues)
    assert found == [(2, "WAGE_UNDER_ABSOLUTE_FLOOR"), (3, "RISK_CLASS_INVALID"), (4, "WAGE_NOT_POSITIVE")]


def test_the_frame_refuses_jkp_before_it_existed() -> None:
    frame = pl.DataFrame({"wage": [3_000_000], "risk_class": [1]})
    with pytest.raises(ValidationFailed, match="jkp"):
        contribution_frame(BOOK, frame, programs=["JKK", "JKM", "JKP"], segment="ppu", on=D(2020, 1, 1))
