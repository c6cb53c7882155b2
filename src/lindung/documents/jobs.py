"""Printing all kartu peserta of a Pemda or a unit in one job, in the background, resumable.

A job runs in three stages, each of which survives an interruption:

1. **issue**: the cards are issued (`issue_cards`) and their ids stored on the job in one transaction, so an
   interrupted issue leaves nothing and a finished one is never repeated;
2. **write**: the cards go into PDF parts of at most `part_size` cards, never two units in one part; each part
   is written to a temporary name and renamed, so a part on disk is whole and a resumed job skips it;
3. **assemble**: the parts become one PDF, or a zip with one PDF per unit (pypdf joins the parts), written
   under a temporary name and renamed; then the parts are removed.

    job = create_job("16.08", actor="cabang.palembang", output="zip")
    submit(job)          # small jobs run here; larger ones are queued for `lindung db_worker`
    run_job(job.pk)      # the same work in this process (the command line), resuming where it stopped
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import uuid
import zipfile
from collections.abc import Callable
from io import BytesIO
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task
from pypdf import PdfWriter

from lindung.accounts.scope import Scope
from lindung.documents.models import CardJob, Document
from lindung.documents.pdf import write_cards
from lindung.documents.services import count_cards, issue_cards
from lindung.domain.errors import Conflict, LindungError, NotFound
from lindung.processes import has_stopped, this_process
from lindung.registry.models import WorkUnit
from lindung.registry.services import get_employer

log = logging.getLogger("lindung.documents")

INLINE_LIMIT = 100  # jobs of up to this many cards run within the request
STALE_AFTER = dt.timedelta(minutes=5)  # a running job not heard from for this long is taken as stopped
RUNNING = (CardJob.Status.QUEUED, CardJob.Status.ISSUING, CardJob.Status.WRITING)
Progress = Callable[[CardJob], None]


def job_dir(job: CardJob) -> Path:
    return Path(settings.DATA_DIR) / "cards" / str(job.pk)


def output_path(job: CardJob) -> Path:
    return job_dir(job) / job.file_name


def _part_path(job: CardJob, index: int) -> Path:
    return job_dir(job) / f"bagian-{index:05d}.pdf"


DEFAULT_CARDS: str = CardJob.Cards.ALL
DEFAULT_OUTPUT: str = CardJob.Output.PDF


def card_job(scope: Scope, job_id: uuid.UUID) -> CardJob:
    """The card job with this id, if the scope holds its Pemda or unit (otherwise NotFound, logged)."""
    return scope.get(CardJob.objects.select_related("employer", "unit"), pk=job_id)


def is_done(job: CardJob) -> bool:
    return job.status == CardJob.Status.DONE


def has_failed(job: CardJob) -> bool:
    return job.status == CardJob.Status.FAILED


def create_job(
    employer_code: str,
    *,
    actor: str,
    unit: str | None = None,
    cards: str = DEFAULT_CARDS,
    output: str = DEFAULT_OUTPUT,
    reason: str = "",
    on: dt.date | None = None,
    part_size: int = 500,
) -> CardJob:
    """Record a card job (status queued) after checking what it asks; nothing is issued yet."""
    if cards not in CardJob.Cards.values:
        raise Conflict(f"Pilihan kartu tidak dikenal: {cards}")
    if output not in CardJob.Output.values:
        raise Conflict(f"Bentuk berkas tidak dikenal: {output} (pdf atau zip)")
    if cards == CardJob.Cards.REISSUE and not reason.strip():
        raise Conflict("Sebutkan alasan penerbitan ulang kartu")
    if part_size < 1:
        raise Conflict("Ukuran bagian paling sedikit 1 kartu")
    on = on or timezone.localdate()
    employer = get_employer(employer_code)
    work_unit = None
    if unit:
        work_unit = WorkUnit.objects.filter(employer=employer, code=unit).first()
        if work_unit is None:
            raise NotFound(f"Unit {unit} tidak ada di {employer.name}")
    total = count_cards(employer.region_id, unit=unit or None, on=on, cards=cards)
    if not total and cards == CardJob.Cards.NEW and count_cards(employer.region_id, unit=unit or None, on=on):
        raise Conflict("Semua peserta sudah punya kartu yang berlaku")
    if not total:
        raise NotFound(f"Tidak ada peserta yang berlaku pada {on.isoformat()} untuk dibuatkan kartu")
    name = f"kartu-{employer.region_id}{'-' + re.sub(r'[^A-Za-z0-9.-]+', '_', unit) if unit else ''}-{on}"
    return CardJob.objects.create(
        employer=employer,
        unit=work_unit,
        cards=cards,
        output=output,
        reason=reason.strip(),
        on=on,
        part_size=part_size,
        total=total,
        file_name=f"{name}.{output}",
        created_by=actor,
    )


def is_stale(job: CardJob) -> bool:
    """Whether a job marked running has stopped: its process is gone (same machine) or silent too long."""
    if job.status not in (CardJob.Status.ISSUING, CardJob.Status.WRITING):
        return False
    return has_stopped(job.runner, job.updated_at, timezone.now(), STALE_AFTER)


def can_resume(job: CardJob) -> bool:
    return job.status == CardJob.Status.FAILED or is_stale(job)


def _claim(job_id: str) -> CardJob:
    """Take the job for this process: a queued or failed one, or one whose runner has stopped."""
    job = CardJob.objects.filter(pk=job_id).first()
    if job is None:
        raise NotFound(f"Pekerjaan cetak kartu {job_id} tidak ditemukan")
    if job.status == CardJob.Status.DONE:
        raise Conflict("Pekerjaan ini sudah selesai; unduh berkasnya")
    if job.status in (CardJob.Status.ISSUING, CardJob.Status.WRITING) and not is_stale(job):
        raise Conflict("Pekerjaan ini sedang berjalan")
    status = CardJob.Status.WRITING if job.documents else CardJob.Status.ISSUING
    claimed = CardJob.objects.filter(pk=job.pk, status=job.status, updated_at=job.updated_at).update(
        status=status, runner=this_process(), message="", updated_at=timezone.now()
    )
    if not claimed:
        raise Conflict("Pekerjaan ini sedang berjalan")
    job.refresh_from_db()
    return job


def _issue(job: CardJob) -> None:
    with transaction.atomic():
        docs = issue_cards(
            job.employer.region_id,
            actor=job.created_by,
            unit=job.unit.code if job.unit else None,
            on=job.on,
            cards=job.cards,
            reason=job.reason,
        )
        job.documents = [d.pk for d in docs]
        job.total = len(docs)
        job.status = CardJob.Status.WRITING
        job.save(update_fields=["documents", "total", "status", "updated_at"])


def cards_of(job: CardJob) -> list[Document]:
    """The cards the job prints, in print order."""
    return _load(list(job.documents))


def _load(ids: list[int]) -> list[Document]:
    found: dict[int, Document] = {}
    for start in range(0, len(ids), 5000):
        found.update(Document.objects.in_bulk(ids[start : start + 5000]))
    return [found[i] for i in ids]


def plan(job: CardJob, documents: list[Document]) -> list[tuple[str, list[Document]]]:
    """The parts, in print order: (unit name, cards), at most `part_size` cards and one unit each."""
    parts: list[tuple[str, list[Document]]] = []
    for doc in documents:
        unit = str(doc.content.get("unit", ""))
        if not parts or parts[-1][0] != unit or len(parts[-1][1]) >= job.part_size:
            parts.append((unit, []))
        parts[-1][1].append(doc)
    return parts


def _write(job: CardJob, parts: list[tuple[str, list[Document]]], progress: Progress | None) -> None:
    job_dir(job).mkdir(parents=True, exist_ok=True)
    written = 0
    for index, (_unit, docs) in enumerate(parts, start=1):
        target = _part_path(job, index)
        if not target.exists():
            partial = target.with_suffix(".tmp")
            write_cards(docs, partial)
            os.replace(partial, target)
        written += len(docs)
        job.written = written
        job.save(update_fields=["written", "updated_at"])
        if progress is not None:
            progress(job)


def _joined(paths: list[Path]) -> bytes:
    if len(paths) == 1:
        return paths[0].read_bytes()
    writer = PdfWriter()
    for path in paths:
        writer.append(str(path))
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def _entry_name(index: int, unit: str) -> str:
    """The zip entry of one unit's cards: its place in print order and its name, e.g. "002 Dinas Kesehatan.pdf"."""
    stem = re.sub(r"[^\w .()-]+", "_", unit).strip(" ._") or "unit"
    return f"{index:03d} {stem[:80]}.pdf"


def _assemble(job: CardJob, parts: list[tuple[str, list[Document]]]) -> None:
    paths = [_part_path(job, i) for i in range(1, len(parts) + 1)]
    target = output_path(job)
    partial = target.with_name(target.name + ".tmp")
    if job.output == CardJob.Output.PDF:
        partial.write_bytes(_joined(paths))
    else:
        groups: list[tuple[str, list[Path]]] = []
        for (unit, _docs), path in zip(parts, paths, strict=True):
            if groups and groups[-1][0] == unit:
                groups[-1][1].append(path)
            else:
                groups.append((unit, [path]))
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for index, (unit, group) in enumerate(groups, start=1):
                archive.writestr(_entry_name(index, unit), _joined(group))
    os.replace(partial, target)
    for path in paths:
        path.unlink(missing_ok=True)


def run_job(job_id: str, progress: Progress | None = None) -> CardJob:
    """Run (or resume) the job in this process to the end. What it cannot do marks it failed, with the reason;
    an interruption leaves it resumable (`can_resume`)."""
    job = _claim(job_id)
    try:
        if not job.documents:
            _issue(job)
            if progress is not None:
                progress(job)
        parts = plan(job, cards_of(job))
        _write(job, parts, progress)
        _assemble(job, parts)
    except LindungError as exc:
        _fail(job, str(exc))
        return job
    except Exception:  # the job's top boundary: it must not stay "running" forever
        log.exception("card job %s failed unexpectedly", job.pk)
        _fail(job, "Terjadi kesalahan tak terduga; kartu yang sudah diterbitkan tetap ada, lanjutkan pekerjaannya.")
        raise
    except KeyboardInterrupt:
        _fail(job, "Dihentikan; lanjutkan pekerjaannya untuk menyelesaikan.")
        raise
    job.status = CardJob.Status.DONE
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "finished_at", "updated_at"])
    return job


def _fail(job: CardJob, message: str) -> None:
    job.status = CardJob.Status.FAILED
    job.message = message
    CardJob.objects.filter(pk=job.pk).update(status=job.status, message=message, updated_at=timezone.now())


@task()
def print_cards(job_id: str) -> str:
    """The background task: `run_job` in `lindung db_worker`."""
    return str(run_job(job_id).status)


def submit(job: CardJob) -> CardJob:
    """Start the job: here when it is small, otherwise queued for the background worker."""
    if job.total <= INLINE_LIMIT:
        return run_job(str(job.pk))
    print_cards.enqueue(str(job.pk))
    return job


def resume(job: CardJob) -> CardJob:
    """Start a failed or stopped job again from where it stopped."""
    if not can_resume(job):
        raise Conflict("Pekerjaan ini tidak perlu dilanjutkan (sedang berjalan atau sudah selesai)")
    CardJob.objects.filter(pk=job.pk).update(status=CardJob.Status.QUEUED, updated_at=timezone.now())
    job.refresh_from_db()
    return submit(job)
