"""Next year's budget (anggaran) of a Pemda: the contributions projected month by month, by unit and program
and by funder, on the page and as a workbook. The projection is billing.budget's.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from lindung.accounts.scope import Scope
from lindung.billing import queries
from lindung.billing.budget import BUDGET_YEARS, INCREASE_MAX, Projection, project_budget, write_budget_xlsx
from lindung.domain.errors import ValidationFailed
from lindung.domain.formats import rupiah
from lindung.web.access import needs
from lindung.web.forms import count_text, download, form_error, parse_year, refuse, written

if TYPE_CHECKING:
    from lindung.registry.models import Employer


def _projection(scope: Scope, values: dict[str, str]) -> Projection:
    employer = queries.employer(scope, values["employer"])
    year = parse_year(values["year"], "year", BUDGET_YEARS)
    try:
        increase = Decimal(values["increase"].removesuffix("%").strip().replace(",", ".") or "0")
    except decimal.InvalidOperation:
        raise refuse("increase", _("Kenaikan upah harus angka persen, mis. 5 atau 2,5")) from None
    if not increase.is_finite() or not -100 < increase <= INCREASE_MAX:
        raise refuse(
            "increase",
            _("Kenaikan upah harus lebih dari -100 dan paling tinggi %(max)s persen, mis. 5 atau 2,5")
            % {"max": INCREASE_MAX},
        )
    return project_budget(employer.region_id, year, increase)


def _pivot(keys: Iterable[tuple[Any, ...]], cells: Iterable[tuple[tuple[Any, ...], int, int]]) -> list[dict[str, Any]]:
    """Rows keyed by `keys`, twelve month amounts and the year's total each."""
    table: dict[tuple[Any, ...], list[int]] = {k: [0] * 12 for k in keys}
    for key, month, amount in cells:
        table.setdefault(key, [0] * 12)[month - 1] += amount
    return [{"key": k, "months": [rupiah(a) for a in v], "total": rupiah(sum(v))} for k, v in table.items()]


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
            context["error"], status = form_error(exc), 400
        else:
            context |= {
                "projection": p,
                "total": rupiah(p.total),
                "funded": rupiah(p.funded),
                "employer_amount": rupiah(p.employer_amount),
                "worker_amount": rupiah(p.worker_amount),
                "workers": count_text(p.workers),
                "months": [
                    {
                        "month": dt.date(p.year, m.month, 1),
                        "workers": count_text(m.workers),
                        "employer": rupiah(m.employer),
                        "worker": rupiah(m.worker),
                        "total": rupiah(m.total),
                        "funded": rupiah(m.funded),
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
    data = written(lambda target: write_budget_xlsx(projection, target), "xlsx")
    return download(data, f"anggaran-{projection.employer_code}-{projection.year}.xlsx")


urlpatterns = [
    path("anggaran/", budget, name="budget"),
    path("anggaran/xlsx/", budget_xlsx, name="budget_xlsx"),
]
