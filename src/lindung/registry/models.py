"""Employers, their work units, branch offices, workers and their employments, with full history.

History: every write belongs to a ChangeSet (who, when, from what). Updates and ends are Change rows
with the record before and after; records created in bulk point to the ChangeSet that created them.
Nothing here is deleted: an employment ends with an end date.
"""

from __future__ import annotations

from django.db import models

from lindung.domain.terms import CATEGORY_CHOICES, UNIT_KIND_CHOICES
from lindung.regions.models import Region


class ChangeSet(models.Model):
    actor = models.CharField(max_length=150)
    at = models.DateTimeField(auto_now_add=True)
    source = models.CharField(max_length=300)  # "roster import dinas.xlsx sha256:…", "employer add"
    summary = models.JSONField(default=dict)
    # The day the recorded facts take effect (a roster import's as-of day): a wage changed by a
    # ChangeSet effective in June is billed from June. Null: the day it was recorded.
    effective = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor}: {self.source}"


class Change(models.Model):
    class Action(models.TextChoices):
        CREATE = "create", "dibuat"
        UPDATE = "update", "diubah"
        END = "end", "diakhiri"

    changeset = models.ForeignKey(ChangeSet, on_delete=models.PROTECT, related_name="changes")
    model = models.CharField(max_length=40)  # "registry.worker"
    object_id = models.CharField(max_length=40)
    action = models.CharField(max_length=10, choices=Action.choices)
    before = models.JSONField(null=True)
    after = models.JSONField(null=True)

    class Meta:
        indexes = [models.Index(fields=["model", "object_id"])]

    def __str__(self) -> str:
        return f"{self.model} {self.object_id} {self.action}"


class BranchOffice(models.Model):
    """A BPJS TK kantor cabang and the kab/kota it serves."""

    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=120)
    territory = models.ManyToManyField(Region, related_name="branch_offices", blank=True)

    def __str__(self) -> str:
        return self.name


class Employer(models.Model):
    """A province or kab/kota government, known by its region code; NPP once registered at BPJS TK."""

    region = models.OneToOneField(Region, on_delete=models.PROTECT, related_name="employer")
    name = models.CharField(max_length=150)
    npp = models.CharField(max_length=20, unique=True, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["region_id"]

    def __str__(self) -> str:
        return self.name


class WorkUnit(models.Model):
    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="units")
    code = models.CharField(max_length=40)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=UNIT_KIND_CHOICES)
    npp_divisi = models.CharField(max_length=20, null=True, blank=True)

    class Meta:
        ordering = ["employer_id", "code"]
        constraints = [models.UniqueConstraint(fields=["employer", "code"], name="unit_code_per_employer")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Worker(models.Model):
    class Sex(models.TextChoices):
        L = "L", "Laki-laki"
        P = "P", "Perempuan"

    nik = models.CharField(max_length=16)  # unique by the constraint below (no extra LIKE index on PostgreSQL)
    name = models.CharField(max_length=200)
    birth_date = models.DateField()
    sex = models.CharField(max_length=1, choices=Sex.choices)
    phone = models.CharField(max_length=20, null=True, blank=True)
    # Checked against the regions by the import; no database constraint (a deferred check per row on COMMIT).
    domicile = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    # Audit pointer to the ChangeSet that created the row (bulk creates write no Change rows); written only
    # by services in the same transaction as the ChangeSet, so no database constraint.
    created_in = models.ForeignKey(
        ChangeSet, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["nik"], name="worker_nik_unique")]
        indexes = [models.Index(fields=["name", "id"], name="worker_name_id")]  # the roster list's order

    def __str__(self) -> str:
        return self.name


class Employment(models.Model):
    """A worker in a unit: category, job, monthly wage in whole rupiah, start and (once ended) end date."""

    worker = models.ForeignKey(Worker, on_delete=models.PROTECT, related_name="employments")
    # The unit's employer, copied so that every table that grows with workers carries the employer key
    # (DESIGN.md §6). Indexed through (employer, worker); constrained through `unit`.
    employer = models.ForeignKey(
        Employer, on_delete=models.PROTECT, related_name="employments", db_index=False, db_constraint=False
    )
    unit = models.ForeignKey(
        WorkUnit, on_delete=models.PROTECT, related_name="employments", db_index=False
    )  # (unit, end_date)
    category = models.CharField(max_length=30, choices=CATEGORY_CHOICES)
    job_title = models.CharField(max_length=200, null=True, blank=True)
    wage = models.BigIntegerField()
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    sk_number = models.CharField(max_length=100, null=True, blank=True)
    created_in = models.ForeignKey(
        ChangeSet, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["employer", "worker"]), models.Index(fields=["unit", "end_date"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(wage__gt=0), name="employment_wage_positive"),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(end_date__gte=models.F("start_date")),
                name="employment_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.worker_id} @ {self.unit_id} from {self.start_date}"
