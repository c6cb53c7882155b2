"""Shared fixtures: regions are loaded once per test database; factories are plain functions."""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("LINDUNG_ALLOW_DEV_KEY", "1")

import pytest

SHARED = Path(__file__).resolve().parents[2] / "shared"
HISTORY = SHARED / "data" / "regions" / "kode_wilayah_historis.csv"
KABKOTA_GEOJSON = SHARED / "data" / "regions" / "kabkota.geojson"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: pytest.FixtureRequest) -> None:
    from lindung.regions.services import load_history, load_regions

    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        load_regions()
        if HISTORY.is_file():
            load_history(HISTORY)
