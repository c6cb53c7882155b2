"""EXPLAIN (ANALYZE, BUFFERS) of a queryset or of raw SQL on PostgreSQL (the plan only, EXPLAIN, on SQLite).

From a test or a shell with Django set up:

    from bench.explain import explain, plan_nodes
    print(explain(Membership.objects.filter(employer=e, worker__nik__in=niks)))
    assert "Seq Scan on registry_worker" not in plan_nodes(queryset)

    .venv/bin/python bench/explain.py "SELECT ..."      (against LINDUNG_DATABASE_URL)

ANALYZE runs the query; inside a transaction its writes are rolled back with that transaction only, so
explain only reading queries.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

from django.db import connection
from django.db.models import QuerySet


def _sql(query: QuerySet[Any] | str, params: Sequence[Any] = ()) -> tuple[str, Sequence[Any]]:
    if isinstance(query, str):
        return query, params
    return query.query.sql_with_params()


def explain(query: QuerySet[Any] | str, params: Sequence[Any] = (), *, analyze: bool = True) -> str:
    """The plan as text: with the time and the buffers of each node when `analyze` (PostgreSQL)."""
    sql, values = _sql(query, params)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            options = "ANALYZE, BUFFERS, SETTINGS" if analyze else "SETTINGS"
            cursor.execute(f"EXPLAIN ({options}) {sql}", values)
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", values)
        return "\n".join(" ".join(str(c) for c in row) for row in cursor.fetchall())


def plan_nodes(query: QuerySet[Any] | str, params: Sequence[Any] = ()) -> list[str]:
    """The node types of the plan with their relations ("Seq Scan on registry_worker", "Hash Join"), on
    PostgreSQL without running the query; on SQLite the lines of EXPLAIN QUERY PLAN ("SCAN w")."""
    sql, values = _sql(query, params)
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", values)
            return [str(row[-1]) for row in cursor.fetchall()]
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", values)
        document = cursor.fetchone()[0]
    nodes: list[str] = []

    def walk(node: dict[str, Any]) -> None:
        name = node["Node Type"]
        if "Relation Name" in node:
            name += f" on {node['Relation Name']}"
        nodes.append(name)
        for child in node.get("Plans", []):
            walk(child)

    walk(document[0]["Plan"])
    return nodes


def main(argv: Sequence[str]) -> int:
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lindung.settings")
    django.setup()
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    print(explain(argv[0]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
