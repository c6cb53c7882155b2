"""Claims (klaim santunan): the case, its moves, its documents and the heirs from the family card."""

from __future__ import annotations

from django.db import models

from lindung.domain.claims import DOCUMENTS, KINDS, OUTCOMES, STATES
from lindung.enrolment.models import Membership
from lindung.registry.models import Employer, Employment, Worker, WorkUnit


class Claim(models.Model):
    number = models.CharField(max_length=40, unique=True)  # KLAIM-13.11-2026-000001
    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="claims")
    unit = models.ForeignKey(WorkUnit, on_delete=models.PROTECT, related_name="+")
    worker = models.ForeignKey(Worker, on_delete=models.PROTECT, related_name="claims")
    employment = models.ForeignKey(Employment, on_delete=models.PROTECT, related_name="claims")
    kind = models.CharField(max_length=20, choices=list(KINDS.items()))
    state = models.CharField(max_length=20, choices=list(STATES.items()), default="reported")
    outcome = models.CharField(max_length=20, choices=list(OUTCOMES.items()), blank=True)
    event_at = models.DateTimeField()  # the accident, the diagnosis or the death
    place = models.CharField(max_length=200)
    description = models.TextField()
    wage = models.BigIntegerField()  # the wage on the event day
    wage_reason = models.TextField(blank=True)  # why it differs from the employment's wage ("" = taken from it)
    doctor_at = models.DateTimeField(null=True, blank=True)  # the doctor's statement (JKK tahap II)
    # Partial disability: the body parts of the table (rates/disability_partial.toml) and the percent of function
    # lost, [["lengan_kanan_bahu", "100"], ...], from the doctor's statement.
    disability_parts = models.JSONField(default=list, blank=True)
    stage_2_at = models.DateTimeField(null=True, blank=True)
    # Covered on the event day: judged when reported, kept with its evidence.
    membership = models.ForeignKey(Membership, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    covered = models.BooleanField()
    coverage = models.JSONField(default=dict)
    contribution_months = models.PositiveIntegerField(default=0)
    benefit = models.JSONField(default=dict)  # the computed benefit (domain.benefits), refreshed with the outcome
    reported_by = models.CharField(max_length=150)
    reported_at = models.DateTimeField()
    decision_reason = models.TextField(blank=True)
    paid_amount = models.BigIntegerField(null=True, blank=True)
    paid_on = models.DateField(null=True, blank=True)
    payment_reference = models.CharField(max_length=100, blank=True)
    amount_reason = models.TextField(blank=True)  # why the amount paid differs from the computed benefit

    class Meta:
        indexes = [models.Index(fields=["employer", "state"])]

    def __str__(self) -> str:
        return self.number


class ClaimEvent(models.Model):
    """One move of a claim: who, when, from which state to which, and why."""

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(max_length=20)
    source = models.CharField(max_length=20, blank=True)
    target = models.CharField(max_length=20)
    actor = models.CharField(max_length=150)
    at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.action}: {self.source} -> {self.target}"


class ClaimDocument(models.Model):
    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(max_length=30, choices=list(DOCUMENTS.items()))
    filename = models.CharField(max_length=200)
    stored = models.CharField(max_length=300)  # path under LINDUNG_DATA_DIR
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.CharField(max_length=150)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.kind} {self.filename}"


class Heir(models.Model):
    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="heirs")
    relation = models.CharField(max_length=30)
    nik = models.CharField(max_length=16)
    name = models.CharField(max_length=200)
    birth_date = models.DateField(null=True, blank=True)
    married = models.BooleanField(default=False)
    working = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.relation} {self.name}"
