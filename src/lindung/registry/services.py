"""Registry use cases: employers, units, change history, and one correction of a worker or an employment
made on the worker's page. Each owns its transaction."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from lindung.domain import corrections
from lindung.domain.errors import Issue, NotFound, ValidationFailed
from lindung.domain.messages import Lang
from lindung.domain.parsing import one_date, one_rupiah
from lindung.regions.models import Region
from lindung.registry.models import Change, ChangeSet, Employer, Employment, Worker
from lindung.registry.signals import notify


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


# --- one correction on a worker's page -------------------------------------------------------------------
# The roster import's history for one value: a ChangeSet (who, from where, why) and a Change with the fields
# before and after; the derived coverage is retired in the same transaction (`notify`).


def _refused(field: str, problem: corrections.Problem, lang: Lang) -> ValidationFailed:
    message = corrections.say(problem, lang)
    return ValidationFailed(message, [Issue(None, field, problem[0], message)])


def _reason(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()[:300]


def correct_name(worker_id: int, name: str, *, actor: str, reason: str = "", lang: Lang = "id") -> bool:
    """Correct a worker's name; False when it is the name already recorded (nothing is written)."""
    cleaned, problem = corrections.clean_name(name)
    if problem is not None:
        raise _refused("name", problem, lang)
    with transaction.atomic():
        worker = Worker.objects.select_for_update().get(pk=worker_id)
        if worker.name == cleaned:
            return False
        cs = open_changeset(actor, "worker correct name", {"reason": _reason(reason)})
        record_change(cs, "registry.worker", worker.pk, "update", {"name": worker.name}, {"name": cleaned})
        worker.name = cleaned
        worker.updated_at = timezone.now()
        worker.save(update_fields=["name", "updated_at"])
        employers = Employment.objects.filter(worker=worker).values_list("employer_id", flat=True)
        notify("registry.correction", employers)
    return True


def correct_employment(
    employment_id: int, *, wage: str, job_title: str, actor: str, reason: str = "", lang: Lang = "id"
) -> bool:
    """Correct the wage and job title of an employment still running; False when nothing differs.

    The wage counts from today's month, as a roster import's would (the ChangeSet is effective today)."""
    amount, sen = one_rupiah(wage)
    if amount is None and len(re.sub(r"\D", "", wage.split(",")[0])) > corrections.WAGE_DIGITS:
        amount = corrections.WAGE_MAX + 1  # too many digits for a number: a typing slip, said as such
    if (problem := corrections.wage_problem(amount, sen)) is not None:
        raise _refused("wage", problem, lang)
    job, problem = corrections.clean_job_title(job_title)
    if problem is not None:
        raise _refused("job_title", problem, lang)
    with transaction.atomic():
        employment = Employment.objects.select_for_update().get(pk=employment_id)
        if employment.end_date is not None:
            raise _refused("wage", ("END_ALREADY", employment.end_date), lang)
        before = {"wage": employment.wage, "job_title": employment.job_title}
        after = {"wage": amount, "job_title": job}
        changed = {k for k in before if before[k] != after[k]}
        if not changed:
            return False
        today = timezone.localdate()
        cs = open_changeset(actor, "employment correct", {"reason": _reason(reason)}, effective=today)
        record_change(
            cs,
            "registry.employment",
            employment.pk,
            "update",
            {k: before[k] for k in changed},
            {k: after[k] for k in changed},
        )
        employment.wage = amount  # type: ignore[assignment]  # checked by wage_problem
        employment.job_title = job
        employment.updated_at = timezone.now()
        employment.save(update_fields=["wage", "job_title", "updated_at"])
        notify("registry.correction", [employment.employer_id])
    return True


def end_employment(employment_id: int, *, end: str, actor: str, reason: str = "", lang: Lang = "id") -> dt.date:
    """End an employment on a day (an exit: resignation, end of contract, death); its history is kept.

    The membership at BPJS TK ends at the end of that month when the Pemda next enrols (`lindung enrol`)."""
    today = timezone.localdate()
    day = one_date(end, today)
    with transaction.atomic():
        employment = Employment.objects.select_for_update().get(pk=employment_id)
        problem = corrections.end_problem(day, employment.start_date, employment.end_date, today)
        if problem is not None:
            raise _refused("end_date", problem, lang)
        assert day is not None
        cs = open_changeset(actor, "employment end", {"reason": _reason(reason)}, effective=day)
        record_change(
            cs,
            "registry.employment",
            employment.pk,
            "end",
            {"end_date": None, "unit": employment.unit.code},
            {"end_date": day},
        )
        employment.end_date = day
        employment.updated_at = timezone.now()
        employment.save(update_fields=["end_date", "updated_at"])
        notify("registry.correction", [employment.employer_id])
    return day
