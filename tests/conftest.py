"""Shared fixtures: regions are loaded once per test database; factories are plain functions."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

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


@pytest.fixture(autouse=True)
def _own_data_dir(settings: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Each test gets its own data directory (uploads, error workbooks) and an empty file cache, so no test
    reads what another test, or an earlier run, left behind."""
    data = tmp_path_factory.mktemp("data")
    settings.DATA_DIR = data
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(data / "cache")}
    }
