"""The dashboard of the user's scope (coverage figures, the parts below, the map, the trend, arrears, targets,
downloads), the targets page and the Inpres 2/2021 compliance page.

What a user sees: an OPD clerk their unit, a Pemda admin their Pemda, a branch officer the branch's territory,
a monitor their province (or the nation), a superuser the nation. Roles above a Pemda may drill down
(`?region=CODE`, `?pemda=CODE` for a Pemprov's own units) but only inside their scope; anything else is 404.

Coverage trees and trends are cached per node and day under a version number that every committed write of
workers, employments, memberships, units or employers changes (`connect_signals`, called by the app's ready()),
so a cached figure is never older than the last commit.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlencode

from django.contrib import messages
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import connection, transaction
from django.db.models import CharField, Subquery
from django.db.models.functions import Cast
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lindung.accounts.models import Role
from lindung.accounts.scope import Scope
from lindung.billing.exports import period_label
from lindung.billing.services import money
from lindung.coverage import aggregates
from lindung.coverage.compliance import PemdaCompliance, assess, load_weights
from lindung.coverage.models import Target
from lindung.coverage.pdf import day_text, number_text, percent_text, write_coverage_pdf
from lindung.coverage.reports import write_coverage_xlsx
from lindung.coverage.services import Node, TrendPoint, coverage_tree, overdue, scope_employer_ids, trend
from lindung.coverage.targets import TargetRow, set_target, targets_vs_actuals
from lindung.domain.compliance import PILLAR_LABELS, PILLARS, Weights
from lindung.domain.coverage import PROGRAMS, percent
from lindung.domain.errors import NotFound, ValidationFailed
from lindung.domain.periods import add_months, month_end, month_start
from lindung.registry.models import BranchOffice, Change, Employer, WorkUnit
from lindung.registry.signals import rows_changed
from lindung.web import maps
from lindung.web.access import is_htmx, needs
from lindung.web.charts import ChartPoint, line_chart

TREND_MONTHS = 12
LIST_LIMIT = 50  # rows of a "nobody enrolled" list shown on the page; the downloads hold them all
PAGE_SIZE = 50
CACHE_SECONDS = 15 * 60  # a cap: the version already retires a tree as soon as rows change
VERSION_KEY = "lindung:coverage:version"
MONTHS_SHORT = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")
REGION_KINDS = ("provinsi", "kabkota")

T = TypeVar("T")


# --- the cache -----------------------------------------------------------------------------------------


def coverage_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, time.time_ns(), None)
        version = cache.get(VERSION_KEY, 0)
    return int(version)


def _bump() -> None:
    cache.set(VERSION_KEY, time.time_ns(), None)


def rows_written(sender: object, **kwargs: Any) -> None:
    """Retire every cached tree once the writing transaction commits (at once outside a transaction)."""
    transaction.on_commit(_bump)


def connect_signals() -> None:
    rows_changed.connect(rows_written, dispatch_uid="web.dashboard.rows")
    for model in (WorkUnit, Employer):
        post_save.connect(rows_written, sender=model, dispatch_uid=f"web.dashboard.save.{model.__name__}")
        post_delete.connect(rows_written, sender=model, dispatch_uid=f"web.dashboard.delete.{model.__name__}")


def _cached(kind: str, place: Place, on: dt.date, compute: Callable[[], T]) -> T:
    database = hashlib.sha1(str(connection.settings_dict["NAME"]).encode(), usedforsecurity=False).hexdigest()[:8]
    key = f"lindung:coverage:{database}:{coverage_version()}:{kind}:{place.key}:{on.isoformat()}"
    found: T | None = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, CACHE_SECONDS)
    return found


# --- which node -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """A node as coverage_tree names it: the nation (nothing), a region, a Pemda (and a unit), a branch."""

    region: str | None = None
    employer: str | None = None
    unit: str | None = None
    branch: str | None = None

    @property
    def key(self) -> str:
        return "|".join(f"{k}={v}" for k, v in self.__dict__.items() if v is not None) or "nation"

    def tree(self, on: dt.date) -> Node:
        return coverage_tree(on, region=self.region, employer=self.employer, unit=self.unit, branch=self.branch)

    def employer_ids(self) -> list[int] | None:
        if self.branch is not None:
            return scope_employer_ids(branch=self.branch)
        if self.employer is not None:
            return list(Employer.objects.filter(region_id=self.employer).values_list("id", flat=True))
        return None if self.region is None else scope_employer_ids(region=self.region)


def _home(scope: Scope) -> Place:
    if scope.role == Role.CLERK:
        return Place(employer=scope.employer_code, unit=scope.unit_code)
    if scope.role == Role.ADMIN:
        return Place(employer=scope.employer_code)
    if scope.role == Role.BRANCH:
        return Place(branch=scope.branch_code)
    if scope.role == Role.MONITOR:
        return Place(region=scope.region_code)
    return Place()


def _territory(scope: Scope) -> frozenset[str]:
    office = BranchOffice.objects.filter(code=scope.branch_code).first()
    return frozenset(office.territory.values_list("code", flat=True)) if office else frozenset()


class Reach:
    """Which region codes a user may open: a monitor's province and below, a branch's kab/kota, everything
    for the nation's monitor and the superuser, nothing further down for a Pemda admin or an OPD clerk."""

    def __init__(self, scope: Scope) -> None:
        self.scope = scope
        self.territory = _territory(scope) if scope.role == Role.BRANCH else frozenset()

    def region(self, code: str) -> bool:
        role, top = self.scope.role, self.scope.region_code
        if role == Role.SUPERUSER or (role == Role.MONITOR and top is None):
            return True
        if role == Role.MONITOR and top is not None:
            return code == top or code.startswith(top + ".")
        return role == Role.BRANCH and code in self.territory

    def pemda(self, code: str) -> bool:
        if self.scope.role in (Role.CLERK, Role.ADMIN):
            return False
        return self.region(code) and self.scope.restrict(Employer.objects.filter(region_id=code)).exists()


def _place(request: HttpRequest, scope: Scope, reach: Reach) -> Place:
    region = request.GET.get("region", "").strip()[:13]
    pemda = request.GET.get("pemda", "").strip()[:13]
    home = _home(scope)
    if (region and region == home.region) or (pemda and pemda == home.employer and home.unit is None):
        return home
    if region:
        if not reach.region(region):
            raise NotFound(_("Wilayah ini di luar cakupan Anda"))
        return Place(region=region)
    if pemda:
        if not reach.pemda(pemda):
            raise NotFound(_("Pemda ini di luar cakupan Anda"))
        return Place(employer=pemda)
    return home


def _day(request: HttpRequest) -> tuple[dt.date, bool]:
    """The day asked for (`?on=YYYY-MM-DD`) or today, and whether it was asked for."""
    text = request.GET.get("on", "").strip()
    if not text:
        return timezone.localdate(), False
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise ValidationFailed(_("Tanggal harus ditulis YYYY-MM-DD, mis. 2026-06-30")) from None
    if not 2000 <= day.year <= 2100:
        raise ValidationFailed(_("Tanggal di luar tahun 2000-2100"))
    return day, True


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
        return _cached("trend", place, on, lambda: _unit_trend(on, employer_id, scope.unit_id or 0))
    return _cached("trend", place, on, lambda: trend(on, TREND_MONTHS, place.employer_ids()))


def _trend_view(points: Sequence[TrendPoint], node: Node) -> dict[str, Any]:
    rows = []
    chart = []
    for p in points:
        label = period_label(p.month)
        counts = _("%(enrolled)s dari %(workers)s pekerja") % {
            "enrolled": number_text(p.enrolled),
            "workers": number_text(p.workers),
        }
        rows.append(
            {
                "month": label,
                "workers": number_text(p.workers),
                "enrolled": number_text(p.enrolled),
                "coverage": percent_text(p.coverage),
            }
        )
        chart.append(
            ChartPoint(
                f"{MONTHS_SHORT[p.month.month - 1]} {p.month:%y}",
                f"{label}: {percent_text(p.coverage)} ({counts})",
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
            "workers": number_text(c.counts.workers),
            "enrolled": number_text(c.counts.enrolled),
            "coverage": percent_text(c.counts.coverage),
            "css": f"c{maps.bucket(c.counts.coverage)}",
            "href": _child_link(c, reach, on),
        }
        for c in node.children
    ]


def _map(node: Node, reach: Reach, on: dt.date, asked: dt.date | None) -> dict[str, Any] | None:
    """The choropleth of the node's regions, or a note that their boundaries are not loaded."""
    regions = [c for c in node.children if c.kind in REGION_KINDS]
    if not regions:
        return None
    loaded = set(maps.boundaries_loaded([c.code for c in regions]))
    missing = [c.name for c in regions if c.code not in loaded]
    if not loaded:
        return {"svg": "", "missing": missing}
    areas = [
        maps.Area(
            c.code,
            _("%(name)s: %(pct)s (%(enrolled)s dari %(workers)s pekerja)")
            % {
                "name": c.name,
                "pct": percent_text(c.counts.coverage),
                "enrolled": number_text(c.counts.enrolled),
                "workers": number_text(c.counts.workers),
            },
            f"c{maps.bucket(c.counts.coverage)}",
            _child_link(c, reach, asked),
        )
        for c in regions
        if c.code in loaded
    ]
    title = _("Peta cakupan %(name)s per %(day)s") % {"name": node.name, "day": day_text(on)}
    return {"svg": maps.svg(maps.region_shapes(sorted(loaded)), areas, title), "missing": missing}


def _arrears(on: dt.date, ids: list[int] | None) -> list[dict[str, Any]]:
    return [
        {
            "code": d.code,
            "name": d.name,
            "invoices": number_text(d.invoices),
            "balance": money(d.balance),
            "buckets": [(label, money(amount)) for label, amount in d.buckets.items() if amount],
            "late_fee": money(d.late_fee),
        }
        for d in overdue(on, ids)
    ]


def _scoped_targets(reach: Reach, year: int, on: dt.date | None, place: Place) -> list[TargetRow]:
    """The year's targets of the node shown (of the branch's territory for a branch officer)."""
    if place.branch is not None:
        return [r for r in targets_vs_actuals(year, on=on) if r.code in reach.territory]
    if place.employer is not None:
        return targets_vs_actuals(year, on=on, employer=place.employer)
    return targets_vs_actuals(year, on=on, region=place.region)


def _target_rows(rows: Sequence[TargetRow]) -> list[dict[str, Any]]:
    kinds = {"pemda": _("Pemda"), "unit": _("Unit"), "wilayah": _("Wilayah")}
    return [
        {
            "kind": kinds[r.kind],
            "code": r.code,
            "name": r.name,
            "unit": f"{r.unit_code} · {r.unit_name}" if r.unit_code else "",
            "target": number_text(r.target),
            "workers": number_text(r.workers),
            "enrolled": number_text(r.enrolled),
            "reached": percent_text(r.reached),
            "css": f"c{maps.bucket(r.reached)}",
            "note": r.note,
        }
        for r in rows
    ]


def _figures(node: Node) -> list[tuple[str, str]]:
    c = node.counts
    shown = [
        (number_text(c.workers), _("pekerja di daftar")),
        (number_text(c.enrolled), _("peserta aktif")),
        (percent_text(c.coverage), _("cakupan")),
        (number_text(len(node.units_without_enrolment)), _("unit tanpa peserta")),
    ]
    if node.kind in ("nation", "provinsi", "branch"):
        shown.append((number_text(len(node.employers_without_enrolment)), _("Pemda tanpa peserta")))
    return shown


# --- the dashboard ------------------------------------------------------------------------------------


@needs("dashboard")
def home(request: HttpRequest, scope: Scope) -> HttpResponse:
    on, asked = _day(request)
    keep = on if asked else None
    reach = Reach(scope)
    place = _place(request, scope, reach)
    node = _cached("tree", place, on, lambda: place.tree(on))
    points = _trend(place, scope, on)
    c = node.counts
    home_place = _home(scope)
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
        "on_text": day_text(on),
        "node": node,
        "crumbs": crumbs,
        "figures": _figures(node),
        "children": _children(node, reach, keep),
        "programs": [
            (p, number_text(c.programs.get(p, 0)), percent_text(percent(c.programs.get(p, 0), c.workers)))
            for p in PROGRAMS
        ],
        "units_without": node.units_without_enrolment[:LIST_LIMIT],
        "units_without_more": max(len(node.units_without_enrolment) - LIST_LIMIT, 0),
        "employers_without": node.employers_without_enrolment[:LIST_LIMIT],
        "employers_without_more": max(len(node.employers_without_enrolment) - LIST_LIMIT, 0),
        "show_employers_without": node.kind in ("nation", "provinsi", "branch"),
        "trend": _trend_view(points, node),
        "map": _map(node, reach, on, keep),
        "arrears": _arrears(on, place.employer_ids()) if scope.can("billing.view") and place.unit is None else None,
        "targets": (_target_rows(_scoped_targets(reach, on.year, on, place)) if scope.can("targets.view") else None),
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
        ("c0", _("tanpa data / 0%")),
        ("c1", _("di bawah 20%")),
        ("c2", "20-39,9%"),
        ("c3", "40-59,9%"),
        ("c4", "60-79,9%"),
        ("c5", _("80% ke atas")),
    ]


def _report(request: HttpRequest, scope: Scope, suffix: str) -> HttpResponse:
    on, _asked = _day(request)
    place = _place(request, scope, Reach(scope))
    node = _cached("tree", place, on, lambda: place.tree(on))
    points = _trend(place, scope, on)
    with tempfile.TemporaryDirectory(prefix="lindung-cakupan-") as folder:
        target = Path(folder) / f"cakupan.{suffix}"
        if suffix == "xlsx":
            write_coverage_xlsx(target, node, on, points)
        else:
            write_coverage_pdf(target, node, on, points)
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


# --- targets ---------------------------------------------------------------------------------------------


def _year(request: HttpRequest) -> int:
    text = (request.POST.get("year") or request.GET.get("year") or "").strip()
    if not text:
        return timezone.localdate().year
    if not text.isdigit() or not 2000 <= int(text) <= 2100:
        raise ValidationFailed(_("Tahun harus empat angka antara 2000 dan 2100"))
    return int(text)


def _targets_page(request: HttpRequest, scope: Scope, year: int, **extra: Any) -> HttpResponse:
    reach = Reach(scope)
    rows = _scoped_targets(reach, year, None, _home(scope))
    scoped = scope.restrict(Target.objects.all()).annotate(key=Cast("pk", CharField())).values("key")
    changes = list(
        Change.objects.filter(model="coverage.target", object_id__in=Subquery(scoped))
        .select_related("changeset")
        .order_by("-changeset__at", "-pk")[:30]
    )
    subjects = {
        str(t.pk): t
        for t in Target.objects.filter(pk__in=[int(ch.object_id) for ch in changes]).select_related(
            "employer", "unit", "region"
        )
    }
    history = []
    for ch in changes:
        t = subjects.get(ch.object_id)
        subject = ""
        if t is not None:
            subject = t.region.name if t.region else (t.employer.name if t.employer else "")
            subject += f" · {t.unit.name}" if t.unit else ""
        history.append(
            {
                "at": ch.changeset.at,
                "actor": ch.changeset.actor,
                "year": t.year if t else "",
                "subject": subject,
                "before": number_text((ch.before or {}).get("count", 0)) if ch.before else "-",
                "after": number_text((ch.after or {}).get("count", 0)) if ch.after else "-",
            }
        )
    context = {
        "year": year,
        "rows": _target_rows(rows),
        "history": history,
        "can_edit": scope.can("targets.edit"),
        "units": list(scope.units()) if scope.role == Role.ADMIN else [],
        "superuser": scope.role == Role.SUPERUSER,
        "form": extra.get("form", {"year": str(year)}),
        "error": extra.get("error", ""),
        "issues": extra.get("issues", []),
    }
    return render(request, "web/dashboard/targets.html", context, status=extra.get("status", 200))


@needs("targets.view")
def targets(request: HttpRequest, scope: Scope) -> HttpResponse:
    return _targets_page(request, scope, _year(request))


@require_POST
@needs("targets.edit")
def target_set(request: HttpRequest, scope: Scope) -> HttpResponse:
    form = {k: request.POST.get(k, "").strip() for k in ("year", "count", "unit", "employer", "note")}
    employer = scope.employer_code if scope.role == Role.ADMIN else form["employer"]
    try:
        year = _year(request)
        if not form["count"].isdigit():
            raise ValidationFailed(_("Target harus bilangan bulat, mis. 4000"))
        if not employer:
            raise ValidationFailed(_("Sebutkan kode wilayah Pemda"))
        target, written = set_target(
            year,
            int(form["count"]),
            employer=employer,
            unit=form["unit"] or None,
            note=form["note"],
            actor=request.user.get_username(),
        )
    except (ValidationFailed, NotFound) as exc:
        issues = exc.issues if isinstance(exc, ValidationFailed) else []
        year = int(form["year"]) if form["year"].isdigit() and 2000 <= int(form["year"]) <= 2100 else 0
        return _targets_page(
            request, scope, year or timezone.localdate().year, form=form, error=str(exc), issues=issues, status=400
        )
    if written:
        messages.success(
            request,
            _("Target %(year)s dicatat: %(count)s pekerja.")
            % {"year": target.year, "count": number_text(target.count)},
        )
    else:
        messages.info(request, _("Target sudah sama; tidak ada yang diubah."))
    return redirect(f"{reverse('targets')}?year={target.year}")


# --- Inpres 2/2021 compliance ------------------------------------------------------------------------


def _compliance_rows(scope: Scope, on: dt.date, year: int) -> list[PemdaCompliance]:
    if scope.role == Role.MONITOR:
        return assess(on, region=scope.region_code, year=year)
    rows = assess(on, year=year)
    if scope.role == Role.ADMIN:
        return [r for r in rows if r.code == scope.employer_code]
    if scope.role == Role.BRANCH:
        territory = _territory(scope)
        return [r for r in rows if r.code in territory]
    return rows


def _points(value: Decimal) -> str:
    return number_text(value.quantize(Decimal("0.1")))


def _compliance_view(r: PemdaCompliance, weights: Weights) -> dict[str, Any]:
    f, s = r.facts, r.score
    basis = (
        f"{r.regulation.kind.upper()} {r.regulation.number} ({day_text(r.regulation.issued_on)})"
        if r.regulation
        else _("belum ada")
    )
    detail = {
        "regulasi": basis,
        "coverage": _("non-ASN %(a)s/%(b)s, rentan %(c)s/%(d)s")
        % {
            "a": number_text(f.non_asn_enrolled),
            "b": number_text(f.non_asn_workers),
            "c": number_text(f.vulnerable_enrolled),
            "d": number_text(f.vulnerable_workers),
        },
        "anggaran": _("alokasi %(a)s, dibayar %(p)s") % {"a": money(f.allocated), "p": money(f.paid)},
        "integrasi": _("KPJ %(k)s/%(e)s") % {"k": number_text(f.with_kpj), "e": number_text(f.enrolled)},
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
                "max": number_text(weights.pillars[p].normalize()),
                "detail": detail[p],
            }
            for p in PILLARS
        ],
    }


@needs("compliance.view")
def compliance(request: HttpRequest, scope: Scope) -> HttpResponse:
    on, _asked = _day(request)
    year = _year(request) if request.GET.get("year") else on.year
    weights = load_weights()
    rows = _compliance_rows(scope, on, year)
    idle = [r for r in rows if r.nothing_done]
    ordered = idle + [r for r in rows if not r.nothing_done]
    page = Paginator(ordered, PAGE_SIZE).get_page(request.GET.get("page"))
    query = urlencode({k: v for k, v in request.GET.items() if k in ("on", "year")})
    context = {
        "on": on,
        "on_text": day_text(on),
        "year": year,
        "total": len(rows),
        "idle": len(idle),
        "page": page,
        "rows": [_compliance_view(r, weights) for r in page.object_list],
        "weights": [(PILLAR_LABELS[p], number_text(weights.pillars[p].normalize())) for p in PILLARS],
        "query": f"&{query}" if query else "",
    }
    return render(request, "web/dashboard/compliance.html", context)


urlpatterns = [
    path("", home, name="home"),
    path("cakupan/unduh.xlsx", coverage_xlsx, name="coverage_xlsx"),
    path("cakupan/unduh.pdf", coverage_pdf, name="coverage_pdf"),
    path("target/", targets, name="targets"),
    path("target/tetapkan/", target_set, name="target_set"),
    path("inpres/", compliance, name="compliance"),
]
