"""The Inpres 2/2021 compliance page: each Pemda in scope scored on its regulation, coverage, budget and
integration (coverage.compliance), those that have done nothing first.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from lindung.accounts.roles import Role
from lindung.accounts.scope import Scope
from lindung.coverage.compliance import PemdaCompliance, assess, load_weights
from lindung.domain.compliance import PILLAR_LABELS, PILLARS, Weights
from lindung.domain.formats import date_label, number, rupiah
from lindung.registry.queries import branch_territory
from lindung.web.access import needs
from lindung.web.forms import asked_day, asked_year, page_of


def _compliance_rows(scope: Scope, on: dt.date, year: int) -> list[PemdaCompliance]:
    if scope.role == Role.MONITOR:
        return assess(on, region=scope.region_code, year=year)
    rows = assess(on, year=year)
    if scope.role == Role.ADMIN:
        return [r for r in rows if r.code == scope.employer_code]
    if scope.role == Role.BRANCH:
        territory = branch_territory(scope.branch_code)
        return [r for r in rows if r.code in territory]
    return rows


def _points(value: Decimal) -> str:
    return number(value.quantize(Decimal("0.1")))


def _compliance_view(r: PemdaCompliance, weights: Weights) -> dict[str, Any]:
    f, s = r.facts, r.score
    issued = date_label(r.regulation.issued_on, get_language() or "id") if r.regulation else ""
    basis = f"{r.regulation.kind.upper()} {r.regulation.number} ({issued})" if r.regulation else _("belum ada")
    detail = {
        "regulasi": basis,
        "coverage": _("non-ASN %(a)s/%(b)s, rentan %(c)s/%(d)s")
        % {
            "a": number(f.non_asn_enrolled),
            "b": number(f.non_asn_workers),
            "c": number(f.vulnerable_enrolled),
            "d": number(f.vulnerable_workers),
        },
        "anggaran": _("alokasi %(a)s, dibayar %(p)s") % {"a": rupiah(f.allocated), "p": rupiah(f.paid)},
        "integrasi": _("KPJ %(k)s/%(e)s") % {"k": number(f.with_kpj), "e": number(f.enrolled)},
    }
    return {
        "code": r.code,
        "name": r.name,
        "registered": r.registered,
        "nothing_done": r.nothing_done,
        "rank_nation": r.rank_nation,
        "rank_province": r.rank_province,
        "total": _points(s.total),
        "pillars": [
            {
                "label": PILLAR_LABELS[p],
                "points": _points(s.pillars[p] * weights.pillars[p]),
                "max": number(weights.pillars[p].normalize()),
                "detail": detail[p],
            }
            for p in PILLARS
        ],
    }


@needs("compliance.view")
def compliance(request: HttpRequest, scope: Scope) -> HttpResponse:
    on, _asked = asked_day(request)
    year = asked_year(request) if request.GET.get("year") else on.year
    weights = load_weights()
    rows = _compliance_rows(scope, on, year)
    idle = [r for r in rows if r.nothing_done]
    ordered = idle + [r for r in rows if not r.nothing_done]
    page = page_of(request, ordered)
    query = urlencode({k: v for k, v in request.GET.items() if k in ("on", "year")})
    context = {
        "on": on,
        "on_text": date_label(on, get_language() or "id"),
        "year": year,
        "total": len(rows),
        "idle": len(idle),
        "page": page,
        "rows": [_compliance_view(r, weights) for r in page.object_list],
        "weights": [(PILLAR_LABELS[p], number(weights.pillars[p].normalize())) for p in PILLARS],
        "query": f"&{query}" if query else "",
    }
    return render(request, "web/dashboard/compliance.html", context)


urlpatterns = [
    path("inpres/", compliance, name="compliance"),
]
