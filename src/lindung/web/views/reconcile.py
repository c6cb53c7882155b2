"""The reconciliation pages (issue 14): what the OPD rosters, BPJS TK's participant data and BKN's census disagree
on, as work lists. A clerk sees their unit's findings, a Pemda admin their Pemda's by OPD, a branch officer its
Pemda ranked by unprotected workers and money paid for people who left, a monitor the counts only (no person).
Each list downloads as .xlsx for the OPD clerk to act on; the NIK is in full only for roles that keep rosters."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lindung.accounts.scope import Scope
from lindung.billing.services import money
from lindung.coverage.tables import Column, Table, write_xlsx
from lindung.domain.errors import LindungError
from lindung.domain.privacy import mask_nik
from lindung.domain.reconcile import DESCRIPTIONS, KINDS, RESOLUTIONS, STATES
from lindung.reconcile import services
from lindung.reconcile.models import Finding
from lindung.web.access import needs
from lindung.web.forms import actor, download, page_of, written

SIDES = (("daftar", "Daftar OPD"), ("bpjstk", "BPJS TK"), ("bkn", "BKN"))
PERSONAL = ("nik", "lahir", "telepon", "phone", "hp")  # evidence fields masked for roles without personal.full


def _filters(request: HttpRequest) -> dict[str, str | None]:
    kind = request.GET.get("kind") or None
    state = request.GET.get("state") or None
    return {
        "kind": kind if kind in KINDS else None,
        "state": state if state in STATES else None,
        "employer": request.GET.get("pemda") or None,
        "unit": request.GET.get("unit") or None,
    }


def _shown(value: Any, full: bool, field: str) -> str:
    if value is None or value == "":
        return "-"
    if isinstance(value, bool):
        return _("ya") if value else _("tidak")
    if isinstance(value, int) and ("upah" in field or "rupiah" in field):
        return money(value)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    text = str(value)
    if not full and any(p in field.lower() for p in PERSONAL):
        return mask_nik(text) if text.isdigit() and len(text) == 16 else "••••"
    return text


def _evidence(finding: Finding, full: bool) -> list[tuple[str, list[tuple[str, str]]]]:
    """The evidence side by side: the roster, BPJS TK, BKN, then what the run worked out."""
    evidence = finding.evidence or {}
    sides = []
    for key, label in SIDES:
        side = evidence.get(key)
        if isinstance(side, dict):
            sides.append((label, [(f, _shown(v, full, f)) for f, v in side.items()]))
    rest = [(f, _shown(v, full, f)) for f, v in evidence.items() if f not in dict(SIDES)]
    if rest:
        sides.append((_("Hitungan"), rest))
    return sides


def totals(rows: list[dict[str, Any]]) -> dict[str, int]:
    """The open findings of `services.summary` rows added up per kind."""
    found = dict.fromkeys(KINDS, 0)
    for row in rows:
        for kind, n in row["findings"].items():
            found[kind] += n
    return found


def _ranked(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A branch's Pemda, most unprotected workers first, then most money paid for nobody."""
    return sorted(
        rows, key=lambda r: (-r["findings"]["tidak_terlindungi"], -r["findings"]["bayar_tanpa_orang"], r["employer"])
    )


@needs("dashboard")
def reconciliation(request: HttpRequest, scope: Scope) -> HttpResponse:
    asked = _filters(request)
    people = scope.can("roster.view")
    by_unit = scope.employer_code is not None and scope.unit_id is None
    counts = services.summary(scope, by="unit" if by_unit else "employer")
    added = totals(counts)
    context: dict[str, Any] = {
        "kinds": [(k, KINDS[k], DESCRIPTIONS[k], added[k]) for k in KINDS],
        "counts": _ranked(counts) if scope.role == "cabang" else counts,
        "by_unit": by_unit,
        "people": people,
        "states": list(STATES.items()),
        "resolutions": list(RESOLUTIONS.items()),
        "asked": asked,
        "can_resolve": scope.can("roster.edit"),
        "query": request.GET.urlencode(),
    }
    if people:
        full = scope.can("personal.full")
        try:
            listed = services.findings(scope, **asked)
        except LindungError as exc:
            context["error"] = str(exc)
            listed = services.findings(scope)
        page = page_of(request, listed)
        context["page"] = page
        context["rows"] = [
            {
                "finding": f,
                "nik": f.nik if full else mask_nik(f.nik),
                "kind": KINDS[f.kind],
                "state": STATES[f.state],
                "evidence": _evidence(f, full),
                "resolution": RESOLUTIONS.get(f.resolution, ""),
            }
            for f in page
        ]
    return render(request, "web/reconcile/list.html", context)


def _table(listed: list[Finding], full: bool) -> Table:
    rows = [
        [
            KINDS[f.kind],
            f.employer.region_id,
            f.unit.code if f.unit else "",
            f.nik if full else mask_nik(f.nik),
            f.name,
            STATES[f.state],
            "; ".join(f"{side}: " + ", ".join(f"{k} {v}" for k, v in values) for side, values in _evidence(f, full)),
            RESOLUTIONS.get(f.resolution, ""),
            f.note,
        ]
        for f in listed
    ]
    return Table(
        "Temuan rekonsiliasi",
        [
            Column("Jenis", "text", 18),
            Column("Pemda", "text", 8),
            Column("Unit", "text", 12),
            Column("NIK", "text", 18),
            Column("Nama", "text", 28),
            Column("Status", "text", 14),
            Column("Bukti", "text", 80),
            Column("Penyelesaian", "text", 22),
            Column("Catatan", "text", 30),
        ],
        rows,
        note="Daftar OPD dibanding data peserta BPJS TK dan pendataan non-ASN BKN; tindak lanjuti tiap baris.",
    )


@needs("roster.view")
def reconciliation_xlsx(request: HttpRequest, scope: Scope) -> HttpResponse:
    asked = _filters(request)
    try:
        listed = list(services.findings(scope, **asked))
    except LindungError as exc:
        messages.error(request, str(exc))
        return redirect("reconciliation")
    full = scope.can("personal.full")
    data = written(lambda target: write_xlsx(target, [_table(listed, full)]), "xlsx")
    suffix = "-".join(v for v in (asked["employer"], asked["unit"], asked["kind"]) if v) or "semua"
    return download(data, f"rekonsiliasi-{suffix.replace('.', '')}.xlsx")


@require_POST
@needs("roster.edit")
def reconciliation_resolve(request: HttpRequest, scope: Scope, key: str) -> HttpResponse:
    try:
        services.resolve_finding(
            scope,
            key,
            resolution=request.POST.get("resolution", ""),
            note=request.POST.get("note", ""),
            actor=actor(request),
        )
    except LindungError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Temuan diselesaikan; riwayatnya disimpan."))
    back = request.POST.get("next", "")
    return redirect(f"/rekonsiliasi/?{back}" if back and not back.startswith(("/", "http")) else "reconciliation")


urlpatterns = [
    path("rekonsiliasi/", reconciliation, name="reconciliation"),
    path("rekonsiliasi/unduh.xlsx", reconciliation_xlsx, name="reconciliation_xlsx"),
    path("rekonsiliasi/<str:key>/selesai/", reconciliation_resolve, name="reconciliation_resolve"),
]
