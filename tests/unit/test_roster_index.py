"""The in-memory roster index answers like the database's ordered icontains search."""

from __future__ import annotations

from lindung.enrolment.roster_index import RosterIndex

ROWS = [(7, "Andi Wijaya"), (3, "Budi Siti Santoso"), (9, "siti rahma"), (4, "Sitti Aisyah"), (1, "Yusuf")]


def test_a_name_search_is_case_insensitive_and_keeps_the_roster_order() -> None:
    index = RosterIndex.build(ROWS)
    assert list(index.ids) == [7, 3, 9, 4, 1]
    assert index.matching("siti") == [3, 9]
    assert index.matching("SIT") == [3, 9, 4]


def test_a_name_matching_twice_is_listed_once_and_a_match_never_spans_two_names() -> None:
    index = RosterIndex.build([(1, "Ana Ana"), (2, "Budi")])
    assert index.matching("ana") == [1]
    assert index.matching("ana budi") == []
    assert index.matching("a\nb") == [] and index.matching("") == []


def test_an_empty_roster_finds_nothing() -> None:
    assert RosterIndex.build([]).matching("x") == []
