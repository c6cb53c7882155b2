"""The property tests run under the deadline of tests/conftest.py, not without one."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import settings

from tests.conftest import DEADLINE

TESTS = Path(__file__).resolve().parents[1]


def test_the_deadline_profile_is_loaded() -> None:
    current = settings.default
    assert current is not None and current.deadline == DEADLINE


def test_no_property_test_sets_a_deadline_of_its_own() -> None:
    files = [p for p in sorted(TESTS.rglob("test_*.py")) if p.name != Path(__file__).name]
    using = [p for p in files if "from hypothesis import" in p.read_text()]
    assert len(using) >= 5  # test_contributions, test_coverage_domain, test_money, test_nik, test_fuzz_sheets
    own = [p.name for p in using if re.search(r"deadline\s*=", p.read_text())]
    assert own == []
