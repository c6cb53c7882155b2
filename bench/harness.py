"""What the benchmark scripts share: Django set-up in a child process, server facts, stage timing, output."""

from __future__ import annotations

import json
import os
import resource
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any


def maxrss_bytes() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux: KiB


def setup_django(database_url: str) -> None:
    os.environ["LINDUNG_DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "lindung.settings"
    import django

    django.setup()


def run_child(phase: Callable[[Any], dict[str, Any]], args: Any) -> None:
    """A child process's one phase: Django on the bench's database, the phase, its result as JSON in args.result."""
    setup_django(args.database_url)
    result = phase(args)
    Path(args.result).write_text(json.dumps(result, default=str))


def server_info(postgres: Sequence[str], sqlite: Sequence[str]) -> dict[str, Any]:
    """The server version and the named settings (SHOW on PostgreSQL, PRAGMA on SQLite)."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            connection.ensure_connection()
            info = {"version": connection.connection.info.server_version}
            for name in postgres:
                cursor.execute(f"SHOW {name}")
                info[name] = cursor.fetchone()[0]
            return info
        info = {"version": connection.Database.sqlite_version}
        for name in sqlite:
            cursor.execute(f"PRAGMA {name}")
            info[name] = cursor.fetchone()[0]
        return info


class Stages:
    """Wall time per stage, by wrapping the functions a use case calls (in this process only)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.first_start: dict[str, float] = {}
        self.last_end: dict[str, float] = {}

    def wrap(self, module: Any, name: str, label: str | Callable[..., str]) -> None:
        original = getattr(module, name)

        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            key = label(*args, **kwargs) if callable(label) else label
            self.first_start.setdefault(key, start)
            try:
                return original(*args, **kwargs)
            finally:
                self.last_end[key] = time.perf_counter()
                self.seconds[key] += self.last_end[key] - start

        setattr(module, name, timed)


def say(text: str) -> None:
    print(text, flush=True)
