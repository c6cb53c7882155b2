"""Limit/offset paging: `{"count": N, "items": [...]}`, every list in a stable order."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.db.models import Model, QuerySet

from lindung.api.schemas import Paging

M = TypeVar("M", bound=Model)


def page(qs: QuerySet[M], paging: Paging, item: Callable[[M], dict[str, Any]]) -> dict[str, Any]:
    """One page of `qs` (already ordered) with the count of the whole list; `item` turns a row into JSON."""
    count = qs.count()
    rows = list(qs[paging.offset : paging.offset + paging.limit]) if paging.offset < count else []
    return {"count": count, "items": [item(row) for row in rows]}
