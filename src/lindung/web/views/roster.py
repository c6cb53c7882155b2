"""The roster: the list of workers in the user's scope (search, filters, paging, export) and a worker's page."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lindung.accounts.scope import Scope
from lindung.accounts.services import log_full_record, log_full_records
from lindung.domain.errors import LindungError
from lindung.domain.formats import date_label, mask_nik, mask_phone, thousands
from lindung.domain.terms import CATEGORY_CHOICES
from lindung.enrolment.roster import (
    RosterFilter,
    employment_of,
    roster_count,
    roster_ids,
    roster_rows,
    roster_workbook,
    roster_workers,
    worker_of,
    worker_record,
    workers_by_id,
)
from lindung.registry import services
from lindung.web.access import is_htmx, needs
from lindung.web.forms import actor, form_error, page_lang

if TYPE_CHECKING:
    from lindung.registry.models import Employer, Worker, WorkUnit

PER_PAGE = 50


def _filter(request: HttpRequest, scope: Scope) -> tuple[RosterFilter, list[Employer], list[WorkUnit]]:
    """The filter of the request, with the employers and units the scope may filter by."""
    employers = list(scope.employers())
    units = list(scope.units().select_related("employer"))
    f = RosterFilter.from_query(request.GET, units, [e.pk for e in employers])
    if f.employer is not None:
        units = [u for u in units if u.employer_id == f.employer]
    elif len(employers) > 1:
        units = []  # many Pemda: a unit is chosen once the Pemda is
    return f, employers, units


@needs("roster.view")
def roster(request: HttpRequest, scope: Scope) -> HttpResponse:
    f, employers, units = _filter(request, scope)
    today = timezone.localdate()
    ids = roster_ids(scope, f, today)
    page: Page[Any]
    if ids is not None:
        page = Paginator(ids, PER_PAGE).get_page(request.GET.get("page"))
        workers = workers_by_id(list(page.object_list))
    else:
        paginator = Paginator(roster_workers(scope, f, today), PER_PAGE)
        paginator.count = roster_count(scope, f, today)  # a cached_property: set it with the faster count
        page = paginator.get_page(request.GET.get("page"))
        workers = list(page.object_list)
    context = {
        "f": f,
        "query": f.as_query(),
        "page": page,
        "rows": roster_rows(scope, workers, today),
        "total": thousands(page.paginator.count),
        "full_access": scope.can("personal.full"),
        "employers": employers if len(employers) > 1 else [],
        "units": units,
        "categories": CATEGORY_CHOICES,
        "statuses": [
            ("aktif", _("Aktif")),
            ("berhenti", _("Berhenti")),
            ("terdaftar", _("Terdaftar BPJS")),
            ("belum", _("Aktif, belum terdaftar BPJS")),
        ],
    }
    template = "web/roster/_results.html" if is_htmx(request) else "web/roster/list.html"
    return render(request, template, context)


def _worker_page(
    request: HttpRequest, scope: Scope, found: Worker, refused: dict[str, object] | None = None, status: int = 200
) -> HttpResponse:
    full = scope.can("personal.full")
    if full and request.user.pk is not None:
        log_full_record(request.user.pk, found, "web", request.path)
    record = worker_record(scope, found, full)
    context = {
        "record": record,
        "w": found,
        "full": full,
        "nik": found.nik if full else mask_nik(found.nik),
        "phone": (found.phone or "") if full else mask_phone(found.phone),
        "today": timezone.localdate(),
        "can_edit": scope.can("roster.edit"),
        "refused": refused or {},
        "posted": request.POST if refused else {},
    }
    return render(request, "web/roster/worker.html", context, status=status)


@needs("roster.view")
def worker(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    return _worker_page(request, scope, worker_of(scope, pk))


def _by(request: HttpRequest) -> dict[str, Any]:
    """Who corrects, why and in which language the refusal is said: the same for every form of the page."""
    return {"actor": actor(request), "reason": request.POST.get("reason", ""), "lang": page_lang()}


def _refused(request: HttpRequest, scope: Scope, found: Worker, form: str, exc: LindungError) -> HttpResponse:
    """The worker's page again, the refusal beside the form that was sent (400), nothing written."""
    return _worker_page(request, scope, found, {"form": form, **form_error(exc)}, status=400)


@require_POST
@needs("roster.edit")
def worker_name(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    """Correct a worker's name (a typing slip; the recorded name stays in the history)."""
    found = worker_of(scope, pk)
    try:
        changed = services.correct_name(found.pk, request.POST.get("name", ""), **_by(request))
    except LindungError as exc:
        return _refused(request, scope, found, "name", exc)
    messages.success(
        request, _("Nama dikoreksi.") if changed else _("Nama sama dengan yang tercatat; tidak ada yang diubah.")
    )
    return redirect("worker", pk=found.pk)


@require_POST
@needs("roster.edit")
def employment_correct(request: HttpRequest, scope: Scope, pk: int, employment_id: int) -> HttpResponse:
    """Correct the wage and job title of a running employment, from this month."""
    employment = employment_of(scope, pk, employment_id)
    try:
        changed = services.correct_employment(
            employment.pk,
            wage=request.POST.get("wage", ""),
            job_title=request.POST.get("job_title", ""),
            **_by(request),
        )
    except LindungError as exc:
        return _refused(request, scope, employment.worker, f"employment-{employment.pk}", exc)
    messages.success(
        request,
        _("Penugasan dikoreksi; upah baru ditagihkan mulai bulan ini.")
        if changed
        else _("Upah dan jabatan sama dengan yang tercatat; tidak ada yang diubah."),
    )
    return redirect("worker", pk=pk)


@require_POST
@needs("roster.edit")
def employment_end(request: HttpRequest, scope: Scope, pk: int, employment_id: int) -> HttpResponse:
    """End an employment (the worker left): the end date and the reason go into the history."""
    employment = employment_of(scope, pk, employment_id)
    if request.POST.get("confirm") != "1":
        exc = LindungError(_("Centang konfirmasi untuk mengakhiri penugasan ini."))
        return _refused(request, scope, employment.worker, f"end-{employment.pk}", exc)
    try:
        day = services.end_employment(employment.pk, end=request.POST.get("end_date", ""), **_by(request))
    except LindungError as exc:
        return _refused(request, scope, employment.worker, f"end-{employment.pk}", exc)
    messages.success(
        request,
        _(
            "Penugasan di %(unit)s diakhiri pada %(day)s. Kepesertaan BPJS-nya berakhir akhir bulan itu pada "
            "pendaftaran berikutnya."
        )
        % {"unit": employment.unit.code, "day": date_label(day, page_lang())},
    )
    return redirect("worker", pk=pk)


@needs("roster.view")
def roster_export(request: HttpRequest, scope: Scope) -> HttpResponse:
    """The filtered list as .xlsx, NIK and phone masked. `?nik=lengkap` gives them in full (as text) to roles
    with personal.full, and records every exported worker in the access log, as opening their record would."""
    f, _employers, _units = _filter(request, scope)
    today = timezone.localdate()
    full = request.GET.get("nik") == "lengkap"
    if full:
        scope.require("personal.full")
        ids = roster_workers(scope, f, today).values_list("pk", flat=True)
        log_full_records(scope.user_id, ids.iterator(), "export", request.get_full_path())
    content = roster_workbook(scope, f, today, full=full)
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="daftar-pekerja-{today.isoformat()}.xlsx"'
    return response


urlpatterns = [
    path("pekerja/", roster, name="roster"),
    path("pekerja/unduh/", roster_export, name="roster_export"),
    path("pekerja/<int:pk>/", worker, name="worker"),
    path("pekerja/<int:pk>/nama/", worker_name, name="worker_name"),
    path("pekerja/<int:pk>/penugasan/<int:employment_id>/koreksi/", employment_correct, name="employment_correct"),
    path("pekerja/<int:pk>/penugasan/<int:employment_id>/akhiri/", employment_end, name="employment_end"),
]
