"""Invoices and payments in the caller's scope, read through billing.queries as the pages read them; recording a
payment needs `payment.record`."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router
from ninja.responses import Status

from lindung.api.auth import caller, scope_for
from lindung.api.paging import page
from lindung.api.schemas import (
    Error,
    InvoiceDetail,
    InvoiceFilters,
    InvoicePage,
    Paging,
    PaymentFilters,
    PaymentIn,
    PaymentOut,
    PaymentPage,
)
from lindung.billing import queries
from lindung.billing.services import record_payment
from lindung.domain.errors import ValidationFailed
from lindung.domain.periods import FIRST_YEAR, LAST_YEAR, in_years, parse_period

if TYPE_CHECKING:
    from lindung.billing.models import Invoice, Payment

router = Router(tags=["tagihan"])
ERRORS: dict[int, type[Error]] = {400: Error, 401: Error, 403: Error, 404: Error, 409: Error, 422: Error}


def _period(text: str) -> dt.date:
    """The month of `?period=YYYY-MM` (the schema checks its shape), within the years lindung accepts."""
    try:
        month = parse_period(text)
    except ValueError:
        month = None
    if month is None or not in_years(month):
        raise ValidationFailed(f"Bulan {text} di luar tahun {FIRST_YEAR}-{LAST_YEAR}; tulis YYYY-MM, mis. 2026-06")
    return month


def _invoice_item(inv: Invoice) -> dict[str, Any]:
    return {
        "number": inv.number,
        "employer": inv.employer.region_id,
        "employer_name": inv.employer.name,
        "segment": inv.segment,
        "period": f"{inv.period:%Y-%m}",
        "scope": inv.scope,
        "unit": inv.unit.code if inv.unit else None,
        "programs": inv.programs.split(","),
        "due_date": inv.due_date,
        "workers": inv.workers,
        "employer_amount": inv.employer_amount,
        "worker_amount": inv.worker_amount,
        "total": inv.total,
    }


def _payment_item(p: Payment) -> dict[str, Any]:
    return {
        "id": p.pk,
        "invoice": p.invoice.number,
        "paid_on": p.paid_on,
        "amount": p.amount,
        "billing_code": p.billing_code,
    }


@router.get("/invoices", response={200: InvoicePage, **ERRORS}, openapi_extra={"x-lindung-action": "billing.view"})
def invoices(request: HttpRequest, filters: Query[InvoiceFilters], paging: Query[Paging]) -> dict[str, Any]:
    scope = scope_for(request, "billing.view")
    found = queries.invoices(
        scope,
        period=_period(filters.period) if filters.period else None,
        employer_code=filters.employer or "",
        order=queries.API_ORDER,
    )
    return page(found, paging, _invoice_item)


@router.get(
    "/invoices/{number}", response={200: InvoiceDetail, **ERRORS}, openapi_extra={"x-lindung-action": "billing.view"}
)
def invoice(request: HttpRequest, number: str) -> dict[str, Any]:
    """An invoice with its subtotals per unit and program, its payments and today's statement."""
    scope = scope_for(request, "billing.view")
    inv = queries.invoice_by_number(scope, number)
    statement = queries.invoice_statements(scope, [inv], timezone.localdate())[0]
    subtotals = queries.invoice_subtotals(scope, inv)
    return _invoice_item(inv) | {
        "subtotals": [
            {
                "unit": s.unit.code,
                "program": s.program,
                "workers": s.workers,
                "employer_amount": s.employer_amount,
                "worker_amount": s.worker_amount,
            }
            for s in subtotals
        ],
        "payments": [_payment_item(p) for p in queries.invoice_payments(scope, inv)],
        "statement": statement.as_dict(),
    }


@router.get("/payments", response={200: PaymentPage, **ERRORS}, openapi_extra={"x-lindung-action": "billing.view"})
def payments(request: HttpRequest, filters: Query[PaymentFilters], paging: Query[Paging]) -> dict[str, Any]:
    scope = scope_for(request, "billing.view")
    found = queries.payments(scope, invoice_number=filters.invoice.strip() if filters.invoice else None)
    return page(found, paging, _payment_item)


@router.post(
    "/invoices/{number}/payments",
    response={200: PaymentOut, 201: PaymentOut, **ERRORS},
    openapi_extra={"x-lindung-action": "payment.record"},
)
def add_payment(request: HttpRequest, number: str, body: PaymentIn) -> Status[dict[str, Any]]:
    """Record money received against an invoice. The same billing code again with the same day and amount changes
    nothing (200, created false); with another day or amount it is refused (409)."""
    scope = scope_for(request, "payment.record")
    user, _ = caller(request)
    inv = queries.invoice_by_number(scope, number)
    payment, created = record_payment(
        inv.number, amount=body.amount, paid_on=body.paid_on, billing_code=body.billing_code, actor=user.username
    )
    payment.invoice = inv
    return Status(201 if created else 200, _payment_item(payment) | {"created": created})
