"""Agreements and enrolment, invoices with their lines and payments, arrears, and next year's budget.

Each page narrows its queries with the user's scope and hands the work to the services
(enrolment.services, billing.services, billing.exports, billing.budget). Money is integer rupiah,
shown as "Rp1.234.567"; a form that the service refuses is shown again with the reason beside it.
"""

from __future__ import annotations

import datetime as dt
import decimal
import logging
import re
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from lindung.accounts.scope import Scope
from lindung.billing.budget import Projection, project_budget, write_budget_xlsx
from lindung.billing.exports import load_layout, percent_text, write_invoice_xlsx, write_upload_file
from lindung.billing.models import Adjustment, Invoice, InvoiceLine, Payment
from lindung.billing.services import funding_of, issue_invoice, money, record_payment, statements
from lindung.domain.billing import AGEING_BUCKETS
from lindung.domain.errors import Conflict, Issue, LindungError, ValidationFailed
from lindung.domain.periods import parse_period
from lindung.domain.privacy import mask_nik
from lindung.enrolment.models import Agreement
from lindung.enrolment.services import add_agreement, enrol
from lindung.registry.models import Employer
from lindung.web.access import is_htmx, needs

log = logging.getLogger(__name__)

PAGE_SIZE = 50
PROGRAMS = ("JKK", "JKM", "JHT", "JP", "JKP")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The ageing buckets of domain.billing, with their words marked for translation.
BUCKET_LABELS = {
    "1-30 hari": gettext_lazy("1-30 hari"),
    "31-60 hari": gettext_lazy("31-60 hari"),
    "61-90 hari": gettext_lazy("61-90 hari"),
    "lebih dari 90 hari": gettext_lazy("lebih dari 90 hari"),
}


# --- input and output helpers ------------------------------------------------------------------


def _count(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def _refuse(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, [Issue(None, field, "INPUT", message)])


def _date(text: str | None, field: str, *, required: bool = True) -> dt.date | None:
    text = (text or "").strip()
    if not text:
        if required:
            raise _refuse(field, _("Tanggal wajib diisi"))
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise _refuse(field, _("Tanggal %(text)s tidak terbaca; tulis YYYY-MM-DD") % {"text": text}) from None


def _period(text: str | None, field: str) -> dt.date:
    try:
        return parse_period(text or "")
    except ValueError:
        raise _refuse(field, _("Bulan harus berbentuk YYYY-MM, mis. 2024-06")) from None


_AMOUNT = re.compile(r"^(?:rp\.?)?(\d{1,3}(?:\.\d{3})+|\d+)(?:,0{1,2}|,-)?$")


def parse_rupiah(text: str) -> int | None:
    """Whole rupiah from "1.234.567", "Rp 1.234.567,00" or "1234567"; None when it is no such amount."""
    found = _AMOUNT.match(re.sub(r"\s", "", text.lower()))
    return int(found.group(1).replace(".", "")) if found else None


def _form_error(exc: LindungError) -> dict[str, Any]:
    """The refusal for a form: the message, and each issue that names a field beside that field."""
    fields: dict[str, str] = {}
    if isinstance(exc, ValidationFailed):
        for issue in exc.issues:
            if issue.column:
                fields.setdefault(issue.column, issue.message)
    return {"message": str(exc), "fields": fields}


def _status(request: HttpRequest, exc: LindungError) -> int:
    """A refused form is 400 (409 for a conflict); an htmx fragment is 200 so that htmx shows it."""
    if is_htmx(request):
        return 200
    return 409 if isinstance(exc, Conflict) else 400


def _actor(request: HttpRequest) -> str:
    return request.user.get_username()


def _employer(request: HttpRequest, scope: Scope) -> Employer:
    """The employer a form names, if the scope holds it (otherwise 404, logged)."""
    return scope.get(Employer.objects.select_related("region"), region_id=request.POST.get("employer", "").strip())


def _page(request: HttpRequest, items: Any, size: int = PAGE_SIZE) -> Any:
    return Paginator(items, size).get_page(request.GET.get("page"))


def _download(data: bytes, filename: str) -> HttpResponse:
    kind = XLSX if filename.endswith(".xlsx") else "text/csv; charset=utf-8"
    response = HttpResponse(data, content_type=kind)
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    return response


def _written(write: Callable[[Path], object], suffix: str) -> bytes:
    with tempfile.TemporaryDirectory(prefix="lindung-") as folder:
        target = Path(folder) / f"file.{suffix}"
        write(target)
        return target.read_bytes()


# --- agreements and enrolment ------------------------------------------------------------------


def _agreement_values(data: QueryDict | None) -> dict[str, Any]:
    if data is None:
        return {"segment": "ppu", "programs": ["JKK", "JKM"], "risk_class": "1", "worker_share_payer": "employer"}
    return {key: data.get(key, "") for key in data} | {"programs": data.getlist("programs")}


def _agreements_page(
    request: HttpRequest, scope: Scope, values: dict[str, Any], error: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    agreements = scope.restrict(Agreement.objects.select_related("employer").prefetch_related("funders")).order_by(
        "employer__region_id", "segment", "-effective_from"
    )
    page = _page(request, agreements)
    rows = [
        {
            "agreement": a,
            "funders": [f"{f.name} ({percent_text(f.share)}%)" for f in a.funders.all()],
        }
        for a in page
    ]
    can_edit = scope.can("agreement.edit")
    context = {
        "page": page,
        "rows": rows,
        "can_edit": can_edit,
        "employers": list(scope.employers()) if can_edit else [],
        "enrollable": list(scope.employers().filter(agreements__isnull=False).distinct()) if can_edit else [],
        "values": values,
        "error": error,
        "programs": PROGRAMS,
        "segments": Agreement.Segment.choices,
        "bases": Agreement.Basis.choices,
        "payers": Agreement.Payer.choices,
        "risk_classes": range(1, 6),
        "today": timezone.localdate(),
    }
    return render(request, "web/billing/agreements.html", context, status=status)


@needs("agreement.view")
def agreements(request: HttpRequest, scope: Scope) -> HttpResponse:
    return _agreements_page(request, scope, _agreement_values(None))


@require_POST
@needs("agreement.edit")
def agreement_add(request: HttpRequest, scope: Scope) -> HttpResponse:
    employer = _employer(request, scope)
    data = request.POST
    try:
        risk = data.get("risk_class", "").strip()
        if not risk.isdigit():
            raise _refuse("risk_class", _("Pilih kelas risiko 1 sampai 5"))
        effective = _date(data.get("effective_from"), "effective_from")
        assert effective is not None
        added, created = add_agreement(
            employer.region_id,
            programs=data.getlist("programs"),
            effective_from=effective,
            actor=_actor(request),
            segment=data.get("segment") or Agreement.Segment.PPU,
            risk_class=int(risk),
            basis=data.get("basis", ""),
            basis_number=data.get("basis_number", "").strip(),
            basis_date=_date(data.get("basis_date"), "basis_date", required=False),
            worker_share_payer=data.get("worker_share_payer") or Agreement.Payer.EMPLOYER,
            late_fee=data.get("late_fee") == "on",
        )
    except LindungError as exc:
        return _agreements_page(request, scope, _agreement_values(data), _form_error(exc), _status(request, exc))
    if created:
        messages.success(
            request,
            _("Kesepakatan %(segment)s %(name)s dicatat.") % {"segment": added.segment.upper(), "name": employer.name},
        )
    else:
        messages.info(request, _("Kesepakatan yang sama sudah tercatat; tidak ada yang diubah."))
    return redirect("agreements")


@require_POST
@needs("agreement.edit")
def enrol_view(request: HttpRequest, scope: Scope) -> HttpResponse:
    employer = _employer(request, scope)
    context: dict[str, Any] = {"employer": employer}
    status = 200
    try:
        on = _date(request.POST.get("on"), "on", required=False) or timezone.localdate()
        result = enrol(employer.region_id, actor=_actor(request), on=on)
    except LindungError as exc:
        context["error"] = _form_error(exc)
        status = _status(request, exc)
    else:
        refused = [i for i in result.issues if i.severity == "error"]
        context |= {
            "result": result,
            "counts": {
                "enrolled": _count(result.enrolled),
                "already": _count(result.already),
                "ended": _count(result.ended),
                "refused": _count(len(refused)),
            },
            "refused": refused,
            "warnings": [i for i in result.issues if i.severity != "error"],
        }
    template = "web/billing/_enrol_result.html" if is_htmx(request) else "web/billing/enrol_result.html"
    return render(request, template, context, status=status)


# --- invoices ----------------------------------------------------------------------------------


def _scope_label(invoice: Invoice) -> str:
    if invoice.unit is not None:
        return _("Unit %(code)s") % {"code": invoice.unit.code}
    if invoice.divisi:
        return _("NPP divisi %(code)s") % {"code": invoice.divisi}
    return _("Seluruh Pemda")


def _state(balance: int, paid: int, due: dt.date, today: dt.date) -> str:
    if balance <= 0:
        return "paid"
    if due < today:
        return "overdue"
    return "partial" if paid > 0 else "open"


def _sums(model: type[Payment] | type[Adjustment], ids: Iterable[int]) -> dict[int, int]:
    """Amount per invoice in one aggregate query, however many invoices."""
    rows = model.objects.filter(invoice_id__in=list(ids)).order_by().values("invoice_id").annotate(s=Sum("amount"))
    return {r["invoice_id"]: int(r["s"] or 0) for r in rows}


def _invoices_page(
    request: HttpRequest,
    scope: Scope,
    values: dict[str, str] | None = None,
    error: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    invoices = scope.restrict(Invoice.objects.select_related("employer", "unit")).order_by(
        "-period", "employer__region_id", "scope", "segment"
    )
    filters = {"period": request.GET.get("period", "").strip(), "employer": request.GET.get("employer", "").strip()}
    filter_error = ""
    if filters["period"]:
        try:
            invoices = invoices.filter(period=_period(filters["period"], "period"))
        except ValidationFailed as exc:
            filter_error = str(exc)
            invoices = invoices.none()
    if filters["employer"]:
        invoices = invoices.filter(employer__region_id=filters["employer"])
    page = _page(request, invoices)
    found = list(page)
    ids = [i.pk for i in found]
    paid, adjusted = _sums(Payment, ids), _sums(Adjustment, ids)
    today = timezone.localdate()
    rows = []
    for inv in found:
        balance = inv.total + adjusted.get(inv.pk, 0) - paid.get(inv.pk, 0)
        rows.append(
            {
                "invoice": inv,
                "scope": _scope_label(inv),
                "workers": _count(inv.workers),
                "total": money(inv.total + adjusted.get(inv.pk, 0)),
                "paid": money(paid.get(inv.pk, 0)),
                "balance": money(balance),
                "state": _state(balance, paid.get(inv.pk, 0), inv.due_date, today),
            }
        )
    context = {"page": page, "rows": rows, "filters": filters, "filter_error": filter_error}
    if is_htmx(request) and request.method == "GET":
        return render(request, "web/billing/_invoices.html", context)
    can_issue = scope.can("billing.edit")
    employers = list(scope.employers())
    context |= {
        "employers": employers,
        "can_issue": can_issue,
        "units": list(scope.units().select_related("employer")) if can_issue and not scope.everything else [],
        "issue": values or {"employer": employers[0].region_id if len(employers) == 1 else "", "period": ""},
        "issue_error": error,
    }
    return render(request, "web/billing/invoices.html", context, status=status)


@needs("billing.view")
def invoices(request: HttpRequest, scope: Scope) -> HttpResponse:
    return _invoices_page(request, scope)


@require_POST
@needs("billing.edit")
def invoice_issue(request: HttpRequest, scope: Scope) -> HttpResponse:
    employer = _employer(request, scope)
    values = {k: request.POST.get(k, "").strip() for k in ("employer", "period", "unit")}
    try:
        period = _period(values["period"], "period")
        issued = issue_invoice(employer.region_id, period, actor=_actor(request), unit_code=values["unit"] or None)
    except LindungError as exc:
        return _invoices_page(request, scope, values, _form_error(exc), _status(request, exc))
    if issued.created:
        messages.success(request, _("Tagihan %(number)s diterbitkan.") % {"number": issued.invoice.number})
    else:
        messages.info(request, _("Tagihan %(number)s sudah ada; tidak diubah.") % {"number": issued.invoice.number})
    return redirect("invoice", pk=issued.invoice.pk)


def _invoice(scope: Scope, pk: int) -> Invoice:
    return scope.get(Invoice.objects.select_related("employer", "agreement", "unit"), pk=pk)


def _line_rows(lines: Iterable[InvoiceLine], programs: list[str]) -> list[dict[str, Any]]:
    shares: dict[str, Callable[[InvoiceLine], int]] = {
        "JKK": lambda x: x.jkk,
        "JKM": lambda x: x.jkm,
        "JHT": lambda x: x.jht_employer + x.jht_worker,
        "JP": lambda x: x.jp_employer + x.jp_worker,
    }
    return [
        {
            "nik": mask_nik(line.worker.nik),
            "name": line.worker.name,
            "unit": line.unit.code,
            "risk_class": line.risk_class,
            "wage": money(line.wage_base),
            "programs": [money(shares[p](line)) for p in programs],
            "employer": money(line.employer_amount),
            "worker": money(line.worker_amount),
            "total": money(line.employer_amount + line.worker_amount),
        }
        for line in lines
    ]


def _invoice_page(
    request: HttpRequest,
    scope: Scope,
    invoice: Invoice,
    values: dict[str, str] | None = None,
    error: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    programs = [p for p in invoice.programs.split(",") if p != "JKP"]  # JKP bills nothing to the employer
    lines = (
        InvoiceLine.objects.filter(invoice=invoice)
        .select_related("worker", "unit")
        .order_by("unit__code", "worker__name", "worker_id")
    )
    page = _page(request, lines)
    context: dict[str, Any] = {
        "invoice": invoice,
        "page": page,
        "line_programs": programs,
        "lines": _line_rows(page, programs),
    }
    if is_htmx(request) and request.method == "GET":
        return render(request, "web/billing/_invoice_lines.html", context)
    order = {p: i for i, p in enumerate(PROGRAMS)}
    subtotals = sorted(invoice.subtotals.select_related("unit"), key=lambda s: (s.unit.code, order.get(s.program, 9)))
    statement = statements([invoice], timezone.localdate())[0]
    funding = funding_of(invoice)
    context |= {
        "scope_label": _scope_label(invoice),
        "figures": {
            "workers": _count(invoice.workers),
            "employer": money(invoice.employer_amount),
            "worker": money(invoice.worker_amount),
            "total": money(invoice.total),
        },
        "subtotals": [
            {
                "unit": s.unit,
                "program": s.program,
                "workers": _count(s.workers),
                "employer": money(s.employer_amount),
                "worker": money(s.worker_amount),
                "total": money(s.employer_amount + s.worker_amount),
            }
            for s in subtotals
        ],
        "funding": [{"funder": f, "amount": money(amount)} for f, amount in funding],
        "funding_total": money(sum(amount for _funder, amount in funding)),
        "payments": [{"payment": p, "amount": money(p.amount)} for p in invoice.payments.all()],
        "adjustments": [{"adjustment": a, "amount": money(a.amount)} for a in invoice.adjustments.all()],
        "statement": {
            "owed": money(statement.owed),
            "adjustments": money(statement.adjustments),
            "paid": money(statement.paid),
            "balance": money(statement.balance),
            "late_fee": money(statement.late_fee),
            "days_overdue": statement.days_overdue if statement.balance > 0 else 0,
            "bucket": BUCKET_LABELS.get(statement.bucket, statement.bucket),
            "state": _state(statement.balance, statement.paid, invoice.due_date, statement.on),
        },
        "can_pay": scope.can("payment.record"),
        "can_upload": scope.can("billing.edit"),
        "pay": values or {"billing_code": "", "paid_on": timezone.localdate().isoformat(), "amount": ""},
        "pay_error": error,
    }
    return render(request, "web/billing/invoice.html", context, status=status)


@needs("billing.view")
def invoice_view(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    return _invoice_page(request, scope, _invoice(scope, pk))


@needs("billing.view")
def invoice_xlsx(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    invoice = _invoice(scope, pk)
    data = _written(lambda target: write_invoice_xlsx(invoice, target), "xlsx")
    return _download(data, f"{invoice.number}.xlsx")


@needs("billing.edit")
def invoice_upload(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    """The collective upload file for SIPP Online, with full NIKs: only for the Pemda's own admin."""
    invoice = _invoice(scope, pk)
    layout = load_layout("sipp_upah")
    data = _written(lambda target: write_upload_file(invoice, target, layout.key), layout.format)
    log.info("upload file: user=%s invoice=%s layout=%s", request.user.pk, invoice.pk, layout.key)
    return _download(data, f"{invoice.number}-sipp.{layout.format}")


@require_POST
@needs("payment.record")
def payment_record(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    invoice = _invoice(scope, pk)
    values = {k: request.POST.get(k, "").strip() for k in ("billing_code", "paid_on", "amount")}
    try:
        amount = parse_rupiah(values["amount"])
        if amount is None:
            raise _refuse("amount", _("Jumlah tidak terbaca; tulis rupiah tanpa sen, mis. 1.234.567"))
        paid_on = _date(values["paid_on"], "paid_on")
        assert paid_on is not None
        payment, created = record_payment(
            invoice.number, amount=amount, paid_on=paid_on, billing_code=values["billing_code"], actor=_actor(request)
        )
    except LindungError as exc:
        return _invoice_page(request, scope, invoice, values, _form_error(exc), _status(request, exc))
    words = {"amount": money(payment.amount), "code": payment.billing_code}
    if created:
        messages.success(request, _("Pembayaran %(amount)s (%(code)s) dicatat.") % words)
    else:
        messages.info(request, _("Pembayaran %(amount)s (%(code)s) sudah tercatat; tidak dicatat dua kali.") % words)
    return redirect("invoice", pk=invoice.pk)


# --- arrears -----------------------------------------------------------------------------------


@needs("billing.view")
def arrears(request: HttpRequest, scope: Scope) -> HttpResponse:
    """Invoices past their due date with money still owed, aged as a branch officer reads them."""
    today = timezone.localdate()
    error = ""
    try:
        on = _date(request.GET.get("on"), "on", required=False) or today
    except ValidationFailed as exc:
        on, error = today, str(exc)
    employer_code = request.GET.get("employer", "").strip()
    invoices = scope.restrict(Invoice.objects.select_related("agreement", "employer", "unit")).filter(
        due_date__lt=on, period__lte=on
    )
    if employer_code:
        invoices = invoices.filter(employer__region_id=employer_code)
    found = [s for s in statements(list(invoices.order_by("due_date", "number")), on) if s.balance > 0]
    buckets: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for s in found:
        buckets[s.bucket][0] += 1
        buckets[s.bucket][1] += s.balance
    context = {
        "on": on,
        "error": error,
        "filters": {"on": on.isoformat(), "employer": employer_code},
        "employers": list(scope.employers()),
        "rows": [
            {
                "invoice": s.invoice,
                "scope": _scope_label(s.invoice),
                "owed": money(s.owed),
                "paid": money(s.paid),
                "balance": money(s.balance),
                "late_fee": money(s.late_fee),
                "days": _count(s.days_overdue),
                "bucket": BUCKET_LABELS.get(s.bucket, s.bucket),
                "old": s.days_overdue > 60,
            }
            for s in found
        ],
        "buckets": [
            {"label": BUCKET_LABELS[label], "count": _count(buckets[label][0]), "balance": money(buckets[label][1])}
            for _low, _high, label in AGEING_BUCKETS
        ],
        "total": money(sum(s.balance for s in found)),
        "late_fees": money(sum(s.late_fee for s in found)),
        "count": _count(len(found)),
    }
    return render(request, "web/billing/arrears.html", context)


# --- budget ------------------------------------------------------------------------------------


def _projection(scope: Scope, values: dict[str, str]) -> Projection:
    employer = scope.get(Employer.objects.all(), region_id=values["employer"])
    year = values["year"]
    if not (year.isascii() and year.isdigit()):
        raise _refuse("year", _("Tahun harus angka, mis. 2027"))
    try:
        increase = Decimal(values["increase"].replace(",", ".") or "0")
    except decimal.InvalidOperation:
        raise _refuse("increase", _("Kenaikan upah harus angka persen, mis. 5 atau 2,5")) from None
    return project_budget(employer.region_id, int(year), increase)


def _pivot(keys: Iterable[tuple[Any, ...]], cells: Iterable[tuple[tuple[Any, ...], int, int]]) -> list[dict[str, Any]]:
    """Rows keyed by `keys`, twelve month amounts and the year's total each."""
    table: dict[tuple[Any, ...], list[int]] = {k: [0] * 12 for k in keys}
    for key, month, amount in cells:
        table.setdefault(key, [0] * 12)[month - 1] += amount
    return [{"key": k, "months": [money(a) for a in v], "total": money(sum(v))} for k, v in table.items()]


def _budget_values(request: HttpRequest, employers: list[Employer]) -> dict[str, str]:
    """The projection asked for: by default next year, no increase, and the Pemda when the scope holds one."""
    default_employer = employers[0].region_id if len(employers) == 1 else ""
    return {
        "employer": request.GET.get("employer", default_employer).strip(),
        "year": request.GET.get("year", str(timezone.localdate().year + 1)).strip(),
        "increase": request.GET.get("increase", "0").strip(),
    }


@needs("billing.edit")
def budget(request: HttpRequest, scope: Scope) -> HttpResponse:
    employers = list(scope.employers())
    values = _budget_values(request, employers)
    context: dict[str, Any] = {"employers": employers, "values": values, "error": None}
    status = 200
    if "year" in request.GET:
        try:
            p = _projection(scope, values)
        except ValidationFailed as exc:
            context["error"], status = _form_error(exc), 400
        else:
            context |= {
                "projection": p,
                "total": money(p.total),
                "funded": money(p.funded),
                "employer_amount": money(p.employer_amount),
                "worker_amount": money(p.worker_amount),
                "workers": _count(p.workers),
                "months": [
                    {
                        "month": dt.date(p.year, m.month, 1),
                        "workers": _count(m.workers),
                        "employer": money(m.employer),
                        "worker": money(m.worker),
                        "total": money(m.total),
                        "funded": money(m.funded),
                    }
                    for m in p.months
                ],
                "month_days": [dt.date(p.year, m, 1) for m in range(1, 13)],
                "cells": _pivot(
                    ((c.segment.upper(), c.unit_code, c.unit_name, c.program) for c in p.cells),
                    (((c.segment.upper(), c.unit_code, c.unit_name, c.program), c.month, c.total) for c in p.cells),
                ),
                "funders": _pivot(
                    ((f.segment.upper(), f.funder) for f in p.funding),
                    (((f.segment.upper(), f.funder), f.month, f.amount) for f in p.funding),
                ),
                "query": request.GET.urlencode(),
            }
    return render(request, "web/billing/budget.html", context, status=status)


@needs("billing.edit")
def budget_xlsx(request: HttpRequest, scope: Scope) -> HttpResponse:
    projection = _projection(scope, _budget_values(request, list(scope.employers())))
    data = _written(lambda target: write_budget_xlsx(projection, target), "xlsx")
    return _download(data, f"anggaran-{projection.employer_code}-{projection.year}.xlsx")


urlpatterns = [
    path("kesepakatan/", agreements, name="agreements"),
    path("kesepakatan/tambah/", agreement_add, name="agreement_add"),
    path("kesepakatan/daftarkan/", enrol_view, name="enrol"),
    path("tagihan/", invoices, name="invoices"),
    path("tagihan/terbitkan/", invoice_issue, name="invoice_issue"),
    path("tagihan/<int:pk>/", invoice_view, name="invoice"),
    path("tagihan/<int:pk>/xlsx/", invoice_xlsx, name="invoice_xlsx"),
    path("tagihan/<int:pk>/sipp/", invoice_upload, name="invoice_upload"),
    path("tagihan/<int:pk>/bayar/", payment_record, name="payment_record"),
    path("tunggakan/", arrears, name="arrears"),
    path("anggaran/", budget, name="budget"),
    path("anggaran/xlsx/", budget_xlsx, name="budget_xlsx"),
]
