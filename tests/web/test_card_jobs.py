"""Printing all cards of a Pemda or a unit in one job: one PDF or a zip per unit, every card once, and a job
that stopped resumes where it stopped without issuing anything twice."""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import zipfile
from io import BytesIO
from pathlib import Path

import pytest
from django.utils import timezone
from pypdf import PdfReader

from lindung.documents import jobs, services
from lindung.documents.models import CardJob, Document
from lindung.documents.tokens import sign
from lindung.domain.errors import Conflict, NotFound
from tests.web.conftest import World
from tests.web.test_documents import qr_codes

ON = dt.date(2026, 11, 2)


def pages_text(data: bytes) -> list[str]:
    return [p.extract_text() for p in PdfReader(BytesIO(data)).pages]


def test_a_zip_job_gives_one_pdf_per_unit_with_each_card_and_its_qr_code(world: World, tmp_path: Path) -> None:
    job = jobs.run_job(str(jobs.create_job("13.11", actor="kc", output="zip", on=ON).pk))
    assert (job.status, job.total, job.written) == (CardJob.Status.DONE, 3, 3)
    cards = jobs.cards_of(job)
    assert [c.content["unit"] for c in cards] == ["Dinas Kesehatan", "Dinas Kesehatan", "Satpol PP dan Damkar"]
    with zipfile.ZipFile(jobs.output_path(job)) as archive:
        assert archive.namelist() == ["001 Dinas Kesehatan.pdf", "002 Satpol PP dan Damkar.pdf"]
        dinkes = archive.read("001 Dinas Kesehatan.pdf")
        satpol = archive.read("002 Satpol PP dan Damkar.pdf")
    assert [len(pages_text(dinkes)), len(pages_text(satpol))] == [2, 1]
    assert cards[0].number in pages_text(dinkes)[0] and cards[2].number in pages_text(satpol)[0]
    (tmp_path / "satpol.pdf").write_bytes(satpol)
    assert qr_codes(tmp_path / "satpol.pdf") == [services.verification_url(cards[2])]
    assert sorted(p.name for p in jobs.job_dir(job).iterdir()) == ["kartu-13.11-2026-11-02.zip"]  # parts removed


def test_one_pdf_joins_the_parts_in_print_order(world: World, tmp_path: Path) -> None:
    job = jobs.run_job(str(jobs.create_job("13.11", actor="kc", on=ON, part_size=1).pk))
    assert len(jobs.plan(job, jobs.cards_of(job))) == 3
    pages = pages_text(jobs.output_path(job).read_bytes())
    assert [c.number in page for c, page in zip(jobs.cards_of(job), pages, strict=True)] == [True, True, True]
    assert qr_codes(jobs.output_path(job), 1) == [services.verification_url(jobs.cards_of(job)[1])]


def test_all_keeps_current_cards_new_takes_only_the_missing_and_reissue_needs_a_reason(world: World) -> None:
    first = jobs.run_job(str(jobs.create_job("13.11", actor="kc", on=ON).pk))
    again = jobs.run_job(str(jobs.create_job("13.11", actor="kc", on=ON).pk))
    assert again.documents == first.documents and Document.objects.count() == 3  # printed, not issued again
    with pytest.raises(Conflict, match="sudah punya kartu"):
        jobs.create_job("13.11", actor="kc", cards="new", on=ON)
    with pytest.raises(Conflict, match="alasan"):
        jobs.create_job("13.11", actor="kc", cards="reissue", on=ON)
    with pytest.raises(NotFound, match="Unit XYZ"):
        jobs.create_job("13.11", actor="kc", unit="XYZ", on=ON)
    reissued = jobs.run_job(str(jobs.create_job("13.11", actor="kc", cards="reissue", reason="kartu rusak", on=ON).pk))
    assert set(reissued.documents).isdisjoint(first.documents) and Document.objects.count() == 6
    old = services.verify(sign(Document.objects.get(pk=first.documents[0]).token_id))
    assert old.state == "diganti" and old.replacement_reason == "kartu rusak"


def test_a_stopped_job_resumes_at_the_first_unwritten_part_and_issues_nothing_twice(world: World) -> None:
    job = jobs.create_job("13.11", actor="kc", on=ON, part_size=1)
    first_part = jobs.job_dir(job) / "bagian-00001.pdf"

    def stop_after_first_part(j: CardJob) -> None:
        if j.written == 1:
            raise KeyboardInterrupt  # Ctrl-C on the command line, after the first part is on disk

    with pytest.raises(KeyboardInterrupt):
        jobs.run_job(str(job.pk), stop_after_first_part)
    job.refresh_from_db()
    assert (job.status, job.written, len(job.documents)) == (CardJob.Status.FAILED, 1, 3)
    assert jobs.can_resume(job) and first_part.is_file() and not jobs.output_path(job).exists()
    written_at = first_part.stat().st_mtime_ns
    seen: list[int | None] = []
    done = jobs.run_job(str(job.pk), lambda j: seen.append(first_part.stat().st_mtime_ns if j.written == 1 else None))
    assert seen[0] == written_at  # the first part was kept, not written again
    assert done.status == CardJob.Status.DONE and done.documents == job.documents
    assert Document.objects.count() == 3
    assert len(PdfReader(str(jobs.output_path(done))).pages) == 3
    with pytest.raises(Conflict, match="sudah selesai"):
        jobs.run_job(str(job.pk))


def test_a_running_job_is_stale_only_when_its_process_is_gone_or_silent(world: World) -> None:
    job = jobs.create_job("13.11", actor="kc", on=ON)
    gone = subprocess.Popen(["true"])
    gone.wait()
    host = socket.gethostname()
    CardJob.objects.filter(pk=job.pk).update(status=CardJob.Status.WRITING, runner=f"{host}:{os.getpid()}")
    job.refresh_from_db()
    assert not jobs.is_stale(job) and not jobs.can_resume(job)
    with pytest.raises(Conflict, match="sedang berjalan"):
        jobs.resume(job)
    CardJob.objects.filter(pk=job.pk).update(runner=f"{host}:{gone.pid}")
    job.refresh_from_db()
    assert jobs.is_stale(job)
    CardJob.objects.filter(pk=job.pk).update(runner="other-host:1")
    job.refresh_from_db()
    assert not jobs.is_stale(job)
    CardJob.objects.filter(pk=job.pk).update(updated_at=timezone.now() - jobs.STALE_AFTER * 2)
    job.refresh_from_db()
    assert jobs.is_stale(job)
    assert jobs.resume(job).status == CardJob.Status.DONE  # small: resumed in this process
