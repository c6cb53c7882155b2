from __future__ import annotations

import json
from pathlib import Path

import pytest

from lindung.domain.errors import ValidationFailed
from lindung.regions.models import Region
from lindung.regions.services import load_boundaries, load_regions, region_codes
from tests.conftest import HISTORY, KABKOTA_GEOJSON

pytestmark = pytest.mark.django_db


def test_all_kemendagri_regions_are_loaded_with_dotted_codes() -> None:
    current = Region.objects.filter(current=True)
    assert current.filter(level=1).count() == 38
    assert current.filter(level=2).count() == 514
    assert current.filter(level=3).count() == 7285
    assert current.filter(level=4).count() == 83762
    assert Region.objects.get(code="13.11").name == "Kabupaten Solok Selatan"
    assert Region.objects.get(code="13.11").parent_id == "13"


def test_loading_regions_again_changes_nothing() -> None:
    result = load_regions()
    assert (result.created, result.updated) == (0, 0)
    assert result.unchanged == 91599


@pytest.mark.skipif(not HISTORY.is_file(), reason="needs ../shared/data/regions beside the project")
def test_retired_codes_are_kept_as_not_current() -> None:
    merauke = Region.objects.get(code="91.01")
    assert merauke.current is False
    assert "91.01" in region_codes().retired


@pytest.mark.skipif(not KABKOTA_GEOJSON.is_file(), reason="needs ../shared/data/regions beside the project")
def test_boundaries_load_from_geojson_and_a_rerun_changes_nothing() -> None:
    first = load_boundaries(KABKOTA_GEOJSON)
    assert first.updated == 514
    assert first.unknown == ()
    assert Region.objects.get(code="13.11").boundary["type"] in {"Polygon", "MultiPolygon"}
    again = load_boundaries(KABKOTA_GEOJSON)
    assert (again.updated, again.unchanged) == (0, 514)


def test_a_file_that_is_not_geojson_is_refused_clearly(tmp_path: Path) -> None:
    bad = tmp_path / "batas.geojson"
    bad.write_text(json.dumps({"type": "Feature"}))
    with pytest.raises(ValidationFailed, match="FeatureCollection"):
        load_boundaries(bad)
    bad.write_text("{not json")
    with pytest.raises(ValidationFailed, match="bukan GeoJSON"):
        load_boundaries(bad)


def test_unknown_codes_in_a_boundary_file_are_reported(tmp_path: Path) -> None:
    path = tmp_path / "b.geojson"
    geometry = {"type": "Point", "coordinates": [100.0, -1.0]}
    path.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {"type": "Feature", "properties": {"kode": "99.99"}, "geometry": geometry},
                    {"type": "Feature", "properties": {"kode": "13.11"}, "geometry": geometry},
                ],
            }
        )
    )
    result = load_boundaries(path)
    assert result.unknown == ("99.99",)
    assert result.updated == 1
