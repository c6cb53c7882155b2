"""domain.formats: the one place numbers, rupiah, percentages, dates and masks are written for people."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lindung.domain.formats import (
    date_label,
    mask_nik,
    mask_phone,
    megabytes,
    month_label,
    number,
    percent,
    rate,
    rupiah,
    thousands,
)


@pytest.mark.parametrize(
    ("value", "text"),
    [(0, "0"), (999, "999"), (1000, "1.000"), (12_345_678, "12.345.678"), (-1500, "-1.500")],
)
def test_thousands(value: int, text: str) -> None:
    assert thousands(value) == text


def test_number_keeps_the_decimals_it_is_given() -> None:
    assert number(1135) == "1.135"
    assert number(Decimal("1234.5")) == "1.234,5"
    assert number(Decimal("10.0")) == "10,0"


@pytest.mark.parametrize(
    ("amount", "text"),
    [(2_500_000, "Rp2.500.000"), (0, "Rp0"), (-5000, "-Rp5.000"), (Decimal("16800"), "Rp16.800"), (None, "")],
)
def test_rupiah(amount: int | Decimal | None, text: str) -> None:
    assert rupiah(amount) == text


@given(st.integers(min_value=0, max_value=10**15))
def test_rupiah_reads_back_to_the_amount(amount: int) -> None:
    text = rupiah(amount)
    assert text.startswith("Rp") and int(text.removeprefix("Rp").replace(".", "")) == amount


def test_percent_and_rate_differ_only_in_the_sign_and_the_zeros() -> None:
    assert percent(Decimal("10.2")) == "10,2%"
    assert percent(Decimal("100.0")) == "100,0%"
    assert percent(None) == "-"
    assert rate(Decimal("7.50")) == "7,5"
    assert rate(Decimal("0.240")) == "0,24"
    assert rate(Decimal("2.00")) == "2"


def test_masks_keep_what_a_reader_needs_and_hide_the_rest() -> None:
    assert mask_nik("3201011507900001") == "3201********0001"
    assert mask_nik("12345") == "*****"
    assert mask_nik(None) == mask_nik("") == ""
    assert mask_phone("081234567890") == "0812******90"
    assert mask_phone("0812345") == "0812*45"
    assert mask_phone("081234") == "******"
    assert mask_phone(None) == ""


def test_dates_and_sizes() -> None:
    assert month_label(dt.date(2024, 5, 1)) == "Mei 2024"
    assert month_label(dt.date(2024, 5, 1), "en") == "May 2024"
    assert date_label(dt.datetime(2024, 6, 17, 9, 30)) == "17 Juni 2024"
    assert date_label(None) == "-"
    assert megabytes(52_400_000) == "52,4 MB"
    assert megabytes(50_000_000) == "50 MB"
