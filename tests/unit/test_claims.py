"""The claim's state machine: every allowed move and every refused one, the checklists and the deadlines."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from lindung.domain.claims import (
    STATES,
    TRANSITIONS,
    answer_due,
    check_transition,
    checklist,
    missing_documents,
    report_deadlines,
)
from lindung.domain.errors import InvalidTransition, PermissionDenied, ValidationFailed

ALLOWED = {
    ("reported", "complete", "opd"): "complete",
    ("reported", "complete", "pemda"): "complete",
    ("complete", "return", "cabang"): "reported",
    ("complete", "verify", "cabang"): "verified",
    ("complete", "reject", "cabang"): "rejected",
    ("verified", "approve", "cabang"): "approved",
    ("verified", "reject", "cabang"): "rejected",
    ("approved", "pay", "cabang"): "paid",
}
ACTIONS = sorted({t.action for t in TRANSITIONS})
ROLES = ["opd", "pemda", "cabang", "pemantau"]


@pytest.mark.parametrize(("state", "action", "role"), sorted(ALLOWED))
def test_each_allowed_move_reaches_its_state(state: str, action: str, role: str) -> None:
    assert check_transition(state, action, role, reason="berkas KK buram") == ALLOWED[(state, action, role)]


@pytest.mark.parametrize(
    ("state", "action", "role"),
    [c for c in itertools.product(STATES, ACTIONS, ROLES) if c not in ALLOWED],
)
def test_every_other_move_is_refused(state: str, action: str, role: str) -> None:
    with pytest.raises((InvalidTransition, PermissionDenied)):
        check_transition(state, action, role, reason="alasan")


def test_a_move_out_of_order_says_from_where_it_may_be_made() -> None:
    with pytest.raises(InvalidTransition, match="hanya dari status disetujui"):
        check_transition("reported", "pay", "cabang")
    with pytest.raises(PermissionDenied, match="opd"):
        check_transition("verified", "approve", "opd")


def test_rejecting_and_returning_need_a_reason() -> None:
    for state, action in [("verified", "reject"), ("complete", "return")]:
        with pytest.raises(ValidationFailed, match="alasan"):
            check_transition(state, action, "cabang", reason="  ")
    with pytest.raises(ValidationFailed, match="tidak dikenal"):
        check_transition("reported", "terbang", "cabang")


def test_the_checklist_follows_the_kind_and_the_outcome() -> None:
    jkm = checklist("jkm", "")
    assert {"death_certificate", "heir_statement", "family_card", "ktp_heir"} <= set(jkm)
    assert "marriage_book" in checklist("jkm", "", spouse_is_heir=True)
    recovered = checklist("jkk_accident", "recovered")
    assert {"report_stage_1", "doctor_letter", "treatment_receipts"} <= set(recovered)
    assert "death_certificate" not in recovered
    assert "death_certificate" in checklist("jkk_accident", "died")
    assert missing_documents("jkm", "", set(jkm) - {"bank_book"}) == ["bank_book"]


def test_jkk_reports_are_due_two_times_24_hours_after_the_accident_and_the_doctor() -> None:
    accident = dt.datetime(2026, 11, 6, 22, 0)  # a Friday night
    reported = dt.datetime(2026, 11, 9, 8, 0)  # Monday morning: 58 hours later, missed (hours, not working days)
    doctor = dt.datetime(2026, 11, 20, 10, 0)
    first, second = report_deadlines("jkk_accident", accident, reported, doctor, None)
    assert first.due == dt.datetime(2026, 11, 8, 22, 0)
    assert first.missed(now=reported)
    assert second.due == dt.datetime(2026, 11, 22, 10, 0)
    assert not second.missed(now=dt.datetime(2026, 11, 21, 9, 0))
    assert second.missed(now=dt.datetime(2026, 11, 22, 10, 1))
    assert report_deadlines("jkm", accident, reported) == []


def test_the_employer_answers_within_14_working_days() -> None:
    def weekdays_only(day: dt.date, n: int) -> dt.date:
        while n:
            day += dt.timedelta(days=1)
            n -= day.weekday() < 5
        return day

    # From Monday 2 November 2026, 14 weekdays later is Friday 20 November.
    assert answer_due(dt.date(2026, 11, 2), weekdays_only) == dt.date(2026, 11, 20)
