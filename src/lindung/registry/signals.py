"""Signals other apps listen to without this app knowing them.

`rows_changed` is sent inside the writing transaction after workers, employments or memberships of the
given employers were written, so that derived data (coverage aggregates) is rebuilt in the same
transaction and an interrupted job leaves both as they were.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.dispatch import Signal

rows_changed = Signal()  # sender: a label; employer_ids: a list of Employer primary keys


def notify(sender: str, employer_ids: Iterable[int]) -> None:
    ids = sorted(set(employer_ids))
    if ids:
        rows_changed.send(sender=sender, employer_ids=ids)
