"""Registry use cases: employers, units, change history. Each owns its transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from lindung.domain.errors import NotFound, ValidationFailed
from lindung.regions.models import Region
from lindung.registry.models import Change, ChangeSet, Employer


def open_changeset(
    actor: str, source: str, summary: Mapping[str, Any] | None = None, effective: dt.date | None = None
) -> ChangeSet:
    return ChangeSet.objects.create(actor=actor, source=source[:300], summary=dict(summary or {}), effective=effective)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def change_row(
    changeset: ChangeSet,
    model: str,
    object_id: object,
    action: str,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
) -> Change:
    """An unsaved Change, for writing many at once with `Change.objects.bulk_create`."""
    return Change(
        changeset=changeset,
        model=model,
        object_id=str(object_id),
        action=action,
        before={k: _jsonable(v) for k, v in before.items()} if before is not None else None,
        after={k: _jsonable(v) for k, v in after.items()} if after is not None else None,
    )


def record_change(
    changeset: ChangeSet,
    model: str,
    object_id: object,
    action: str,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
) -> Change:
    change = change_row(changeset, model, object_id, action, before, after)
    change.save(force_insert=True)
    return change


def employer_name(region: Region) -> str:
    return f"Pemerintah {region.name}" if region.level == Region.Level.KABKOTA else f"Pemerintah Provinsi {region.name}"


def get_employer(code: str) -> Employer:
    try:
        return Employer.objects.select_related("region").get(region_id=code.strip())
    except Employer.DoesNotExist:
        raise NotFound(
            f"Pemda {code} belum terdaftar; daftarkan dengan `lindung employer add --region {code}`"
        ) from None


@dataclass(frozen=True)
class EmployerResult:
    employer: Employer
    outcome: str  # created, updated, unchanged


def add_employer(region_code: str, npp: str | None, actor: str) -> EmployerResult:
    """Register a province or kab/kota government. Running it again changes nothing; a new NPP is recorded."""
    code = region_code.strip()
    region = Region.objects.filter(code=code, current=True).first()
    if region is None:
        raise NotFound(f"Kode wilayah {code} tidak dikenal; jalankan `lindung init` atau periksa kodenya")
    if region.level not in (Region.Level.PROVINSI, Region.Level.KABKOTA):
        raise ValidationFailed(f"{code} {region.name} bukan provinsi atau kabupaten/kota")
    npp = npp.strip() if npp else None
    if npp is not None and not npp.isalnum():
        raise ValidationFailed(f"NPP {npp!r} hanya boleh berisi huruf dan angka")
    with transaction.atomic():
        employer = Employer.objects.select_for_update().filter(region=region).first()
        if employer is None:
            cs = open_changeset(actor, f"employer add {code}")
            employer = Employer.objects.create(region=region, name=employer_name(region), npp=npp)
            record_change(
                cs,
                "registry.employer",
                employer.pk,
                "create",
                None,
                {"region": code, "name": employer.name, "npp": npp},
            )
            return EmployerResult(employer, "created")
        if npp is not None and employer.npp != npp:
            if Employer.objects.filter(npp=npp).exclude(pk=employer.pk).exists():
                raise ValidationFailed(f"NPP {npp} sudah dipakai Pemda lain")
            cs = open_changeset(actor, f"employer add {code} --npp {npp}")
            record_change(cs, "registry.employer", employer.pk, "update", {"npp": employer.npp}, {"npp": npp})
            employer.npp = npp
            employer.save(update_fields=["npp"])
            return EmployerResult(employer, "updated")
    return EmployerResult(employer, "unchanged")
