"""The server-drawn choropleth: projection, simplification, size, classes and the cache of projected paths."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lindung.regions.models import Region
from lindung.regions.queries import boundaries_loaded
from lindung.regions.services import load_boundaries
from lindung.web import maps
from tests.conftest import SHARED

PROVINSI_GEOJSON = SHARED / "data" / "regions" / "provinsi.geojson"


@pytest.mark.parametrize(
    ("coverage", "css"),
    [
        (None, 0),  # nobody on the roster
        (Decimal(0), 0),  # nobody enrolled
        (Decimal("0.1"), 1),
        (Decimal("19.9"), 1),
        (Decimal(20), 2),
        (Decimal("59.9"), 3),
        (Decimal(60), 4),
        (Decimal("79.9"), 4),
        (Decimal(80), 5),
        (Decimal(100), 5),
    ],
)
def test_coverage_falls_in_one_of_six_classes(coverage: Decimal | None, css: int) -> None:
    assert maps.bucket(coverage) == css


@pytest.mark.parametrize(
    ("coverage", "css"),
    [(None, "c0"), (Decimal(0), "cz"), (Decimal("0.1"), "c1"), (Decimal(45), "c3"), (Decimal(100), "c5")],
)
def test_no_data_and_nobody_enrolled_are_two_classes(coverage: Decimal | None, css: str) -> None:
    assert maps.area_class(coverage) == css


def test_zero_percent_has_a_strong_colour_of_its_own_and_every_area_a_border() -> None:
    from pathlib import Path

    import lindung.web

    css = (Path(lindung.web.__file__).parent / "static" / "web" / "lindung.css").read_text()
    fills = dict(re.findall(r"\.(c[0-5z]) \{ fill: (#[0-9a-f]{6})", css))
    assert set(fills) == {"c0", "cz", "c1", "c2", "c3", "c4", "c5"}
    assert len(set(fills.values())) == 7  # seven colours, none shared

    def lightness(colour: str) -> float:
        r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
        return (max(r, g, b) + min(r, g, b)) / 510

    assert lightness(fills["cz"]) < 0.5 < lightness(fills["c0"])  # dark where no-data is pale
    stroke = re.search(r"\.map path \{ stroke: (#[0-9a-f]{6})", css)
    assert stroke is not None and stroke.group(1) not in ("#ffffff", "#fff", fills["c0"])


def test_simplification_drops_points_on_a_straight_line_and_keeps_the_corners() -> None:
    line = [(float(x), 0.0) for x in range(11)] + [(10.0, 10.0)]
    assert maps.simplify(line, 0.5) == [(0.0, 0.0), (10.0, 0.0), (10.0, 10.0)]
    bump = [(0.0, 0.0), (5.0, 3.0), (10.0, 0.0)]
    assert maps.simplify([*bump, (10.0, 5.0)], 0.5)[:3] == bump  # a corner further than the tolerance stays


def test_polygons_and_multipolygons_give_every_ring_and_nothing_else() -> None:
    square = [[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]
    hole = [[0.2, 0.2], [0.4, 0.2], [0.4, 0.4], [0.2, 0.2]]
    assert len(maps.rings({"type": "Polygon", "coordinates": [square, hole]})) == 2
    assert len(maps.rings({"type": "MultiPolygon", "coordinates": [[square], [square, hole]]})) == 3
    assert maps.rings({"type": "Point", "coordinates": [100.0, -1.0]}) == []


def test_the_projection_keeps_shapes_true_with_the_cosine_of_the_latitude() -> None:
    # A one-degree square between 60°N and 61°N is cos(60.5°) = 0.492 as wide as it is tall.
    ring = [[10, 60], [11, 60], [11, 61], [10, 61], [10, 60]]
    projected = maps.project({"X": {"type": "Polygon", "coordinates": [ring]}}, width=1000)
    assert (projected.width, projected.height) == (492, 1000)  # the map is no wider than its shape
    assert projected.paths["X"] == "M0 1000l492 0 0-1000-492 0z"  # north is up, moves are relative


@pytest.mark.django_db
def test_the_nation_map_of_the_shared_provinces_is_small_and_has_every_province() -> None:
    load_boundaries(PROVINSI_GEOJSON)
    codes = list(Region.objects.filter(level=1).values_list("code", flat=True))
    loaded = boundaries_loaded(codes)
    assert len(loaded) == 38
    shapes = maps.region_shapes(loaded)
    areas = [
        maps.Area(code, f"Provinsi {code} <uji>", f"c{i % 6}", f"/?region={code}&on=2026-01-01")
        for i, code in enumerate(loaded)
    ]
    svg = str(maps.svg(shapes, areas, "Peta cakupan Indonesia"))
    size = len(svg.encode())
    assert size < 300_000, f"{size} bytes of SVG for 38 provinces"
    paths = re.findall(r'<path class="(c\d)" d="M[\d -]+l[\d -]+z(?:M[\d -]+l[\d -]+z)*">', svg)
    assert len(paths) == 38
    assert paths[:7] == ["c0", "c1", "c2", "c3", "c4", "c5", "c0"]
    assert svg.count('<a href="/?region=') == 38
    assert "&amp;on=2026-01-01" in svg and "&lt;uji&gt;" in svg  # attributes and titles are escaped
    assert "style=" not in svg
    assert svg.startswith("<svg") and "<title" in svg
    assert 300 < shapes.height < shapes.width == 1000  # Indonesia is wide


@pytest.mark.django_db
def test_projected_paths_come_from_the_cache_the_second_time() -> None:
    load_boundaries(PROVINSI_GEOJSON)
    first = maps.region_shapes(["13", "16"])
    with CaptureQueriesContext(connection) as queries:
        again = maps.region_shapes(["16", "13"])
    assert len(queries.captured_queries) == 0
    assert again == first and set(first.paths) == {"13", "16"}


@pytest.mark.django_db
def test_regions_without_a_boundary_are_not_drawn() -> None:
    assert boundaries_loaded(["13", "13.11"]) == []
    shapes = maps.region_shapes(["13"])
    assert shapes.paths == {}
    svg = str(maps.svg(shapes, [maps.Area("13", "Sumatera Barat", "c3")], "Peta"))
    assert "<path" not in svg
