"""What the API answers: one schema per resource, money as integer rupiah, dates ISO, NIK masked in lists."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from ninja import Field, Schema

from lindung.billing.services import PAYMENT_MAX

MAX_LIMIT = 500


class Error(Schema):
    code: str = Field(description="not_found, forbidden, invalid, conflict, unauthenticated, ...")
    message: str = Field(description="dalam Bahasa Indonesia")
    issues: list[dict[str, Any]] = Field(default_factory=list, description="row, column, value, code, message")


class Paging(Schema):
    limit: int = Field(50, ge=1, le=MAX_LIMIT, description=f"paling banyak {MAX_LIMIT}")
    offset: int = Field(0, ge=0)


# --- roster ------------------------------------------------------------------------------------


class WorkerFilters(Schema):
    q: str | None = Field(
        None,
        description="nama, atau NIK: empat angka terakhirnya, atau bersamaran seperti 1311********0001; NIK "
        "lengkap (16 angka) atau akhiran yang lebih panjang hanya bagi peran yang boleh melihat NIK lengkap "
        "(izin personal.full); peran lain dicari dengan angka yang tampak di NIK bersamaran saja",
    )
    unit: str | None = Field(None, description="kode unit kerja")
    category: str | None = Field(None, description="kode kategori, mis. thl, honorer")
    active: bool | None = Field(None, description="masih bekerja hari ini (true) atau sudah berakhir (false)")


class EmploymentBrief(Schema):
    id: int
    employer: str  # the employer's region code
    unit: str
    category: str
    job_title: str | None
    wage: int
    start_date: dt.date
    end_date: dt.date | None


class WorkerItem(Schema):
    id: int
    nik: str = Field(description="selalu disamarkan dalam daftar")
    name: str
    sex: str
    employments: list[EmploymentBrief]


class WorkerPage(Schema):
    count: int
    items: list[WorkerItem]


class MembershipItem(Schema):
    id: int
    worker_id: int
    worker_name: str
    nik: str = Field(description="disamarkan")
    employer: str
    unit: str
    segment: str
    status: str
    kpj: str | None
    valid_from: dt.date
    valid_to: dt.date | None


class WorkerDetail(Schema):
    id: int
    full: bool = Field(description="true: NIK, telepon dan tanggal lahir lengkap (dan akses ini dicatat)")
    nik: str
    name: str
    sex: str
    birth_date: dt.date | None = Field(description="null bila peran tidak berhak melihat data lengkap")
    phone: str | None
    domicile: str | None
    employments: list[EmploymentBrief]
    memberships: list[MembershipItem]


class EmploymentFilters(Schema):
    unit: str | None = Field(None, description="kode unit kerja")
    active: bool | None = None


class EmploymentItem(EmploymentBrief):
    worker_id: int
    worker_name: str
    nik: str = Field(description="disamarkan")
    sk_number: str | None


class EmploymentPage(Schema):
    count: int
    items: list[EmploymentItem]


class MembershipFilters(Schema):
    status: str | None = Field(None, description="registered, active, rejected, ended")
    has_kpj: bool | None = Field(None, description="sudah punya nomor KPJ")


class MembershipPage(Schema):
    count: int
    items: list[MembershipItem]


# --- imports -----------------------------------------------------------------------------------


class ImportCounts(Schema):
    rows: int
    new: int
    changed: int
    unchanged: int
    rejected: int
    warned: int


class ImportItem(Schema):
    id: uuid.UUID
    employer: str
    unit: str | None
    file_name: str
    status: str
    mode: str
    counts: ImportCounts
    created_at: dt.datetime
    issue_count: int


class ImportDetail(ImportItem):
    message: str
    issues: list[dict[str, Any]] = Field(description="masalah pertama per baris dan kolom")


class ImportPage(Schema):
    count: int
    items: list[ImportItem]


# --- billing -----------------------------------------------------------------------------------


class InvoiceFilters(Schema):
    period: str | None = Field(None, pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="YYYY-MM")
    employer: str | None = Field(None, description="kode wilayah Pemda, mis. 13.11")


class InvoiceItem(Schema):
    number: str
    employer: str
    employer_name: str
    segment: str
    period: str  # YYYY-MM
    scope: str
    unit: str | None
    programs: list[str]
    due_date: dt.date
    workers: int
    employer_amount: int
    worker_amount: int
    total: int


class InvoicePage(Schema):
    count: int
    items: list[InvoiceItem]


class Subtotal(Schema):
    unit: str
    program: str
    workers: int
    employer_amount: int
    worker_amount: int


class PaymentItem(Schema):
    id: int
    invoice: str
    paid_on: dt.date
    amount: int
    billing_code: str


class InvoiceDetail(InvoiceItem):
    subtotals: list[Subtotal]
    payments: list[PaymentItem]
    statement: dict[str, Any] = Field(description="tagihan, koreksi, dibayar, sisa dan umur tunggakan hari ini")


class PaymentFilters(Schema):
    invoice: str | None = Field(None, description="nomor tagihan")


class PaymentPage(Schema):
    count: int
    items: list[PaymentItem]


class PaymentIn(Schema):
    billing_code: str = Field(min_length=1, max_length=40, description="kode iuran / kode billing")
    paid_on: dt.date = Field(description="tanggal bayar: hari ini atau sebelumnya, tidak sebelum bulan tagihan")
    # The upper bound is checked by the service: beyond it the answer is a 400 with the sentence, as from the
    # pages and the command line.
    amount: int = Field(gt=0, description=f"rupiah, bilangan bulat; paling banyak {PAYMENT_MAX} (Rp1 triliun)")


class PaymentOut(PaymentItem):
    created: bool = Field(description="false: kode iuran ini sudah tercatat dengan jumlah dan tanggal yang sama")


# --- coverage ----------------------------------------------------------------------------------


class CoverageQuery(Schema):
    on: dt.date | None = Field(None, description="per tanggal (bawaan: hari ini)")
    region: str | None = Field(None, description="kode wilayah provinsi atau kab/kota")
    employer: str | None = Field(None, description="kode wilayah Pemda, untuk rincian per unit")
    unit: str | None = Field(None, description="kode unit (bersama employer)")
    branch: str | None = Field(None, description="kode kantor cabang BPJS TK")
