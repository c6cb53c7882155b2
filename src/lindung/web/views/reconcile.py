"""The reconciliation pages (issue 14): what the OPD rosters, BPJS TK's participant data and BKN's census disagree
on, as work lists. A clerk sees their unit's findings, a Pemda admin their Pemda's by OPD, a branch officer its
Pemda ranked by unprotected workers and money paid for people who left, a monitor the counts only (no person).
Each list downloads as .xlsx for the OPD clerk to act on; the NIK is in full only for roles that keep rosters."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied as Forbidden
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lindung.accounts.roles import Role
from lindung.accounts.scope import Scope
from lindung.coverage.tables import Column, Table, write_xlsx
from lindung.domain.errors import LindungError, ValidationFailed
from lindung.domain.formats import mask_nik, rupiah, too_big
from lindung.domain.reconcile import DESCRIPTIONS, KINDS, RESOLUTIONS, STATES
from lindung.reconcile import services
from lindung.reconcile.loading import Target, load_source, target_of
from lindung.web.access import needs
from lindung.web.forms import actor, download, page_of, written

if TYPE_CHECKING:
    from lindung.reconcile.models import Finding

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
        return rupiah(value)
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
        "can_run": scope.role in RUNNERS,
        "own_target": scope.employer_code or scope.branch_code,
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


# A file loaded from the page: a Pemda's or a territory's. The national master (41 million rows, about 650 MB
# as Parquet) is loaded on the server with `lindung reconcile load --national`, with its progress bar.
LOAD_MAX = 50_000_000
SUFFIXES = (".csv", ".xlsx", ".parquet")


RUNNERS = (Role.ADMIN, Role.BRANCH, Role.SUPERUSER)  # who may load the other side's data and run


def _runner(scope: Scope) -> None:
    if scope.role not in RUNNERS:
        raise Forbidden("Peran Anda tidak memuat data atau menjalankan rekonsiliasi")


def _posted_target(request: HttpRequest, scope: Scope, source: str = "bpjstk") -> Target:
    """The Pemda a form names, else the user's own: an admin's Pemda, a branch's territory (a BKN census is
    always one Pemda's). The services check that the scope may act on it."""
    code = request.POST.get("pemda", "").strip()
    if code:
        return target_of(employer=code)
    if scope.employer_code:
        return target_of(employer=scope.employer_code)
    if scope.branch_code and source == "bpjstk":
        return target_of(branch=scope.branch_code)
    raise ValidationFailed(_("Tulis kode Pemda yang datanya dimuat atau direkonsiliasi, mis. 16.08"))


def _posted_day(request: HttpRequest, field: str) -> dt.date | None:
    text = request.POST.get(field, "").strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValidationFailed(
            _("Tanggal %(text)s tidak dikenal; pilih tanggal dari kalender") % {"text": text}
        ) from None


@require_POST
@needs("dashboard")
def reconciliation_load(request: HttpRequest, scope: Scope) -> HttpResponse:
    _runner(scope)
    upload = request.FILES.get("file")
    source = request.POST.get("source", "bpjstk")
    try:
        if upload is None:
            raise ValidationFailed(_("Pilih berkas data peserta BPJS TK atau pendataan BKN dulu"))
        suffix = Path(upload.name or "").suffix.lower()
        if suffix not in SUFFIXES:
            raise ValidationFailed(_("Berkas harus .csv, .xlsx atau .parquet"))
        if (upload.size or 0) > LOAD_MAX:
            raise ValidationFailed(
                too_big(upload.name or "", upload.size or 0, LOAD_MAX)
                + " "
                + _("Muat berkas sebesar itu di server dengan `lindung reconcile load` (ada bilah kemajuannya).")
            )
        target = _posted_target(request, scope, source)
        day = _posted_day(request, "data_date")
        with tempfile.TemporaryDirectory(prefix="lindung-load-") as folder:
            path = Path(folder) / (Path(upload.name or "berkas").stem[:60] + suffix)
            with path.open("wb") as out:
                for chunk in upload.chunks():
                    out.write(chunk)
            result = load_source(
                scope,
                path,
                source=source,
                target=target,
                actor=actor(request),
                data_date=day,
                force=request.POST.get("force") == "1",
            )
    except LindungError as exc:
        messages.error(request, str(exc))
        return redirect("reconciliation")
    if result.committed or result.unchanged:
        messages.success(request, result.message)
    else:
        shown = "; ".join(f"{_('baris')} {i.row}: {i.message}" for i in result.issues[:5])
        messages.error(request, f"{result.message} {shown}".strip())
    return redirect("reconciliation")


@require_POST
@needs("dashboard")
def reconciliation_run(request: HttpRequest, scope: Scope) -> HttpResponse:
    _runner(scope)
    try:
        target = _posted_target(request, scope)
        on = _posted_day(request, "on") or dt.date.today()
        result = services.run_reconciliation(scope, target, on=on, actor=actor(request), with_items=False)
    except LindungError as exc:
        messages.error(request, str(exc))
        return redirect("reconciliation")
    found = ", ".join(f"{KINDS[k]} {n}" for k, n in result.counts.items() if n) or _("tidak ada temuan")
    messages.success(
        request,
        _("Rekonsiliasi %(target)s per %(on)s: %(found)s; baru %(new)s, selesai %(resolved)s.")
        % {
            "target": target.label,
            "on": on.strftime("%d-%m-%Y"),
            "found": found,
            "new": result.changes["new"],
            "resolved": result.changes["resolved"],
        },
    )
    for reason in result.skipped:
        messages.warning(request, reason)
    return redirect("reconciliation")


urlpatterns = [
    path("rekonsiliasi/muat/", reconciliation_load, name="reconciliation_load"),
    path("rekonsiliasi/jalankan/", reconciliation_run, name="reconciliation_run"),
    path("rekonsiliasi/", reconciliation, name="reconciliation"),
    path("rekonsiliasi/unduh.xlsx", reconciliation_xlsx, name="reconciliation_xlsx"),
    path("rekonsiliasi/<str:key>/selesai/", reconciliation_resolve, name="reconciliation_resolve"),
]
