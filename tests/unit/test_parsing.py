"""How people write dates, money, sex and phone numbers; how their headers are matched."""

from __future__ import annotations

import datetime as dt

import pytest

from lindung.domain.parsing import one_date, one_rupiah, parse_one, parse_phone, parse_sex
from lindung.domain.roster import FIELDS
from lindung.domain.sheets import map_headers

TODAY = dt.date(2026, 11, 23)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("15/07/1990", dt.date(1990, 7, 15)),
        ("1990-07-15", dt.date(1990, 7, 15)),
        ("15 Juli 1990", dt.date(1990, 7, 15)),
        ("15-Jul-90", dt.date(1990, 7, 15)),
        ("15-07-1990", dt.date(1990, 7, 15)),
        ("1 Agustus 2024", dt.date(2024, 8, 1)),
        ("17 Agt 2024", dt.date(2024, 8, 17)),
        ("3 Des 2023", dt.date(2023, 12, 3)),
        ("33069", dt.date(1990, 7, 15)),  # an Excel serial
        ("33069.0", dt.date(1990, 7, 15)),
        ("2024-01-02 00:00:00", dt.date(2024, 1, 2)),  # an Excel date cell read as text
        ("15/07/26", dt.date(2026, 7, 15)),
        ("15/07/60", dt.date(1960, 7, 15)),
        ("29/02/2024", dt.date(2024, 2, 29)),
        ("29/02/2023", None),
        ("31/04/2024", None),
        ("07/15/1990", None),  # month 15: American order is not guessed
        ("kemarin", None),
        ("", None),
    ],
)
def test_dates_people_write(text: str, expected: dt.date | None) -> None:
    assert one_date(text, TODAY) == expected


@pytest.mark.parametrize(
    ("text", "rupiah", "sen"),
    [
        ("Rp 2.500.000", 2_500_000, False),
        ("Rp2.500.000,-", 2_500_000, False),
        ("2.500.000,00", 2_500_000, False),
        ("2,500,000", 2_500_000, False),
        ("2500000", 2_500_000, False),
        ("2500000.0", 2_500_000, False),
        ("IDR 1.750.000", 1_750_000, False),
        ("2.500.000,50", 2_500_000, True),
        ("2500000.5", 2_500_000, True),
        ("dua juta", None, False),
        ("-2500000", None, False),
    ],
)
def test_rupiah_people_write(text: str, rupiah: int | None, sen: bool) -> None:
    assert one_rupiah(text) == (rupiah, sen)


def test_rupiah_is_an_exact_integer_even_past_float_precision() -> None:
    assert one_rupiah("9.007.199.254.740.993") == (9_007_199_254_740_993, False)


@pytest.mark.parametrize(
    ("text", "sex"),
    [
        ("L", "L"),
        ("P", "P"),
        ("Laki-laki", "L"),
        ("perempuan", "P"),
        ("Pria", "L"),
        ("Wanita", "P"),
        ("X", None),
    ],
)
def test_sex_people_write(text: str, sex: str | None) -> None:
    assert parse_one(parse_sex, text) == sex


@pytest.mark.parametrize(
    ("text", "phone"),
    [
        ("0812-3456-7890", "081234567890"),
        ("+62 812 3456 7890", "081234567890"),
        ("6281234567890", "081234567890"),
        ("12345", None),
        ("0274-123456", None),
    ],
)
def test_phone_numbers_people_write(text: str, phone: str | None) -> None:
    assert parse_one(parse_phone, text) == phone


def test_headers_people_write_are_matched_to_fields() -> None:
    headers = [
        "NIK KTP",
        " Nama  Lengkap ",
        "L/P",
        "Tgl. Lahir",
        "Unit Kerja",
        "Status Kepegawaian",
        "Gaji",
        "TMT",
        "No. HP",
        "Keterangan",
    ]
    mapped = map_headers(headers, FIELDS)
    assert mapped.columns == {
        "nik": "NIK KTP",
        "nama": " Nama  Lengkap ",
        "jenis_kelamin": "L/P",
        "tanggal_lahir": "Tgl. Lahir",
        "unit": "Unit Kerja",
        "kategori": "Status Kepegawaian",
        "upah": "Gaji",
        "tmt": "TMT",
        "no_hp": "No. HP",
    }
    assert mapped.unknown == ("Keterangan",)
    assert mapped.missing == ()


@pytest.mark.parametrize("wage_header", ["Gaji", "Honor", "Upah", "HONORARIUM", "upah bulanan"])
def test_every_word_for_wage_is_understood(wage_header: str) -> None:
    assert map_headers([wage_header], FIELDS).columns == {"upah": wage_header}


@pytest.mark.parametrize("start_header", ["TMT", "Tanggal Mulai", "tgl mulai"])
def test_every_word_for_start_date_is_understood(start_header: str) -> None:
    assert map_headers([start_header], FIELDS).columns == {"tmt": start_header}


def test_missing_required_headers_are_named() -> None:
    mapped = map_headers(["NIK", "Nama"], FIELDS)
    assert set(mapped.missing) == {"Kode Unit", "Kategori", "Upah Sebulan", "TMT"}


@pytest.mark.parametrize(
    ("header", "field"),
    [("Gaji (Rp)", "upah"), ("NIK (16 digit)", "nik"), ("Jenis Kelamin (L/P)", "jenis_kelamin"), ("No. HP", "no_hp")],
)
def test_a_bracketed_note_after_a_header_is_ignored(header: str, field: str) -> None:
    assert map_headers([header], FIELDS).columns == {field: header}


def test_the_same_column_twice_is_reported_as_a_duplicate() -> None:
    mapped = map_headers(["NIK", "Nama", "NIK KTP"], FIELDS)
    assert mapped.duplicates == (("NIK KTP", "NIK"),)
    assert mapped.positions == {"nik": 0, "nama": 1}
