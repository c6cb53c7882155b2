"""The roster of one scope in name order, held in memory until the registry changes.

Ordering or searching the workers of a Pemda of 100,000 by name joins the national worker table (2.2 million
rows), which costs 50-300 ms a page on PostgreSQL. The roster of a scope and filter is read once per change
instead: the worker ids in order and their names in capitals, in one string, so a name search is a substring
search in memory. Each process keeps the last few rosters (a 100,000-worker roster takes about 4 MB); the
registry's version number (`registry.versions`), which every committed write changes, retires them. Names only:
no NIK, phone or birth date is held.
"""

from __future__ import annotations

import hashlib
import threading
from array import array
from bisect import bisect_right
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection

from lindung.registry.versions import rows_version

KEPT = 8  # rosters per process


@dataclass(frozen=True)
class RosterIndex:
    ids: array[int]  # worker ids in roster order
    text: str  # "\n" + each name in capitals + "\n"
    starts: array[int]  # where each name starts in `text`

    @classmethod
    def build(cls, rows: list[tuple[int, str]]) -> RosterIndex:
        ids: array[int] = array("q")
        starts: array[int] = array("q")
        parts = ["\n"]
        at = 1
        for pk, name in rows:
            upper = name.upper().replace("\n", " ")
            ids.append(pk)
            starts.append(at)
            parts.append(upper + "\n")
            at += len(upper) + 1
        return cls(ids, "".join(parts), starts)

    def matching(self, words: str) -> list[int]:
        """The ids whose name contains `words` (case-insensitive, like the database's icontains), in order."""
        needle = words.upper()
        if not needle or "\n" in needle:
            return []
        found: list[int] = []
        last = -1
        pos = self.text.find(needle)
        while pos != -1:
            row = bisect_right(self.starts, pos) - 1
            if row != last:
                found.append(self.ids[row])
                last = row
            pos = self.text.find(needle, self.starts[row + 1] if row + 1 < len(self.starts) else len(self.text))
        return found


_lock = threading.Lock()
_kept: OrderedDict[str, RosterIndex] = OrderedDict()


def roster_index(key: str, rows: Callable[[], list[tuple[int, str]]]) -> RosterIndex:
    """The index of the roster `key` names (scope, filter, day), built from `rows()` when the registry changed."""
    database = hashlib.sha1(str(connection.settings_dict["NAME"]).encode(), usedforsecurity=False).hexdigest()[:8]
    full = f"{database}:{rows_version()}:{key}"
    with _lock:
        found = _kept.get(full)
        if found is not None:
            _kept.move_to_end(full)
            return found
    built = RosterIndex.build(rows())
    with _lock:
        _kept[full] = built
        while len(_kept) > KEPT:
            _kept.popitem(last=False)
    return built
