"""The NIK policy of DESIGN.md §3, rule by rule. No database: regions are given."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lindung.domain.nik import RegionCodes, check_nik

TODAY = dt.date(2026, 11, 23)
REGIONS = RegionCodes.of(
    provinces=["13", "32", "91", "93"],
    current=["13.11", "13.11.01", "32.01", "32.01.01", "93.01", "93.01.01"],
    retired={"91.01": "Kab. Merauke", "91.01.01": "Merauke", "13.11.09": "Kecamatan Lama"},
)


def codes(nik: str) -> tuple[list[str], list[str]]:
    result = check_nik(nik, REGIONS, TODAY)
    return [f.code for f in result.errors], [f.code for f in result.warnings]


# (case, NIK, expected errors, expected warnings)
CASES = [
    ("a man born 15 July 1990", "3201011507900001", [], []),
    ("women have forty added to the birth day", "3201015507900001", [], []),
    ("29 February in a leap year", "3201012902000001", [], []),
    ("29 February in a year that is not leap", "3201012902010001", ["NIK_DATE"], []),
    ("a woman born on 29 February of a leap year (69)", "3201016902000001", [], []),
    ("31 February does not exist", "3201013102900001", ["NIK_DATE"], []),
    ("day 00", "3201010007900001", ["NIK_DATE"], []),
    ("day 32", "3201013207900001", ["NIK_DATE"], []),
    ("day 40 (a woman's day 0)", "3201014007900001", ["NIK_DATE"], []),
    ("day 72 (a woman's day 32)", "3201017207900001", ["NIK_DATE"], []),
    ("month 00", "3201011500900001", ["NIK_DATE"], []),
    ("month 13", "3201011513900001", ["NIK_DATE"], []),
    ("serial 0000", "3201011507900000", ["NIK_SERIAL"], []),
    ("unknown province 99", "9901011507900001", ["NIK_PROVINCE"], []),
    (
        "retired kab/kota 91.01 (Merauke before the Papua split)",
        "9101011507900001",
        [],
        ["NIK_REGION_RETIRED"],
    ),
    ("retired kecamatan in a current kab/kota", "1311091507900001", [], ["NIK_REGION_RETIRED"]),
    ("unknown kab/kota prefix", "3299011507900001", [], ["NIK_REGION_UNKNOWN"]),
    ("unknown kecamatan prefix", "3201991507900001", [], ["NIK_REGION_UNKNOWN"]),
    ("a birth date in the future", "3201010112260001", ["NIK_DATE_FUTURE"], []),
    ("younger than 15", "3201011507150001", [], ["NIK_AGE"]),
    ("older than 70 (born 1950)", "3201011507500001", [], ["NIK_AGE"]),
    ("letters", "32010115079000AB", ["NIK_FORMAT"], []),
    ("fifteen digits", "320101150790001", ["NIK_FORMAT"], []),
    ("seventeen digits", "32010115079000011", ["NIK_FORMAT"], []),
    ("spaces, dots and dashes are removed", "3201.0115 0790-0001", [], []),
    ("the apostrophe that forces Excel text is removed", "'3201011507900001", [], []),
    ("full-width Unicode digits", "３２０１０１１５０７９００００１", ["NIK_UNICODE_DIGIT"], []),
    ("Arabic-Indic digits", "٣٢٠١٠١١٥٠٧٩٠٠٠٠١", ["NIK_UNICODE_DIGIT"], []),
    ("Excel scientific notation", "3.20101E+15", ["NIK_EXCEL_SCIENTIFIC"], []),
    ("empty", "", ["NIK_FORMAT"], []),
]


@pytest.mark.parametrize(("case", "nik", "errors", "warnings"), CASES, ids=[c[0] for c in CASES])
def test_nik_rule(case: str, nik: str, errors: list[str], warnings: list[str]) -> None:
    assert codes(nik) == (errors, warnings)


def test_the_decoded_facts_of_a_valid_nik() -> None:
    result = check_nik("3201015507900001", REGIONS, TODAY)
    assert result.valid
    assert result.birth_date == dt.date(1990, 7, 15)
    assert result.sex == "P"
    assert (result.province_code, result.regency_code, result.district_code) == ("32", "32.01", "32.01.01")


def test_messages_are_in_bahasa_indonesia_and_english_on_request() -> None:
    assert "masa depan" in check_nik("3201010112260001", REGIONS, TODAY).errors[0].message
    assert "future" in check_nik("3201010112260001", REGIONS, TODAY, "en").errors[0].message


def test_two_digit_years_after_this_year_are_last_century() -> None:
    assert check_nik("3201011507270001", REGIONS, TODAY).birth_date == dt.date(1927, 7, 15)
    assert check_nik("3201011507260001", REGIONS, TODAY).birth_date == dt.date(2026, 7, 15)


@given(
    birth=st.dates(min_value=dt.date(1927, 11, 24), max_value=TODAY),
    female=st.booleans(),
    serial=st.integers(min_value=1, max_value=9999),
    separator=st.sampled_from(["", " ", ".", "-"]),
)
def test_every_well_formed_nik_decodes_back_to_its_date_and_sex(
    birth: dt.date, female: bool, serial: int, separator: str
) -> None:
    day = birth.day + (40 if female else 0)
    nik = f"320101{separator}{day:02d}{birth.month:02d}{birth.year % 100:02d}{separator}{serial:04d}"
    result = check_nik(nik, REGIONS, TODAY)
    assert result.valid, result.errors
    assert result.birth_date == birth
    assert result.sex == ("P" if female else "L")
    expected = nik.replace(separator, "") if separator else nik
    assert result.nik == expected
