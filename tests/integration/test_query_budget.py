"""Query budgets of the hot service functions: their number of queries does not grow with the rows.

Each use case runs on a small Pemda and on one ten times larger; both must send the same number of
queries, and no more than the baseline stored here (per database: COPY on PostgreSQL is not counted by
Django, SQLite's plain fetches are). A use case that needs a new query raises its baseline here, on purpose.

The KPJ lookup also runs as the test database used to leave it: statistics that say "0 rows in N pages",
which autovacuum records when it vacuums a table after a rolled-back load while a test holds a lock on it.
On those statistics its old join ran as a nested loop over full scans (16-27 s for 2,000 NIKs); the
lookup must keep plans without joins and finish under a statement timeout that the old plan overran
many times over.

    print(explain(queryset))      (bench/explain.py: EXPLAIN (ANALYZE, BUFFERS) on PostgreSQL)
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from bench.explain import explain, plan_nodes
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from lindung.accounts.roles import Role
from lindung.billing.services import issue_invoice
from lindung.enrolment import services as enrolment
from lindung.enrolment.models import Membership
from lindung.enrolment.services import add_agreement, enrol, import_kpj
from lindung.intake.services import import_roster
from lindung.registry.models import Employer, Employment, Worker, WorkUnit
from lindung.registry.services import add_employer
from tests.integration.factories import row, write_csv
from tests.web.conftest import make_user

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 2)
ENROL_ON = dt.date(2024, 5, 2)
SMALL, LARGE = 200, 2000
# Queries per use case, whatever the number of rows (measured; lower them when a change saves one).
BASELINE: dict[str, dict[str, int]] = {
    "roster import commit": {"postgresql": 16, "sqlite": 19},
    "roster import update": {"postgresql": 15, "sqlite": 18},
    "enrol": {"postgresql": 15, "sqlite": 17},
    "enrol ending": {"postgresql": 14, "sqlite": 17},
    "invoice issue": {"postgresql": 15, "sqlite": 16},
    "kpj import": {"postgresql": 14, "sqlite": 16},
    # +3 on purpose (issues 13, 14): the liability of the unprotected (the place's employers, one aggregate) and
    # the open reconciliation findings (one aggregate)
    "coverage page": {"postgresql": 19, "sqlite": 19},
}
PLACES = {SMALL: "13.02", LARGE: "13.11"}  # Kabupaten Solok and Kabupaten Solok Selatan
SEED = "13.03"  # Kabupaten Sijunjung: one worker, so that every import also looks up NIKs employed elsewhere
UNITS = ["DINKES", "SATPOLPP", "DISDIK", "RSUD"]
NAMES = ["Siti Rahma", "Budi Santoso", "Dewi Kartika", "Andi Wijaya", "Rina Marlina", "Joko Susilo"]


def niks(count: int, offset: int = 0) -> list[str]:
    """Valid, distinct NIKs of kecamatan 13.11.01, born in 1985."""
    out = []
    for i in range(offset, offset + count):
        day, month, serial = 1 + i % 28, 1 + (i // 28) % 12, 1 + i // 336
        out.append(f"131101{day:02d}{month:02d}85{serial:04d}")
    return out


def employer_with_units(code: str) -> Employer:
    employer = add_employer(code, None, "test").employer
    for unit in UNITS:
        WorkUnit.objects.get_or_create(employer=employer, code=unit, defaults={"name": f"Unit {unit}", "kind": "dinas"})
    return employer


def pemda(tmp_path: Path, code: str, count: int, offset: int) -> list[str]:
    """A Pemda with four units and `count` workers spread over them; returns their NIKs."""
    employer_with_units(code)
    return roster(tmp_path, code, niks(count, offset))


def roster(tmp_path: Path, code: str, numbers: list[str], wage: str = "2500000") -> list[str]:
    rows = [row(n, NAMES[i % len(NAMES)], unit=UNITS[i % len(UNITS)], wage=wage) for i, n in enumerate(numbers)]
    path = write_csv(tmp_path / f"roster-{code}-{wage}.csv", rows)
    result = import_roster(path, code, mode="commit", actor="test", today=TODAY)
    assert result.committed, [i.message for i in result.issues if i.severity == "error"][:5]
    return numbers


def enrolled(tmp_path: Path, code: str, count: int, offset: int) -> list[str]:
    numbers = pemda(tmp_path, code, count, offset)
    add_agreement(code, programs="JKK,JKM", effective_from=dt.date(2024, 1, 1), actor="test")
    enrol(code, actor="test", on=ENROL_ON)
    return numbers


def kpj_file(tmp_path: Path, name: str, numbers: list[str]) -> Path:
    rows = [[n, f"{10**10 + i}", "AKTIF"] for i, n in enumerate(numbers)]
    return write_csv(tmp_path / name, rows, header=["NIK", "KPJ", "Status"])


def counted(action: Callable[[], Any]) -> int:
    with CaptureQueriesContext(connection) as queries:
        action()
    return len(queries.captured_queries)


def within_budget(name: str, counts: dict[int, int]) -> None:
    """The same count for the small and the large Pemda, and no more than the stored baseline."""
    small, large = counts[SMALL], counts[LARGE]
    assert small == large, f"{name}: {small} queries for {SMALL} rows but {large} for {LARGE}: one per row?"
    baseline = BASELINE[name][connection.vendor]
    assert large <= baseline, f"{name}: {large} queries, baseline {baseline} (raise it here only on purpose)"


@pytest.fixture
def seed(tmp_path: Path) -> None:
    pemda(tmp_path, SEED, 1, offset=9000)


def test_roster_import_commits_and_updates_in_a_fixed_number_of_queries(tmp_path: Path, seed: None) -> None:
    first, update = {}, {}
    for size, code in PLACES.items():
        employer_with_units(code)
        numbers = niks(size, offset=0 if size == SMALL else SMALL)
        first[size] = counted(lambda code=code, numbers=numbers: roster(tmp_path, code, numbers))
        update[size] = counted(lambda code=code, numbers=numbers: roster(tmp_path, code, numbers, wage="2750000"))
    assert Worker.objects.count() == SMALL + LARGE + 1
    assert Employment.objects.filter(wage=2_750_000).count() == SMALL + LARGE
    within_budget("roster import commit", first)
    within_budget("roster import update", update)


def test_enrolment_enrols_and_ends_in_a_fixed_number_of_queries(tmp_path: Path, seed: None) -> None:
    joined, ending = {}, {}
    for size, code in PLACES.items():
        pemda(tmp_path, code, size, offset=0 if size == SMALL else SMALL)
        add_agreement(code, programs="JKK,JKM", effective_from=dt.date(2024, 1, 1), actor="test")
        joined[size] = counted(lambda code=code: enrol(code, actor="test", on=ENROL_ON))
        half = Employment.objects.filter(employer__region_id=code).order_by("id")[: size // 2]
        Employment.objects.filter(pk__in=list(half.values_list("pk", flat=True))).update(end_date=dt.date(2024, 8, 9))
        ending[size] = counted(lambda code=code: enrol(code, actor="test", on=dt.date(2024, 9, 2)))
    ended = Membership.objects.filter(valid_to=dt.date(2024, 8, 31), status=Membership.Status.ENDED)
    assert ended.count() == (SMALL + LARGE) // 2
    within_budget("enrol", joined)
    within_budget("enrol ending", ending)


def test_an_invoice_is_issued_in_a_fixed_number_of_queries(tmp_path: Path, seed: None) -> None:
    counts = {}
    for size, code in PLACES.items():
        enrolled(tmp_path, code, size, offset=0 if size == SMALL else SMALL)
        counts[size] = counted(lambda code=code: issue_invoice(code, dt.date(2024, 6, 1), actor="test"))
    within_budget("invoice issue", counts)


def test_kpj_numbers_are_recorded_in_a_fixed_number_of_queries(tmp_path: Path, seed: None) -> None:
    counts = {}
    for size, code in PLACES.items():
        numbers = enrolled(tmp_path, code, size, offset=0 if size == SMALL else SMALL)
        path = kpj_file(tmp_path, f"kpj-{code}.csv", [*numbers, niks(1, offset=9000)[0]])
        with CaptureQueriesContext(connection) as queries:
            result = import_kpj(path, code, actor="test")
        assert (result.updated, len(result.unmatched)) == (size, 1)
        counts[size] = len(queries.captured_queries)
        assert import_kpj(path, code, actor="test").unchanged == size
        assert Membership.objects.filter(employer__region_id=code, kpj__isnull=False).count() == size
    within_budget("kpj import", counts)


def test_the_coverage_page_is_drawn_in_a_fixed_number_of_queries(tmp_path: Path, seed: None) -> None:
    counts = {}
    for size, code in PLACES.items():
        enrolled(tmp_path, code, size, offset=0 if size == SMALL else SMALL)
        client = Client()
        client.force_login(make_user(f"admin-{code}", Role.ADMIN, employer=employer_with_units(code)))
        with CaptureQueriesContext(connection) as queries:
            answer = client.get("/?on=2026-10-31")  # nothing cached yet for this Pemda
        assert answer.status_code == 200
        assert f"{size:,}".replace(",", ".") in answer.content.decode()
        counts[size] = len(queries.captured_queries)
    within_budget("coverage page", counts)


# --- the KPJ lookup on stale statistics (PostgreSQL) ----------------------------------------------


@pytest.fixture
def stale_statistics() -> Iterator[Callable[..., None]]:
    """Make the tables look as autovacuum left them in the old test runs: "0 rows in N pages" (N their
    real size). Written into pg_class inside the test's transaction, so rolled back with it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        assert cursor.fetchone()[0], "writing pg_class needs a superuser (scripts/with-postgres.sh runs as one)"

    def stale(*models: type[Any]) -> None:
        with connection.cursor() as cursor:
            for model in models:
                cursor.execute(
                    "UPDATE pg_class SET reltuples = 0, "
                    "relpages = GREATEST(1, pg_relation_size(oid) / current_setting('block_size')::int) "
                    "WHERE oid = %s::regclass",
                    [model._meta.db_table],
                )

    yield stale


@pytest.mark.skipif(
    not os.environ.get("LINDUNG_DATABASE_URL", "").startswith("postgres"), reason="planner statistics: PostgreSQL"
)
def test_the_kpj_lookup_keeps_its_plan_when_the_statistics_say_the_tables_are_empty(
    tmp_path: Path, stale_statistics: Callable[..., None]
) -> None:
    numbers = enrolled(tmp_path, "13.11", 4000, offset=0)
    employer = add_employer("13.11", None, "test").employer
    stale_statistics(Worker, Membership, Employment)
    old_join = Membership.objects.filter(employer=employer, worker__nik__in=set(numbers[:50]))
    assert plan_nodes(old_join)[0] == "Nested Loop", explain(old_join)  # the statistics took effect
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL statement_timeout = '5s'")  # the old join took 16-27 s; this one 0.1 s
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        latest = enrolment._latest_memberships(employer, numbers)
    seconds = time.perf_counter() - started
    assert len(latest) == 4000 and latest[numbers[-1]].worker.nik == numbers[-1]
    assert seconds < 5, f"{seconds:.1f} s for 4,000 NIKs"
    for query in queries.captured_queries:
        nodes = plan_nodes(query["sql"])
        assert not any(n in {"Nested Loop", "Hash Join", "Merge Join"} for n in nodes), explain(query["sql"])
