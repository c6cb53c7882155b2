"""Rates are data, dated (DESIGN.md §3): the shipped book, and the rules every book obeys."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest

import lindung.domain.rates as rates_module
from lindung.domain.errors import ValidationFailed
from lindung.domain.rates import CONFIDENCE_MARKS, RateBook, load_rate_book, weakest

D = dt.date
BOOK = load_rate_book()


def record(key: str, start: dt.date, end: dt.date | None = None, **values: object) -> dict[str, object]:
    rec: dict[str, object] = {"key": key, "valid_from": start, "regulation": "PP 1/2000", "confidence": "V"}
    if end is not None:
        rec["valid_to"] = end
    rec.update(values or {"rate": "1.0"})
    return rec


def codes(caught: pytest.ExceptionInfo[ValidationFailed]) -> list[str]:
    return [i.code for i in caught.value.issues]


# The shipped data -------------------------------------------------------------------------------------------


# the partial-disability table (rates/disability_partial.toml), one key per body part
PARTS = (
    "lengan_kanan_bahu",
    "lengan_kiri_bahu",
    "lengan_kanan_siku",
    "lengan_kiri_siku",
    "tangan_kanan",
    "tangan_kiri",
    "kaki_paha",
    "kaki_mata_kaki",
    "mata",
    "telinga_satu",
    "telinga_dua",
    "ibu_jari_tangan_kanan",
    "ibu_jari_tangan_kiri",
    "telunjuk_kanan",
    "telunjuk_kiri",
    "ibu_jari_kaki",
)
KEYS = {
    *(f"jkk.{c}" for c in range(1, 6)),
    "jkm",
    "jht",
    "jp",
    "jp.cap",
    "jkp",
    "jkp.government",
    "jkp.from_jkk",
    "jkp.from_jkm",
    "jkp.cap",
    "bpu.jkk",
    "bpu.jkm",
    "bpu.jht",
    "wage.absolute_floor",
    "wage.minimum_reported",
    "billing.due_day",
    "billing.bpu_due_day",
    "billing.late_fee",
    "billing.late_fee.pemda",
    "benefit.jkm",
    "benefit.scholarship",
    *(f"benefit.scholarship.{level}" for level in ("tk", "sd", "smp", "sma", "pt")),
    "benefit.jkk.death",
    "benefit.jkk.periodic",
    "benefit.jkk.funeral",
    "benefit.jkk.disability_total",
    "benefit.jkk.disability_partial",
    *(f"benefit.jkk.disability_partial.{part}" for part in PARTS),
    "benefit.jkk.stmb",
}


def test_the_data_holds_exactly_the_keys_the_module_docstring_lists() -> None:
    assert set(BOOK.keys) == KEYS
    doc = rates_module.__doc__ or ""
    # "jkk.1 .. jkk.5" is one line, and so are the scholarship's school levels
    levels = {f"benefit.scholarship.{level}" for level in ("sd", "smp", "sma")}
    parts = {f"benefit.jkk.disability_partial.{part}" for part in PARTS}  # the table is named once, as a pattern
    assert "benefit.jkk.disability_partial.<part>" in doc
    for key in KEYS - {"jkk.2", "jkk.3", "jkk.4"} - levels - parts:
        assert re.search(rf"(?<![\w.]){re.escape(key)}(?![\w.])", doc), key


def test_every_period_cites_a_regulation_and_a_known_confidence_mark() -> None:
    assert len(BOOK.keys) == len(KEYS)  # the loop below runs over every key
    for key in BOOK.keys:
        for period in BOOK.periods(key):
            assert period.regulation.strip(), key
            assert period.confidence in CONFIDENCE_MARKS, key
            assert period.source.endswith(".toml"), key


@pytest.mark.parametrize(
    ("key", "field", "expected"),
    [
        ("jkk.1", "employer", "0.24"),  # PP 44/2015 Lampiran I
        ("jkk.2", "employer", "0.54"),
        ("jkk.3", "employer", "0.89"),
        ("jkk.4", "employer", "1.27"),
        ("jkk.5", "employer", "1.74"),
        ("jkm", "employer", "0.30"),  # PP 44/2015
        ("jht", "employer", "3.7"),  # PP 46/2015
        ("jht", "worker", "2.0"),
        ("jp", "employer", "2.0"),  # PP 45/2015
        ("jp", "worker", "1.0"),
        ("bpu.jkk", "rate", "1.0"),  # BPU: 1 % of declared income
        ("bpu.jht", "rate", "2.0"),
        ("billing.late_fee", "rate", "2.0"),  # 2 % per month late
    ],
)
def test_the_rates_of_reference_section_2(key: str, field: str, expected: str) -> None:
    assert BOOK.percent(key, field, D(2024, 6, 1)) == Decimal(expected)
    assert BOOK.at(key, D(2015, 7, 1)).confidence == "V"


@pytest.mark.parametrize(
    ("day", "cap", "confidence"),
    [
        (D(2015, 7, 1), 7_000_000, "V"),  # PP 45/2015 Pasal 29(2)
        (D(2016, 2, 29), 7_000_000, "V"),
        (D(2016, 3, 1), 7_335_300, "D/U"),  # reconstructed
        (D(2017, 3, 1), 7_703_500, "D/U"),
        (D(2018, 3, 1), 8_094_000, "D/U"),
        (D(2019, 3, 1), 8_512_400, "C"),
        (D(2020, 3, 1), 8_939_700, "D/U"),
        (D(2021, 3, 1), 8_754_600, "C"),  # went down after 2020
        (D(2022, 3, 1), 9_077_600, "C"),
        (D(2023, 3, 1), 9_559_600, "V"),
        (D(2024, 2, 29), 9_559_600, "V"),
        (D(2024, 3, 1), 10_042_300, "V"),
        (D(2025, 3, 1), 10_547_400, "C"),
        (D(2026, 2, 28), 10_547_400, "C"),
        (D(2026, 3, 1), 11_086_300, "C"),
        (D(2040, 1, 1), 11_086_300, "C"),  # the last cap stays in force until the data says otherwise
    ],
)
def test_the_jp_cap_changes_each_first_of_march(day: dt.date, cap: int, confidence: str) -> None:
    period = BOOK.at("jp.cap", day)
    assert period.amount("amount") == cap
    assert period.confidence == confidence


def test_reconstructed_jp_caps_say_so() -> None:
    reconstructed = [p for p in BOOK.periods("jp.cap") if p.confidence == "D/U"]
    # reference §2.2: the caps from 1 March 2016, 2017, 2018 and 2020 are reconstructed; the loop must run
    assert [p.valid_from for p in reconstructed] == [D(2016, 3, 1), D(2017, 3, 1), D(2018, 3, 1), D(2020, 3, 1)]
    for period in reconstructed:
        assert "direkonstruksi" in period.regulation
        assert "Reconstructed" in period.note


@pytest.mark.parametrize(
    ("day", "total", "government", "from_jkk", "from_jkm", "jkm_confidence"),
    [
        (D(2021, 2, 2), "0.46", "0.22", "0.14", "0.10", "U"),  # PP 37/2021
        (D(2025, 2, 6), "0.46", "0.22", "0.14", "0.10", "U"),
        (D(2025, 2, 7), "0.36", "0.22", "0.14", "0", "V"),  # PP 6/2025
    ],
)
def test_jkp_rates_and_their_parts(
    day: dt.date, total: str, government: str, from_jkk: str, from_jkm: str, jkm_confidence: str
) -> None:
    assert BOOK.percent("jkp", "rate", day) == Decimal(total)
    assert BOOK.percent("jkp.government", "rate", day) == Decimal(government)
    assert BOOK.percent("jkp.from_jkk", "rate", day) == Decimal(from_jkk)
    assert BOOK.percent("jkp.from_jkm", "rate", day) == Decimal(from_jkm)
    assert BOOK.at("jkp.from_jkm", day).confidence == jkm_confidence
    parts = Decimal(government) + Decimal(from_jkk) + Decimal(from_jkm)
    assert parts == Decimal(total)
    assert BOOK.amount("jkp.cap", "amount", day) == 5_000_000


def test_there_is_no_jkp_rate_before_2021_02_02() -> None:
    with pytest.raises(ValidationFailed) as caught:
        BOOK.at("jkp", D(2021, 2, 1))
    assert codes(caught) == ["RATE_MISSING"]
    assert "jkp" in str(caught.value) and "01-02-2021" in str(caught.value)


def test_there_is_no_rate_before_2015_07_01() -> None:
    for key in ("jkk.1", "jkm", "jht", "jp", "jp.cap", "bpu.jkm", "wage.absolute_floor"):
        with pytest.raises(ValidationFailed, match="Tidak ada tarif"):
            BOOK.at(key, D(2015, 6, 30))


@pytest.mark.parametrize(
    ("day", "absolute", "minimum", "confidence"),
    [
        (D(2022, 12, 31), 1_000_000, 0, "D"),  # no national minimum recorded
        (D(2023, 1, 1), 1_000_000, 1_968_169, "S"),  # SE B/12/012023
    ],
)
def test_wage_floors(day: dt.date, absolute: int, minimum: int, confidence: str) -> None:
    assert BOOK.amount("wage.absolute_floor", "amount", day) == absolute
    assert BOOK.amount("wage.minimum_reported", "amount", day) == minimum
    assert BOOK.at("wage.minimum_reported", day).confidence == confidence


def test_billing_days_and_amounts() -> None:
    day = D(2024, 6, 1)
    assert BOOK.amount("billing.due_day", "day", day) == 15
    assert BOOK.amount("billing.due_day", "month_offset", day) == 1  # the following month
    assert BOOK.amount("billing.bpu_due_day", "month_offset", day) == 0  # the same month
    assert BOOK.amount("bpu.jkm", "amount", day) == 6_800
    assert BOOK.at("billing.late_fee.pemda", day).confidence == "U"


@pytest.mark.parametrize(
    ("income", "base"),
    [
        (1, 1_000_000),  # below the lowest income: the lowest income
        (999_999, 1_000_000),
        (1_000_000, 1_000_000),
        (3_250_000, 3_250_000),  # placeholder [U]: the declared income itself
        (20_699_999, 20_699_999),
        (20_700_000, 20_700_000),
        (50_000_000, 20_700_000),  # above the highest: the highest
    ],
)
def test_bpu_income_brackets(income: int, base: int) -> None:
    assert BOOK.bpu_base(income, D(2024, 6, 1)) == base


def test_the_book_is_read_once() -> None:
    assert load_rate_book() is BOOK


def test_weakest_confidence_mark() -> None:
    assert weakest(["V", "C", "S"]) == "C"
    assert weakest(["V", "D/U", "D"]) == "D/U"
    assert weakest(["U", "V"]) == "U"


# Rules of every book ----------------------------------------------------------------------------------------


def test_a_small_book_answers_by_day() -> None:
    book = RateBook.from_records(
        [record("x", D(2020, 1, 1), D(2020, 12, 31), rate="1.5"), record("x", D(2021, 1, 1), rate="2")]
    )
    assert book.percent("x", "rate", D(2020, 12, 31)) == Decimal("1.5")
    assert book.percent("x", "rate", D(2021, 1, 1)) == Decimal("2")
    assert book.at("x", D(2030, 1, 1)).valid_to is None


def test_overlapping_periods_are_refused() -> None:
    with pytest.raises(ValidationFailed) as caught:
        RateBook.from_records([record("x", D(2020, 1, 1), D(2020, 12, 31)), record("x", D(2020, 12, 31))])
    assert codes(caught) == ["RATE_OVERLAP"]


def test_an_open_period_followed_by_another_is_an_overlap() -> None:
    with pytest.raises(ValidationFailed) as caught:
        RateBook.from_records([record("x", D(2020, 1, 1)), record("x", D(2021, 1, 1))])
    assert codes(caught) == ["RATE_OVERLAP"]


def test_a_gap_between_periods_is_refused() -> None:
    with pytest.raises(ValidationFailed) as caught:
        RateBook.from_records([record("x", D(2020, 1, 1), D(2020, 12, 30)), record("x", D(2021, 1, 1))])
    assert codes(caught) == ["RATE_GAP"]
    assert "x" in caught.value.issues[0].message


def test_a_period_ending_before_it_starts_is_refused() -> None:
    with pytest.raises(ValidationFailed) as caught:
        RateBook.from_records([record("x", D(2020, 1, 1), D(2019, 12, 31))])
    assert codes(caught) == ["RATE_DATES"]


def test_an_unknown_confidence_mark_is_refused() -> None:
    with pytest.raises(ValidationFailed) as caught:
        RateBook.from_records([{**record("x", D(2020, 1, 1)), "confidence": "maybe"}])
    assert codes(caught) == ["RATE_CONFIDENCE"]


def test_a_period_without_regulation_is_refused() -> None:
    rec = record("x", D(2020, 1, 1))
    del rec["regulation"]
    with pytest.raises(ValidationFailed) as caught:
        RateBook.from_records([rec])
    assert codes(caught) == ["RATE_REGULATION"]


def test_a_float_value_is_refused_because_it_is_not_exact() -> None:
    with pytest.raises(ValidationFailed) as caught:
        RateBook.from_records([record("x", D(2020, 1, 1), rate=0.24)])
    assert codes(caught) == ["RATE_RECORD"]


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(ValidationFailed) as caught:
        RateBook.from_records(
            [
                record("x", D(2020, 1, 1), D(2019, 1, 1)),
                record("y", D(2020, 1, 1), D(2020, 1, 31)),
                record("y", D(2020, 3, 1)),
            ]
        )
    assert sorted(codes(caught)) == ["RATE_DATES", "RATE_GAP"]


def test_a_bracket_table_with_a_hole_is_refused() -> None:
    rows = [
        {
            "valid_from": D(2020, 1, 1),
            "income_from": 0,
            "income_to": 99,
            "base": 100,
            "regulation": "r",
            "confidence": "V",
        },
        {"valid_from": D(2020, 1, 1), "income_from": 101, "regulation": "r", "confidence": "U"},
    ]
    with pytest.raises(ValidationFailed) as caught:
        RateBook.from_records([record("x", D(2020, 1, 1))], rows)
    assert codes(caught) == ["BRACKET_TABLE"]


def test_a_missing_field_is_named() -> None:
    with pytest.raises(ValidationFailed) as caught:
        BOOK.percent("jkm", "rate", D(2024, 1, 1))
    assert codes(caught) == ["RATE_FIELD_MISSING"]


# Overrides per agreement -------------------------------------------------------------------------------------


def test_an_override_of_a_verified_rate_is_refused() -> None:
    with pytest.raises(ValidationFailed) as caught:
        BOOK.overridden({"jkk.1": {"employer": Decimal("0.10")}})
    assert codes(caught) == ["RATE_OVERRIDE_VERIFIED"]


def test_an_override_of_an_unverified_rate_is_applied_and_noted() -> None:
    book = BOOK.overridden({"billing.late_fee.pemda": {"rate": Decimal(0)}})
    period = book.at("billing.late_fee.pemda", D(2024, 6, 1))
    assert period.percent("rate") == 0
    assert period.overridden
    assert "diubah per perjanjian" in period.note
    assert period.regulation == BOOK.at("billing.late_fee.pemda", D(2024, 6, 1)).regulation
    assert BOOK.percent("billing.late_fee.pemda", "rate", D(2024, 6, 1)) == Decimal("2.0")  # the data is untouched


def test_an_override_leaves_the_verified_periods_of_a_mixed_key() -> None:
    book = BOOK.overridden({"jkp.from_jkm": {"rate": Decimal("0.05")}})
    assert book.percent("jkp.from_jkm", "rate", D(2024, 6, 1)) == Decimal("0.05")  # [U] under PP 37/2021
    assert book.percent("jkp.from_jkm", "rate", D(2025, 6, 1)) == 0  # [V] under PP 6/2025
    assert not book.at("jkp.from_jkm", D(2025, 6, 1)).overridden


def test_an_override_can_target_one_period() -> None:
    book = BOOK.overridden({"jp.cap@2016-03-01": {"amount": Decimal(7_335_000)}})
    assert book.amount("jp.cap", "amount", D(2016, 6, 1)) == 7_335_000
    assert book.amount("jp.cap", "amount", D(2017, 6, 1)) == 7_703_500


@pytest.mark.parametrize(
    "overrides",
    [
        {"no.such.key": {"rate": Decimal(1)}},
        {"jkp.from_jkm": {"no_such_field": Decimal(1)}},
        {"jp.cap@2016-03-02": {"amount": Decimal(1)}},
        {"jkp.from_jkm": {"rate": Decimal(-1)}},
    ],
)
def test_an_override_of_something_that_is_not_there_is_refused(overrides: dict[str, dict[str, Decimal]]) -> None:
    with pytest.raises(ValidationFailed):
        BOOK.overridden(overrides)
