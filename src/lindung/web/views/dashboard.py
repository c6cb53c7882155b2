"""The dashboard of the user's scope: coverage figures, the parts below, the map, the trend, arrears, targets,
and the same tree and trend as a workbook or a PDF.

Which node is shown is lindung.web.places' (the user's own, or a region or Pemda below it they may open);
the trees and trends come through lindung.web.coverage_cache, so a cached figure is never older than the
last commit.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from lindung.accounts.roles import Role
from lindung.accounts.scope import Scope
from lindung.coverage import aggregates
from lindung.coverage.exposure import LeftOut, exposure_table, left_out
from lindung.coverage.pdf import write_coverage_pdf
from lindung.coverage.reports import write_coverage_xlsx
from lindung.coverage.services import Node, TrendPoint, overdue, trend
from lindung.domain.coverage import PROGRAMS
from lindung.domain.coverage import percent as share
from lindung.domain.formats import date_label, month_label, number, percent, rupiah
from lindung.domain.periods import add_months, month_end, month_start
from lindung.domain.reconcile import KINDS as FINDING_KINDS
from lindung.reconcile.services import summary as reconcile_summary
from lindung.regions.queries import boundaries_loaded
from lindung.web import maps
from lindung.web.access import is_htmx, needs
from lindung.web.charts import ChartPoint, line_chart
from lindung.web.coverage_cache import cached
from lindung.web.forms import asked_day
from lindung.web.places import Place, Reach, asked_place, home_of
from lindung.web.views.reconcile import totals as finding_totals
from lindung.web.views.targets import scoped_targets, target_rows

TREND_MONTHS = 12
LIST_LIMIT = 50  # rows of a "nobody enrolled" list shown on the page; the downloads hold them all
REGION_KINDS = ("provinsi", "kabkota")


def _lang() -> str:
    return get_language() or "id"


def _link(on: dt.date | None, **params: str) -> str:
    query = {**params, **({"on": on.isoformat()} if on else {})}
    return f"{reverse('home')}?{urlencode(query)}" if query else reverse("home")


# --- what the page shows -----------------------------------------------------------------------------


def _unit_trend(on: dt.date, employer_id: int, unit_id: int) -> list[TrendPoint]:
    """A clerk's unit month by month (the kept trend is per employer): one query per month end."""
    current = month_start(on)
    days = [month_end(add_months(current, -i)) for i in range(TREND_MONTHS - 1, 0, -1)] + [on]
    points = []
    for day in days:
        m = aggregates.unit_measures(day, [employer_id]).get(unit_id, {})
        enrolled = m.get("enrolled", 0)
        points.append(TrendPoint(month_start(day), m.get("workers", 0), enrolled, 1 if enrolled else 0))
    return points


def _trend(place: Place, scope: Scope, on: dt.date) -> list[TrendPoint]:
    if place.unit is not None:
        if scope.unit_id is None or not scope.employer_ids:
            return []
        employer_id = next(iter(scope.employer_ids))
        return cached("trend", place, on, lambda: _unit_trend(on, employer_id, scope.unit_id or 0))
    return cached("trend", place, on, lambda: trend(on, TREND_MONTHS, place.employer_ids()))


def _trend_view(points: Sequence[TrendPoint], node: Node) -> dict[str, Any]:
    rows = []
    chart = []
    lang = _lang()
    for p in points:
        label = month_label(p.month, lang)
        counts = _("%(enrolled)s dari %(workers)s pekerja") % {
            "enrolled": number(p.enrolled),
            "workers": number(p.workers),
        }
        rows.append(
            {
                "month": label,
                "workers": number(p.workers),
                "enrolled": number(p.enrolled),
                "coverage": percent(p.coverage),
            }
        )
        chart.append(
            ChartPoint(
                f"{label[:3]} {p.month:%y}",  # "Agu 26" ("Aug 26"): the first three letters of the month
                f"{label}: {percent(p.coverage)} ({counts})",
                p.coverage,
            )
        )
    title = _("Tren cakupan bulanan %(name)s") % {"name": node.name}
    return {"rows": rows, "svg": line_chart(chart, title) if chart else ""}


def _child_link(child: Node, reach: Reach, on: dt.date | None) -> str | None:
    if child.kind in REGION_KINDS and reach.region(child.code):
        return _link(on, region=child.code)
    if child.kind == "pemda" and reach.scope.role not in (Role.CLERK, Role.ADMIN) and reach.region(child.code):
        return _link(on, pemda=child.code)
    return None


def _children(node: Node, reach: Reach, on: dt.date | None) -> list[dict[str, Any]]:
    return [
        {
            "code": c.code,
            "name": c.name,
            "workers": number(c.counts.workers),
            "enrolled": number(c.counts.enrolled),
            "coverage": percent(c.counts.coverage),
            "css": maps.area_class(c.counts.coverage),
            "href": _child_link(c, reach, on),
        }
        for c in node.children
    ]


def _map(node: Node, reach: Reach, on: dt.date, asked: dt.date | None) -> dict[str, Any] | None:
    """The choropleth of the node's regions, or a note that their boundaries are not loaded."""
    regions = [c for c in node.children if c.kind in REGION_KINDS]
    if not regions:
        return None
    loaded = set(boundaries_loaded([c.code for c in regions]))
    missing = [c.name for c in regions if c.code not in loaded]
    if not loaded:
        return {"svg": "", "missing": missing}
    areas = [
        maps.Area(
            c.code,
            _("%(name)s: %(pct)s (%(enrolled)s dari %(workers)s pekerja)")
            % {
                "name": c.name,
                "pct": percent(c.counts.coverage),
                "enrolled": number(c.counts.enrolled),
                "workers": number(c.counts.workers),
            },
            maps.area_class(c.counts.coverage),
            _child_link(c, reach, asked),
        )
        for c in regions
        if c.code in loaded
    ]
    title = _("Peta cakupan %(name)s per %(day)s") % {"name": node.name, "day": date_label(on, _lang())}
    return {"svg": maps.svg(maps.region_shapes(sorted(loaded)), areas, title), "missing": missing}


def _arrears(on: dt.date, ids: list[int] | None) -> list[dict[str, Any]]:
    return [
        {
            "code": d.code,
            "name": d.name,
            "invoices": number(d.invoices),
            "balance": rupiah(d.balance),
            "buckets": [(label, rupiah(amount)) for label, amount in d.buckets.items() if amount],
            "late_fee": rupiah(d.late_fee),
        }
        for d in overdue(on, ids)
    ]


def _left_out(place: Place, node: Node, on: dt.date) -> LeftOut:
    """What leaving the unprotected out costs the Pemda: per unit inside one Pemda, else per Pemda."""
    return left_out(on, place.employer_ids(), node.code, node.name, unit=place.unit, by_unit=place.employer is not None)


def _unprotected(unprotected: LeftOut) -> dict[str, Any] | None:
    whole = unprotected.whole
    if whole is None:
        return {"missing": unprotected.missing}
    return {
        "workers": number(whole.workers),
        "per_worker": rupiah(whole.per_worker),
        "liability": rupiah(whole.liability),
        "monthly_cost": rupiah(whole.monthly_cost),
        "count": whole.workers,
        "parts": [
            {
                "code": e.code,
                "name": e.name,
                "workers": number(e.workers),
                "liability": rupiah(e.liability),
                "monthly_cost": rupiah(e.monthly_cost),
            }
            for e in unprotected.parts[:LIST_LIMIT]
        ],
        "more": max(len(unprotected.parts) - LIST_LIMIT, 0),
    }


def _findings(scope: Scope) -> list[tuple[str, str, str]] | None:
    """The open reconciliation findings of the user's scope, per kind; None before any run."""
    rows = reconcile_summary(scope)
    if not rows:
        return None
    return [(kind, FINDING_KINDS[kind], number(n)) for kind, n in finding_totals(rows).items()]


def _figures(node: Node) -> list[tuple[str, str]]:
    c = node.counts
    shown = [
        (number(c.workers), _("pekerja di daftar")),
        (number(c.enrolled), _("peserta aktif")),
        (percent(c.coverage), _("cakupan")),
        (number(len(node.units_without_enrolment)), _("unit tanpa peserta")),
    ]
    if node.kind in ("nation", "provinsi", "branch"):
        shown.append((number(len(node.employers_without_enrolment)), _("Pemda tanpa peserta")))
    return shown


# --- the dashboard ------------------------------------------------------------------------------------


@needs("dashboard")
def home(request: HttpRequest, scope: Scope) -> HttpResponse:
    on, asked = asked_day(request)
    keep = on if asked else None
    reach = Reach(scope)
    place = asked_place(request, scope, reach)
    node = cached("tree", place, on, lambda: place.tree(on))
    points = _trend(place, scope, on)
    c = node.counts
    home_place = home_of(scope)
    crumbs = []
    if place != home_place:
        crumbs.append({"href": _link(keep), "label": _("Kembali ke cakupan Anda")})
        if place.region and "." in place.region and place.region.split(".")[0] != home_place.region:
            province = place.region.split(".")[0]
            if reach.region(province):
                crumbs.append({"href": _link(keep, region=province), "label": _("Naik ke provinsi")})
    query = urlencode({k: v for k, v in request.GET.items() if k in ("on", "region", "pemda")})
    context = {
        "on": on,
        "on_text": date_label(on, _lang()),
        "node": node,
        "crumbs": crumbs,
        "figures": _figures(node),
        "children": _children(node, reach, keep),
        "programs": [
            (p, number(c.programs.get(p, 0)), percent(share(c.programs.get(p, 0), c.workers))) for p in PROGRAMS
        ],
        "units_without": node.units_without_enrolment[:LIST_LIMIT],
        "units_without_more": max(len(node.units_without_enrolment) - LIST_LIMIT, 0),
        "employers_without": node.employers_without_enrolment[:LIST_LIMIT],
        "employers_without_more": max(len(node.employers_without_enrolment) - LIST_LIMIT, 0),
        "show_employers_without": node.kind in ("nation", "provinsi", "branch"),
        "trend": _trend_view(points, node),
        "map": _map(node, reach, on, keep),
        "arrears": _arrears(on, place.employer_ids()) if scope.can("billing.view") and place.unit is None else None,
        "findings": _findings(scope),
        "unprotected": _unprotected(cached("left-out", place, on, lambda: _left_out(place, node, on))),
        "targets": (target_rows(scoped_targets(reach, on.year, on, place)) if scope.can("targets.view") else None),
        "legend": _legend(),
        "xlsx": f"{reverse('coverage_xlsx')}?{query}",
        "pdf": f"{reverse('coverage_pdf')}?{query}",
        "region_param": request.GET.get("region", ""),
        "pemda_param": request.GET.get("pemda", ""),
    }
    template = "web/dashboard/_partial.html" if is_htmx(request) else "web/dashboard/home.html"
    return render(request, template, context)


def _legend() -> list[tuple[str, str]]:
    return [
        ("cz", _("0%: belum ada yang terdaftar")),
        ("c1", _("di bawah 20%")),
        ("c2", "20-39,9%"),
        ("c3", "40-59,9%"),
        ("c4", "60-79,9%"),
        ("c5", _("80% ke atas")),
        ("c0", _("tanpa data (belum ada daftar pekerja)")),
    ]


def _report(request: HttpRequest, scope: Scope, suffix: str) -> HttpResponse:
    on, _asked = asked_day(request)
    place = asked_place(request, scope, Reach(scope))
    node = cached("tree", place, on, lambda: place.tree(on))
    points = _trend(place, scope, on)
    with tempfile.TemporaryDirectory(prefix="lindung-cakupan-") as folder:
        target = Path(folder) / f"cakupan.{suffix}"
        unprotected = cached("left-out", place, on, lambda: _left_out(place, node, on))
        if suffix == "xlsx":
            liability = exposure_table(unprotected, on)
            write_coverage_xlsx(target, node, on, points, [liability] if liability else [])
        else:
            write_coverage_pdf(target, node, on, points, unprotected)
        content = target.read_bytes()
    kinds = {
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "pdf": "application/pdf",
    }
    response = HttpResponse(content, content_type=kinds[suffix])
    name = f"cakupan-{(node.code or 'nasional').replace('.', '')}-{on.isoformat()}.{suffix}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@needs("dashboard")
def coverage_xlsx(request: HttpRequest, scope: Scope) -> HttpResponse:
    return _report(request, scope, "xlsx")


@needs("dashboard")
def coverage_pdf(request: HttpRequest, scope: Scope) -> HttpResponse:
    return _report(request, scope, "pdf")


urlpatterns = [
    path("", home, name="home"),
    path("cakupan/unduh.xlsx", coverage_xlsx, name="coverage_xlsx"),
    path("cakupan/unduh.pdf", coverage_pdf, name="coverage_pdf"),
]
