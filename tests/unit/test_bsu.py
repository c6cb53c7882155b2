from __future__ import annotations

import datetime as dt

import pytest

from lindung.domain.bsu import Participant, judge, load_bsu_rule, wage_limit
from lindung.domain.errors import NotFound

RULE = load_bsu_rule(2022)
PAID_JULY = Participant(True, dt.date(2022, 7, 1), 3_000_000)


def test_the_2022_rule_is_permenaker_10_2022_with_its_figures() -> None:
    assert (RULE.amount, RULE.active_through, RULE.wage_cap) == (600_000, dt.date(2022, 7, 31), 3_500_000)
    assert "Permenaker 10/2022" in RULE.regulation and RULE.confidence == "V"
    with pytest.raises(NotFound, match="tersedia: 2022"):
        load_bsu_rule(2019)


def test_the_wage_limit_is_the_cap_or_a_higher_umk_rounded_up_to_the_next_hundred_thousand() -> None:
    assert wage_limit(RULE, None) == 3_500_000
    assert wage_limit(RULE, 3_000_000) == 3_500_000  # a lower UMK does not lower the cap
    assert wage_limit(RULE, 4_453_935) == 4_500_000  # Jakarta's UMP 2022
    assert wage_limit(RULE, 3_600_000) == 3_600_000  # already a round hundred thousand
    assert wage_limit(RULE, 3_600_001) == 3_700_000


def test_an_active_participant_paid_through_july_with_a_wage_under_the_limit_qualifies() -> None:
    verdict = judge(RULE, "honorer", PAID_JULY, None)
    assert verdict.eligible and verdict.failed == () and not verdict.narrowly


@pytest.mark.parametrize(
    ("category", "participant", "umk", "reason"),
    [
        ("honorer", Participant(True, dt.date(2022, 6, 1), 3_000_000), None, "iuran terakhir 06/2022, sebelum 07/2022"),
        ("honorer", Participant(True, dt.date(2022, 7, 1), 3_600_000), None, "Rp3.600.000 di atas batas Rp3.500.000"),
        ("honorer", Participant(False, dt.date(2022, 7, 1), 3_000_000), None, "nonaktif"),
        ("pekerja_rentan", PAID_JULY, None, "bukan pekerja penerima upah"),
        ("honorer", Participant(True, None, 3_000_000), None, "tidak ada iuran tercatat"),
    ],
)
def test_one_condition_failed_is_narrowly_not_eligible_with_its_reason(
    category: str, participant: Participant, umk: int | None, reason: str
) -> None:
    verdict = judge(RULE, category, participant, umk)
    assert not verdict.eligible and verdict.narrowly
    assert reason in verdict.failed[0]


def test_a_wage_above_the_cap_qualifies_where_the_umk_is_higher() -> None:
    assert judge(RULE, "thl", Participant(True, dt.date(2022, 8, 1), 4_400_000), 4_453_935).eligible


def test_nobody_in_the_participant_data_or_two_failures_is_not_narrowly() -> None:
    absent = judge(RULE, "honorer", None, None)
    assert not absent.eligible and not absent.narrowly and absent.failed == ("tidak ada di data peserta BPJS TK",)
    two = judge(RULE, "honorer", Participant(False, dt.date(2022, 5, 1), 3_000_000), None)
    assert len(two.failed) == 2 and not two.narrowly
