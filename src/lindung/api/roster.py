"""Workers, their employments and memberships: scoped like the roster pages; NIK masked in every list."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
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
from lindung.domain.privacy import mask_nik
from lindung.enrolment.models import Membership
from lindung.registry.models import Employment, Worker

router = Router(tags=["pekerja"])
ERRORS: dict[int, type[Error]] = {401: Error, 403: Error, 404: Error, 422: Error}
VISIBLE_SUFFIX = 4  # the digits a masked NIK shows at its end: a longer suffix search needs personal.full


def _active() -> Q:
    return Q(end_date__isnull=True) | Q(end_date__gte=timezone.localdate())


def mask_phone(phone: str | None) -> str | None:
    if not phone:
        return phone
    return "*" * max(len(phone) - 3, 0) + phone[-3:]


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


def _employments(scope_qs: QuerySet[Employment]) -> QuerySet[Employment]:
    return scope_qs.select_related("employer", "unit").order_by("start_date", "id")


@router.get("/workers", response={200: WorkerPage, **ERRORS}, openapi_extra={"x-lindung-action": "roster.view"})
def workers(request: HttpRequest, filters: Query[WorkerFilters], paging: Query[Paging]) -> dict[str, Any]:
    """Workers in the caller's scope, by name; filters apply to their employments in scope."""
    scope = scope_for(request, "roster.view")
    held = scope.restrict(Employment.objects.all())
    qs = scope.restrict(Worker.objects.all())
    matching = held
    if filters.unit:
        matching = matching.filter(unit__code=filters.unit)
    if filters.category:
        matching = matching.filter(category=filters.category)
    if filters.unit or filters.category:
        qs = qs.filter(Exists(matching.filter(worker_id=OuterRef("pk"))))
    if filters.active is not None:
        working = Exists(matching.filter(_active(), worker_id=OuterRef("pk")))
        qs = qs.filter(working if filters.active else ~working)
    q = (filters.q or "").strip()
    if q.isdigit() and q.isascii():
        if len(q) > VISIBLE_SUFFIX and not scope.can("personal.full"):
            q = q[-VISIBLE_SUFFIX:]
        qs = qs.filter(nik__endswith=q)
    elif q:
        qs = qs.filter(name__icontains=q)
    qs = qs.prefetch_related(Prefetch("employments", _employments(held), to_attr="scoped_employments"))
    return page(qs.order_by("name", "id"), paging, _worker_item)


@router.get(
    "/workers/{int:worker_id}",
    response={200: WorkerDetail, **ERRORS},
    openapi_extra={"x-lindung-action": "roster.view"},
)
def worker(request: HttpRequest, worker_id: int) -> dict[str, Any]:
    """One worker with employments and memberships in scope. Full NIK, phone and birth date only for roles
    that need them; each such answer is written to the access log."""
    scope = scope_for(request, "roster.view")
    w = scope.get(Worker.objects.select_related("domicile"), pk=worker_id)
    full = scope.can("personal.full")
    if full:
        log_full_record(caller(request)[0].pk, w, "api", request.path)
    memberships = scope.restrict(
        Membership.objects.filter(worker=w).select_related("worker", "employer", "employment__unit")
    ).order_by("valid_from", "id")
    return {
        "id": w.pk,
        "full": full,
        "nik": w.nik if full else mask_nik(w.nik),
        "name": w.name,
        "sex": w.sex,
        "birth_date": w.birth_date if full else None,
        "phone": w.phone if full else mask_phone(w.phone),
        "domicile": w.domicile_id,
        "employments": [employment_brief(e) for e in _employments(scope.restrict(w.employments.all()))],
        "memberships": [membership_item(m) for m in memberships],
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
    qs = scope.restrict(Employment.objects.select_related("employer", "unit", "worker"))
    if filters.unit:
        qs = qs.filter(unit__code=filters.unit)
    if filters.active is not None:
        qs = qs.filter(_active()) if filters.active else qs.exclude(_active())
    return page(qs.order_by("id"), paging, _employment_item)


@router.get("/memberships", response={200: MembershipPage, **ERRORS}, openapi_extra={"x-lindung-action": "roster.view"})
def memberships(request: HttpRequest, filters: Query[MembershipFilters], paging: Query[Paging]) -> dict[str, Any]:
    scope = scope_for(request, "roster.view")
    qs = scope.restrict(Membership.objects.select_related("worker", "employer", "employment__unit"))
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.has_kpj is not None:
        with_kpj = Q(kpj__isnull=False) & ~Q(kpj="")
        qs = qs.filter(with_kpj) if filters.has_kpj else qs.exclude(with_kpj)
    return page(qs.order_by("id"), paging, membership_item)
