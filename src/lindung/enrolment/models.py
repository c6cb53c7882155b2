"""What an employer committed to (Agreement), who funds it (Funder), and who is covered (Membership).

An agreement is never edited: a new package or rate takes effect as a new agreement with a later
effective date. A membership ends with an end date; re-enrolment after a gap is a new row, so the
history of every worker's coverage stays readable.
"""

from __future__ import annotations

from django.db import models

from lindung.registry.models import ChangeSet, Employer, Employment, Worker, WorkUnit


class Agreement(models.Model):
    class Segment(models.TextChoices):
        PPU = "ppu", "PPU penyelenggara negara"
        BPU = "bpu", "BPU pekerja rentan"

    class Basis(models.TextChoices):
        PKS = "pks", "PKS (perjanjian kerja sama)"
        PERKADA = "perkada", "Perkada (Pergub/Perbup/Perwali)"
        PERDA = "perda", "Perda"
        NOTA = "nota", "Nota kesepakatan"

    class Payer(models.TextChoices):
        EMPLOYER = "employer", "ditanggung pemberi kerja"
        WORKER = "worker", "dipotong dari upah pekerja"

    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="agreements")
    segment = models.CharField(max_length=3, choices=Segment.choices)
    programs = models.CharField(max_length=30)  # "JKK,JKM,JHT", in the canonical order
    risk_class = models.PositiveSmallIntegerField()  # JKK class 1..5 for the whole employer
    effective_from = models.DateField()
    basis = models.CharField(max_length=10, choices=Basis.choices, blank=True)
    basis_number = models.CharField(max_length=100, blank=True)
    basis_date = models.DateField(null=True, blank=True)
    worker_share_payer = models.CharField(max_length=10, choices=Payer.choices, default=Payer.EMPLOYER)
    late_fee = models.BooleanField(default=False)  # 2% a month; for government employers unverified
    # The wage reported to BPJS TK for every worker (e.g. the UMP); null: each worker's roster wage.
    reported_wage = models.BigIntegerField(null=True, blank=True)
    # Values the reference marks unverified, replaced for this agreement: {"jkp": {"from_jkm": "0"}}.
    rate_overrides = models.JSONField(default=dict, blank=True)
    created_in = models.ForeignKey(ChangeSet, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["employer_id", "segment", "effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["employer", "segment", "effective_from"], name="agreement_per_day"),
            models.CheckConstraint(condition=models.Q(risk_class__gte=1, risk_class__lte=5), name="risk_class_1_5"),
        ]

    def __str__(self) -> str:
        return f"{self.employer_id} {self.segment} {self.programs} sejak {self.effective_from}"

    @property
    def program_list(self) -> list[str]:
        return self.programs.split(",")


class UnitRiskClass(models.Model):
    """A unit whose work is riskier than the employer's class (a fire brigade is not an office)."""

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="unit_classes")
    unit = models.ForeignKey(WorkUnit, on_delete=models.PROTECT, related_name="+")
    risk_class = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agreement", "unit"], name="unit_class_once"),
            models.CheckConstraint(condition=models.Q(risk_class__gte=1, risk_class__lte=5), name="unit_class_1_5"),
        ]

    def __str__(self) -> str:
        return f"{self.agreement_id} {self.unit_id} {self.risk_class}"


class Funder(models.Model):
    """Who pays, and what share: one funder at 100%, or a split (kabupaten, province, APBDes)."""

    class Kind(models.TextChoices):
        KABUPATEN = "kabkota", "APBD kabupaten/kota"
        PROVINSI = "provinsi", "APBD provinsi"
        APBDES = "apbdes", "APBDes"
        OTHER = "lainnya", "lainnya"

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="funders")
    name = models.CharField(max_length=150)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    share = models.DecimalField(max_digits=5, decimal_places=2)  # percent; the funders of one agreement add to 100

    class Meta:
        ordering = ["agreement_id", "id"]

    def __str__(self) -> str:
        return f"{self.name} {self.share}%"


class Membership(models.Model):
    """A worker covered through one employment under an employer's agreement, from `valid_from`."""

    class Status(models.TextChoices):
        REGISTERED = "registered", "didaftarkan"
        ACTIVE = "active", "aktif"
        REJECTED = "rejected", "ditolak"
        ENDED = "ended", "berakhir"

    worker = models.ForeignKey(Worker, on_delete=models.PROTECT, related_name="memberships", db_index=False)
    employer = models.ForeignKey(
        Employer, on_delete=models.PROTECT, related_name="memberships", db_index=False, db_constraint=False
    )  # copied from the employment, indexed through (employer, valid_from)
    employment = models.ForeignKey(Employment, on_delete=models.PROTECT, related_name="memberships")
    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="memberships", db_index=False)
    segment = models.CharField(max_length=3, choices=Agreement.Segment.choices)
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)  # the last day of the month the employment ended
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REGISTERED)
    kpj = models.CharField(max_length=20, null=True, blank=True)  # BPJS TK participant number
    created_in = models.ForeignKey(
        ChangeSet, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["employer", "valid_from"]), models.Index(fields=["worker", "valid_from"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=models.F("valid_from")),
                name="membership_to_after_from",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.worker_id} {self.segment} {self.valid_from}..{self.valid_to or ''}"
