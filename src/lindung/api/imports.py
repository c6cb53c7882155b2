"""Roster import jobs: list and read them, and upload a file for a dry check (nothing is written to the roster).

Uploads go through the web wizard's job runner (`intake.jobs`): the file is kept under DATA_DIR/imports/<job id>/
with its error workbook, a small file is checked within the request, a large one by the background worker, and
the wizard can commit the job later.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest
from ninja import File, Form, Query, Router
from ninja.files import UploadedFile
from ninja.responses import Status

from lindung.api.auth import caller, scope_for
from lindung.api.paging import page
from lindung.api.schemas import Error, ImportDetail, ImportPage, Paging
from lindung.intake import jobs, queries

if TYPE_CHECKING:
    from lindung.intake.models import ImportJob

router = Router(tags=["impor"])
ERRORS: dict[int, type[Error]] = {400: Error, 401: Error, 403: Error, 404: Error, 422: Error}


def _item(job: ImportJob) -> dict[str, Any]:
    return {
        "id": job.pk,
        "employer": job.employer.region_id,
        "unit": job.unit.code if job.unit else None,
        "file_name": job.file_name,
        "status": job.status,
        "mode": job.mode,
        "counts": {k: getattr(job, k) for k in ("rows", "new", "changed", "unchanged", "rejected", "warned")},
        "created_at": job.created_at,
        "issue_count": job.issue_count,
    }


def _detail(job: ImportJob) -> dict[str, Any]:
    return _item(job) | {"message": job.message, "issues": job.issues}


@router.get("/imports", response={200: ImportPage, **ERRORS}, openapi_extra={"x-lindung-action": "roster.view"})
def imports(request: HttpRequest, paging: Query[Paging]) -> dict[str, Any]:
    scope = scope_for(request, "roster.view")
    return page(queries.import_jobs(scope), paging, _item)


@router.get(
    "/imports/{uuid:job_id}", response={200: ImportDetail, **ERRORS}, openapi_extra={"x-lindung-action": "roster.view"}
)
def import_job(request: HttpRequest, job_id: uuid.UUID) -> dict[str, Any]:
    scope = scope_for(request, "roster.view")
    return _detail(queries.import_job(scope, job_id))


@router.post("/imports", response={201: ImportDetail, **ERRORS}, openapi_extra={"x-lindung-action": "roster.edit"})
def upload(
    request: HttpRequest,
    file: File[UploadedFile],
    unit: Form[str | None] = None,
    employer: Form[str | None] = None,
) -> Status[dict[str, Any]]:
    """Upload a roster (.csv or .xlsx) and check it without writing anything: the job lists every problem by row
    and column. A file up to 256 KB is checked before the answer (status `checked` or `failed`); a larger one is
    queued (status `queued`): read `GET /imports/{id}` until it is checked. A clerk's roster is for their own
    unit; a Pemda admin may name a unit or leave it to the file's unit column. A Pemda or unit outside the
    caller's scope, or not registered, is 404, as in the web wizard."""
    scope = scope_for(request, "roster.edit")
    user, _ = caller(request)
    job = jobs.start_job(scope, file.chunks(), file.name or "", file.size or 0, employer, unit)
    job = jobs.submit(scope, job, "dry", actor=user.username)
    return Status(201, _detail(queries.import_job(scope, job.pk)))
