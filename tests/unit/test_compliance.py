"""Inpres 2/2021 scoring: pure rules, no database. The packaged weights file is read as data."""

from __future__ import annotations

import datetime as dt
import tomllib
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest

from lindung.domain.compliance import (
    Facts,
    Weights,
    best_regulation,
    competition_ranks,
    parse_weights,
    score,
    share,
)
from lindung.domain.errors import ValidationFailed

PACKAGED = Path(__file__).resolve().parents[2] / "src" / "lindung" / "coverage" / "weights.toml"


def data(**changes: dict[str, Any]) -> dict[str, Any]:
    base: dict[str, dict[str, Any]] = {
        "pillars": {"regulasi": 25, "coverage": 35, "anggaran": 20, "integrasi": 20},
        "regulation": {"perda": 1.0, "perkada": 0.75, "pks": 0.5, "nota": 0.25},
        "coverage": {"non_asn": 70, "rentan": 30},
        "budget": {"allocated": 50, "realised": 50},
    }
    for section, values in changes.items():
        base[section] = {**base[section], **values}
    return base


@pytest.fixture
def weights() -> Weights:
    return parse_weights(data())


def test_the_packaged_weights_are_valid_and_rank_a_perda_above_a_perkada_above_a_pks() -> None:
    packaged = parse_weights(tomllib.loads(PACKAGED.read_text(encoding="utf-8")))
    assert sum(packaged.pillars.values()) == 100
    r = packaged.regulation
    assert r["perda"] > r["perkada"] > r["pks"] > r["nota"] > 0


def test_pillar_weights_that_do_not_sum_to_a_hundred_are_refused_with_the_sum() -> None:
    with pytest.raises(ValidationFailed) as refused:
        parse_weights(data(pillars={"regulasi": 30}))
    assert "105" in str(refused.value)
    assert [i.code for i in refused.value.issues] == ["WEIGHTS_SUM"]


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"regulation": {"perda": 1.5}}, "WEIGHTS_RANGE"),
        ({"pillars": {"integrasi": "banyak"}}, "WEIGHTS_VALUE"),
        ({"coverage": {"non_asn": 80}}, "WEIGHTS_SUM"),
        ({"budget": {"realised": 40}}, "WEIGHTS_SUM"),
        ({"pillars": {"inovasi": 0}}, "WEIGHTS_UNKNOWN"),
    ],
)
def test_every_broken_weight_is_named(changes: dict[str, Any], code: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        parse_weights(data(**changes))
    assert code in [i.code for i in refused.value.issues]


def test_a_missing_section_is_refused() -> None:
    broken = data()
    del broken["budget"]
    with pytest.raises(ValidationFailed) as refused:
        parse_weights(broken)
    assert [i.column for i in refused.value.issues] == ["budget"]


def test_nothing_done_scores_zero_on_every_pillar(weights: Weights) -> None:
    result = score(Facts(), weights)
    assert result.total == 0 and set(result.pillars.values()) == {0}
    assert Facts().nothing_done


def test_everything_done_scores_a_hundred(weights: Weights) -> None:
    facts = Facts("perda", 100, 100, 20, 20, 100, 1_000_000, 1_000_000)
    assert score(facts, weights).total == 100
    assert not facts.nothing_done


def test_the_total_is_the_weighted_sum_of_the_pillars(weights: Weights) -> None:
    # A Perkada; 60 of 80 non-ASN and 5 of 20 vulnerable enrolled; Rp1 M allocated, Rp250 juta paid;
    # 52 of 65 enrolled with a KPJ.
    facts = Facts("perkada", 100, 65, 20, 5, 52, 1_000_000_000, 250_000_000)
    result = score(facts, weights)
    coverage = (Decimal(60) / 80 * 70 + Decimal(5) / 20 * 30) / 100
    budget = (1 * Decimal(50) + Decimal("0.25") * 50) / 100
    integration = Decimal(52) / 65
    assert result.pillars == {
        "regulasi": Decimal("0.75"),
        "coverage": coverage,
        "anggaran": budget,
        "integrasi": integration,
    }
    expected = Decimal("0.75") * 25 + coverage * 35 + budget * 20 + integration * 20
    assert result.total == expected.quantize(Decimal("0.1"), ROUND_HALF_UP)  # 68.25 -> 68.3
    # By hand: coverage (60/80 x 70 + 5/20 x 30) / 100 = (52.5 + 7.5) / 100 = 0.6; budget (1 x 50 + 0.25 x 50)
    # / 100 = 0.625; integration 52/65 = 0.8; total 0.75 x 25 + 0.6 x 35 + 0.625 x 20 + 0.8 x 20
    # = 18.75 + 21 + 12.5 + 16 = 68.25, rounded half up to one decimal: 68.3.
    assert (coverage, budget, integration) == (Decimal("0.6"), Decimal("0.625"), Decimal("0.8"))
    assert result.total == Decimal("68.3")


def test_other_weights_change_the_total(weights: Weights) -> None:
    facts = Facts("pks", 10, 0, 0, 0, 0, 0, 0)
    assert score(facts, weights).total == Decimal("12.5")  # 0.5 x 25
    heavy = parse_weights(data(pillars={"regulasi": 55, "coverage": 5}))
    assert score(facts, heavy).total == Decimal("27.5")


def test_paying_without_an_allocation_is_realised_but_not_allocated(weights: Weights) -> None:
    result = score(Facts(paid=13_500), weights)
    assert result.parts["allocated"] == 0 and result.parts["realised"] == 1
    assert result.pillars["anggaran"] == Decimal("0.5")
    assert not Facts(paid=13_500).nothing_done


def test_shares_are_capped_at_one_and_zero_without_a_denominator() -> None:
    assert share(12, 10) == 1
    assert share(5, 0) == 0
    assert share(1, 3) == Decimal("0.3333")


def test_the_highest_kind_wins_and_among_equals_the_latest(weights: Weights) -> None:
    found = [
        ("pks", "PKS/01/2021", dt.date(2021, 5, 1)),
        ("perkada", "Perbup 10/2022", dt.date(2022, 2, 1)),
        ("perkada", "Perbup 3/2023", dt.date(2023, 1, 9)),
        ("unknown", "X", dt.date(2024, 1, 1)),
    ]
    assert best_regulation(found, weights) == ("perkada", "Perbup 3/2023", dt.date(2023, 1, 9))
    assert best_regulation([], weights) is None


def test_equal_totals_share_a_rank_and_the_next_rank_skips() -> None:
    totals = [Decimal("40.5"), Decimal("80"), Decimal("40.5"), Decimal("0"), Decimal("95.1")]
    assert competition_ranks(totals) == [3, 2, 3, 5, 1]
