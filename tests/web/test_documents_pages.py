"""The documents page: a branch officer issues and revokes, a Pemda admin reads and downloads."""

from __future__ import annotations

from pathlib import Path

from django.test import Client
from django.urls import reverse

from lindung.documents.models import Document
from lindung.documents.services import verification_url
from tests.web.conftest import World
from tests.web.test_documents import qr_codes


def test_a_branch_officer_issues_each_kind_and_the_admin_downloads_them(
    world: World, personas: dict[str, Client], tmp_path: Path
) -> None:
    branch = personas["branch"]
    url = reverse("document_issue")
    assert branch.post(url, {"employer": "13.11", "kind": "employer"}).status_code == 302
    assert branch.post(url, {"employer": "13.11", "kind": "card", "unit": "DINKES"}).status_code == 302
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
