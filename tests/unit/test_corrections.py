"""One correction on a worker's page, judged without a database (domain/corrections.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from lindung.domain import corrections

TODAY = dt.date(2026, 12, 4)


@pytest.mark.parametrize(
    ("text", "stored", "code"),
    [
        ("  Siti   Rahmah ", "Siti Rahmah", None),
        ("Nur'aini binti Ahmad", "Nur'aini binti Ahmad", None),
        ("", "", "REQUIRED"),
        ("=cmd|' /C calc'!A0", "=cmd|' /C calc'!A0", "TEXT_FORMULA"),
        ("\tSiti", "Siti", "TEXT_FORMULA"),
        ("@SUM(A1)", "@SUM(A1)", "TEXT_FORMULA"),
        ("Siti <script>alert(1)</script>", "Siti <script>alert(1)</script>", "NAME_MARKUP"),
        ("Siti &amp; Dewi", "Siti &amp; Dewi", "NAME_MARKUP"),
        ("A" * 201, "A" * 201, "TEXT_TOO_LONG"),
    ],
)
def test_a_name_is_stored_as_the_import_would_store_it_or_refused(text: str, stored: str, code: str | None) -> None:
    name, problem = corrections.clean_name(text)
    assert name == stored
    assert (problem[0] if problem else None) == code


def test_a_formula_is_named_by_its_leading_character() -> None:
    assert corrections.clean_name("+62 812")[1] == ("TEXT_FORMULA", '"+"')
    assert corrections.clean_name("\tx")[1] == ("TEXT_FORMULA", "tab")
    assert corrections.clean_job_title("-") == ("-", None)  # a lone dash is people's "none", not a formula


@pytest.mark.parametrize(
    ("wage", "sen", "code"),
    [
        (2_500_000, False, None),
        (None, False, "WAGE_INVALID"),
        (2_500_000, True, "WAGE_FRACTION"),
        (0, False, "WAGE_NOT_POSITIVE"),
        (corrections.WAGE_MAX, False, None),
        (corrections.WAGE_MAX + 1, False, "WAGE_TOO_HIGH"),
    ],
)
def test_wages(wage: int | None, sen: bool, code: str | None) -> None:
    problem = corrections.wage_problem(wage, sen)
    assert (problem[0] if problem else None) == code


def test_an_end_date_after_the_start_within_a_month_ahead_of_an_employment_still_running() -> None:
    start = dt.date(2024, 1, 2)
    assert corrections.end_problem(dt.date(2026, 11, 30), start, None, TODAY) is None
    assert corrections.end_problem(start, start, None, TODAY) is None  # a one-day employment
    assert corrections.end_problem(None, start, None, TODAY) == ("DATE_INVALID", None)
    assert corrections.end_problem(dt.date(2024, 1, 1), start, None, TODAY) == ("END_BEFORE_START", dt.date(2024, 1, 1))
    assert corrections.end_problem(TODAY + corrections.END_AHEAD, start, None, TODAY) is None
    late = TODAY + corrections.END_AHEAD + dt.timedelta(days=1)
    assert corrections.end_problem(late, start, None, TODAY) == ("END_TOO_FAR", TODAY + corrections.END_AHEAD)
    ended = dt.date(2025, 6, 30)
    assert corrections.end_problem(dt.date(2026, 11, 30), start, ended, TODAY) == ("END_ALREADY", ended)


def test_problems_are_said_in_both_languages_with_dates_written_out() -> None:
    assert corrections.say(("END_ALREADY", dt.date(2025, 6, 30))) == (
        "Penugasan ini sudah berakhir pada 30 Juni 2025; riwayatnya tidak diubah."
    )
    assert "30 June 2025" in corrections.say(("END_ALREADY", dt.date(2025, 6, 30)), "en")
    assert "lebih awal dari TMT" in corrections.say(("END_BEFORE_START", dt.date(2024, 1, 1)))
    assert "1 Januari 2024" in corrections.say(("END_BEFORE_START", dt.date(2024, 1, 1)))
