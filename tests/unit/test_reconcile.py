"""Reconciliation rules: tolerant names, birth dates, months unpaid, keys and states."""

from __future__ import annotations

import datetime as dt

import pytest

from lindung.domain.reconcile import (
    KINDS,
    birth_date_difference,
    finding_key,
    identity_difference,
    last_month_due,
    months_paid_after,
    months_unpaid,
    name_tokens,
    names_match,
    next_state,
    normalize_name,
)

D = dt.date


@pytest.mark.parametrize(
    ("a", "b", "why"),
    [
        ("SITI AMINAH", "Siti Aminah", "case"),
        ("Siti Aminah, S.Pd", "Siti Aminah", "a degree after a comma"),
        ("Siti Aminah S.Pd.I", "siti aminah", "a dotted degree"),
        ("Rina Marlina A.Md.Keb", "Rina Marlina", "a midwife's diploma"),
        ("Hj. Siti Aminah", "Siti Aminah", "the hajjah's title"),
        ("H. Ahmad Yani", "Ahmad Yani", "the haji's title"),
        ("Dr. Budi Santoso, M.Kes", "Budi Santoso", "a title and a degree"),
        ("Djoko Susilo", "Joko Susilo", "old spelling dj"),
        ("Soekarno Hatta", "Sukarno Hatta", "old spelling oe"),
        ("Tjahjo Kumolo", "Cahyo Kumolo", "old spelling tj and j"),
        ("Jusuf Kalla", "Yusuf Kalla", "old spelling j for y"),
        ("Achmad Rifai", "Ahmad Rifai", "ch for h"),
        ("Muhammad Ridwan", "M. Ridwan", "an initial"),
        ("Mohammad Ridwan", "Muhamad Ridwan", "two ways of writing Muhammad"),
        ("Moch. Ridwan", "M.Ridwan", "an initial written against the name"),
        ("Siti A.", "Siti Aminah", "a last name as its initial"),
        ("Siti Aminnah", "Siti Aminah", "a doubled letter"),
        ("Sitti Aminah", "Siti Aminah", "a doubled letter in the first name"),
        ("Siti Aminaj", "Siti Aminah", "one typo in a long word"),
        ("Nur Aini", "Nuraini", "words run together"),
        ("Lubis Siti Aminah", "Siti Aminah Lubis", "family name first"),
        ("Siti Aminah Lubis", "Siti Aminah", "a family name left out"),
        ("Ma'ruf Amin", "Maruf Amin", "an apostrophe"),
        ("José Rizal", "Jose Rizal", "an accent"),
    ],
)
def test_names_that_are_the_same_person_match(a: str, b: str, why: str) -> None:
    assert names_match(a, b), why
    assert names_match(b, a), why


@pytest.mark.parametrize(
    ("a", "b", "why"),
    [
        ("Siti Aminah", "Budi Santoso", "another person"),
        ("Siti Aminah", "Siti Rahmawati", "another family name"),
        ("Budi", "Bayu", "short names differ by more than a typo"),
        ("Siti", "Siti Aminah Lubis", "two words left out"),
        ("A. B.", "Andi Budiman", "only initials"),
        ("Dewi Lestari", "Dewi", "one word beside a dropped one is too little"),
        ("", "Siti Aminah", "an empty name"),
    ],
)
def test_names_of_different_people_do_not_match(a: str, b: str, why: str) -> None:
    assert not names_match(a, b), why
    assert not names_match(b, a), why


def test_titles_and_degrees_are_not_part_of_the_name() -> None:
    assert name_tokens("Hj. Dr. Siti Aminah, S.Pd., M.Pd") == ["siti", "aminah"]
    assert name_tokens("Siti Aminah SPd") == ["siti", "aminah"]
    assert normalize_name("DJOKO  Soesilo") == normalize_name("Joko Susilo")


def test_a_single_word_that_looks_like_a_title_is_still_a_name() -> None:
    assert name_tokens("Dr") == ["dr"]
    assert name_tokens("Ibu Kartini") == ["ibu", "kartini"]  # two words, no dot: kept


def test_birth_dates_agree_when_equal_or_unknown() -> None:
    assert birth_date_difference(D(1990, 7, 15), D(1990, 7, 15)) is None
    assert birth_date_difference(None, D(1990, 7, 15)) is None


@pytest.mark.parametrize(
    ("a", "b", "reason"),
    [
        (D(1990, 7, 5), D(1990, 5, 7), "hari dan bulan tertukar"),
        (D(1990, 7, 15), D(1991, 7, 15), "tahun lahir berbeda"),
        (D(1990, 7, 15), D(1990, 8, 1), "tanggal lahir berbeda"),
    ],
)
def test_birth_dates_that_differ_say_why(a: dt.date, b: dt.date, reason: str) -> None:
    assert birth_date_difference(a, b) == reason


def test_identity_differs_on_the_name_or_the_birth_date() -> None:
    assert not identity_difference("Siti Aminah, S.Pd", D(1990, 7, 15), "SITI AMINAH", D(1990, 7, 15)).any
    diff = identity_difference("Siti Aminah", D(1990, 7, 15), "Budi Santoso", D(1990, 7, 16))
    assert diff.reasons() == ["nama berbeda", "tanggal lahir berbeda"]
    assert not identity_difference("Siti Aminah", None, None, None).any  # nothing to compare


@pytest.mark.parametrize(
    ("on", "due"),
    [
        (D(2024, 6, 15), D(2024, 4, 1)),  # May is due on 15 June: not late yet
        (D(2024, 6, 16), D(2024, 5, 1)),
        (D(2024, 1, 10), D(2023, 11, 1)),
    ],
)
def test_a_month_is_due_the_fifteenth_of_the_next(on: dt.date, due: dt.date) -> None:
    assert last_month_due(on) == due


def test_months_unpaid_count_from_the_last_paid_month() -> None:
    assert months_unpaid(D(2024, 5, 1), D(2024, 6, 20)) == 0
    assert months_unpaid(D(2024, 2, 1), D(2024, 6, 20)) == 3
    assert months_unpaid(D(2024, 7, 1), D(2024, 6, 20)) == 0  # paid ahead
    assert months_unpaid(None, D(2024, 6, 20), since=D(2024, 3, 1)) == 3  # March, April, May
    assert months_unpaid(None, D(2024, 6, 20)) == 0


def test_months_paid_after_leaving_or_for_someone_never_on_a_roster() -> None:
    assert months_paid_after(D(2024, 1, 31), None, D(2024, 5, 1)) == 4  # Feb..May
    assert months_paid_after(None, D(2024, 3, 1), D(2024, 5, 1)) == 3  # Mar..May
    assert months_paid_after(D(2024, 5, 31), None, D(2024, 5, 1)) == 0
    assert months_paid_after(None, None, None) == 0


def test_finding_keys_are_stable_and_carry_no_nik() -> None:
    nik = "1311015507900001"
    key = finding_key("ganda", "13.11", nik)
    assert key == finding_key("ganda", "13.11", nik)
    assert key != finding_key("ganda", "13.12", nik)
    assert key != finding_key("belum_didata", "13.11", nik, "bkn")
    assert nik not in key and len(key) == 40
    with pytest.raises(ValueError):
        finding_key("hilang", "13.11", nik)
    assert next(iter(KINDS)) == "tidak_terlindungi"


@pytest.mark.parametrize(
    ("previous", "found", "state"),
    [
        (None, True, "new"),
        (None, False, None),
        ("new", True, "open"),
        ("open", True, "open"),
        ("open", False, "resolved"),
        ("resolved", True, "open"),  # fixed by a person, yet still there: reopened
        ("explained", True, "explained"),
        ("explained", False, "explained"),
    ],
)
def test_a_run_moves_a_finding_to_its_next_state(previous: str | None, found: bool, state: str | None) -> None:
    assert next_state(previous, found) == state
