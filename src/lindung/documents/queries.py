"""The documents' reads that pages ask for (certificates, awards, cards and card jobs), narrowed to the caller's
scope, and the choices their forms offer."""

from __future__ import annotations

from django.db.models import QuerySet

from lindung.accounts.scope import Scope
from lindung.documents.models import CardJob, Document

EMPLOYER: str = Document.Kind.EMPLOYER
AWARD: str = Document.Kind.AWARD
CARD: str = Document.Kind.CARD
KINDS = Document.Kind.choices
STATUSES = Document.Status.choices
CARD_CHOICES = CardJob.Cards.choices
OUTPUTS = CardJob.Output.choices


def documents(scope: Scope, kind: str = "", status: str = "") -> QuerySet[Document]:
    """The documents this scope holds, newest first; a known `kind` or `status` narrows it, anything else is
    ignored."""
    found = scope.restrict(Document.objects.select_related("employer")).order_by("-issued_at", "-pk")
    if kind in Document.Kind.values:
        found = found.filter(kind=kind)
    if status in Document.Status.values:
        found = found.filter(status=status)
    return found


def recent_card_jobs(scope: Scope, limit: int = 10) -> list[CardJob]:
    return list(scope.restrict(CardJob.objects.select_related("employer", "unit")).order_by("-created_at")[:limit])


def document(scope: Scope, pk: int) -> Document:
    """The document with this id, if the scope holds it (otherwise NotFound, logged)."""
    return scope.get(Document.objects.select_related("employer"), pk=pk)
