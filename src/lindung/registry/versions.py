"""The registry's version number: every committed write of workers, employments, memberships, units or
employers changes it, so whatever is kept from those rows (the dashboard's coverage trees, the rosters held
in memory) is keyed by it and is never older than the last commit.

The number lives in Django's cache, which every web and worker process of one installation shares.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from lindung.registry.models import Employer, WorkUnit
from lindung.registry.signals import rows_changed

VERSION_KEY = "lindung:coverage:version"


def rows_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, time.time_ns(), None)
        version = cache.get(VERSION_KEY, 0)
    return int(version)


def _bump() -> None:
    cache.set(VERSION_KEY, time.time_ns(), None)


def rows_written(sender: object, **kwargs: Any) -> None:
    """Retire every kept entry now, so the writing transaction itself reads fresh figures, and again when it
    commits, so an entry another request computed from the old rows in between is retired too."""
    _bump()
    transaction.on_commit(_bump)


def connect_signals() -> None:
    rows_changed.connect(rows_written, dispatch_uid="registry.versions.rows")
    for model in (WorkUnit, Employer):
        post_save.connect(rows_written, sender=model, dispatch_uid=f"registry.versions.save.{model.__name__}")
        post_delete.connect(rows_written, sender=model, dispatch_uid=f"registry.versions.delete.{model.__name__}")
