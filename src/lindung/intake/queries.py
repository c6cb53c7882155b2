"""The roster import jobs a scope may read: the list, one job, and its error workbook. The wizard's pages and
the API ask here, so that neither can show a job of another unit or Pemda (NotFound)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from lindung.accounts.scope import Scope
from lindung.domain.errors import NotFound
from lindung.intake.jobs import errors_path, recover
from lindung.intake.models import ImportJob


def import_jobs(scope: Scope) -> QuerySet[ImportJob]:
    """The scope's import jobs, newest first, with their Pemda, unit and uploader."""
    jobs = ImportJob.objects.select_related("employer", "unit", "created_by")
    return scope.restrict(jobs).order_by("-created_at", "id")


def import_job(scope: Scope, job_id: uuid.UUID) -> ImportJob:
    """The scope's job `job_id` (NotFound otherwise), told so if the process checking or writing it has stopped."""
    return recover(scope.get(ImportJob.objects.select_related("employer", "unit", "created_by"), pk=job_id))


@dataclass(frozen=True)
class ErrorWorkbook:
    path: Path
    upload_name: str  # the uploaded file's name, which the download's name follows


def error_workbook(scope: Scope, job_id: uuid.UUID) -> ErrorWorkbook:
    """The error workbook of the scope's job `job_id`: the file's rows, problem cells marked, a column of
    reasons. NotFound when the job is not the scope's or has no workbook (yet)."""
    job = import_job(scope, job_id)
    path = errors_path(job)
    if not path.is_file():
        raise NotFound(_("Belum ada berkas kesalahan untuk impor ini."))
    return ErrorWorkbook(path, job.file_name)
