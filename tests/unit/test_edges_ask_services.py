"""The web pages and the API ask the apps for data; they never build a query on a model themselves.

The import-linter contract "web and api ask the apps' services and queries" (pyproject.toml) forbids them to
import any app's models at run time; this test catches what an import cannot show: a manager reached through
a model an app handed over (`worker.employments.objects`), or a scope check done at the edge
(`scope.restrict(...)`, `scope.get(...)`) instead of in the service that owns the data.
"""

from __future__ import annotations

import ast
from pathlib import Path

import lindung

SOURCE = Path(lindung.__file__).parent
EDGES = ("web", "api")


def _sites(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Attribute) and node.attr in ("objects", "_default_manager", "_base_manager"):
            found.append(f"{node.lineno}: {ast.unparse(node)}")
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("restrict", "get")
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "scope"
        ):
            found.append(f"{node.lineno}: {ast.unparse(node.func)}(...)")
    return sorted(found, key=lambda site: int(site.split(":")[0]))


def test_no_page_or_endpoint_queries_a_model_or_checks_scope_itself() -> None:
    offenders = {
        str(path.relative_to(SOURCE)): sites
        for edge in EDGES
        for path in sorted((SOURCE / edge).rglob("*.py"))
        if (sites := _sites(path))
    }
    assert offenders == {}


def test_the_scan_sees_a_query_at_the_edge(tmp_path: Path) -> None:
    sample = tmp_path / "view.py"
    sample.write_text("def v(scope, pk):\n    Invoice.objects.filter(pk=pk)\n    return scope.get(Invoice, pk=pk)\n")
    assert _sites(sample) == ["2: Invoice.objects", "3: scope.get(...)"]
