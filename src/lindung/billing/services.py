"""The monthly bill: issue it, correct it by adjustments, record payments, age the arrears.

Rules for a month (named once, here):
- RATES_ON: the rates and caps in force on the first day of the month apply to the whole month
  (a change on 1 March applies from March; PP 6/2025 of 7 February 2025 applies from March 2025).
- A membership is billed for every month it touches: joining on the 20th costs the whole month,
  as does leaving (wages are never prorated, PP 44/2015 Pasal 19).
- The wage billed for a month is the one in effect that month: a wage change recorded by an import
  with as-of day in June is billed from June (ChangeSet.effective).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import polars as pl
from django.db import transaction
from django.utils import timezone

from lindung.billing.models import Adjustment, Invoice, InvoiceFunding, InvoiceLine, InvoiceSubtotal, Payment
from lindung.domain.billing import ageing_bucket, due_date, late_fee
from lindung.domain.contributions import contribution_frame
from lindung.domain.errors import Conflict, NotFound, ValidationFailed
from lindung.domain.formats import date_label, month_label, rupiah
from lindung.domain.money import split
from lindung.domain.periods import FIRST_YEAR, LAST_YEAR, add_months, in_years, month_end, month_start
from lindung.enrolment.models import Agreement, Funder
from lindung.enrolment.services import agreement_in_force, rate_book_for, unit_risk_classes
from lindung.intake import bulk
from lindung.registry.models import Change, Employer, WorkUnit
from lindung.registry.services import get_employer, open_changeset

# Bounds a Pemda never meets honestly: beyond them a number is a typing slip (or an attack), answered in words
# by the web, the API and the command line alike (years: domain.periods.FIRST_YEAR..LAST_YEAR).
PAYMENT_MAX = 1_000_000_000_000  # Rp 1 triliun in one payment: more than a province's yearly iuran
INVOICE_AHEAD_MONTHS = 1  # next month's invoice may be issued ahead; a later one would bill a roster not known yet

LINE_COLUMNS = (
    "jkk",
    "jkm",
    "jht_employer",
    "jht_worker",
    "jp_employer",
    "jp_worker",
)
# Program -> (employer column, worker column) of an invoice line, per segment. A BPU participant's
# iuran is their own (the sponsoring Pemda pays it through the agreement).
PROGRAM_COLUMNS: dict[str, dict[str, tuple[str | None, str | None]]] = {
    "ppu": {
        "JKK": ("jkk", None),
        "JKM": ("jkm", None),
        "JHT": ("jht_employer", "jht_worker"),
        "JP": ("jp_employer", "jp_worker"),
        "JKP": (None, None),  # funded by the central government and recomposition: nothing billed
    },
    "bpu": {"JKK": (None, "jkk"), "JKM": (None, "jkm"), "JHT": (None, "jht_worker")},
}

_MEMBERS_SQL = """
SELECT m.id, m.worker_id, e.unit_id, e.id, e.wage
FROM enrolment_membership m JOIN registry_employment e ON e.id = m.employment_id
WHERE m.employer_id = %s AND m.segment = %s AND m.status <> 'rejected'
  AND m.valid_from <= %s AND (m.valid_to IS NULL OR m.valid_to >= %s)
  AND (e.end_date IS NULL OR e.end_date >= %s)
"""
_MEMBERS_SCHEMA: dict[str, type[pl.DataType]] = {
    "membership_id": pl.Int64,
    "worker_id": pl.Int64,
    "unit_id": pl.Int64,
    "employment_id": pl.Int64,
    "wage": pl.Int64,
}


@dataclass(frozen=True)
class InvoicePart:
    """The part of an employer one invoice bills: the whole employer, one NPP divisi, or one unit. (Not the
    user's scope, which is accounts.scope.Scope.)"""

    unit: WorkUnit | None = None
    divisi: str = ""

    @property
    def key(self) -> str:
        if self.unit is not None:
            return f"unit:{self.unit.code}"
        return f"divisi:{self.divisi}" if self.divisi else ""


def invoice_part(employer: Employer, unit_code: str | None = None, divisi: str | None = None) -> InvoicePart:
    if unit_code and divisi:
        raise ValidationFailed("Pilih salah satu: per unit atau per NPP divisi")
    if unit_code:
        unit = WorkUnit.objects.filter(employer=employer, code=unit_code).first()
        if unit is None:
            raise NotFound(f"Unit {unit_code} tidak terdaftar di {employer.name}")
        return InvoicePart(unit=unit)
    if divisi:
        if not WorkUnit.objects.filter(employer=employer, npp_divisi=divisi).exists():
            raise NotFound(f"Tidak ada unit dengan NPP divisi {divisi} di {employer.name}")
        return InvoicePart(divisi=divisi)
    return InvoicePart()


def billed_month(
    employer: Employer, agreement: Agreement, period: dt.date, part: InvoicePart
) -> tuple[pl.DataFrame, list[str]]:
    """One row per membership billed for the month, with every program's shares (domain rules)."""
    start, end = month_start(period), month_end(period)
    sql = _MEMBERS_SQL
    params: list[str | int] = [employer.pk, agreement.segment, end.isoformat(), start.isoformat(), start.isoformat()]
    if part.unit is not None:
        sql += " AND e.unit_id = %s"
        params.append(part.unit.pk)
    elif part.divisi:
        sql += " AND e.unit_id IN (SELECT u.id FROM registry_workunit u WHERE u.employer_id = %s AND u.npp_divisi = %s)"
        params += [employer.pk, part.divisi]
    rows = bulk.query_frame(sql, params, _MEMBERS_SCHEMA)
    rows = _wage_in_month(rows, end)
    if agreement.reported_wage is not None:
        rows = rows.with_columns(pl.lit(agreement.reported_wage, pl.Int64).alias("wage"))
    overrides = unit_risk_classes(agreement)
    rows = rows.with_columns(
        pl.col("unit_id")
        .replace_strict(overrides, default=agreement.risk_class, return_dtype=pl.Int64)
        .alias("risk_class")
        if overrides
        else pl.lit(agreement.risk_class, pl.Int64).alias("risk_class")
    )
    programs = agreement.program_list
    book = rate_book_for(agreement)
    return contribution_frame(book, rows, programs=programs, segment=agreement.segment, on=start), programs


def _wage_in_month(rows: pl.DataFrame, end: dt.date) -> pl.DataFrame:
    """The wage before any change that took effect after the month: the earliest such change's `before`."""
    later = (
        Change.objects.filter(model="registry.employment", action=Change.Action.UPDATE, changeset__effective__gt=end)
        .filter(before__has_key="wage")
        .order_by("changeset__effective", "changeset_id", "id")
        .values_list("object_id", "before")
    )
    earlier: dict[int, int] = {}
    for object_id, before in later.iterator():
        assert before is not None  # filtered on has_key
        earlier.setdefault(int(object_id), int(before["wage"]))
    if not earlier:
        return rows
    old = pl.DataFrame(
        {"employment_id": list(earlier), "old_wage": list(earlier.values())},
        schema={"employment_id": pl.Int64, "old_wage": pl.Int64},
    )
    return (
        rows.join(old, on="employment_id", how="left")
        .with_columns(pl.coalesce("old_wage", "wage").alias("wage"))
        .drop("old_wage")
    )


@dataclass(frozen=True)
class Issued:
    invoice: Invoice
    created: bool


def issue_invoice(
    employer_code: str,
    period: dt.date,
    *,
    actor: str,
    segment: str = Agreement.Segment.PPU,
    unit_code: str | None = None,
    divisi: str | None = None,
) -> Issued:
    """Issue the month's invoice; issuing the same month and part again returns the same invoice."""
    period = month_start(period)
    check_invoice_period(period)
    employer = get_employer(employer_code)
    part = invoice_part(employer, unit_code, divisi)
    with transaction.atomic():
        Employer.objects.select_for_update().filter(pk=employer.pk).first()
        same_month = Invoice.objects.filter(employer=employer, segment=segment, period=period)
        existing = same_month.filter(scope=part.key).first()
        if existing is not None:
            return Issued(existing, False)
        _refuse_overlap(same_month, part, employer, period)
        agreement = agreement_in_force(employer, segment, month_end(period))
        if agreement is None:
            raise NotFound(
                f"{employer.name} tidak punya perjanjian {segment.upper()} yang berlaku pada {month_label(period)}"
            )
        lines, programs = billed_month(employer, agreement, period, part)
        if lines.height == 0:
            raise ValidationFailed(f"Tidak ada peserta {segment.upper()} yang ditagih pada {month_label(period)}")
        book = rate_book_for(agreement)
        due_key = "billing.bpu_due_day" if segment == Agreement.Segment.BPU else "billing.due_day"
        due = due_date(period, segment, int(book.at(due_key, period).amount("day")))
        employer_amount = int(lines["employer"].sum())
        worker_amount = int(lines["worker"].sum())
        suffix = f"-{part.key.replace(':', '-').upper()}" if part.key else ""
        cs = open_changeset(actor, f"invoice create {employer.region_id} {period:%Y-%m} {segment} {part.key}")
        invoice = Invoice.objects.create(
            employer=employer,
            agreement=agreement,
            segment=segment,
            period=period,
            scope=part.key,
            unit=part.unit,
            divisi=part.divisi,
            number=f"TAG-{employer.region_id}-{period:%Y%m}-{segment.upper()}{suffix}",
            programs=",".join(programs),
            rates_on=period,
            due_date=due.day,
            workers=lines.height,
            employer_amount=employer_amount,
            worker_amount=worker_amount,
            total=employer_amount + worker_amount,
            issued_in=cs,
        )
        bulk.insert_frame(
            InvoiceLine._meta.db_table,
            lines.select(
                pl.lit(invoice.pk, pl.Int64).alias("invoice_id"),
                "membership_id",
                "worker_id",
                "unit_id",
                "risk_class",
                "wage_base",
                *LINE_COLUMNS,
                "jp_base",
                pl.col("employer").alias("employer_amount"),
                pl.col("worker").alias("worker_amount"),
            ),
        )
        _write_subtotals(invoice, lines, programs)
        _write_funding(invoice, agreement)
        cs.summary = {"invoice": invoice.number, "workers": invoice.workers, "total": invoice.total, "due": due.note}
        cs.save(update_fields=["summary"])
    return Issued(invoice, True)


def check_invoice_period(period: dt.date) -> None:
    """An invoice's month lies in FIRST_YEAR..LAST_YEAR and at most INVOICE_AHEAD_MONTHS after this month."""
    if not in_years(period):
        raise ValidationFailed(
            f"Bulan tagihan {month_label(period)} di luar tahun {FIRST_YEAR}-{LAST_YEAR}; periksa tahunnya"
        )
    this_month = month_start(timezone.localdate())
    latest = add_months(this_month, INVOICE_AHEAD_MONTHS)
    if period > latest:
        raise ValidationFailed(
            f"Tagihan {month_label(period)} terlalu jauh ke depan: paling jauh {month_label(latest)}, "
            f"satu bulan sesudah bulan ini ({month_label(this_month)}), karena peserta dan upah bulan yang lebih "
            "jauh belum diketahui"
        )


def _refuse_overlap(same_month: Any, part: InvoicePart, employer: Employer, period: dt.date) -> None:
    scopes = list(same_month.values_list("scope", flat=True))
    kind = part.key.split(":")[0]
    if any(s == "" or s.split(":")[0] != kind or not part.key for s in scopes):
        raise Conflict(
            f"Tagihan {month_label(period)} {employer.name} sudah diterbitkan untuk "
            f"{', '.join(s or 'seluruh Pemda' for s in scopes)}; "
            "satu bulan ditagih seluruhnya atau per bagian dengan cara yang sama, tidak bertumpuk"
        )


def _write_subtotals(invoice: Invoice, lines: pl.DataFrame, programs: list[str]) -> None:
    per_unit = lines.group_by("unit_id").agg(pl.len().alias("workers"), *[pl.col(c).sum() for c in LINE_COLUMNS])
    rows = []
    for unit in per_unit.sort("unit_id").iter_rows(named=True):
        for program in programs:
            employer_column, worker_column = PROGRAM_COLUMNS[invoice.segment][program]
            rows.append(
                InvoiceSubtotal(
                    invoice=invoice,
                    unit_id=unit["unit_id"],
                    program=program,
                    workers=unit["workers"],
                    employer_amount=int(unit[employer_column]) if employer_column else 0,
                    worker_amount=int(unit[worker_column]) if worker_column else 0,
                )
            )
    InvoiceSubtotal.objects.bulk_create(rows, batch_size=1000)


def funded_amount(invoice: Invoice, agreement: Agreement) -> int:
    """What the funders pay: everything, or only the employer share when workers pay their own."""
    if agreement.worker_share_payer == Agreement.Payer.WORKER:
        return invoice.employer_amount
    return invoice.total


def _write_funding(invoice: Invoice, agreement: Agreement) -> None:
    funders = list(agreement.funders.all())
    amounts = split(funded_amount(invoice, agreement), [f.share for f in funders])
    InvoiceFunding.objects.bulk_create(
        InvoiceFunding(invoice=invoice, funder=f, amount=a) for f, a in zip(funders, amounts, strict=True)
    )


def get_invoice(number: str) -> Invoice:
    invoice = Invoice.objects.select_related("employer", "agreement").filter(number=number.strip()).first()
    if invoice is None:
        raise NotFound(f"Tagihan {number} tidak ditemukan")
    return invoice


# --- corrections -------------------------------------------------------------------------------


def adjust_invoice(number: str, *, actor: str, reason: str, on: dt.date | None = None) -> Adjustment | None:
    """Recompute the invoice's month from today's records; a difference becomes a dated Adjustment.

    The invoice and its lines stay as issued. Returns None when nothing changed.
    """
    today = timezone.localdate()
    on = on or today
    invoice = get_invoice(number)
    if not reason.strip():
        raise ValidationFailed("Sebutkan alasan koreksi")
    if on > today:
        raise ValidationFailed(
            f"Tanggal koreksi {date_label(on)} belum terjadi (hari ini {date_label(today)}); koreksi bertanggal hari "
            "ini atau sebelumnya"
        )
    if on < invoice.period:
        raise ValidationFailed(f"Tanggal koreksi {date_label(on)} sebelum bulan tagihan {month_label(invoice.period)}")
    with transaction.atomic():
        Invoice.objects.select_for_update().filter(pk=invoice.pk).first()
        part = InvoicePart(unit=invoice.unit, divisi=invoice.divisi)
        now, _ = billed_month(invoice.employer, invoice.agreement, invoice.period, part)
        current = now.select(
            "membership_id", "worker_id", pl.col("employer").alias("e_now"), pl.col("worker").alias("w_now")
        )
        billed = _billed_so_far(invoice)
        diff = (
            current.join(billed, on="membership_id", how="full", coalesce=True)
            .with_columns(
                pl.coalesce("worker_id", "worker_id_billed").alias("worker_id"),
                (pl.col("e_now").fill_null(0) - pl.col("e_billed").fill_null(0)).alias("employer"),
                (pl.col("w_now").fill_null(0) - pl.col("w_billed").fill_null(0)).alias("worker"),
            )
            .filter((pl.col("employer") != 0) | (pl.col("worker") != 0))
            .select("membership_id", "worker_id", "employer", "worker")
            .sort("membership_id")
        )
        if diff.height == 0:
            return None
        cs = open_changeset(actor, f"invoice adjust {invoice.number}", effective=on)
        employer_delta, worker_delta = int(diff["employer"].sum()), int(diff["worker"].sum())
        return Adjustment.objects.create(
            invoice=invoice,
            on=on,
            employer_amount=employer_delta,
            worker_amount=worker_delta,
            amount=employer_delta + worker_delta,
            reason=reason.strip()[:300],
            detail=diff.to_dicts(),
            made_in=cs,
        )


def _billed_so_far(invoice: Invoice) -> pl.DataFrame:
    """Per membership: the issued line plus every earlier adjustment."""
    lines = bulk.query_frame(
        "SELECT membership_id, worker_id, employer_amount, worker_amount "
        "FROM billing_invoiceline WHERE invoice_id = %s",
        [invoice.pk],
        {"membership_id": pl.Int64, "worker_id_billed": pl.Int64, "e_billed": pl.Int64, "w_billed": pl.Int64},
    )
    entries = [d for a in invoice.adjustments.all() for d in a.detail]
    if not entries:
        return lines
    adjusted = pl.DataFrame(
        {
            "membership_id": [d["membership_id"] for d in entries],
            "worker_id_billed": [d["worker_id"] for d in entries],
            "e_billed": [d["employer"] for d in entries],
            "w_billed": [d["worker"] for d in entries],
        },
        schema=lines.schema,
    )
    return (
        pl.concat([lines, adjusted])
        .group_by("membership_id")
        .agg(pl.col("worker_id_billed").first(), pl.col("e_billed").sum(), pl.col("w_billed").sum())
    )


# --- payments and arrears ----------------------------------------------------------------------


def record_payment(
    number: str, *, amount: int, paid_on: dt.date, billing_code: str, actor: str
) -> tuple[Payment, bool]:
    """Record money received; the same billing code again with the same amount and day changes nothing."""
    code = billing_code.strip()
    check_payment_amount(amount)
    check_paid_on(paid_on)
    if not code:
        raise ValidationFailed("Kode iuran (kode billing) wajib diisi")
    invoice = get_invoice(number)
    if paid_on < invoice.period:
        raise ValidationFailed(
            f"Tanggal bayar {date_label(paid_on)} sebelum bulan tagihan {month_label(invoice.period)}"
        )
    with transaction.atomic():
        existing = Payment.objects.filter(invoice=invoice, billing_code=code).first()
        if existing is not None:
            if existing.amount == amount and existing.paid_on == paid_on:
                return existing, False
            raise Conflict(
                f"Kode iuran {code} sudah tercatat untuk {invoice.number} "
                f"({rupiah(existing.amount)} pada {date_label(existing.paid_on)}); pembayaran tidak dicatat dua kali"
            )
        cs = open_changeset(actor, f"payment add {invoice.number} {code}")
        payment = Payment.objects.create(
            invoice=invoice, paid_on=paid_on, amount=amount, billing_code=code, recorded_in=cs
        )
    return payment, True


def check_payment_amount(amount: int) -> None:
    """One payment is more than Rp0 and at most PAYMENT_MAX."""
    if amount <= 0:
        raise ValidationFailed("Jumlah pembayaran harus lebih dari 0")
    if amount > PAYMENT_MAX:
        raise ValidationFailed(
            f"Jumlah pembayaran lebih dari {rupiah(PAYMENT_MAX)}, batas satu pembayaran; periksa jumlah nolnya"
        )


def check_paid_on(paid_on: dt.date) -> None:
    """Money is recorded once received: the day paid is today or earlier (Asia/Jakarta), and not before 2000."""
    today = timezone.localdate()
    if paid_on > today:
        raise ValidationFailed(
            f"Tanggal bayar {date_label(paid_on)} belum terjadi (hari ini {date_label(today)}); catat pembayaran "
            "setelah uangnya diterima, dengan tanggal pada bukti setor"
        )
    if not in_years(paid_on):
        raise ValidationFailed(f"Tanggal bayar {date_label(paid_on)} di luar tahun {FIRST_YEAR}-{LAST_YEAR}")


@dataclass
class Statement:
    """An invoice's account on a day: what it billed, corrected, received, and what is still owed."""

    invoice: Invoice
    on: dt.date
    adjustments: int
    paid: int
    late_fee: int
    days_overdue: int
    payments: list[tuple[dt.date, int]] = field(default_factory=list)

    @property
    def owed(self) -> int:
        return self.invoice.total + self.adjustments

    @property
    def balance(self) -> int:
        """Positive: still owed; negative: overpaid (a credit)."""
        return self.owed - self.paid

    @property
    def bucket(self) -> str:
        return ageing_bucket(self.days_overdue) if self.balance > 0 else ""

    @property
    def state(self) -> str:
        """ "paid" (nothing owed), "overdue" (owed after the due date), "partial" (something paid) or "open"."""
        if self.balance <= 0:
            return "paid"
        if self.invoice.due_date < self.on:
            return "overdue"
        return "partial" if self.paid > 0 else "open"

    def as_dict(self) -> dict[str, Any]:
        inv = self.invoice
        return {
            "invoice": inv.number,
            "employer": inv.employer.region_id,
            "period": f"{inv.period:%Y-%m}",
            "due_date": inv.due_date.isoformat(),
            "total": inv.total,
            "adjustments": self.adjustments,
            "owed": self.owed,
            "paid": self.paid,
            "balance": self.balance,
            "days_overdue": self.days_overdue if self.balance > 0 else 0,
            "ageing": self.bucket,
            "late_fee": self.late_fee,
        }


def statements(invoices: list[Invoice], on: dt.date) -> list[Statement]:
    """Statements for many invoices in three queries."""
    ids = [i.pk for i in invoices]
    adjustments: dict[int, int] = defaultdict(int)
    for invoice_id, amount in Adjustment.objects.filter(invoice_id__in=ids, on__lte=on).values_list(
        "invoice_id", "amount"
    ):
        adjustments[invoice_id] += amount
    payments: dict[int, list[tuple[dt.date, int]]] = defaultdict(list)
    for invoice_id, day, amount in (
        Payment.objects.filter(invoice_id__in=ids, paid_on__lte=on)
        .order_by("paid_on")
        .values_list("invoice_id", "paid_on", "amount")
    ):
        payments[invoice_id].append((day, amount))
    result = []
    for inv in invoices:
        owed = inv.total + adjustments[inv.pk]
        paid = sum(a for _, a in payments[inv.pk])
        fee = 0
        if inv.agreement.late_fee:
            rate = rate_book_for(inv.agreement).at("billing.late_fee.pemda", inv.due_date).percent("rate")
            fee = late_fee(owed, inv.due_date, payments[inv.pk], on, rate)
        result.append(
            Statement(inv, on, adjustments[inv.pk], paid, fee, max((on - inv.due_date).days, 0), payments[inv.pk])
        )
    return result


def arrears(on: dt.date, employer_code: str | None = None) -> list[Statement]:
    """Invoices past their due date with money still owed on `on`, oldest first."""
    invoices = Invoice.objects.select_related("agreement", "employer").filter(due_date__lt=on, period__lte=on)
    if employer_code:
        invoices = invoices.filter(employer=get_employer(employer_code))
    found = [s for s in statements(list(invoices.order_by("due_date", "number")), on) if s.balance > 0]
    return found


def funding_of(invoice: Invoice) -> list[tuple[Funder, int]]:
    return [(f.funder, f.amount) for f in invoice.funding.select_related("funder")]
