"""The other side's data as loaded (SourceFile), each reconciliation run (Run), what it found (Finding)
and what happened to each finding since (FindingEvent).

A loaded file's rows live in a Parquet file under LINDUNG_DATA_DIR (`SourceFile.path`), never in the
database: the national participant master holds the NIKs of about 41 million people. The database keeps
who loaded what, when, its date, its checksum and its row count. A finding is never deleted: the next run
marks it still open or resolved, and a person's resolution stays in its history.
"""

from __future__ import annotations

from django.db import models

from lindung.domain.reconcile import KINDS, RESOLUTIONS, STATES
from lindung.registry.models import BranchOffice, Employer, Worker, WorkUnit


class Source(models.TextChoices):
    BPJSTK = "bpjstk", "data peserta BPJS Ketenagakerjaan"
    BKN = "bkn", "pendataan non-ASN BKN"


class Coverage(models.TextChoices):
    EMPLOYER = "employer", "satu Pemda"
    BRANCH = "branch", "wilayah kantor cabang"
    NATIONAL = "national", "nasional"


class SourceFile(models.Model):
    """One file loaded from BPJS TK or BKN, for a Pemda, a branch's territory or the nation."""

    source = models.CharField(max_length=10, choices=Source.choices)
    coverage = models.CharField(max_length=10, choices=Coverage.choices)
    employer = models.ForeignKey(Employer, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    branch = models.ForeignKey(BranchOffice, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=255)  # the file's name as given
    path = models.CharField(max_length=500)  # the stored Parquet file, relative to LINDUNG_DATA_DIR
    data_date = models.DateField()  # the day the data describes
    sha256 = models.CharField(max_length=64)
    rows = models.PositiveIntegerField()
    rejected = models.PositiveIntegerField(default=0)  # bad rows left out (--partial only)
    npps = models.JSONField(default=list)  # the NPPs the participant rows carry
    loaded_by = models.CharField(max_length=150)
    loaded_at = models.DateTimeField(auto_now_add=True)
    forced = models.BooleanField(default=False)  # loaded over a newer file with --force
    current = models.BooleanField(default=True)  # the file in force for its source and coverage
    replaced_by = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-loaded_at", "-id"]
        indexes = [models.Index(fields=["source", "coverage", "current"], name="sourcefile_current")]

    def __str__(self) -> str:
        return f"{self.source} {self.coverage} {self.data_date} {self.name}"


class Run(models.Model):
    """One reconciliation of a scope as of a day."""

    coverage = models.CharField(max_length=10, choices=Coverage.choices)
    employer = models.ForeignKey(Employer, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    branch = models.ForeignKey(BranchOffice, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    on = models.DateField()
    participants = models.ForeignKey(SourceFile, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor = models.CharField(max_length=150)
    started_at = models.DateTimeField(auto_now_add=True)
    seconds = models.FloatField(default=0)
    counts = models.JSONField(default=dict)  # kind -> findings found by this run
    changes = models.JSONField(default=dict)  # new, open, resolved: how the findings moved

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"run {self.pk} {self.coverage} {self.on}"


class Finding(models.Model):
    """One difference between the lists, for one NIK in one Pemda, with the evidence from both sides."""

    key = models.CharField(max_length=40, unique=True)  # domain.reconcile.finding_key
    kind = models.CharField(max_length=20, choices=list(KINDS.items()))
    employer = models.ForeignKey(
        Employer, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )  # indexed through (employer, kind, state)
    unit = models.ForeignKey(
        WorkUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_constraint=False
    )
    # No index on the worker or the runs: nothing looks findings up by them, and each index would cost a
    # national run's insert seconds (bench/reconcile.py).
    worker = models.ForeignKey(
        Worker, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_constraint=False, db_index=False
    )
    nik = models.CharField(max_length=16)
    name = models.CharField(max_length=200, blank=True)
    # What the finding compares the roster with: "bpjstk", "bkn" or "daftar" (the rosters themselves). A run
    # that did not compare with a source leaves that source's findings as they were.
    basis = models.CharField(max_length=10)
    state = models.CharField(max_length=10, choices=list(STATES.items()))
    evidence = models.JSONField(default=dict)
    digest = models.CharField(max_length=40, blank=True)  # of the evidence: a run rewrites only what changed
    first_run = models.ForeignKey(Run, on_delete=models.PROTECT, related_name="+", db_constraint=False, db_index=False)
    # the last run that moved it (found it, changed its state or its evidence): a run that finds it again
    # unchanged writes nothing, so that a national rerun does not rewrite every finding
    last_run = models.ForeignKey(Run, on_delete=models.PROTECT, related_name="+", db_constraint=False, db_index=False)
    resolution = models.CharField(max_length=20, choices=list(RESOLUTIONS.items()), blank=True)
    note = models.TextField(blank=True)
    resolved_by = models.CharField(max_length=150, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["employer", "kind", "state"], name="finding_employer_kind")]

    def __str__(self) -> str:
        return f"{self.kind} {self.employer_id} {self.state}"


class FindingEvent(models.Model):
    """What happened to a finding: found, seen again, gone, resolved by a person, reopened."""

    finding = models.ForeignKey(Finding, on_delete=models.PROTECT, related_name="events", db_constraint=False)
    run = models.ForeignKey(Run, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_constraint=False)
    at = models.DateTimeField(auto_now_add=True)
    actor = models.CharField(max_length=150)
    action = models.CharField(max_length=20)  # found, reopened, gone, resolved
    state_before = models.CharField(max_length=10, blank=True)
    state_after = models.CharField(max_length=10)
    resolution = models.CharField(max_length=20, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["finding_id", "id"]

    def __str__(self) -> str:
        return f"{self.finding_id} {self.action} {self.state_after}"
