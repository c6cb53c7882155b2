"""Invoices (tagihan) with their lines, issuing one, its downloads, recording a payment, and arrears.

Each page reads through billing.queries with the user's scope (every balance is billing.services.statements',
as in the API and the command line) and hands the work to billing.services and billing.exports. Money is integer
rupiah, shown as "Rp1.234.567" (domain.formats.rupiah); a form that the service refuses is shown again with the
reason beside it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from lindung.accounts.scope import Scope
from lindung.accounts.services import log_full_records
from lindung.billing import queries
from lindung.billing.exports import load_layout, write_invoice_xlsx, write_upload_file
from lindung.billing.services import funding_of, issue_invoice, record_payment
from lindung.domain.billing import AGEING_BUCKETS
from lindung.domain.contributions import PROGRAMS
from lindung.domain.errors import LindungError, ValidationFailed
from lindung.domain.formats import mask_nik, rupiah
from lindung.web.access import is_htmx, needs
from lindung.web.forms import (
    actor,
    count_text,
    download,
    form_error,
    page_of,
    parse_date,
    parse_month,
    parse_rupiah,
    posted_employer,
    refusal_status,
    refuse,
    written,
)

if TYPE_CHECKING:
    from lindung.billing.models import Invoice, InvoiceLine

# The ageing buckets of domain.billing, with their words marked for translation.
BUCKET_LABELS = {
    "1-30 hari": gettext_lazy("1-30 hari"),
    "31-60 hari": gettext_lazy("31-60 hari"),
    "61-90 hari": gettext_lazy("61-90 hari"),
    "lebih dari 90 hari": gettext_lazy("lebih dari 90 hari"),
}


def _scope_label(invoice: Invoice) -> str:
    if invoice.unit is not None:
        return _("Unit %(code)s") % {"code": invoice.unit.code}
    if invoice.divisi:
        return _("NPP divisi %(code)s") % {"code": invoice.divisi}
    return _("Seluruh Pemda")


def _invoices_page(
    request: HttpRequest,
    scope: Scope,
    values: dict[str, str] | None = None,
    error: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    filters = {"period": request.GET.get("period", "").strip(), "employer": request.GET.get("employer", "").strip()}
    filter_error = ""
    try:
        period = parse_month(filters["period"], "period") if filters["period"] else None
    except ValidationFailed as exc:
        filter_error = str(exc)
        found = queries.no_invoices(scope)
    else:
        found = queries.invoices(scope, period=period, employer_code=filters["employer"])
    page = page_of(request, found)
    # Today's statement of each invoice on the page: the same balance and state as the API and `lindung invoice`.
    rows = [
        {
            "invoice": s.invoice,
            "scope": _scope_label(s.invoice),
            "workers": count_text(s.invoice.workers),
            "total": rupiah(s.owed),
            "paid": rupiah(s.paid),
            "balance": rupiah(s.balance),
            "state": s.state,
        }
        for s in queries.invoice_statements(scope, list(page), timezone.localdate())
    ]
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
    employer = posted_employer(request, scope)
    values = {k: request.POST.get(k, "").strip() for k in ("employer", "period", "unit")}
    try:
        period = parse_month(values["period"], "period")
        issued = issue_invoice(employer.region_id, period, actor=actor(request), unit_code=values["unit"] or None)
    except LindungError as exc:
        return _invoices_page(request, scope, values, form_error(exc), refusal_status(request, exc))
    if issued.created:
        messages.success(request, _("Tagihan %(number)s diterbitkan.") % {"number": issued.invoice.number})
    else:
        messages.info(request, _("Tagihan %(number)s sudah ada; tidak diubah.") % {"number": issued.invoice.number})
    return redirect("invoice", pk=issued.invoice.pk)


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
            "wage": rupiah(line.wage_base),
            "programs": [rupiah(shares[p](line)) for p in programs],
            "employer": rupiah(line.employer_amount),
            "worker": rupiah(line.worker_amount),
            "total": rupiah(line.employer_amount + line.worker_amount),
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
    page = page_of(request, queries.invoice_lines(scope, invoice))
    context: dict[str, Any] = {
        "invoice": invoice,
        "page": page,
        "line_programs": programs,
        "lines": _line_rows(page, programs),
    }
    if is_htmx(request) and request.method == "GET":
        return render(request, "web/billing/_invoice_lines.html", context)
    order = {p: i for i, p in enumerate(PROGRAMS)}
    subtotals = sorted(queries.invoice_subtotals(scope, invoice), key=lambda s: (s.unit.code, order.get(s.program, 9)))
    statement = queries.invoice_statements(scope, [invoice], timezone.localdate())[0]
    funding = funding_of(invoice)
    context |= {
        "scope_label": _scope_label(invoice),
        "figures": {
            "workers": count_text(invoice.workers),
            "employer": rupiah(invoice.employer_amount),
            "worker": rupiah(invoice.worker_amount),
            "total": rupiah(invoice.total),
        },
        "subtotals": [
            {
                "unit": s.unit,
                "program": s.program,
                "workers": count_text(s.workers),
                "employer": rupiah(s.employer_amount),
                "worker": rupiah(s.worker_amount),
                "total": rupiah(s.employer_amount + s.worker_amount),
            }
            for s in subtotals
        ],
        "funding": [{"funder": f, "amount": rupiah(amount)} for f, amount in funding],
        "funding_total": rupiah(sum(amount for _funder, amount in funding)),
        "payments": [{"payment": p, "amount": rupiah(p.amount)} for p in queries.invoice_payments(scope, invoice)],
        "adjustments": [
            {"adjustment": a, "amount": rupiah(a.amount)} for a in queries.invoice_adjustments(scope, invoice)
        ],
        "statement": {
            "owed": rupiah(statement.owed),
            "adjustments": rupiah(statement.adjustments),
            "paid": rupiah(statement.paid),
            "balance": rupiah(statement.balance),
            "late_fee": rupiah(statement.late_fee),
            "days_overdue": statement.days_overdue if statement.balance > 0 else 0,
            "bucket": BUCKET_LABELS.get(statement.bucket, statement.bucket),
            "state": statement.state,
        },
        "can_pay": scope.can("payment.record"),
        "can_upload": scope.can("billing.edit"),
        "pay": values or {"billing_code": "", "paid_on": timezone.localdate().isoformat(), "amount": ""},
        "pay_error": error,
    }
    return render(request, "web/billing/invoice.html", context, status=status)


@needs("billing.view")
def invoice_view(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    return _invoice_page(request, scope, queries.invoice(scope, pk))


@needs("billing.view")
def invoice_xlsx(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    invoice = queries.invoice(scope, pk)
    data = written(lambda target: write_invoice_xlsx(invoice, target), "xlsx")
    return download(data, f"{invoice.number}.xlsx")


@needs("billing.edit")
def invoice_upload(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    """The collective upload file for SIPP Online, with full NIKs: only for the Pemda's own admin."""
    invoice = queries.invoice(scope, pk)
    layout = load_layout("sipp_upah")
    data = written(lambda target: write_upload_file(invoice, target, layout.key), layout.format)
    # The file carries every billed worker's full NIK: each of them is recorded in the access log.
    log_full_records(scope.user_id, queries.billed_worker_ids(scope, invoice).iterator(), "export", request.path)
    return download(data, f"{invoice.number}-sipp.{layout.format}")


@require_POST
@needs("payment.record")
def payment_record(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    invoice = queries.invoice(scope, pk)
    values = {k: request.POST.get(k, "").strip() for k in ("billing_code", "paid_on", "amount")}
    try:
        amount = parse_rupiah(values["amount"])
        if amount is None:
            raise refuse("amount", _("Jumlah tidak terbaca; tulis rupiah tanpa sen, mis. 1.234.567"))
        paid_on = parse_date(values["paid_on"], "paid_on")
        assert paid_on is not None
        payment, created = record_payment(
            invoice.number, amount=amount, paid_on=paid_on, billing_code=values["billing_code"], actor=actor(request)
        )
    except LindungError as exc:
        return _invoice_page(request, scope, invoice, values, form_error(exc), refusal_status(request, exc))
    words = {"amount": rupiah(payment.amount), "code": payment.billing_code}
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
        on = parse_date(request.GET.get("on"), "on", required=False) or today
    except ValidationFailed as exc:
        on, error = today, str(exc)
    employer_code = request.GET.get("employer", "").strip()
    found = queries.arrears(scope, on, employer_code)
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
                "owed": rupiah(s.owed),
                "paid": rupiah(s.paid),
                "balance": rupiah(s.balance),
                "late_fee": rupiah(s.late_fee),
                "days": count_text(s.days_overdue),
                "bucket": BUCKET_LABELS.get(s.bucket, s.bucket),
                "old": s.days_overdue > 60,
            }
            for s in found
        ],
        "buckets": [
            {
                "label": BUCKET_LABELS[label],
                "count": count_text(buckets[label][0]),
                "balance": rupiah(buckets[label][1]),
            }
            for _low, _high, label in AGEING_BUCKETS
        ],
        "total": rupiah(sum(s.balance for s in found)),
        "late_fees": rupiah(sum(s.late_fee for s in found)),
        "count": count_text(len(found)),
    }
    return render(request, "web/billing/arrears.html", context)


urlpatterns = [
    path("tagihan/", invoices, name="invoices"),
    path("tagihan/terbitkan/", invoice_issue, name="invoice_issue"),
    path("tagihan/<int:pk>/", invoice_view, name="invoice"),
    path("tagihan/<int:pk>/xlsx/", invoice_xlsx, name="invoice_xlsx"),
    path("tagihan/<int:pk>/sipp/", invoice_upload, name="invoice_upload"),
    path("tagihan/<int:pk>/bayar/", payment_record, name="payment_record"),
    path("tunggakan/", arrears, name="arrears"),
]
