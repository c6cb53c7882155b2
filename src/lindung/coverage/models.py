"""Coverage: the kept aggregates, targets, regional figures, and what each Pemda did under Inpres 2/2021.

`UnitEvent` and `UnitState` are derived data (see `domain.coverage`): they are rebuilt from the roster and
membership rows by `aggregates.refresh`, in the transaction that changed those rows, and can be rebuilt
at any time with `lindung coverage --rebuild`. Nothing else is stored as a result.
"""

from __future__ import annotations

from django.db import models

from lindung.enrolment.models import Agreement
from lindung.regions.models import Region
from lindung.registry.models import ChangeSet, Employer, WorkUnit


class _Measures(models.Model):
    workers = models.IntegerField(default=0)
    enrolled = models.IntegerField(default=0)
    bpu = models.IntegerField(default=0)
    with_kpj = models.IntegerField(default=0)
    jkk = models.IntegerField(default=0)
    jkm = models.IntegerField(default=0)
    jht = models.IntegerField(default=0)
    jp = models.IntegerField(default=0)
    jkp = models.IntegerField(default=0)

    class Meta:
        abstract = True


class UnitEvent(_Measures):
    """How each measure of a unit changed on a day (derived)."""

    pk = models.CompositePrimaryKey("unit_id", "day")
    unit = models.ForeignKey(WorkUnit, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    employer = models.ForeignKey(
        Employer, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    day = models.DateField()

    class Meta:
        indexes = [models.Index(fields=["employer", "day"])]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.day}"


class UnitState(_Measures):
    """Each measure of a unit at the start of a month, before that month's events (derived)."""

    pk = models.CompositePrimaryKey("unit_id", "month")
    unit = models.ForeignKey(WorkUnit, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    employer = models.ForeignKey(
        Employer, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    month = models.DateField()

    class Meta:
        indexes = [models.Index(fields=["employer", "month"])]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.month:%Y-%m}"


class Horizon(models.Model):
    """The last month for which `UnitState` rows are kept (one row). Later days add the events past it."""

    month = models.DateField()

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"


class Target(models.Model):
    """A planned number of enrolled workers for a year: of an employer, one of its units, or a region."""

    year = models.PositiveSmallIntegerField()
    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    unit = models.ForeignKey(WorkUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    count = models.PositiveIntegerField()
    note = models.CharField(max_length=300, blank=True)
    created_in = models.ForeignKey(ChangeSet, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["year", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(employer__isnull=False, unit__isnull=True, region__isnull=True)
                    | models.Q(employer__isnull=False, unit__isnull=False, region__isnull=True)
                    | models.Q(employer__isnull=True, unit__isnull=True, region__isnull=False)
                ),
                name="target_one_subject",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.employer_id or self.region_id} {self.count}"


class RegionalFigure(models.Model):
    """Region-wide figures for a month, from files: the workforce (e.g. BPS penduduk bekerja) and BPJS TK's
    active participants of every kind. Their ratio is the coverage of all workers the Banjarnegara story
    quotes, beside the non-ASN coverage counted from the roster."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    period = models.DateField()  # the first day of the month
    workforce = models.PositiveBigIntegerField(null=True, blank=True)
    participants = models.PositiveBigIntegerField(null=True, blank=True)
    source = models.CharField(max_length=300, blank=True)
    created_in = models.ForeignKey(ChangeSet, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["region_id", "period"]
        constraints = [models.UniqueConstraint(fields=["region", "period"], name="regional_figure_once")]

    def __str__(self) -> str:
        return f"{self.region_id} {self.period:%Y-%m}"


class Regulation(models.Model):
    """A regulation a Pemda issued for Jamsostek (Inpres 2/2021 pillar 1): PKS, Perkada or Perda."""

    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="regulations")
    kind = models.CharField(max_length=10, choices=Agreement.Basis.choices)
    number = models.CharField(max_length=150)
    issued_on = models.DateField()
    title = models.CharField(max_length=300, blank=True)
    created_in = models.ForeignKey(ChangeSet, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["employer_id", "issued_on"]
        constraints = [models.UniqueConstraint(fields=["employer", "kind", "number"], name="regulation_once")]

    def __str__(self) -> str:
        return f"{self.employer_id} {self.kind} {self.number}"


class BudgetAllocation(models.Model):
    """The APBD (or APBDes) amount a Pemda allocated for its workers' contributions in a year (pillar 3).
    What it paid is read from billing's payments."""

    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="budget_allocations")
    year = models.PositiveSmallIntegerField()
    amount = models.BigIntegerField()  # rupiah
    basis = models.CharField(max_length=150, blank=True)  # DPA number, Perda APBD
    created_in = models.ForeignKey(ChangeSet, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["employer_id", "year"]
        constraints = [
            models.UniqueConstraint(fields=["employer", "year"], name="allocation_per_year"),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="allocation_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.employer_id} {self.year} Rp{self.amount}"
