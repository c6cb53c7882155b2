"""The cache of coverage trees and trends, per node and day.

Every entry is kept under the registry's version number (`registry.versions`), which every committed write of
workers, employments, memberships, units or employers changes, so a cached figure is never older than the last
commit.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.db import connection

from lindung.registry.versions import rows_version
from lindung.web.places import Place

CACHE_SECONDS = 15 * 60  # a cap: the version already retires a tree as soon as rows change

T = TypeVar("T")


def cached(kind: str, place: Place, on: dt.date, compute: Callable[[], T]) -> T:
    """`compute()`, kept until the registry changes (or CACHE_SECONDS)."""
    database = hashlib.sha1(str(connection.settings_dict["NAME"]).encode(), usedforsecurity=False).hexdigest()[:8]
    key = f"lindung:coverage:{database}:{rows_version()}:{kind}:{place.key}:{on.isoformat()}"
    found: T | None = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, CACHE_SECONDS)
    return found
