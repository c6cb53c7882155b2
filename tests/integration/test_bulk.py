"""Bulk writes on a real database: the secondary indexes set aside for a large insert come back, and an
error inside leaves them (and the rows) as they were."""

from __future__ import annotations

import polars as pl
import pytest
from django.db import connection, transaction

from lindung.intake.bulk import indexes_aside, insert_frame

TABLE = "reconcile_findingevent"  # indexed on finding and run, empty in a fresh test database


def _indexes() -> set[str]:
    return {i for i, v in connection.introspection.get_constraints(connection.cursor(), TABLE).items() if v["index"]}


def _events(n: int) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "finding_id": pl.int_range(1, n + 1, eager=True),
            "run_id": [1] * n,
            "at": ["2024-06-20 00:00:00+00:00"] * n,
            "actor": ["t"] * n,
            "action": ["found"] * n,
            "state_before": [""] * n,
            "state_after": ["new"] * n,
            "resolution": [""] * n,
            "note": [""] * n,
        }
    )


def test_a_large_insert_into_an_empty_table_gets_its_indexes_back(db: None) -> None:
    before = _indexes()
    assert len(before) >= 2
    with transaction.atomic(), indexes_aside(TABLE, 20_000):
        if connection.vendor == "sqlite":
            assert _indexes() == set()  # set aside while the rows go in
        insert_frame(TABLE, _events(20_000))
    assert _indexes() == before
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT count(*) FROM "{TABLE}" WHERE finding_id = 19999')
        assert cursor.fetchone()[0] == 1


def test_an_error_inside_leaves_the_indexes_and_the_rows_as_they_were(db: None) -> None:
    before = _indexes()
    with pytest.raises(RuntimeError), transaction.atomic(), indexes_aside(TABLE, 20_000):
        insert_frame(TABLE, _events(20_000))
        raise RuntimeError("interrupted")
    assert _indexes() == before
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT count(*) FROM "{TABLE}"')
        assert cursor.fetchone()[0] == 0
