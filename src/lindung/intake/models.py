"""A roster import started from the web or the API: the uploaded file, its state, and what it found."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from lindung.registry.models import Employer, WorkUnit


class ImportJob(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Menunggu"
        CHECKING = "checking", "Diperiksa"
        CHECKED = "checked", "Siap disimpan"
        COMMITTING = "committing", "Disimpan"
        COMMITTED = "committed", "Tersimpan"
        FAILED = "failed", "Gagal"

    class Mode(models.TextChoices):
        DRY = "dry", "Periksa saja"
        COMMIT = "commit", "Semua atau tidak sama sekali"
        PARTIAL = "partial", "Baris yang benar saja"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)  # unguessable in URLs
    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="import_jobs")
    unit = models.ForeignKey(WorkUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    file_name = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    mode = models.CharField(max_length=8, choices=Mode.choices, default=Mode.DRY)
    rows = models.PositiveIntegerField(default=0)
    new = models.PositiveIntegerField(default=0)
    changed = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    warned = models.PositiveIntegerField(default=0)
    issues = models.JSONField(default=list, blank=True)  # the first issues (Issue.as_dict), for the preview
    issue_count = models.PositiveIntegerField(default=0)
    message = models.TextField(blank=True)  # why it failed, in Bahasa Indonesia
    runner = models.CharField(max_length=100, blank=True)  # host:pid of the process checking or writing it
    changeset_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["employer", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.status})"
