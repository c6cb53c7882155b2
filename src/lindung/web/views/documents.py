"""Certificates, awards and cards of the Pemda in scope: the list, issuing (branch officers, who name the signer),
re-issuing and revoking with a reason, and each document's PDF. Cards are printed in bulk by a job
(`web.views.cards`). While LINDUNG_PUBLIC_URL is left at its default, the page tells whoever issues that the QR
codes point to this machine."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lindung import preflight
from lindung.accounts.scope import Scope
from lindung.documents import queries, services
from lindung.documents.pdf import write_award, write_cards, write_certificate
from lindung.domain.errors import LindungError
from lindung.web.access import needs
from lindung.web.forms import actor, download, page_of, posted_employer, refuse, written

if TYPE_CHECKING:
    from lindung.documents.models import Document

WRITERS: dict[str, Callable[[Document, Path], Path]] = {
    queries.EMPLOYER: write_certificate,
    queries.AWARD: write_award,
}


@needs("documents.view")
def documents(request: HttpRequest, scope: Scope) -> HttpResponse:
    kind, status = request.GET.get("kind", ""), request.GET.get("status", "")
    context = {
        "page": page_of(request, queries.documents(scope, kind, status)),
        "employers": list(scope.employers()),
        "kinds": [(k, label) for k, label in queries.KINDS if k != queries.CARD],
        "all_kinds": queries.KINDS,
        "statuses": queries.STATUSES,
        "asked": {"kind": kind, "status": status},
        "card_jobs": queries.recent_card_jobs(scope),
        "card_choices": queries.CARD_CHOICES,
        "outputs": queries.OUTPUTS,
        "signer": services.last_signer(scope.branch_code) if scope.can("documents.issue") else None,
        "default_title": services.BRANCH_TITLE if scope.branch_code else "",
        "qr_default": scope.can("documents.issue") and preflight.public_url_is_default(),
        "qr_url": settings.DEFAULT_PUBLIC_URL,
    }
    return render(request, "web/documents/list.html", context)


def _coverage(text: str) -> Decimal | None:
    if not text.strip():
        return None
    try:
        return Decimal(text.strip().replace(",", "."))
    except InvalidOperation:
        raise refuse("min_coverage", _("Cakupan minimal harus angka persen, mis. 90")) from None


def _signer(request: HttpRequest) -> services.Signer:
    posted = request.POST
    return services.Signer(
        name=posted.get("signer_name", ""),
        title=posted.get("signer_title", ""),
        number=posted.get("signer_number", ""),
        place=posted.get("place", ""),
    )


@require_POST
@needs("documents.issue")
def document_issue(request: HttpRequest, scope: Scope) -> HttpResponse:
    employer = posted_employer(request, scope)
    kind = request.POST.get("kind", "")
    branch, signer = scope.branch_code, _signer(request)
    try:
        if kind == queries.EMPLOYER:
            issued = [
                services.issue_employer_certificate(
                    employer.region_id,
                    actor=actor(request),
                    reason=request.POST.get("reason", ""),
                    branch=branch,
                    signer=signer,
                )
            ]
        elif kind == queries.AWARD:
            award = services.issue_award(
                employer.region_id,
                actor=actor(request),
                min_coverage=_coverage(request.POST.get("min_coverage", "")),
                every_unit=request.POST.get("every_unit") == "1",
                branch=branch,
                signer=signer,
            )
            issued = [award]
        else:
            raise refuse("kind", _("Pilih jenis dokumen"))
    except LindungError as exc:
        messages.error(request, str(exc))
        return redirect("documents")
    messages.success(request, _("%(n)s dokumen diterbitkan: %(first)s") % {"n": len(issued), "first": issued[0].number})
    return redirect("documents")


@needs("documents.view")
def document_pdf(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    doc = queries.document(scope, pk)
    writer = WRITERS.get(doc.kind)
    data = written(lambda target: writer(doc, target) if writer else write_cards([doc], target), "pdf")
    return download(data, f"{doc.number}.pdf")


@require_POST
@needs("documents.issue")
def document_reissue(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    doc = queries.document(scope, pk)
    try:
        new = services.reissue(
            doc.number, actor=actor(request), reason=request.POST.get("reason", ""), branch=scope.branch_code
        )
    except LindungError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("%(old)s diganti dengan %(new)s.") % {"old": doc.number, "new": new.number})
    return redirect("documents")


@require_POST
@needs("documents.issue")
def document_revoke(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    doc = queries.document(scope, pk)
    try:
        services.revoke(doc.number, actor=actor(request), reason=request.POST.get("reason", ""))
    except LindungError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("%(number)s dicabut.") % {"number": doc.number})
    return redirect("documents")


urlpatterns = [
    path("dokumen/", documents, name="documents"),
    path("dokumen/terbitkan/", document_issue, name="document_issue"),
    path("dokumen/<int:pk>/pdf/", document_pdf, name="document_pdf"),
    path("dokumen/<int:pk>/terbitkan-ulang/", document_reissue, name="document_reissue"),
    path("dokumen/<int:pk>/cabut/", document_revoke, name="document_revoke"),
]
