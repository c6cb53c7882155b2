"""Numbered documents anyone can verify: the sertifikat kepesertaan and the piagam penghargaan of a Pemda, and
the kartu peserta of a worker.

A document keeps what it shows (`content`), so the public verification page shows exactly that and nothing more.
Its number is readable (SERT-16.08-2026-000001); its QR code carries a signed random token that cannot be
derived from the number. Nothing is deleted: a re-issue supersedes, a revocation records who and why.
"""

from __future__ import annotations

from django.db import models

from lindung.enrolment.models import Membership
from lindung.registry.models import Employer


class Document(models.Model):
    class Kind(models.TextChoices):
        EMPLOYER = "employer", "Sertifikat kepesertaan"
        CARD = "card", "Kartu peserta"
        AWARD = "award", "Piagam penghargaan"

    class Status(models.TextChoices):
        CURRENT = "current", "berlaku"
        SUPERSEDED = "superseded", "diganti"
        REVOKED = "revoked", "dicabut"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    number = models.CharField(max_length=40, unique=True)
    token_id = models.CharField(max_length=32, unique=True)  # random; the QR code carries it signed
    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="documents")
    membership = models.ForeignKey(Membership, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    content = models.JSONField()  # exactly what the document shows (NIK masked)
    issued_at = models.DateTimeField(auto_now_add=True)
    issued_by = models.CharField(max_length=150)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.CURRENT)
    superseded_by = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.CharField(max_length=150, blank=True)
    revoked_reason = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["employer", "kind", "status"])]

    def __str__(self) -> str:
        return self.number
