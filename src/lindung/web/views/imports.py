"""The roster import wizard: upload, check (in the request or in the background with a live progress bar),
preview every problem by row and column, download the error workbook, and commit."""

from __future__ import annotations

import re
import tempfile
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect, HttpResponseClientRefresh

from lindung.accounts.scope import Scope
from lindung.domain.errors import ValidationFailed
from lindung.domain.formats import thousands
from lindung.intake import jobs, queries
from lindung.intake.workbooks import write_template
from lindung.web.access import is_htmx, needs
from lindung.web.forms import page_lang

if TYPE_CHECKING:
    from lindung.intake.models import ImportJob

STAGES = {
    "baca": gettext_lazy("Membaca berkas"),
    "periksa": gettext_lazy("Memeriksa baris"),
    "tulis": gettext_lazy("Menyimpan ke daftar pekerja"),
}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHOWN = 1000  # rows of the "not in file" list shown on the page


def _recent(scope: Scope) -> list[tuple[ImportJob, str]]:
    """The scope's latest jobs, each with its row count written with thousands dots."""
    return [(j, thousands(j.rows)) for j in queries.import_jobs(scope)[:20]]


@needs("roster.edit")
def import_start(request: HttpRequest, scope: Scope) -> HttpResponse:
    """The upload form and the scope's latest jobs. The upload goes where `import_target` allows: a Pemda or
    unit outside the scope is a 404 page, as in the API; no Pemda chosen, or a file that cannot be a roster,
    shows the form again with the reason (400)."""
    error = ""
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise ValidationFailed(_("Pilih berkas .csv atau .xlsx untuk diunggah."))
            employer, unit = request.POST.get("employer"), request.POST.get("unit")
            job = jobs.start_job(scope, upload.chunks(), upload.name or "", upload.size or 0, employer, unit)
        except ValidationFailed as exc:
            error = str(exc)
        else:
            jobs.submit(scope, job, "dry", request.user.get_username(), page_lang())
            return redirect("import_job", job_id=job.pk)
    employers = list(scope.employers()) if scope.unit_id is None else []
    context = {
        "error": error,
        "employers": employers if len(employers) > 1 else [],
        "units": list(scope.units()) if scope.unit_id is None and len(employers) == 1 else [],
        "unit_code": scope.unit_code,
        "jobs": _recent(scope),
        "inline_kb": jobs.INLINE_LIMIT // 1024,
    }
    return render(request, "web/imports/start.html", context, status=400 if error else 200)


def _progress(job: ImportJob) -> dict[str, object]:
    progress = jobs.read_progress(job)
    return {
        "job": job,
        "running": job.status in jobs.RUNNING,
        "progress": progress,
        "stage": STAGES.get(progress.stage, progress.stage) if progress else "",
        "done": thousands(progress.done) if progress else "",
        "total": thousands(progress.total) if progress else "",
    }


# The file looks like the unit's full roster when it lists at least half of the unit's active workers; only then
# are the ones it leaves out asked about (did they leave?). A file of five new hires asks nothing.
FULL_ROSTER_SHARE = 0.5


@needs("roster.edit")
def import_job(request: HttpRequest, scope: Scope, job_id: uuid.UUID) -> HttpResponse:
    job = queries.import_job(scope, job_id)
    missing = jobs.not_in_file(job)
    present = job.changed + job.unchanged  # the unit's recorded workers the file lists
    if present < FULL_ROSTER_SHARE * (present + len(missing)):
        missing = []  # a few new hires, not the whole unit: no question about exits
    figures = [
        (_("baris"), job.rows),
        (_("baru"), job.new),
        (_("berubah"), job.changed),
        (_("tetap"), job.unchanged),
        (_("ditolak"), job.rejected),
        (_("dengan peringatan"), job.warned),
    ]
    context = _progress(job) | {
        "figures": [(label, thousands(n)) for label, n in figures],
        "more_issues": thousands(job.issue_count - len(job.issues)) if job.issue_count > len(job.issues) else "",
        "errors_ready": job.issue_count > 0 and jobs.errors_path(job).is_file(),
        "not_in_file": missing[:SHOWN],
        "not_in_file_count": thousands(len(missing)),
        "more_missing": thousands(len(missing) - SHOWN) if len(missing) > SHOWN else "",
    }
    return render(request, "web/imports/job.html", context)


@needs("roster.edit")
def import_status(request: HttpRequest, scope: Scope, job_id: uuid.UUID) -> HttpResponse:
    """The progress fragment htmx polls; once the job is done the page reloads to show the outcome."""
    job = queries.import_job(scope, job_id)
    if job.status not in jobs.RUNNING and is_htmx(request):
        return HttpResponseClientRefresh()
    return render(request, "web/imports/_progress.html", _progress(job))


@needs("roster.edit")
@require_POST
def import_commit(request: HttpRequest, scope: Scope, job_id: uuid.UUID) -> HttpResponse:
    job = queries.import_job(scope, job_id)
    mode = request.POST.get("mode", "")
    if mode not in ("commit", "partial"):
        raise ValidationFailed(_("Pilih cara menyimpan."))
    jobs.submit(scope, job, "commit" if mode == "commit" else "partial", request.user.get_username(), page_lang())
    url = reverse("import_job", args=[job.pk])
    return HttpResponseClientRedirect(url) if is_htmx(request) else redirect(url)


@needs("roster.edit")
def import_template(request: HttpRequest, scope: Scope) -> HttpResponse:
    """The roster template with dropdowns, listing the units the user may upload for (an OPD clerk: their own
    unit; none for a nation-wide user), with an example row of the user's own Pemda."""
    employers = list(scope.employers()[:2])
    employer = employers[0] if len(employers) == 1 else None
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "templat.xlsx"
        write_template(out, employer, list(scope.units()) if employer else [])
        response = HttpResponse(out.read_bytes(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="templat-daftar-pekerja.xlsx"'
    return response


@needs("roster.edit")
def import_errors(request: HttpRequest, scope: Scope, job_id: uuid.UUID) -> HttpResponse:
    """The error workbook of a job the scope holds: the file's rows, problem cells marked, a column of reasons."""
    workbook = queries.error_workbook(scope, job_id)
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(workbook.upload_name).stem)[:60] or "impor"
    response = HttpResponse(workbook.path.read_bytes(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="kesalahan-{name}.xlsx"'
    return response


urlpatterns = [
    path("impor/", import_start, name="import_start"),
    path("impor/templat.xlsx", import_template, name="import_template"),
    path("impor/<uuid:job_id>/", import_job, name="import_job"),
    path("impor/<uuid:job_id>/kemajuan/", import_status, name="import_status"),
    path("impor/<uuid:job_id>/simpan/", import_commit, name="import_commit"),
    path("impor/<uuid:job_id>/kesalahan.xlsx", import_errors, name="import_errors"),
]
