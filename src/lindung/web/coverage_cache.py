"""The cache of coverage trees and trends, per node and day; its version number also retires the in-memory
rosters of `web.roster_index`.

Every entry is kept under a version number that every committed write of workers, employments, memberships,
units or employers changes (`connect_signals`, called by the app's ready()), so a cached figure is never older
than the last commit.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save

from lindung.registry.models import Employer, WorkUnit
from lindung.registry.signals import rows_changed
from lindung.web.places import Place

CACHE_SECONDS = 15 * 60  # a cap: the version already retires a tree as soon as rows change
VERSION_KEY = "lindung:coverage:version"

T = TypeVar("T")


def coverage_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, time.time_ns(), None)
        version = cache.get(VERSION_KEY, 0)
    return int(version)


def _bump() -> None:
    cache.set(VERSION_KEY, time.time_ns(), None)


def rows_written(sender: object, **kwargs: Any) -> None:
    """Retire every cached entry now, so the writing transaction itself reads fresh figures, and again when it
    commits, so an entry another request computed from the old rows in between is retired too."""
    _bump()
    transaction.on_commit(_bump)


def connect_signals() -> None:
    rows_changed.connect(rows_written, dispatch_uid="web.dashboard.rows")
    for model in (WorkUnit, Employer):
        post_save.connect(rows_written, sender=model, dispatch_uid=f"web.dashboard.save.{model.__name__}")
        post_delete.connect(rows_written, sender=model, dispatch_uid=f"web.dashboard.delete.{model.__name__}")


def cached(kind: str, place: Place, on: dt.date, compute: Callable[[], T]) -> T:
    """`compute()`, kept until the registry changes (or CACHE_SECONDS)."""
    database = hashlib.sha1(str(connection.settings_dict["NAME"]).encode(), usedforsecurity=False).hexdigest()[:8]
    key = f"lindung:coverage:{database}:{coverage_version()}:{kind}:{place.key}:{on.isoformat()}"
    found: T | None = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, CACHE_SECONDS)
    return found
