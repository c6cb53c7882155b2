"""Workers, their employments and memberships: scoped like the roster pages; NIK masked in every list."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router

from lindung.accounts.services import log_full_record
from lindung.api.auth import caller, scope_for
from lindung.api.paging import page
from lindung.api.schemas import (
    EmploymentFilters,
    EmploymentPage,
    Error,
    MembershipFilters,
    MembershipPage,
    Paging,
    WorkerDetail,
    WorkerFilters,
    WorkerPage,
)
from lindung.domain.formats import mask_nik, mask_phone
from lindung.enrolment import roster
from lindung.enrolment.roster import RosterFilter

if TYPE_CHECKING:
    from lindung.enrolment.models import Membership
    from lindung.registry.models import Employment, Worker

router = Router(tags=["pekerja"])
ERRORS: dict[int, type[Error]] = {401: Error, 403: Error, 404: Error, 422: Error}


def employment_brief(e: Employment) -> dict[str, Any]:
    return {
        "id": e.pk,
        "employer": e.employer.region_id,
        "unit": e.unit.code,
        "category": e.category,
        "job_title": e.job_title,
        "wage": e.wage,
        "start_date": e.start_date,
        "end_date": e.end_date,
    }


def membership_item(m: Membership) -> dict[str, Any]:
    return {
        "id": m.pk,
        "worker_id": m.worker_id,
        "worker_name": m.worker.name,
        "nik": mask_nik(m.worker.nik),
        "employer": m.employer.region_id,
        "unit": m.employment.unit.code,
        "segment": m.segment,
        "status": m.status,
        "kpj": m.kpj,
        "valid_from": m.valid_from,
        "valid_to": m.valid_to,
    }


def _worker_item(w: Worker) -> dict[str, Any]:
    return {
        "id": w.pk,
        "nik": mask_nik(w.nik),
        "name": w.name,
        "sex": w.sex,
        "employments": [employment_brief(e) for e in w.scoped_employments],  # type: ignore[attr-defined]
    }


@router.get("/workers", response={200: WorkerPage, **ERRORS}, openapi_extra={"x-lindung-action": "roster.view"})
def workers(request: HttpRequest, filters: Query[WorkerFilters], paging: Query[Paging]) -> dict[str, Any]:
    """Workers in the caller's scope, by name, found as the roster page finds them: by name, by the NIK's
    last digits (or in full, for roles that may see it), by unit code, category, and whether still working."""
    scope = scope_for(request, "roster.view")
    f = RosterFilter.of(
        scope, q=filters.q or "", unit=filters.unit or "", category=filters.category or "", active=filters.active
    )
    found = roster.with_employments(scope, roster.roster_workers(scope, f, timezone.localdate()))
    return page(found, paging, _worker_item)


@router.get(
    "/workers/{int:worker_id}",
    response={200: WorkerDetail, **ERRORS},
    openapi_extra={"x-lindung-action": "roster.view"},
)
def worker(request: HttpRequest, worker_id: int) -> dict[str, Any]:
    """One worker with employments and memberships in scope. Full NIK, phone and birth date only for roles
    that need them; each such answer is written to the access log."""
    scope = scope_for(request, "roster.view")
    w = roster.worker_of(scope, worker_id)
    full = scope.can("personal.full")
    if full:
        log_full_record(caller(request)[0].pk, w, "api", request.path)
    return {
        "id": w.pk,
        "full": full,
        "nik": w.nik if full else mask_nik(w.nik),
        "name": w.name,
        "sex": w.sex,
        "birth_date": w.birth_date if full else None,
        "phone": w.phone if full else mask_phone(w.phone),
        "domicile": w.domicile_id,
        "employments": [employment_brief(e) for e in roster.scoped_employments(scope, w)],
        "memberships": [membership_item(m) for m in roster.memberships_of(scope, w)],
    }


def _employment_item(e: Employment) -> dict[str, Any]:
    return employment_brief(e) | {
        "worker_id": e.worker_id,
        "worker_name": e.worker.name,
        "nik": mask_nik(e.worker.nik),
        "sk_number": e.sk_number,
    }


@router.get("/employments", response={200: EmploymentPage, **ERRORS}, openapi_extra={"x-lindung-action": "roster.view"})
def employments(request: HttpRequest, filters: Query[EmploymentFilters], paging: Query[Paging]) -> dict[str, Any]:
    scope = scope_for(request, "roster.view")
    found = roster.employment_list(scope, timezone.localdate(), unit=filters.unit or "", active=filters.active)
    return page(found, paging, _employment_item)


@router.get("/memberships", response={200: MembershipPage, **ERRORS}, openapi_extra={"x-lindung-action": "roster.view"})
def memberships(request: HttpRequest, filters: Query[MembershipFilters], paging: Query[Paging]) -> dict[str, Any]:
    scope = scope_for(request, "roster.view")
    found = roster.membership_list(scope, status=filters.status or "", has_kpj=filters.has_kpj)
    return page(found, paging, membership_item)
