"""The regions' reads the map asks for: which regions have a boundary, and the boundaries themselves."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from lindung.regions.models import Region


def boundaries_loaded(codes: Sequence[str]) -> list[str]:
    """Which of these regions have a boundary (without reading the boundaries), in code order."""
    return list(
        Region.objects.filter(code__in=list(codes), boundary__isnull=False)
        .order_by("code")
        .values_list("code", flat=True)
    )


def boundaries(codes: Sequence[str]) -> dict[str, dict[str, Any]]:
    """The GeoJSON geometry of each of these regions that has one."""
    rows = Region.objects.filter(code__in=list(codes), boundary__isnull=False).values_list("code", "boundary")
    return {code: geometry for code, geometry in rows if isinstance(geometry, dict)}
