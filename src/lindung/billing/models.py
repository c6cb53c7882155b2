"""The monthly bill (Invoice) with its lines and subtotals, corrections (Adjustment) and money received (Payment).

An issued invoice is never edited: a correction is a dated Adjustment, money is a Payment, and the
balance is always total + adjustments - payments.
"""

from __future__ import annotations

from django.db import models

from lindung.enrolment.models import Agreement, Funder, Membership
from lindung.registry.models import ChangeSet, Employer, Worker, WorkUnit


class Invoice(models.Model):
    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="invoices")
    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="invoices")
    segment = models.CharField(max_length=3, choices=Agreement.Segment.choices)
    period = models.DateField()  # the first day of the month billed
    # "" for the whole employer, "divisi:<NPP divisi>" or "unit:<code>" for a part of it.
    scope = models.CharField(max_length=60, default="", blank=True)
    unit = models.ForeignKey(WorkUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    divisi = models.CharField(max_length=20, blank=True)
    number = models.CharField(max_length=80, unique=True)
    programs = models.CharField(max_length=30)
    rates_on = models.DateField()  # the day whose rates and caps were applied
    due_date = models.DateField()
    workers = models.PositiveIntegerField()
    employer_amount = models.BigIntegerField()
    worker_amount = models.BigIntegerField()
    total = models.BigIntegerField()
    issued_in = models.ForeignKey(ChangeSet, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["employer_id", "period", "scope"]
        constraints = [
            models.UniqueConstraint(fields=["employer", "segment", "period", "scope"], name="invoice_once_per_month"),
        ]

    def __str__(self) -> str:
        return self.number


class InvoiceLine(models.Model):
    """One worker in one invoice; the columns are the programs' shares in whole rupiah.

    Written in bulk by `issue_invoice` from memberships read in the same transaction, so the pointers
    carry no database constraint (a deferred check per row at COMMIT); the primary key (invoice,
    membership) is the only index.
    """

    pk = models.CompositePrimaryKey("invoice_id", "membership_id")
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="lines", db_constraint=False)
    membership = models.ForeignKey(
        Membership, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    worker = models.ForeignKey(Worker, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False)
    unit = models.ForeignKey(WorkUnit, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False)
    risk_class = models.PositiveSmallIntegerField()
    wage_base = models.BigIntegerField()  # the reported wage
    jkk = models.BigIntegerField()
    jkm = models.BigIntegerField()
    jht_employer = models.BigIntegerField()
    jht_worker = models.BigIntegerField()
    jp_base = models.BigIntegerField()  # the wage after the JP cap
    jp_employer = models.BigIntegerField()
    jp_worker = models.BigIntegerField()
    employer_amount = models.BigIntegerField()
    worker_amount = models.BigIntegerField()

    def __str__(self) -> str:
        return f"{self.invoice_id}/{self.membership_id}"


class InvoiceSubtotal(models.Model):
    """Per unit and program: the figures a Pemda's finance office checks against its budget lines."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="subtotals")
    unit = models.ForeignKey(WorkUnit, on_delete=models.PROTECT, related_name="+", db_index=False)
    program = models.CharField(max_length=3)
    workers = models.PositiveIntegerField()
    employer_amount = models.BigIntegerField()
    worker_amount = models.BigIntegerField()

    class Meta:
        ordering = ["invoice_id", "unit_id", "program"]

    def __str__(self) -> str:
        return f"{self.invoice_id} {self.unit_id} {self.program}"


class InvoiceFunding(models.Model):
    """What each funder owes for the invoice; the amounts add up to exactly what the employer side pays."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="funding")
    funder = models.ForeignKey(Funder, on_delete=models.PROTECT, related_name="+")
    amount = models.BigIntegerField()

    class Meta:
        ordering = ["invoice_id", "funder_id"]

    def __str__(self) -> str:
        return f"{self.invoice_id} {self.funder_id} {self.amount}"


class Adjustment(models.Model):
    """A correction after issue: the difference between the invoice and the month recomputed on `on`."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="adjustments")
    on = models.DateField()
    employer_amount = models.BigIntegerField()
    worker_amount = models.BigIntegerField()
    amount = models.BigIntegerField()
    reason = models.CharField(max_length=300)
    detail = models.JSONField(default=list)  # one entry per membership whose figures changed
    made_in = models.ForeignKey(ChangeSet, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["invoice_id", "on", "id"]

    def __str__(self) -> str:
        return f"{self.invoice_id} {self.on} {self.amount}"


class Payment(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="payments")
    paid_on = models.DateField()
    amount = models.BigIntegerField()
    billing_code = models.CharField(max_length=40)  # kode iuran / kode billing
    recorded_in = models.ForeignKey(ChangeSet, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["invoice_id", "paid_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["invoice", "billing_code"], name="payment_code_once"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="payment_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.invoice_id} {self.billing_code} {self.amount}"
