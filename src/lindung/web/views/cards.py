"""Printing all kartu peserta of a Pemda or a unit: start a job (branch officers), follow its progress, resume
it when it stopped, and download the one PDF or the zip (one PDF per unit)."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRefresh

from lindung.accounts.scope import Scope
from lindung.documents import jobs
from lindung.domain.errors import LindungError, NotFound
from lindung.web.access import is_htmx, needs
from lindung.web.forms import actor, count_text, posted_employer

if TYPE_CHECKING:
    from lindung.documents.models import CardJob

KINDS: dict[str, str] = {"pdf": "application/pdf", "zip": "application/zip"}


def _context(job: CardJob) -> dict[str, object]:
    stopped = jobs.is_stale(job)
    return {
        "job": job,
        "running": job.status in jobs.RUNNING and not stopped,
        "resumable": jobs.has_failed(job) or stopped,
        "written": count_text(job.written),
        "total": count_text(job.total),
    }


@require_POST
@needs("documents.issue")
def card_job_start(request: HttpRequest, scope: Scope) -> HttpResponse:
    employer = posted_employer(request, scope)
    try:
        job = jobs.create_job(
            employer.region_id,
            actor=actor(request),
            unit=request.POST.get("unit", "").strip() or None,
            cards=request.POST.get("cards", jobs.DEFAULT_CARDS),
            output=request.POST.get("output", jobs.DEFAULT_OUTPUT),
            reason=request.POST.get("reason", ""),
        )
    except LindungError as exc:
        messages.error(request, str(exc))
        return redirect("documents")
    jobs.submit(job)
    return redirect("card_job", job_id=job.pk)


@needs("documents.view")
def card_job(request: HttpRequest, scope: Scope, job_id: uuid.UUID) -> HttpResponse:
    return render(request, "web/documents/card_job.html", _context(jobs.card_job(scope, job_id)))


@needs("documents.view")
def card_job_status(request: HttpRequest, scope: Scope, job_id: uuid.UUID) -> HttpResponse:
    """The progress fragment htmx polls; once the job has stopped the page reloads to show the outcome."""
    context = _context(jobs.card_job(scope, job_id))
    if not context["running"] and is_htmx(request):
        return HttpResponseClientRefresh()
    return render(request, "web/documents/_card_progress.html", context)


@needs("documents.view")
def card_job_download(request: HttpRequest, scope: Scope, job_id: uuid.UUID) -> HttpResponseBase:
    job = jobs.card_job(scope, job_id)
    target = jobs.output_path(job)
    if not jobs.is_done(job) or not target.is_file():
        raise NotFound("Berkas kartu belum selesai dibuat")
    return FileResponse(target.open("rb"), as_attachment=True, filename=job.file_name, content_type=KINDS[job.output])


@require_POST
@needs("documents.issue")
def card_job_resume(request: HttpRequest, scope: Scope, job_id: uuid.UUID) -> HttpResponse:
    job = jobs.card_job(scope, job_id)
    try:
        jobs.resume(job)
    except LindungError as exc:
        messages.error(request, str(exc))
    return redirect("card_job", job_id=job.pk)


urlpatterns = [
    path("dokumen/kartu/", card_job_start, name="card_job_start"),
    path("dokumen/kartu/<uuid:job_id>/", card_job, name="card_job"),
    path("dokumen/kartu/<uuid:job_id>/status/", card_job_status, name="card_job_status"),
    path("dokumen/kartu/<uuid:job_id>/unduh/", card_job_download, name="card_job_download"),
    path("dokumen/kartu/<uuid:job_id>/lanjutkan/", card_job_resume, name="card_job_resume"),
]
