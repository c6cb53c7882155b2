"""Roster imports started from the web: the stored upload, the run (in the request for small files, as a
background task for large ones), its progress, and what it found.

Progress goes to Django's cache (a file cache every process reads), never to the database: a writing
import holds its transaction, and on SQLite the write lock, until it ends.

    job = start_job(scope, chunks, "dinkes.xlsx", size, "13.11", "DINKES")  # stored, status "queued"
    submit(scope, job, "dry", actor)      # checks now (<= INLINE_LIMIT) or queues `run_import`
    submit(scope, job, "partial", actor)  # once checked: writes now or queues

Both take the caller's scope and check it: the upload goes where `import_target` allows, and a job outside
the scope is NotFound. The reads (the list, one job, its error workbook) are in `intake.queries`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import re
import shutil
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django_tasks import task

from lindung.accounts.scope import Scope
from lindung.domain.errors import Conflict, LindungError, PermissionDenied, ValidationFailed
from lindung.domain.formats import too_big
from lindung.domain.messages import Lang
from lindung.intake.models import ImportJob
from lindung.intake.services import Mode, Stage, import_roster, import_target
from lindung.processes import has_stopped, this_process

log = logging.getLogger("lindung.intake")

INLINE_LIMIT = 256 * 1024  # files up to this size are checked and written within the request
MAX_UPLOAD = 50_000_000  # 50 MB as a file manager shows it (decimal megabytes)
SUFFIXES = (".csv", ".xlsx")
KEPT_ISSUES = 1000  # issues kept on the job for the preview; the error workbook has all of them
ERRORS_NAME = "kesalahan.xlsx"
NOT_IN_FILE_NAME = "tidak-ada-di-berkas.json"
RUNNING = frozenset({ImportJob.Status.QUEUED, ImportJob.Status.CHECKING, ImportJob.Status.COMMITTING})
# A runner on another machine not heard from for this long has stopped. An import reports its progress to the
# cache, not to the job, so this is longer than the largest import takes.
STALE_AFTER = dt.timedelta(minutes=30)
_PROGRESS_EVERY = 0.25  # seconds between progress writes within one stage


def job_dir(job: ImportJob) -> Path:
    return Path(settings.DATA_DIR) / "imports" / str(job.pk)


def upload_path(job: ImportJob) -> Path:
    return job_dir(job) / _safe_name(job.file_name)


def errors_path(job: ImportJob) -> Path:
    return job_dir(job) / ERRORS_NAME


def _safe_name(name: str) -> str:
    """The uploaded name reduced to safe characters, keeping its suffix (the reader goes by it)."""
    base = Path(name.replace("\\", "/")).name
    suffix = Path(base).suffix.lower()
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(base).stem).strip("._")[:80] or "daftar-pekerja"
    return stem + suffix


def check_upload(file_name: str, size: int) -> None:
    """Refuse what cannot be a roster before anything is stored."""
    if not file_name:
        raise ValidationFailed("Pilih berkas .csv atau .xlsx untuk diunggah.")
    if Path(file_name).suffix.lower() not in SUFFIXES:
        raise ValidationFailed(f"Berkas {Path(file_name).name} bukan .csv atau .xlsx.")
    if size == 0:
        raise ValidationFailed(f"Berkas {Path(file_name).name} kosong.")
    if size > MAX_UPLOAD:
        raise ValidationFailed(
            too_big(Path(file_name).name, size, MAX_UPLOAD)
            + " Bagi daftarnya per unit kerja, atau simpan sebagai .xlsx (biasanya jauh lebih kecil daripada CSV)."
        )


def start_job(
    scope: Scope,
    chunks: Iterable[bytes],
    file_name: str,
    size: int,
    employer_code: str | None,
    unit_code: str | None,
) -> ImportJob:
    """Store an upload by `scope`'s user under DATA_DIR/imports/<job id>/ and record its job (status queued),
    for the Pemda and unit `import_target` gives (NotFound outside the scope)."""
    employer, unit = import_target(scope, employer_code, unit_code)
    if scope.user_id is None:
        raise PermissionDenied("Impor dicatat atas nama pengguna yang masuk")
    check_upload(file_name, size)
    job = ImportJob(
        id=uuid.uuid4(),
        employer=employer,
        unit=unit,
        created_by_id=scope.user_id,
        file_name=Path(file_name.replace("\\", "/")).name[:255],
        size=size,
    )
    path = upload_path(job)
    path.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    written = 0
    with path.open("wb") as fh:
        for chunk in chunks:
            written += len(chunk)
            if written > MAX_UPLOAD:
                break
            digest.update(chunk)
            fh.write(chunk)
    if written == 0 or written > MAX_UPLOAD:
        shutil.rmtree(path.parent, ignore_errors=True)
        # The stream stops one chunk past the limit: the size the browser declared is the file's real one.
        check_upload(file_name, max(size, written) if written else 0)
    job.size = written
    job.sha256 = digest.hexdigest()
    job.save()
    return job


@dataclass(frozen=True)
class JobProgress:
    stage: str  # "baca", "periksa", "tulis"
    done: int
    total: int

    @property
    def percent(self) -> int:
        return min(100, self.done * 100 // self.total) if self.total else 0


def _progress_key(job_id: object) -> str:
    return f"lindung:import:{job_id}"


def read_progress(job: ImportJob) -> JobProgress | None:
    found = cache.get(_progress_key(job.pk))
    return JobProgress(**found) if isinstance(found, dict) else None


class _Reporter:
    """The `progress` callback of `import_roster`: writes the stage and count to the cache, a few times a second."""

    def __init__(self, job_id: object) -> None:
        self.key = _progress_key(job_id)
        self.stage = ""
        self.last = 0.0

    def __call__(self, stage: Stage, done: int, total: int) -> None:
        now = time.monotonic()
        if stage == self.stage and done < total and now - self.last < _PROGRESS_EVERY:
            return
        self.stage, self.last = stage, now
        cache.set(self.key, {"stage": stage, "done": done, "total": total}, timeout=24 * 3600)


def not_in_file(job: ImportJob) -> list[dict[str, str]]:
    """Active workers of the file's units whose NIK the file lacks (NIK masked), as the last run found them."""
    path = job_dir(job) / NOT_IN_FILE_NAME
    if not path.is_file():
        return []
    return cast(list[dict[str, str]], json.loads(path.read_text(encoding="utf-8")))


def _with_name(issue: dict[str, object], names: dict[int, str]) -> dict[str, object]:
    """The issue as the preview keeps it, with the name written on its row (when the row has one)."""
    row = issue.get("row")
    name = names.get(row) if isinstance(row, int) else None
    return {**issue, "name": name} if name else issue


def run_job(job_id: str, mode: Mode, actor: str, *, lang: Lang = "id", today: dt.date | None = None) -> ImportJob:
    """Check (`dry`) or write (`commit`, `partial`) the job's file and record the outcome on the job.

    A rejected file or a failed write leaves the registry as it was (import_roster is one transaction) and
    the job `failed` with its message. Callable directly; `run_import` is the same as a background task.
    """
    job = ImportJob.objects.select_related("employer", "unit").get(pk=job_id)
    job.status = ImportJob.Status.CHECKING if mode == "dry" else ImportJob.Status.COMMITTING
    job.mode = mode
    job.message = ""
    job.runner = this_process()
    job.save(update_fields=["status", "mode", "message", "runner", "updated_at"])
    try:
        result = import_roster(
            upload_path(job),
            job.employer,
            unit=job.unit.code if job.unit else None,
            mode=mode,
            actor=actor,
            lang=lang,
            today=today,
            progress=_Reporter(job.pk),
            errors_out=errors_path(job),
            sha256=job.sha256,
        )
    except LindungError as exc:
        issues = exc.issues if isinstance(exc, ValidationFailed) else []
        job.status = ImportJob.Status.FAILED
        job.message = str(exc)
        job.issues = [i.as_dict() for i in issues[:KEPT_ISSUES]]
        job.issue_count = len(issues)
        job.save()
        cache.delete(_progress_key(job.pk))
        return job
    for name in ("rows", "new", "changed", "unchanged", "rejected", "warned"):
        setattr(job, name, getattr(result, name))
    job.issues = [_with_name(i.as_dict(), result.row_names) for i in result.issues[:KEPT_ISSUES]]
    job.issue_count = len(result.issues)
    if mode == "dry":
        job.status = ImportJob.Status.CHECKED
    elif result.committed:
        job.status = ImportJob.Status.COMMITTED
        job.changeset_id = result.changeset_id
    elif mode == "commit" and result.rejected:
        job.status = ImportJob.Status.CHECKED
        job.message = f"Tidak ada yang disimpan: {result.rejected} baris ditolak (semua atau tidak sama sekali)."
    else:
        job.status = ImportJob.Status.COMMITTED
        job.message = "Tidak ada perubahan untuk disimpan: data sudah sama dengan berkas."
    (job_dir(job) / NOT_IN_FILE_NAME).write_text(
        json.dumps([{"unit": n.unit, "nik": n.nik, "name": n.name} for n in result.not_in_file]), encoding="utf-8"
    )
    job.save()
    cache.delete(_progress_key(job.pk))
    return job


def recover(job: ImportJob) -> ImportJob:
    """A job whose process stopped while checking or writing (killed, crashed, rebooted) is told so: the
    registry is as it was, because an import is one transaction. A stopped check fails (upload again); a
    stopped write goes back to checked, so it can be saved again. Any other job is returned as it is."""
    running = (ImportJob.Status.CHECKING, ImportJob.Status.COMMITTING)
    if job.status not in running or not has_stopped(job.runner, job.updated_at, timezone.now(), STALE_AFTER):
        return job
    if job.status == ImportJob.Status.CHECKING:
        status, message = (
            ImportJob.Status.FAILED,
            "Pemeriksaan terhenti karena prosesnya berhenti; unggah berkasnya lagi.",
        )
    else:
        status = ImportJob.Status.CHECKED
        message = "Penyimpanan terhenti karena prosesnya berhenti; tidak ada data yang diubah. Simpan lagi."
    ImportJob.objects.filter(pk=job.pk, status=job.status, updated_at=job.updated_at).update(
        status=status, message=message, updated_at=timezone.now()
    )
    cache.delete(_progress_key(job.pk))
    job.refresh_from_db()
    return job


def _run_guarded(job_id: str, mode: Mode, actor: str, lang: Lang) -> ImportJob:
    """`run_job`, and whatever else breaks marks the job failed instead of leaving it running."""
    try:
        return run_job(job_id, mode, actor, lang=lang)
    except Exception:  # the job's top boundary: it must not stay "running" forever
        log.exception("import job %s failed unexpectedly", job_id)
        ImportJob.objects.filter(pk=job_id).update(
            status=ImportJob.Status.FAILED,
            message="Terjadi kesalahan tak terduga; tidak ada data yang diubah.",
            updated_at=timezone.now(),
        )
        cache.delete(_progress_key(job_id))
        raise


@task()
def run_import(job_id: str, mode: str, actor: str, lang: str = "id") -> str:
    """The background task: `run_job` in `lindung db_worker`."""
    if mode not in ("dry", "commit", "partial"):
        raise ValueError(f"unknown import mode {mode!r}")
    job = _run_guarded(job_id, cast(Mode, mode), actor, "en" if lang == "en" else "id")
    return str(job.status)


def submit(scope: Scope, job: ImportJob, mode: Mode, actor: str, lang: Lang = "id") -> ImportJob:
    """Run `mode` on the scope's job: in this process for a small file, otherwise queued for the background worker.

    A check runs on a new job; a write only on a checked one, once (a second click is a Conflict). A job
    outside the scope is NotFound; a role without `roster.edit` is PermissionDenied.
    """
    scope.require("roster.edit")
    ready = ImportJob.Status.QUEUED if mode == "dry" else ImportJob.Status.CHECKED
    claimed = scope.restrict(ImportJob.objects.filter(pk=job.pk, status=ready)).update(
        status=ImportJob.Status.QUEUED, mode=mode, updated_at=timezone.now()
    )
    if not claimed:
        scope.get(ImportJob.objects.all(), pk=job.pk)  # NotFound (and logged) when the job is not the scope's
        raise Conflict("Impor ini sedang berjalan atau sudah disimpan.")
    if job.size <= INLINE_LIMIT:
        return _run_guarded(str(job.pk), mode, actor, lang)
    run_import.enqueue(str(job.pk), mode, actor, lang)
    job.refresh_from_db()
    return job
