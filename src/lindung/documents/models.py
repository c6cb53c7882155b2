"""Numbered documents anyone can verify: the sertifikat kepesertaan and the piagam penghargaan of a Pemda, and
the kartu peserta of a worker.

A document keeps what it shows (`content`), so the public verification page shows exactly that and nothing more.
Its number is readable (SERT-16.08-2026-000001); its QR code carries a signed random token that cannot be
derived from the number. Nothing is deleted: a re-issue supersedes, a revocation records who and why.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lindung.enrolment.models import Membership
from lindung.registry.models import Employer, WorkUnit


class CardJob(models.Model):
    """All kartu peserta of a Pemda or one unit, issued and printed in one background job.

    The job runs in stages and can be resumed where it stopped: the cards are issued in one transaction
    (all or none), then written as PDF parts of at most `part_size` cards (each part a file written whole),
    then put together as one PDF or a zip with one PDF per unit. A resumed job skips the parts on disk.
    """

    class Cards(models.TextChoices):
        NEW = "new", _("Yang belum punya kartu")
        ALL = "all", _("Semua peserta")
        REISSUE = "reissue", _("Semua, terbitkan ulang")

    class Output(models.TextChoices):
        PDF = "pdf", _("Satu PDF")
        ZIP = "zip", _("Zip per unit")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Menunggu")
        ISSUING = "issuing", _("Menerbitkan kartu")
        WRITING = "writing", _("Menulis PDF")
        DONE = "done", pgettext_lazy("pekerjaan", "Selesai")
        FAILED = "failed", _("Gagal")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(WorkUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    cards = models.CharField(max_length=8, choices=Cards.choices, default=Cards.ALL)
    output = models.CharField(max_length=3, choices=Output.choices, default=Output.PDF)
    on = models.DateField()
    reason = models.TextField(blank=True)  # why the cards are issued again (cards=reissue)
    part_size = models.PositiveIntegerField(default=500)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    documents = models.JSONField(default=list)  # the ids of the cards it prints, in print order, once issued
    total = models.PositiveIntegerField(default=0)
    written = models.PositiveIntegerField(default=0)  # cards written to PDF parts
    message = models.TextField(blank=True)
    runner = models.CharField(max_length=100, blank=True)  # host:pid of the process running it
    file_name = models.CharField(max_length=200, blank=True)  # the finished PDF or zip, in the job's folder
    created_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["employer", "-created_at"])]

    def __str__(self) -> str:
        return str(self.pk)

    @property
    def percent(self) -> int:
        return min(100, self.written * 100 // self.total) if self.total else 0


class Document(models.Model):
    class Kind(models.TextChoices):
        EMPLOYER = "employer", _("Sertifikat kepesertaan")
        CARD = "card", _("Kartu peserta")
        AWARD = "award", _("Piagam penghargaan")

    class Status(models.TextChoices):
        CURRENT = "current", _("berlaku")
        SUPERSEDED = "superseded", _("diganti")
        REVOKED = "revoked", _("dicabut")

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
    reason = models.TextField(blank=True)  # why it was issued again, when it superseded a document

    class Meta:
        indexes = [models.Index(fields=["employer", "kind", "status"])]

    def __str__(self) -> str:
        return self.number
