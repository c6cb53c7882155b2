"""Choropleth maps drawn on the server: GeoJSON boundaries (Region.boundary) become one SVG path per region,
coloured by a class c0, cz, c1..c5 (lindung.css), so the page needs no script, no tiles and no inline style.

The projection is equirectangular with the longitudes scaled by cos(latitude) at the map's middle, which
keeps Indonesia (11°S-6°N) true enough in shape. Each ring is thinned twice: first points closer than the
tolerance to the last kept one go (a radial pass), then Douglas-Peucker; islets smaller than a pixel are left
out unless they are all a region has. The coordinates are whole units of a map 1000 wide, written as
relative moves, which keeps the 38 provinces of the nation under 100 KB.

Boundaries are large (2 MB of JSON for the provinces), so the projected paths of a set of regions are kept
in Django's cache for a day (`lindung regions boundaries` again shows after that day at the latest).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from lindung.regions.queries import boundaries

WIDTH = 1000  # map units across; the SVG scales to the page
TOLERANCE = 0.6  # map units (a pixel or so at full width): what a simplified ring may deviate
CACHE_SECONDS = 24 * 3600

Point = tuple[float, float]

# The coverage classes: (lower bound in percent, class). c0: nobody on the roster or nobody enrolled.
BUCKETS: tuple[tuple[Decimal, int], ...] = (
    (Decimal(80), 5),
    (Decimal(60), 4),
    (Decimal(40), 3),
    (Decimal(20), 2),
    (Decimal(0), 1),
)


def bucket(coverage: Decimal | None) -> int:
    """The class number of a coverage percentage: 0 for no data or 0%, then 1 (<20%) up to 5 (≥80%)."""
    if coverage is None or coverage <= 0:
        return 0
    return next(n for low, n in BUCKETS if coverage >= low)


def area_class(coverage: Decimal | None) -> str:
    """The CSS class of an area: "c0" for no data (nobody on a roster), "cz" for 0% (workers, nobody
    enrolled: the Pemda monitors look for, in a strong colour of their own), then "c1" (<20%) to "c5" (≥80%)."""
    if coverage is None:
        return "c0"
    if coverage <= 0:
        return "cz"
    return f"c{bucket(coverage)}"


def rings(geometry: Mapping[str, Any]) -> list[list[Point]]:
    """Every ring (outer and holes) of a Polygon or MultiPolygon, as (longitude, latitude) points."""
    kind = geometry.get("type")
    coordinates = geometry.get("coordinates") or []
    polygons = [coordinates] if kind == "Polygon" else coordinates if kind == "MultiPolygon" else []
    return [[(float(p[0]), float(p[1])) for p in ring] for polygon in polygons for ring in polygon if len(ring) >= 4]


def _segment_distance(p: Point, a: Point, b: Point) -> float:
    dx, dy = b[0] - a[0], b[1] - a[1]
    if dx == 0 and dy == 0:
        return math.hypot(p[0] - a[0], p[1] - a[1])
    t = max(0.0, min(1.0, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / (dx * dx + dy * dy)))
    return math.hypot(p[0] - a[0] - t * dx, p[1] - a[1] - t * dy)


def simplify(points: Sequence[Point], tolerance: float) -> list[Point]:
    """`points` thinned: a radial pass (drop points within `tolerance` of the last kept), then
    Douglas-Peucker with the same tolerance. The first and last points always stay."""
    if len(points) <= 3:
        return list(points)
    near = [points[0]]
    for p in points[1:-1]:
        if math.hypot(p[0] - near[-1][0], p[1] - near[-1][1]) >= tolerance:
            near.append(p)
    near.append(points[-1])
    keep = [False] * len(near)
    keep[0] = keep[-1] = True
    stack = [(0, len(near) - 1)]
    while stack:
        first, last = stack.pop()
        worst, index = 0.0, -1
        for i in range(first + 1, last):
            d = _segment_distance(near[i], near[first], near[last])
            if d > worst:
                worst, index = d, i
        if index >= 0 and worst > tolerance:
            keep[index] = True
            stack.append((first, index))
            stack.append((index, last))
    return [p for p, kept in zip(near, keep, strict=True) if kept]


@dataclass(frozen=True)
class Projected:
    """Regions ready to draw: the map's size and each region's SVG path data."""

    width: int
    height: int
    paths: Mapping[str, str]  # region code -> path data


def _path(ring_points: Iterable[tuple[int, int]]) -> str:
    """`M x y l dx dy ... z`: relative moves after the first, with no space before a minus sign."""
    points = list(ring_points)
    out = [f"M{points[0][0]} {points[0][1]}l"]
    x, y = points[0]
    parts: list[str] = []
    for px, py in points[1:]:
        parts.extend((str(px - x), str(py - y)))
        x, y = px, py
    text = ""
    for part in parts:
        text += part if (not text or part.startswith("-")) else " " + part
    out.append(text)
    out.append("z")
    return "".join(out)


def project(geometries: Mapping[str, Mapping[str, Any]], width: int = WIDTH, tolerance: float = TOLERANCE) -> Projected:
    """The regions' boundaries projected onto a map `width` units wide (the height follows), simplified."""
    shapes = {code: rings(g) for code, g in geometries.items()}
    every = [p for rs in shapes.values() for ring in rs for p in ring]
    if not every:
        return Projected(width, 0, {})
    west, east = min(p[0] for p in every), max(p[0] for p in every)
    south, north = min(p[1] for p in every), max(p[1] for p in every)
    squeeze = math.cos(math.radians((north + south) / 2))
    span = max((east - west) * squeeze, north - south, 1e-9)
    scale = width / span
    map_width = max(1, round((east - west) * squeeze * scale))
    height = max(1, round((north - south) * scale))
    smallest = 4 * tolerance * tolerance  # a ring whose box is smaller is an islet
    paths: dict[str, str] = {}
    for code, region_rings in shapes.items():
        drawn: list[tuple[float, str]] = []
        for ring in region_rings:
            flat = [((lon - west) * squeeze * scale, (north - lat) * scale) for lon, lat in ring]
            xs, ys = [p[0] for p in flat], [p[1] for p in flat]
            grid: list[tuple[int, int]] = []
            for x, y in simplify(flat, tolerance):
                point = (round(x), round(y))
                if not grid or grid[-1] != point:
                    grid.append(point)
            if len(grid) > 1 and grid[0] == grid[-1]:
                grid.pop()  # `z` closes the ring
            if len(grid) >= 3:
                drawn.append(((max(xs) - min(xs)) * (max(ys) - min(ys)), _path(grid)))
        kept = [d for size, d in drawn if size >= smallest]
        if not kept and drawn:  # only islets: keep the largest, so the region is still on the map
            kept = [max(drawn)[1]]
        if kept:
            paths[code] = "".join(kept)
    return Projected(map_width, height, paths)


def region_shapes(codes: Sequence[str]) -> Projected:
    """The projected paths of these regions (those with a boundary), from the cache when there."""
    wanted = sorted(set(codes))
    digest = hashlib.sha1(",".join(wanted).encode(), usedforsecurity=False).hexdigest()
    key = f"lindung:map:{WIDTH}:{digest}"
    found: Projected | None = cache.get(key)
    if found is None:
        found = project(boundaries(wanted))
        cache.set(key, found, CACHE_SECONDS)
    return found


@dataclass(frozen=True)
class Area:
    """One region on the map: its code, the tooltip, its class and where a click goes (if anywhere)."""

    code: str
    title: str
    css: str  # c0 (no data), cz (0%), c1..c5
    href: str | None = None


def svg(shapes: Projected, areas: Sequence[Area], title: str) -> SafeString:
    """The map: one `<path>` per area that has a shape, each with its `<title>`, linked where allowed."""
    drawn = []
    for area in areas:
        d = shapes.paths.get(area.code)
        if not d:
            continue
        path = format_html('<path class="{}" d="{}"><title>{}</title></path>', area.css, d, area.title)
        drawn.append(format_html('<a href="{}">{}</a>', area.href, path) if area.href else path)
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" role="img" aria-labelledby="peta-judul">'
        '<title id="peta-judul">{}</title>{}</svg>',
        shapes.width,
        shapes.height,
        title,
        mark_safe("".join(drawn)),  # every part went through format_html
    )
