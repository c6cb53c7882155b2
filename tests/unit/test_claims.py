"""The claim's state machine: every allowed move and every refused one, the checklists and the deadlines."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from lindung.domain import claims as rules
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


def test_an_open_jkk_case_asks_for_each_stmb_month_up_to_the_next_one_full_wage_then_half() -> None:
    accident = dt.date(2025, 1, 31)
    tasks = rules.follow_ups("jkk_accident", "reported", "", accident, dt.date(2026, 2, 10))
    # months 1..13: 28 Feb 2025 (31 January plus a month, kept inside February) ... 28 Feb 2026, the next one due
    assert [t.due for t in tasks][:2] == [dt.date(2025, 2, 28), dt.date(2025, 3, 31)]
    assert len(tasks) == 13 and tasks[-1].due == dt.date(2026, 2, 28)
    assert "(100% upah)" in tasks[11].what and "(50% upah)" in tasks[12].what
    assert tasks[0].as_dict(dt.date(2026, 2, 10))["overdue"] is True
    assert tasks[-1].as_dict(dt.date(2026, 2, 10))["overdue"] is False
    # the doctor's statement ends STMB (its months are in the benefit), and JKM or a rejected case has none
    assert rules.follow_ups("jkk_accident", "reported", "recovered", accident, dt.date(2026, 2, 10)) == []
    assert rules.follow_ups("jkm", "reported", "", accident, dt.date(2026, 2, 10)) == []
    assert rules.follow_ups("jkk_accident", "rejected", "", accident, dt.date(2026, 2, 10)) == []


def test_a_paid_claim_renews_each_childs_scholarship_every_school_year_until_the_day_before_23() -> None:
    scholars = [("Rahmat", dt.date(2029, 3, 11)), ("Sari", dt.date(2027, 7, 14))]
    tasks = rules.follow_ups(
        "jkm", "paid", "", dt.date(2026, 5, 1), dt.date(2026, 8, 1), paid_on=dt.date(2026, 8, 1), scholars=scholars
    )
    # paid after mid-July 2026: the first renewal is 15 July 2027; Sari turns 23 on 15 July 2027, so none for her
    assert [(t.due.year, t.what.split(",")[0]) for t in tasks] == [
        (2027, "Beasiswa Rahmat"),
        (2028, "Beasiswa Rahmat"),
    ]
    assert {t.code for t in tasks} == {"scholarship_renewal"}
    before = rules.follow_ups(
        "jkm", "paid", "", dt.date(2026, 5, 1), dt.date(2026, 6, 1), paid_on=dt.date(2026, 6, 1), scholars=scholars
    )
    assert [t.due for t in before][:2] == [dt.date(2026, 7, 15), dt.date(2026, 7, 15)]  # both, this school year
    assert rules.follow_ups("jkm", "approved", "", dt.date(2026, 5, 1), dt.date(2026, 6, 1), scholars=scholars) == []
