"""Shared fixtures: regions are loaded once per test database; factories are plain functions.

On PostgreSQL the test database's tables are vacuumed by the suite, not by autovacuum (see `_PgTables`)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

os.environ.setdefault("LINDUNG_ALLOW_DEV_KEY", "1")

import datetime as dt

import pytest
from hypothesis import settings

# Hypothesis settings for every property test of the suite (tests/unit/ and the hostile-file fuzz test).
# Each example must finish within `DEADLINE`. Measured with `--hypothesis-show-statistics` on the two-core
# machine with a load of 2.5, the slowest unit property (test_coverage_domain's kept state) takes 7-59 ms an
# example and the fuzz test's .xlsx examples 20-150 ms; 2 s is more than 10 times the slowest, so a machine
# busy with other suites stays inside it, while an example that turns into seconds (a quadratic loop, a
# row-by-row fallback) still fails. The tests keep their own `max_examples`; they set no deadline of their
# own, so this profile decides it. `HYPOTHESIS_PROFILE=default` gives Hypothesis' own 200 ms.
DEADLINE = dt.timedelta(seconds=2)

settings.register_profile("lindung", deadline=DEADLINE)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "lindung"))

SHARED = Path(__file__).resolve().parents[2] / "shared"
HISTORY = SHARED / "data" / "regions" / "kode_wilayah_historis.csv"
KABKOTA_GEOJSON = SHARED / "data" / "regions" / "kabkota.geojson"


class _PgTables:
    """Keeps the planner's statistics of the PostgreSQL test database true between tests.

    Every test rolls back, so what it wrote stays behind as dead rows. Autovacuum then vacuums a table
    while the next test's transaction holds a lock on it, cannot cut off the empty pages, and records
    "0 rows in N pages": the planner then takes every table to hold one row whatever it holds now, and
    joins by nested loops over full scans (the demo took 250 s instead of 15 s; one KPJ lookup 27 s).
    So autovacuum is off for the test tables, and after a test that grew a table by more than
    `GROWTH` pages the suite vacuums that table itself, with no transaction open: the empty pages go,
    and the next test's fresh rows are estimated from the table's real size.
    """

    GROWTH = 128  # pages (1 MiB)
    SIZES = (
        "SELECT c.relname, pg_relation_size(c.oid) / current_setting('block_size')::int FROM pg_class c "
        "WHERE c.relkind = 'r' AND c.relnamespace = 'public'::regnamespace"
    )

    def __init__(self, blocker: Any) -> None:
        from django.db import connection

        self.blocker = blocker
        with blocker.unblock(), connection.cursor() as cursor:
            cursor.execute(self.SIZES)
            self.pages = dict(cursor.fetchall())
            for table in self.pages:
                cursor.execute(f'ALTER TABLE "{table}" SET (autovacuum_enabled = off, toast.autovacuum_enabled = off)')

    def vacuum_grown(self) -> None:
        from django.db import connection

        with self.blocker.unblock():
            if connection.in_atomic_block:
                return
            with connection.cursor() as cursor:
                cursor.execute(self.SIZES)
                now = dict(cursor.fetchall())
                grown = [t for t, pages in now.items() if pages > self.pages.get(t, 0) + self.GROWTH]
                if not grown:
                    return
                cursor.execute("VACUUM " + ", ".join(f'"{t}"' for t in grown))
                cursor.execute(self.SIZES)
                self.pages = dict(cursor.fetchall())


_pg_tables: list[_PgTables] = []


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: pytest.FixtureRequest) -> Iterator[None]:
    from django.db import connection

    from lindung.regions.services import load_history, load_regions

    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        load_regions()
        if HISTORY.is_file():
            load_history(HISTORY)
    if connection.vendor == "postgresql":
        _pg_tables.append(_PgTables(django_db_blocker))
    yield
    _pg_tables.clear()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    yield  # the test's fixtures are gone: its transaction is rolled back
    # Only tests that used the test database can have grown it; the browser tests read a served demo database
    # and run inside Playwright's event loop, where Django refuses a query (SynchronousOnlyOperation).
    used_db = "db" in getattr(item, "fixturenames", ()) or item.get_closest_marker("django_db") is not None
    if _pg_tables and nextitem is not None and used_db:
        _pg_tables[0].vacuum_grown()


@pytest.fixture(autouse=True)
def _own_data_dir(settings: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Each test gets its own data directory (uploads, error workbooks) and an empty file cache, so no test
    reads what another test, or an earlier run, left behind."""
    data = tmp_path_factory.mktemp("data")
    settings.DATA_DIR = data
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(data / "cache")}
    }
