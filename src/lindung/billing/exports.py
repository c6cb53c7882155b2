"""Files made from an issued invoice: the workbook a Pemda finance officer reads, and the collective upload
file for BPJS TK's employer portal (SIPP Online) in a column layout kept as data (`billing/layouts/*.toml`).

- The invoice workbook masks every NIK (UU 27/2022 PDP, DESIGN.md §3): it circulates in the finance office.
- The upload file carries full NIKs: it is what the employer submits to BPJS TK. NIK, KPJ, phone and NPP are
  text cells, so Excel never turns them into numbers (a 16-digit NIK as a number loses its last digit).

Both read the invoice's lines in one query, whatever their number.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import polars as pl
import xlsxwriter
from django.utils import timezone

from lindung.billing.models import Adjustment, Invoice, InvoiceLine, InvoiceSubtotal, Payment
from lindung.billing.services import PROGRAM_COLUMNS, funded_amount, funding_of, statements
from lindung.domain.errors import Issue, ValidationFailed
from lindung.domain.formats import MONTH_NAMES, date_label, mask_nik, month_label, rate, rupiah
from lindung.domain.rates import CONFIDENCE_MARKS
from lindung.domain.sheets import neutralise_formula
from lindung.enrolment.models import Agreement, Membership
from lindung.intake import bulk
from lindung.registry.models import Worker, WorkUnit

__all__ = [
    "MONTH_NAMES",
    "SOURCES",
    "Layout",
    "LayoutColumn",
    "invoice_lines",
    "layouts",
    "load_layout",
    "period_label",
    "write_invoice_xlsx",
    "write_upload_file",
]


MONEY_FORMAT = "#,##0"


def period_label(day: dt.date) -> str:
    """2024-05-01 -> "Mei 2024"."""
    return month_label(day)


# --- the invoice's lines -----------------------------------------------------------------------

_LINES_SQL = f"""
SELECT l.membership_id, w.nik, w.name, CAST(w.birth_date AS TEXT), w.sex, w.phone, m.kpj,
       CAST(m.valid_from AS TEXT), u.code, u.name, u.npp_divisi, l.risk_class, l.wage_base,
       l.jkk, l.jkm, l.jht_employer, l.jht_worker, l.jp_base, l.jp_employer, l.jp_worker,
       l.employer_amount, l.worker_amount
FROM "{InvoiceLine._meta.db_table}" l
JOIN "{Worker._meta.db_table}" w ON w.id = l.worker_id
JOIN "{WorkUnit._meta.db_table}" u ON u.id = l.unit_id
JOIN "{Membership._meta.db_table}" m ON m.id = l.membership_id
WHERE l.invoice_id = %s
"""
_LINES_SCHEMA: dict[str, type[pl.DataType]] = {
    "membership_id": pl.Int64,
    "nik": pl.String,
    "name": pl.String,
    "birth_date": pl.Date,
    "sex": pl.String,
    "phone": pl.String,
    "kpj": pl.String,
    "valid_from": pl.Date,
    "unit_code": pl.String,
    "unit_name": pl.String,
    "npp_divisi": pl.String,
    "risk_class": pl.Int64,
    "wage_base": pl.Int64,
    "jkk": pl.Int64,
    "jkm": pl.Int64,
    "jht_employer": pl.Int64,
    "jht_worker": pl.Int64,
    "jp_base": pl.Int64,
    "jp_employer": pl.Int64,
    "jp_worker": pl.Int64,
    "employer_amount": pl.Int64,
    "worker_amount": pl.Int64,
}


def invoice_lines(invoice: Invoice) -> pl.DataFrame:
    """One row per line with the worker, unit and membership (full NIK), ordered by unit code, name, NIK."""
    frame = bulk.query_frame(_LINES_SQL, [invoice.pk], _LINES_SCHEMA)
    return frame.with_columns((pl.col("employer_amount") + pl.col("worker_amount")).alias("total")).sort(
        "unit_code", "name", "nik"
    )


# --- the invoice workbook ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Styles:
    title: Any
    header: Any
    label: Any
    text: Any
    money: Any
    money_bold: Any
    bold: Any
    date: Any
    note: Any

    @classmethod
    def of(cls, book: Any) -> _Styles:
        head = {"bold": True, "bg_color": "#1F4E78", "font_color": "#FFFFFF", "border": 1, "text_wrap": True}
        return cls(
            title=book.add_format({"bold": True, "font_size": 14}),
            header=book.add_format(head),
            label=book.add_format({"bold": True, "valign": "top"}),
            text=book.add_format({"num_format": "@"}),
            money=book.add_format({"num_format": MONEY_FORMAT}),
            money_bold=book.add_format({"num_format": MONEY_FORMAT, "bold": True, "top": 1}),
            bold=book.add_format({"bold": True, "top": 1}),
            date=book.add_format({"num_format": "dd/mm/yyyy", "align": "left"}),
            note=book.add_format({"italic": True, "font_color": "#595959"}),
        )


DETAIL_HEADERS = (
    "No",
    "NIK",
    "Nama",
    "KPJ",
    "Kode Unit",
    "Nama Unit",
    "Kelas Risiko",
    "Upah Dilaporkan",
    "JKK",
    "JKM",
    "JHT PK",
    "JHT TK",
    "JP PK",
    "JP TK",
    "Jumlah PK",
    "Jumlah TK",
    "Jumlah",
)
_DETAIL_MONEY = (
    "wage_base",
    "jkk",
    "jkm",
    "jht_employer",
    "jht_worker",
    "jp_employer",
    "jp_worker",
    "employer_amount",
    "worker_amount",
    "total",
)
_FIRST_MONEY_COLUMN = DETAIL_HEADERS.index("Upah Dilaporkan")


def write_invoice_xlsx(invoice: Invoice, path: Path, *, on: dt.date | None = None) -> None:
    """The invoice as a workbook: Ringkasan (summary and account on `on`, default today), Rincian (one row per
    worker, NIK masked) and Per Unit (the subtotals per unit and program). PK = pemberi kerja, TK = tenaga kerja."""
    on = on or timezone.localdate()
    invoice = Invoice.objects.select_related("employer", "agreement", "unit").get(pk=invoice.pk)
    lines = invoice_lines(invoice)
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False})
    styles = _Styles.of(book)
    _write_summary(book.add_worksheet("Ringkasan"), invoice, on, styles)
    _write_details(book.add_worksheet("Rincian"), lines, styles)
    _write_per_unit(book.add_worksheet("Per Unit"), invoice, styles)
    book.close()


def _scope_label(invoice: Invoice) -> str:
    if invoice.unit is not None:
        return f"Unit {invoice.unit.code} {invoice.unit.name}"
    if invoice.divisi:
        return f"NPP divisi {invoice.divisi}"
    return "Seluruh Pemda"


def _basis_label(agreement: Agreement) -> str:
    parts = [agreement.get_basis_display() if agreement.basis else "Perjanjian"]
    if agreement.basis_number:
        parts.append(f"nomor {agreement.basis_number}")
    if agreement.basis_date:
        parts.append(f"tanggal {date_label(agreement.basis_date)}")
    parts.append(f"berlaku sejak {date_label(agreement.effective_from)}")
    return " ".join(parts)


class _Rows:
    """Writes a sheet top to bottom (constant_memory workbooks cannot go back up)."""

    def __init__(self, sheet: Any) -> None:
        self.sheet = sheet
        self.row = 0

    def skip(self, count: int = 1) -> None:
        self.row += count

    def write(self, values: list[Any], formats: list[Any]) -> None:
        for col, (value, fmt) in enumerate(zip(values, formats, strict=True)):
            if value is None:
                continue
            if isinstance(value, dt.date):
                self.sheet.write_datetime(self.row, col, dt.datetime(value.year, value.month, value.day), fmt)
            elif isinstance(value, int):
                self.sheet.write_number(self.row, col, value, fmt)
            else:
                self.sheet.write_string(self.row, col, str(value), fmt)
        self.row += 1


def _write_summary(sheet: Any, invoice: Invoice, on: dt.date, s: _Styles) -> None:
    sheet.set_column(0, 0, 32)
    sheet.set_column(1, 1, 44)
    sheet.set_column(2, 4, 18)
    employer, agreement = invoice.employer, invoice.agreement
    statement = statements([invoice], on)[0]
    out = _Rows(sheet)

    def pair(label: str, value: Any, fmt: Any = None) -> None:
        out.write([label, value], [s.label, fmt if fmt is not None else s.text])

    out.write(["Tagihan Iuran BPJS Ketenagakerjaan"], [s.title])
    out.skip()
    pair("Pemberi kerja", employer.name)
    pair("NPP", employer.npp or "belum terdaftar")
    pair("Nomor tagihan", invoice.number)
    pair("Periode", period_label(invoice.period))
    pair("Bagian yang ditagih", _scope_label(invoice))
    pair("Segmen", invoice.get_segment_display())
    pair("Program", ", ".join(invoice.programs.split(",")))
    pair("Tarif yang berlaku pada", invoice.rates_on, s.date)
    pair("Jatuh tempo", invoice.due_date, s.date)
    pair("Dasar perjanjian", _basis_label(agreement))
    pair("Penanggung iuran pekerja", agreement.get_worker_share_payer_display())
    pair("Jumlah pekerja", invoice.workers, s.money)
    out.skip()

    out.write(["Jumlah tagihan", "Rupiah"], [s.header, s.header])
    pair("Iuran pemberi kerja", invoice.employer_amount, s.money)
    pair("Iuran pekerja", invoice.worker_amount, s.money)
    out.write(["Jumlah", invoice.total], [s.bold, s.money_bold])
    out.skip()

    four = [s.header] * 4
    out.write(["Per program", "Iuran pemberi kerja", "Iuran pekerja", "Jumlah"], four)
    sums: dict[str, list[int]] = {p: [0, 0] for p in invoice.programs.split(",")}
    for program, employer_amount, worker_amount in invoice.subtotals.values_list(
        "program", "employer_amount", "worker_amount"
    ):
        sums.setdefault(program, [0, 0])
        sums[program][0] += employer_amount
        sums[program][1] += worker_amount
    billed = PROGRAM_COLUMNS.get(invoice.segment, {})
    for program, (e, w) in sums.items():
        note = "" if any(billed.get(program, ())) else " (tidak ditagih ke pemberi kerja)"
        out.write([program + note, e, w, e + w], [s.text, s.money, s.money, s.money])
    out.write(
        ["Jumlah", invoice.employer_amount, invoice.worker_amount, invoice.total],
        [s.bold, s.money_bold, s.money_bold, s.money_bold],
    )
    out.skip()

    out.write(["Per penyandang dana", "Jenis", "Bagian (%)", "Rupiah"], four)
    funding = funding_of(invoice)
    for funder, amount in funding:
        out.write(
            [funder.name, funder.get_kind_display(), rate(funder.share), amount],
            [
                s.text,
                s.text,
                s.text,
                s.money,
            ],
        )
    out.write(["Jumlah", None, None, sum(a for _, a in funding)], [s.bold, s.bold, s.bold, s.money_bold])
    basis = (
        "iuran pemberi kerja saja (iuran pekerja dipotong dari upah)"
        if agreement.worker_share_payer == Agreement.Payer.WORKER
        else "seluruh tagihan"
    )
    out.write([f"Dibagi dari {basis}: {rupiah(funded_amount(invoice, agreement))}"], [s.note])
    out.skip()

    out.write(["Koreksi", "Alasan", "Tanggal", "Rupiah"], four)
    adjustments = list(Adjustment.objects.filter(invoice=invoice, on__lte=on).order_by("on", "id"))
    for a in adjustments:
        out.write(["Koreksi", a.reason, a.on, a.amount], [s.text, s.text, s.date, s.money])
    if not adjustments:
        out.write(["Tidak ada koreksi"], [s.note])
    out.skip()

    out.write(["Pembayaran", "Kode iuran", "Tanggal", "Rupiah"], four)
    payments = list(Payment.objects.filter(invoice=invoice, paid_on__lte=on).order_by("paid_on", "id"))
    for p in payments:
        out.write(["Pembayaran", p.billing_code, p.paid_on, p.amount], [s.text, s.text, s.date, s.money])
    if not payments:
        out.write(["Belum ada pembayaran"], [s.note])
    out.skip()

    out.write([f"Keadaan per {date_label(on)}", "Rupiah"], [s.header, s.header])
    pair("Tagihan setelah koreksi", statement.owed, s.money)
    pair("Sudah dibayar", statement.paid, s.money)
    if statement.balance >= 0:
        out.write(["Sisa tagihan", statement.balance], [s.bold, s.money_bold])
    else:
        out.write(["Kelebihan bayar", -statement.balance], [s.bold, s.money_bold])
    if agreement.late_fee:
        pair("Denda keterlambatan", statement.late_fee, s.money)
    if statement.balance > 0 and statement.days_overdue > 0:
        pair("Hari lewat jatuh tempo", statement.days_overdue, s.money)


def _write_details(sheet: Any, lines: pl.DataFrame, s: _Styles) -> None:
    widths = (6, 20, 30, 14, 12, 30, 8, 16, 12, 12, 12, 12, 12, 12, 14, 14, 14)
    for col, width in enumerate(widths):
        sheet.set_column(col, col, width)
    sheet.write_row(0, 0, DETAIL_HEADERS, s.header)
    sheet.freeze_panes(1, 0)
    rows = lines.select(
        pl.col("nik").map_elements(mask_nik, return_dtype=pl.String),
        "name",
        pl.col("kpj").fill_null(""),
        "unit_code",
        "unit_name",
        "risk_class",
        *_DETAIL_MONEY,
    )
    text, money = s.text, s.money
    write_string, write_number, write_row = sheet.write_string, sheet.write_number, sheet.write_row
    for r, (nik, name, kpj, unit_code, unit_name, risk_class, *amounts) in enumerate(rows.iter_rows(), start=1):
        write_number(r, 0, r)
        write_string(r, 1, nik, text)
        write_string(r, 2, name)
        write_string(r, 3, kpj, text)
        write_string(r, 4, unit_code)
        write_string(r, 5, unit_name)
        write_number(r, 6, risk_class)
        write_row(r, _FIRST_MONEY_COLUMN, amounts, money)
    last = lines.height + 1
    sheet.write_string(last, 2, "Jumlah", s.bold)
    for offset, column in enumerate(_DETAIL_MONEY):
        col = _FIRST_MONEY_COLUMN + offset
        letter = xlsxwriter.utility.xl_col_to_name(col)
        value = int(lines[column].sum())
        formula = f"=SUM({letter}2:{letter}{last})" if lines.height else "=0"
        sheet.write_formula(last, col, formula, s.money_bold, value)


def _write_per_unit(sheet: Any, invoice: Invoice, s: _Styles) -> None:
    headers = ["Kode Unit", "Nama Unit", "Program", "Jumlah Pekerja", "Iuran PK", "Iuran TK", "Jumlah"]
    for col, width in enumerate((12, 34, 10, 14, 16, 16, 16)):
        sheet.set_column(col, col, width)
    sheet.write_row(0, 0, headers, s.header)
    sheet.freeze_panes(1, 0)
    order = {p: i for i, p in enumerate(invoice.programs.split(","))}
    subtotals = sorted(
        InvoiceSubtotal.objects.filter(invoice=invoice).select_related("unit"),
        key=lambda t: (t.unit.code, order.get(t.program, len(order)), t.program),
    )
    out = _Rows(sheet)
    out.skip()
    fmts = [s.text, s.text, s.text, s.money, s.money, s.money, s.money]
    employer_sum = worker_sum = 0
    for t in subtotals:
        total = t.employer_amount + t.worker_amount
        out.write([t.unit.code, t.unit.name, t.program, t.workers, t.employer_amount, t.worker_amount, total], fmts)
        employer_sum += t.employer_amount
        worker_sum += t.worker_amount
    out.write(
        ["Jumlah", None, None, None, employer_sum, worker_sum, employer_sum + worker_sum],
        [s.bold, s.bold, s.bold, s.bold, s.money_bold, s.money_bold, s.money_bold],
    )


# --- the upload file for SIPP Online -----------------------------------------------------------

# Source name -> kind: "text" (a text cell), "date" (written as text with the column's `format`), "number"
# (whole rupiah, a number cell). `npp` and `period` are the same on every row (the employer's, the invoice's).
SOURCES: Mapping[str, str] = {
    "nik": "text",
    "name": "text",
    "birth_date": "date",
    "sex": "text",
    "phone": "text",
    "kpj": "text",
    "wage_base": "number",
    "unit_code": "text",
    "unit_name": "text",
    "npp": "text",
    "npp_divisi": "text",
    "period": "date",
    "valid_from": "date",
    "jkk": "number",
    "jkm": "number",
    "jht_employer": "number",
    "jht_worker": "number",
    "jp_employer": "number",
    "jp_worker": "number",
    "total": "number",
}
_DATE_FORMAT = "%d-%m-%Y"
_PERIOD_FORMAT = "%Y%m"
_LAYOUT_NAME = re.compile(r"[a-z0-9_]+")
_LAYOUT_KEYS = frozenset({"name", "format", "sheet", "separator", "encoding", "confidence", "note", "column"})
_COLUMN_KEYS = frozenset({"header", "source", "format", "values"})
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


@dataclass(frozen=True)
class LayoutColumn:
    header: str
    source: str
    format: str = ""  # dates and period: a strftime pattern
    values: Mapping[str, str] = field(default_factory=dict)  # text sources: replacements


@dataclass(frozen=True)
class Layout:
    key: str  # the file's name without .toml, or the path given
    name: str
    format: str  # "xlsx" or "csv"
    sheet: str
    separator: str
    encoding: str
    confidence: str
    note: str
    columns: tuple[LayoutColumn, ...]


def _layout_folder() -> Any:
    return resources.files("lindung.billing.layouts")


def layouts() -> list[str]:
    """The names of the packaged layouts (`billing/layouts/<name>.toml`), sorted."""
    return sorted(
        entry.name.removesuffix(".toml")
        for entry in _layout_folder().iterdir()
        if entry.name.endswith(".toml") and _LAYOUT_NAME.fullmatch(entry.name.removesuffix(".toml"))
    )


def load_layout(layout: str | Path) -> Layout:
    """A packaged layout by name, or a layout file a deployer keeps elsewhere (a Path); checked in full."""
    if isinstance(layout, Path):
        if not layout.is_file():
            raise ValidationFailed(f"Berkas format unggah {layout} tidak ditemukan")
        key, text = str(layout), layout.read_text("utf-8")
    else:
        known = layouts()
        if layout not in known:
            raise ValidationFailed(
                f"Format berkas unggah {layout!r} tidak dikenal; pilih salah satu: {', '.join(known) or '(tidak ada)'}",
                [Issue(None, None, "LAYOUT_UNKNOWN", "format berkas unggah tidak dikenal", layout)],
            )
        key, text = layout, _layout_folder().joinpath(f"{layout}.toml").read_text("utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValidationFailed(f"Format berkas unggah {key} bukan TOML yang sah: {exc}") from None
    return _parse_layout(key, data)


def _formats_a_date(pattern: object) -> bool:
    """A strftime pattern polars can apply to a date (the files are written with polars)."""
    if not isinstance(pattern, str) or not pattern:
        return False
    try:
        pl.select(pl.lit(dt.date(2000, 12, 31)).dt.strftime(pattern))
    except pl.exceptions.PolarsError:
        return False
    return True


def _known_encoding(name: object) -> bool:
    if not isinstance(name, str) or not name:
        return False
    try:
        codecs.lookup(name)
    except LookupError:
        return False
    return True


def _parse_layout(key: str, data: Mapping[str, Any]) -> Layout:
    problems: list[Issue] = []

    def problem(code: str, message: str, column: str | None = None, value: object = None) -> None:
        problems.append(Issue(None, column, code, message, None if value is None else str(value)))

    for extra in sorted(set(data) - _LAYOUT_KEYS):
        problem("LAYOUT_KEY", f"kunci {extra!r} tidak dikenal", value=extra)
    kind = data.get("format", "xlsx")
    if kind not in ("xlsx", "csv"):
        problem("LAYOUT_FORMAT", f"format {kind!r} tidak dikenal; pilih xlsx atau csv", value=kind)
    sheet = data.get("sheet", "Data")
    if not isinstance(sheet, str) or not sheet.strip() or len(sheet) > 31 or _SHEET_FORBIDDEN.search(sheet):
        problem("LAYOUT_SHEET", "nama lembar harus 1-31 karakter tanpa [ ] : * ? / \\", value=sheet)
    separator = data.get("separator", ";")
    if not isinstance(separator, str) or len(separator) != 1:
        problem("LAYOUT_SEPARATOR", "pemisah csv harus satu karakter", value=separator)
    encoding = data.get("encoding", "utf-8")
    if not _known_encoding(encoding):
        problem("LAYOUT_ENCODING", f"encoding {encoding!r} tidak dikenal; mis. utf-8", value=encoding)
    confidence = data.get("confidence")
    if confidence not in CONFIDENCE_MARKS:
        problem(
            "LAYOUT_CONFIDENCE",
            f"tanda keyakinan harus salah satu dari {', '.join(CONFIDENCE_MARKS)}",
            value=confidence,
        )
    raw_columns = data.get("column")
    columns: list[LayoutColumn] = []
    if not isinstance(raw_columns, list) or not raw_columns:
        problem("LAYOUT_COLUMNS", "tidak ada [[column]]")
        raw_columns = []
    for number, raw in enumerate(raw_columns, start=1):
        if not isinstance(raw, dict):
            problem("LAYOUT_COLUMNS", f"kolom ke-{number} harus tabel [[column]]")
            continue
        header = raw.get("header")
        if not isinstance(header, str) or not header.strip():
            header = ""
            problem("LAYOUT_HEADER", f"kolom ke-{number}: judul kolom (header) wajib diisi")
        label = header or f"kolom ke-{number}"
        for extra in sorted(set(raw) - _COLUMN_KEYS):
            problem("LAYOUT_KEY", f"{label}: kunci {extra!r} tidak dikenal", label, extra)
        source = raw.get("source")
        if not isinstance(source, str) or source not in SOURCES:
            problem(
                "LAYOUT_SOURCE_UNKNOWN",
                f"{label}: sumber data {source!r} tidak dikenal; pilih salah satu: {', '.join(SOURCES)}",
                label,
                source,
            )
            continue
        dated = SOURCES[source] == "date"
        pattern = raw.get("format", (_PERIOD_FORMAT if source == "period" else _DATE_FORMAT) if dated else "")
        if "format" in raw and not dated:
            problem("LAYOUT_COLUMN_FORMAT", f"{label}: format hanya untuk tanggal dan periode", label, pattern)
        elif dated and not _formats_a_date(pattern):
            problem(
                "LAYOUT_COLUMN_FORMAT",
                f"{label}: format tanggal {pattern!r} tidak sah; contoh %d-%m-%Y",
                label,
                pattern,
            )
        values = raw.get("values", {})
        if "values" in raw and SOURCES[source] != "text":
            problem("LAYOUT_VALUES", f"{label}: values hanya untuk kolom teks", label)
        elif not isinstance(values, dict) or not all(isinstance(v, str) for v in values.values()):
            problem("LAYOUT_VALUES", f'{label}: values harus tabel teks, mis. {{ L = "LAKI-LAKI" }}', label)
        if problems:
            continue
        columns.append(LayoutColumn(header, source, str(pattern), dict(values)))
    if problems:
        details = "; ".join(p.message for p in problems)
        raise ValidationFailed(f"Format berkas unggah {key} tidak bisa dipakai: {details}", problems)
    name = data.get("name")
    return Layout(
        key=key,
        name=name if isinstance(name, str) and name else key,
        format=str(kind),
        sheet=str(sheet),
        separator=str(separator),
        encoding=str(encoding),
        confidence=str(confidence),
        note=str(data.get("note", "")),
        columns=tuple(columns),
    )


def _column_expr(column: LayoutColumn, invoice: Invoice) -> pl.Expr:
    """The column's values for every line: String for text and dates, Int64 for amounts."""
    kind = SOURCES[column.source]
    if column.source == "npp":
        return pl.lit(invoice.employer.npp or "", pl.String)
    if column.source == "period":
        return pl.lit(invoice.period, pl.Date).dt.strftime(column.format)
    if kind == "date":
        return pl.col(column.source).dt.strftime(column.format).fill_null("")
    if kind == "number":
        return pl.col(column.source).cast(pl.Int64)
    expr = pl.col(column.source).cast(pl.String)
    if column.values:
        expr = expr.replace(dict(column.values))
    return expr.fill_null("")


def write_upload_file(invoice: Invoice, path: Path, layout: str | Path = "sipp_upah") -> int:
    """The invoice's workers in an upload layout (packaged name or a TOML file); returns the rows written.

    Full NIKs: this is the file the employer submits to BPJS TK. Text sources are text cells in .xlsx.
    """
    spec = load_layout(layout)
    invoice = Invoice.objects.select_related("employer").get(pk=invoice.pk)
    if any(c.source == "npp" for c in spec.columns) and not invoice.employer.npp:
        raise ValidationFailed(
            f"{invoice.employer.name} belum punya NPP, padahal format {spec.key} memerlukannya; "
            f"catat dengan `lindung employer add --region {invoice.employer.region_id} --npp NPP`"
        )
    lines = invoice_lines(invoice)
    values = lines.select(_column_expr(c, invoice).alias(f"c{i}") for i, c in enumerate(spec.columns))
    headers = [c.header for c in spec.columns]
    if spec.format == "csv":
        with path.open("w", encoding=spec.encoding, newline="") as fh:
            writer = csv.writer(fh, delimiter=spec.separator)
            writer.writerow(headers)
            writer.writerows([neutralise_formula(v) for v in row] for row in values.iter_rows())
        return values.height
    numbers = [SOURCES[c.source] == "number" for c in spec.columns]
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False})
    head = book.add_format({"bold": True, "num_format": "@"})
    text = book.add_format({"num_format": "@"})
    number = book.add_format({"num_format": "0"})
    sheet = book.add_worksheet(spec.sheet)
    for col, is_number in enumerate(numbers):
        sheet.set_column(col, col, 16 if is_number else 22, number if is_number else text)
    sheet.write_row(0, 0, headers, head)
    write_string, write_number = sheet.write_string, sheet.write_number
    for r, row in enumerate(values.iter_rows(), start=1):
        for col, value in enumerate(row):
            if numbers[col]:
                write_number(r, col, value, number)
            else:
                write_string(r, col, value, text)
    book.close()
    return values.height
