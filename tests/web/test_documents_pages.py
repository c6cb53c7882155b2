"""The documents page: a branch officer issues and revokes, a Pemda admin reads and downloads."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from lindung.documents import jobs
from lindung.documents.models import CardJob, Document
from lindung.documents.services import verification_url
from lindung.domain.formats import date_label
from tests.web.conftest import World, read_and_close
from tests.web.test_documents import qr_codes
from tests.web.test_import_wizard import run_worker


def test_a_branch_officer_issues_each_kind_and_the_admin_downloads_them(
    world: World, personas: dict[str, Client], tmp_path: Path
) -> None:
    branch = personas["branch"]
    url = reverse("document_issue")
    assert branch.post(url, {"employer": "13.11", "kind": "employer"}).status_code == 302
    assert branch.post(reverse("card_job_start"), {"employer": "13.11", "unit": "DINKES"}).status_code == 302
    assert (
        branch.post(url, {"employer": "13.11", "kind": "award", "min_coverage": "90", "every_unit": "1"}).status_code
        == 302
    )
    kinds = sorted(Document.objects.values_list("kind", flat=True))
    assert kinds == ["award", "card", "card", "employer"]
    page = personas["admin"].get(reverse("documents")).content.decode()
    assert "SERT-13.11-" in page and "PIAGAM-13.11-" in page and "1311********0001" in page
    assert reverse("document_issue") not in page  # the admin reads; the branch issues
    certificate = Document.objects.get(kind="employer")
    answer = personas["admin"].get(reverse("document_pdf", args=[certificate.pk]))
    assert answer["Content-Type"] == "application/pdf"
    (tmp_path / "s.pdf").write_bytes(answer.content)
    assert qr_codes(tmp_path / "s.pdf") == [verification_url(certificate)]
    assert personas["other_admin"].get(reverse("documents")).content.decode().count("SERT-13.11-") == 0


def test_a_refused_issue_says_why_and_a_revocation_needs_a_reason(world: World, personas: dict[str, Client]) -> None:
    branch = personas["branch"]
    follow = branch.post(reverse("document_issue"), {"employer": "13.11", "kind": "award"}, follow=True)
    assert "Tentukan ambang" in follow.content.decode() and not Document.objects.exists()
    branch.post(reverse("document_issue"), {"employer": "13.11", "kind": "employer"})
    doc = Document.objects.get()
    branch.post(reverse("document_revoke", args=[doc.pk]), {"reason": " "})
    assert Document.objects.get().status == Document.Status.CURRENT
    branch.post(reverse("document_revoke", args=[doc.pk]), {"reason": "Pemda minta dicetak ulang"})
    doc.refresh_from_db()
    assert doc.status == Document.Status.REVOKED and doc.revoked_by == "branch"


def test_the_branch_prints_all_cards_as_a_zip_and_the_admin_downloads_it(
    world: World, personas: dict[str, Client]
) -> None:
    branch = personas["branch"]
    answer = branch.post(reverse("card_job_start"), {"employer": "13.11", "cards": "all", "output": "zip"})
    job = CardJob.objects.get()
    assert answer["Location"] == reverse("card_job", args=[job.pk])  # three cards: done within the request
    page = personas["admin"].get(answer["Location"]).content.decode()
    assert "3 kartu siap" in page and reverse("card_job_download", args=[job.pk]) in page
    assert reverse("card_job_resume", args=[job.pk]) not in page
    download = personas["admin"].get(reverse("card_job_download", args=[job.pk]))
    assert download["Content-Type"] == "application/zip"
    assert 'filename="kartu-13.11-' in download["Content-Disposition"]
    with zipfile.ZipFile(BytesIO(read_and_close(download))) as archive:
        assert archive.namelist() == ["001 Dinas Kesehatan.pdf", "002 Satpol PP dan Damkar.pdf"]
    listing = personas["admin"].get(reverse("documents")).content.decode()
    assert reverse("card_job", args=[job.pk]) in listing


def test_a_refused_card_job_says_why_and_records_nothing(world: World, personas: dict[str, Client]) -> None:
    branch = personas["branch"]
    follow = branch.post(reverse("card_job_start"), {"employer": "13.11", "cards": "reissue"}, follow=True)
    assert "alasan penerbitan ulang" in follow.content.decode()
    follow = branch.post(reverse("card_job_start"), {"employer": "13.11", "unit": "NOPE"}, follow=True)
    assert "Unit NOPE tidak ada" in follow.content.decode()
    assert not CardJob.objects.exists() and not Document.objects.exists()
    assert branch.post(reverse("card_job_start"), {"employer": "13.02"}).status_code == 404  # not the branch's


def test_a_large_card_job_runs_in_the_background_with_progress_and_resumes(
    world: World, personas: dict[str, Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(jobs, "INLINE_LIMIT", 0)  # as if the Pemda had more cards than a request prints
    branch = personas["branch"]
    branch.post(reverse("card_job_start"), {"employer": "13.11", "output": "pdf"})
    job = CardJob.objects.get()
    assert job.status == CardJob.Status.QUEUED and not Document.objects.exists()
    page = branch.get(reverse("card_job", args=[job.pk])).content.decode()
    assert "<progress" in page and 'hx-trigger="every 1s"' in page
    run_worker(monkeypatch)
    job.refresh_from_db()
    assert job.status == CardJob.Status.DONE and len(PdfReader(str(jobs.output_path(job))).pages) == 3
    done = branch.get(reverse("card_job_status", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert done["HX-Refresh"] == "true"
    # A job whose worker died: the page offers to resume it, and resuming finishes it without issuing again.
    CardJob.objects.filter(pk=job.pk).update(status=CardJob.Status.WRITING, runner="gone-host:1", written=1,
                                             updated_at=timezone.now() - jobs.STALE_AFTER * 2)  # fmt: skip
    page = branch.get(reverse("card_job", args=[job.pk])).content.decode()
    assert "Pencetakan berhenti" in page and reverse("card_job_resume", args=[job.pk]) in page
    branch.post(reverse("card_job_resume", args=[job.pk]))
    run_worker(monkeypatch)
    job.refresh_from_db()
    assert job.status == CardJob.Status.DONE and Document.objects.count() == 3


def test_a_card_is_reissued_from_the_list_with_a_reason(world: World, personas: dict[str, Client]) -> None:
    branch = personas["branch"]
    branch.post(reverse("card_job_start"), {"employer": "13.11", "unit": "DINKES"})
    card = Document.objects.order_by("number").first()
    assert card is not None
    branch.post(reverse("document_reissue", args=[card.pk]), {"reason": ""})
    assert Document.objects.count() == 2  # no reason, nothing issued
    follow = branch.post(reverse("document_reissue", args=[card.pk]), {"reason": "kartu hilang"}, follow=True)
    card.refresh_from_db()
    assert card.status == Document.Status.SUPERSEDED and card.superseded_by is not None
    assert card.superseded_by.reason == "kartu hilang" and card.superseded_by.number in follow.content.decode()
    filtered = branch.get(reverse("documents"), {"status": "superseded"}).content.decode()
    assert card.number in filtered and card.superseded_by.number not in filtered


def test_the_branch_names_the_signer_on_the_form_and_the_pdf_carries_it(
    world: World, personas: dict[str, Client], tmp_path: Path
) -> None:
    branch = personas["branch"]
    form = branch.get(reverse("documents")).content.decode()
    assert 'name="signer_title" maxlength="120" value="Kepala Kantor Cabang"' in form  # the default title
    posted = {"employer": "13.11", "kind": "employer", "signer_name": "Dra. Rina Marlina", "signer_number": "NPK 1978"}
    branch.post(reverse("document_issue"), posted)
    doc = Document.objects.get()
    issuer = doc.content["issuer"]
    assert issuer["branch"] == "KC-SLK" and issuer["signer"]["name"] == "Dra. Rina Marlina"
    (tmp_path / "s.pdf").write_bytes(branch.get(reverse("document_pdf", args=[doc.pk])).content)
    page = " ".join(PdfReader(str(tmp_path / "s.pdf")).pages[0].extract_text().split())
    day = f"Solok, {date_label(timezone.localdate())}"
    for piece in (day, "BPJS Ketenagakerjaan", "Kantor Cabang Solok", "Kepala Kantor Cabang,", "Dra. Rina Marlina"):
        assert piece in page, piece
    public = personas["anonymous"].get(verification_url(doc).removeprefix("http://127.0.0.1:8000")).content.decode()
    assert "BPJS Ketenagakerjaan Kantor Cabang Solok" in public and "Dra. Rina Marlina, Kepala Kantor Cabang" in public
    again = branch.get(reverse("documents")).content.decode()  # the next issue starts from the same signer
    assert 'value="Dra. Rina Marlina"' in again and 'value="NPK 1978"' in again


def test_whoever_issues_is_told_when_the_qr_codes_point_to_the_default_address(
    world: World, personas: dict[str, Client], settings: Any
) -> None:
    notice = 'id="qr-bawaan"'
    page = personas["branch"].get(reverse("documents")).content.decode()
    assert notice in page and "http://127.0.0.1:8000" in page and "LINDUNG_PUBLIC_URL" in page
    assert notice not in personas["admin"].get(reverse("documents")).content.decode()  # reads, never issues
    settings.PUBLIC_URL = "https://lindung.contoh.go.id"
    assert notice not in personas["branch"].get(reverse("documents")).content.decode()


def test_the_documents_pages_write_dates_in_words_on_the_day_in_jakarta(
    world: World, personas: dict[str, Client]
) -> None:
    branch = personas["branch"]
    branch.post(reverse("document_issue"), {"employer": "13.11", "kind": "employer"})
    branch.post(reverse("card_job_start"), {"employer": "13.11", "unit": "DINKES"})
    late = dt.datetime(2026, 11, 2, 18, 30, tzinfo=dt.UTC)  # 3 November, 01:30 in Jakarta
    Document.objects.update(issued_at=late)
    CardJob.objects.update(created_at=late)
    page = branch.get(reverse("documents")).content.decode()
    assert "3 November 2026 · branch" in page and "3 November 2026 01.30" in page
    assert not re.search(r"\b2026-\d\d-\d\d\b", page)
    job = branch.get(reverse("card_job", args=[CardJob.objects.get().pk])).content.decode()
    assert "3 November 2026 01.30 · branch" in job
