"""Agreements (kesepakatan) of the Pemda in scope, adding one, and enrolling a Pemda's workers under them.

The list is enrolment.queries' (narrowed there with the user's scope); the work is enrolment.services'
(add_agreement, enrol). A form that the service refuses is shown again with the reason beside it.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lindung.accounts.scope import Scope
from lindung.domain.contributions import PROGRAMS
from lindung.domain.errors import LindungError
from lindung.domain.formats import rate
from lindung.enrolment import queries
from lindung.enrolment.services import add_agreement, enrol
from lindung.web.access import is_htmx, needs
from lindung.web.forms import (
    actor,
    count_text,
    form_error,
    page_of,
    parse_date,
    posted_employer,
    refusal_status,
    refuse,
)


def _agreement_values(data: QueryDict | None) -> dict[str, Any]:
    if data is None:
        return {"segment": "ppu", "programs": ["JKK", "JKM"], "risk_class": "1", "worker_share_payer": "employer"}
    return {key: data.get(key, "") for key in data} | {"programs": data.getlist("programs")}


def _agreements_page(
    request: HttpRequest, scope: Scope, values: dict[str, Any], error: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    page = page_of(request, queries.agreements(scope))
    rows = [
        {
            "agreement": a,
            "funders": [f"{f.name} ({rate(f.share)}%)" for f in a.funders.all()],
        }
        for a in page
    ]
    can_edit = scope.can("agreement.edit")
    context = {
        "page": page,
        "rows": rows,
        "can_edit": can_edit,
        "employers": list(scope.employers()) if can_edit else [],
        "enrollable": list(queries.enrollable_employers(scope)) if can_edit else [],
        "values": values,
        "error": error,
        "programs": PROGRAMS,
        "segments": queries.SEGMENTS,
        "bases": queries.BASES,
        "payers": queries.PAYERS,
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
    employer = posted_employer(request, scope)
    data = request.POST
    try:
        risk = data.get("risk_class", "").strip()
        if risk not in ("1", "2", "3", "4", "5"):
            raise refuse("risk_class", _("Pilih kelas risiko 1 sampai 5"))
        effective = parse_date(data.get("effective_from"), "effective_from")
        assert effective is not None
        added, created = add_agreement(
            employer.region_id,
            programs=data.getlist("programs"),
            effective_from=effective,
            actor=actor(request),
            segment=data.get("segment") or queries.DEFAULT_SEGMENT,
            risk_class=int(risk),
            basis=data.get("basis", ""),
            basis_number=data.get("basis_number", "").strip(),
            basis_date=parse_date(data.get("basis_date"), "basis_date", required=False),
            worker_share_payer=data.get("worker_share_payer") or queries.DEFAULT_PAYER,
            late_fee=data.get("late_fee") == "on",
        )
    except LindungError as exc:
        return _agreements_page(request, scope, _agreement_values(data), form_error(exc), refusal_status(request, exc))
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
    employer = posted_employer(request, scope)
    context: dict[str, Any] = {"employer": employer}
    status = 200
    try:
        on = parse_date(request.POST.get("on"), "on", required=False) or timezone.localdate()
        result = enrol(employer.region_id, actor=actor(request), on=on)
    except LindungError as exc:
        context["error"] = form_error(exc)
        status = refusal_status(request, exc)
    else:
        refused = [i for i in result.issues if i.severity == "error"]
        context |= {
            "result": result,
            "counts": {
                "enrolled": count_text(result.enrolled),
                "already": count_text(result.already),
                "ended": count_text(result.ended),
                "refused": count_text(len(refused)),
            },
            "refused": refused,
            "warnings": [i for i in result.issues if i.severity != "error"],
        }
    template = "web/billing/_enrol_result.html" if is_htmx(request) else "web/billing/enrol_result.html"
    return render(request, template, context, status=status)


urlpatterns = [
    path("kesepakatan/", agreements, name="agreements"),
    path("kesepakatan/tambah/", agreement_add, name="agreement_add"),
    path("kesepakatan/daftarkan/", enrol_view, name="enrol"),
]
