"""Targets: how many workers each Pemda (or unit, or region) means to enrol in a year, against those enrolled,
with the history of their changes, and setting one. The dashboard shows the same rows for its node.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lindung.accounts.roles import Role
from lindung.accounts.scope import Scope
from lindung.coverage.targets import TargetRow, set_target, target_history, targets_vs_actuals
from lindung.domain.errors import NotFound, ValidationFailed
from lindung.domain.formats import number, percent
from lindung.domain.periods import FIRST_YEAR, LAST_YEAR
from lindung.web import maps
from lindung.web.access import needs
from lindung.web.forms import asked_year, read_count
from lindung.web.places import Place, Reach, home_of


def scoped_targets(reach: Reach, year: int, on: dt.date | None, place: Place) -> list[TargetRow]:
    """The year's targets of the node shown (of the branch's territory for a branch officer)."""
    if place.branch is not None:
        return [r for r in targets_vs_actuals(year, on=on) if r.code in reach.territory]
    if place.employer is not None:
        return targets_vs_actuals(year, on=on, employer=place.employer)
    return targets_vs_actuals(year, on=on, region=place.region)


def target_rows(rows: Sequence[TargetRow]) -> list[dict[str, Any]]:
    kinds = {"pemda": _("Pemda"), "unit": _("Unit"), "wilayah": _("Wilayah")}
    return [
        {
            "kind": kinds[r.kind],
            "code": r.code,
            "name": r.name,
            "unit": f"{r.unit_code} · {r.unit_name}" if r.unit_code else "",
            "target": number(r.target),
            "workers": number(r.workers),
            "enrolled": number(r.enrolled),
            "reached": percent(r.reached),
            "css": f"c{maps.bucket(r.reached)}",
            "note": r.note,
        }
        for r in rows
    ]


def _targets_page(request: HttpRequest, scope: Scope, year: int, **extra: Any) -> HttpResponse:
    reach = Reach(scope)
    rows = scoped_targets(reach, year, None, home_of(scope))
    history = [
        {
            "at": ch.at,
            "actor": ch.actor,
            "year": "" if ch.year is None else ch.year,
            "subject": ch.subject,
            "before": "-" if ch.before is None else number(ch.before),
            "after": "-" if ch.after is None else number(ch.after),
        }
        for ch in target_history(scope)
    ]
    context = {
        "year": year,
        "rows": target_rows(rows),
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
    return _targets_page(request, scope, asked_year(request))


@require_POST
@needs("targets.edit")
def target_set(request: HttpRequest, scope: Scope) -> HttpResponse:
    form = {k: request.POST.get(k, "").strip() for k in ("year", "count", "unit", "employer", "note")}
    employer = scope.employer_code if scope.role == Role.ADMIN else form["employer"]
    try:
        year = asked_year(request)
        count = read_count(form["count"])  # "4.000" and "4 000" are 4000, as people write them
        if count is None:
            raise ValidationFailed(_("Target harus bilangan bulat, mis. 4.000"))
        if not employer:
            raise ValidationFailed(_("Sebutkan kode wilayah Pemda"))
        target, written = set_target(
            year,
            count,
            employer=employer,
            unit=form["unit"] or None,
            note=form["note"],
            actor=request.user.get_username(),
        )
    except (ValidationFailed, NotFound) as exc:
        issues = exc.issues if isinstance(exc, ValidationFailed) else []
        shown = form["year"] if form["year"].isascii() and form["year"].isdigit() and len(form["year"]) == 4 else ""
        year = int(shown) if shown and FIRST_YEAR <= int(shown) <= LAST_YEAR else timezone.localdate().year
        return _targets_page(request, scope, year, form=form, error=str(exc), issues=issues, status=400)
    if written:
        messages.success(
            request,
            _("Target %(year)s dicatat: %(count)s pekerja.") % {"year": target.year, "count": number(target.count)},
        )
    else:
        messages.info(request, _("Target sudah sama; tidak ada yang diubah."))
    return redirect(f"{reverse('targets')}?year={target.year}")


urlpatterns = [
    path("target/", targets, name="targets"),
    path("target/tetapkan/", target_set, name="target_set"),
]
