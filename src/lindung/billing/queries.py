"""The invoices, payments, arrears and Pemda (for a budget) a scope may read. The pages, the API and the
command line ask here, each with the user's scope (accounts.scope.Scope), so none of them can show an invoice
of another unit or Pemda (NotFound) or work out a balance of its own: every balance is `services.statements`'.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db.models import QuerySet

from lindung.accounts.scope import Scope
from lindung.billing.models import Adjustment, Invoice, InvoiceLine, InvoiceSubtotal, Payment
from lindung.billing.services import Statement, statements
from lindung.registry.models import Employer

# The invoices list of the pages: newest month first, then Pemda, part and segment. The API pages by number.
PAGE_ORDER = ("-period", "employer__region_id", "scope", "segment")
API_ORDER = ("-period", "number")


def _invoices(scope: Scope) -> QuerySet[Invoice]:
    return scope.restrict(Invoice.objects.select_related("employer", "unit", "agreement"))


def invoices(
    scope: Scope,
    *,
    period: dt.date | None = None,
    employer_code: str = "",
    order: Sequence[str] = PAGE_ORDER,
) -> QuerySet[Invoice]:
    """The scope's invoices, of one month and one Pemda (its region code) when given, with their Pemda, unit and
    agreement (which `statements` reads)."""
    found = _invoices(scope)
    if period is not None:
        found = found.filter(period=period)
    if employer_code:
        found = found.filter(employer__region_id=employer_code)
    return found.order_by(*order)


def no_invoices(scope: Scope) -> QuerySet[Invoice]:
    """An empty list of invoices (a filter that could not be read matches nothing)."""
    return _invoices(scope).none()


def invoice(scope: Scope, pk: int) -> Invoice:
    """The scope's invoice `pk`; NotFound (logged) when it is another unit's or Pemda's, or does not exist."""
    return scope.get(_invoices(scope), pk=pk)


def invoice_by_number(scope: Scope, number: str) -> Invoice:
    """The scope's invoice numbered `number`; NotFound as `invoice`."""
    return scope.get(_invoices(scope), number=number)


def _held(scope: Scope, invoice: Invoice) -> QuerySet[Invoice, int]:
    """`invoice` as a subquery, empty when the scope does not hold it: the rows below an invoice (lines,
    subtotals, adjustments) have no scope path of their own."""
    return scope.restrict(Invoice.objects.filter(pk=invoice.pk)).values_list("pk", flat=True)


def invoice_lines(scope: Scope, invoice: Invoice) -> QuerySet[InvoiceLine]:
    """The invoice's lines with worker and unit, by unit code, worker name and worker."""
    return (
        InvoiceLine.objects.filter(invoice__in=_held(scope, invoice))
        .select_related("worker", "unit")
        .order_by("unit__code", "worker__name", "worker_id")
    )


def billed_worker_ids(scope: Scope, invoice: Invoice) -> QuerySet[InvoiceLine, int]:
    """The id of every worker the invoice bills (for the access log of a file with full NIKs)."""
    return InvoiceLine.objects.filter(invoice__in=_held(scope, invoice)).values_list("worker_id", flat=True)


def invoice_subtotals(scope: Scope, invoice: Invoice) -> QuerySet[InvoiceSubtotal]:
    """The invoice's subtotals per unit and program, by unit code and program."""
    return (
        InvoiceSubtotal.objects.filter(invoice__in=_held(scope, invoice))
        .select_related("unit")
        .order_by("unit__code", "program")
    )


def invoice_payments(scope: Scope, invoice: Invoice) -> QuerySet[Payment]:
    """The payments received against the invoice, oldest first."""
    return scope.restrict(Payment.objects.select_related("invoice")).filter(invoice=invoice).order_by("paid_on", "id")


def invoice_adjustments(scope: Scope, invoice: Invoice) -> QuerySet[Adjustment]:
    """The invoice's corrections, oldest first."""
    return Adjustment.objects.filter(invoice__in=_held(scope, invoice)).order_by("on", "id")


def payments(scope: Scope, *, invoice_number: str | None = None) -> QuerySet[Payment]:
    """The scope's payments, of the invoice numbered `invoice_number` when given, newest first."""
    found = scope.restrict(Payment.objects.select_related("invoice"))
    if invoice_number is not None:
        found = found.filter(invoice__number=invoice_number)
    return found.order_by("-paid_on", "-id")


def invoice_statements(scope: Scope, invoices: Sequence[Invoice], on: dt.date) -> list[Statement]:
    """The statement on `on` of each of the scope's `invoices`, in their order (`services.statements`: payments
    and corrections dated after `on` are not counted). An invoice the scope does not hold is left out."""
    held = [i for i in invoices if scope.holds_employer(i.employer_id)]
    if scope.unit_id is not None:
        held = [i for i in held if i.unit_id == scope.unit_id]
    return statements(held, on)


def arrears(scope: Scope, on: dt.date, employer_code: str = "") -> list[Statement]:
    """The scope's invoices past their due date with money still owed on `on`, oldest due first."""
    found = _invoices(scope).filter(due_date__lt=on, period__lte=on)
    if employer_code:
        found = found.filter(employer__region_id=employer_code)
    return [s for s in statements(list(found.order_by("due_date", "number")), on) if s.balance > 0]


def employer(scope: Scope, region_id: str) -> Employer:
    """The scope's Pemda with region code `region_id` (the one a budget is projected for); NotFound (logged)
    otherwise."""
    return scope.get(Employer.objects.all(), region_id=region_id)
