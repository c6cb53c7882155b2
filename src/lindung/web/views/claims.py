"""Claims: the list of the scope's cases, a new case, a case with its coverage, benefit, heirs, files and the
moves the role may make, and the public status page for the heir (claim number and a birth date)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lindung.accounts.scope import Scope
from lindung.claims import services
from lindung.claims.family import read_family
from lindung.claims.queries import claims as claims_of
from lindung.domain import claims as rules
from lindung.domain.benefits import body_parts, parse_parts
from lindung.domain.errors import LindungError, NotFound, ValidationFailed
from lindung.domain.formats import mask_nik, rupiah, too_big
from lindung.domain.rates import load_rate_book
from lindung.web.access import needs
from lindung.web.forms import actor, form_error, page_of, parse_date, parse_rupiah, refusal_status, refuse

STATUS_RATE = 30  # public status checks per address per minute, as /verifikasi/
needs_view = needs("claims.view")
needs_report = needs("claims.report")


def _moment(text: str) -> dt.datetime:
    try:
        value = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValidationFailed(_("Waktu harus berbentuk tanggal dan jam, mis. 2026-11-10 08:30")) from None
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def _rupiah(text: str, field: str) -> int:
    amount = parse_rupiah(text)
    if amount is None:
        raise refuse(field, _("Jumlah tidak terbaca; tulis rupiah tanpa sen, mis. 1.234.567"))
    return amount


def _role_for_moves(scope: Scope) -> set[str]:
    roles = {scope.role or ""}
    if scope.role == "super":
        roles = {"pemda", "cabang"}
    return roles


@needs_view
def claims(request: HttpRequest, scope: Scope) -> HttpResponse:
    state = request.GET.get("state", "")
    page = page_of(request, claims_of(scope, state))
    rows = [
        {"claim": c, "nik": mask_nik(c.worker.nik), "kind": rules.KINDS[c.kind], "state": rules.STATES[c.state]}
        for c in page
    ]
    today = timezone.localdate()
    tasks = [(c, t, t.due < today) for c, t in services.upcoming(scope, today)]
    context = {"page": page, "rows": rows, "states": list(rules.STATES.items()), "asked": state, "tasks": tasks}
    return render(request, "web/claims/list.html", context)


@needs_report
def claim_new(request: HttpRequest, scope: Scope) -> HttpResponse:
    context: dict[str, object] = {"kinds": list(rules.KINDS.items()), "units": list(scope.units()), "posted": {}}
    if request.method == "POST":
        post = request.POST
        context["posted"] = post
        try:
            wage = _rupiah(post.get("wage", ""), "wage") if post.get("wage", "").strip() else None
            claim = services.report_claim(
                scope,
                nik=post.get("nik", ""),
                kind=post.get("kind", ""),
                event_at=_moment(post.get("event_at", "")),
                place=post.get("place", ""),
                description=post.get("description", ""),
                actor=actor(request),
                unit_code=post.get("unit") or None,
                wage=wage,
                wage_reason=post.get("wage_reason", ""),
            )
        except LindungError as exc:
            context["error"] = form_error(exc)
            return render(request, "web/claims/new.html", context, status=refusal_status(request, exc))
        messages.success(request, _("Klaim %(n)s dicatat.") % {"n": claim.number})
        return redirect("claim", number=claim.number)
    return render(request, "web/claims/new.html", context)


@needs_view
def claim(request: HttpRequest, scope: Scope, number: str) -> HttpResponse:
    found = services.get_claim(scope, number)
    data = services.as_dict(found)
    roles = _role_for_moves(scope)
    moves = [t for t in rules.TRANSITIONS if t.source == found.state and t.roles & roles and t.action != "pay"]
    context = {
        "claim": found,
        "data": data,
        "kind": rules.KINDS[found.kind],
        "documents": [(rules.DOCUMENTS[d.kind], d) for d in found.documents.order_by("uploaded_at")],
        "missing": [rules.DOCUMENTS[d] for d in data["missing_documents"]],
        "document_kinds": list(rules.DOCUMENTS.items()),
        "outcomes": list(rules.OUTCOMES.items()),
        "body_parts": sorted(
            (code, p.note)
            for code, p in body_parts(load_rate_book(), timezone.localtime(found.event_at).date()).items()
        ),
        "moves": moves,
        "can_edit": scope.can("claims.report") and found.state in ("reported", "complete"),
        "can_pay": found.state == "approved" and "cabang" in roles,
        "benefit_rows": [
            (c["code"], rupiah(c["amount"]), c["regulation"]) for c in data["benefit"].get("components", [])
        ],
        "total": rupiah(data["benefit"]["total"]) if "total" in data["benefit"] else "",
        "scholarship_max": rupiah(data["benefit"].get("scholarship", {}).get("max_amount", 0)),
        "wage": rupiah(found.wage),
        "history": [
            {
                "at": e.at,
                "label": rules.ACTION_LABELS.get(e.action, e.action),
                "change": f"{rules.STATES.get(e.source, '')} → {rules.STATES[e.target]}"
                if e.source and e.source != e.target and e.target in rules.STATES
                else "",
                "actor": e.actor,
                "reason": e.reason,
            }
            for e in found.events.all()
        ],
        "follow_ups": [(dt.date.fromisoformat(t["due"]), t) for t in data["follow_ups"]],
        "deadlines": [(dt.datetime.fromisoformat(d["due"]), d) for d in data["deadlines"]],
    }
    return render(request, "web/claims/case.html", context)


def _act(request: HttpRequest, scope: Scope, number: str, work: object) -> HttpResponse:
    """Do `work` on a claim of the scope (404 first when it is not), then back to the case with its message."""
    services.get_claim(scope, number)
    try:
        work()  # type: ignore[operator]
    except NotFound:
        raise  # outside the scope: 404, logged
    except LindungError as exc:
        messages.error(request, str(exc))
    return redirect("claim", number=number)


@require_POST
@needs_view
def claim_move(request: HttpRequest, scope: Scope, number: str) -> HttpResponse:
    return _act(
        request,
        scope,
        number,
        lambda: services.decide(
            scope, number, request.POST.get("action", ""), actor=actor(request), reason=request.POST.get("reason", "")
        ),
    )


@require_POST
@needs_view
def claim_pay(request: HttpRequest, scope: Scope, number: str) -> HttpResponse:
    def work() -> None:
        services.pay(
            scope,
            number,
            amount=_rupiah(request.POST.get("amount", ""), "amount"),
            paid_on=parse_date(request.POST.get("paid_on"), "paid_on") or timezone.localdate(),
            reference=request.POST.get("reference", ""),
            actor=actor(request),
            reason=request.POST.get("reason", ""),
        )

    return _act(request, scope, number, work)


@require_POST
@needs_report
def claim_document(request: HttpRequest, scope: Scope, number: str) -> HttpResponse:
    upload = request.FILES.get("file")

    def work() -> None:
        if upload is None:
            raise ValidationFailed(_("Pilih berkas PDF atau JPEG"))
        if upload.size and upload.size > services.MAX_UPLOAD:
            raise ValidationFailed(too_big(upload.name or "", upload.size, services.MAX_UPLOAD))
        services.attach_document(
            scope,
            number,
            kind=request.POST.get("kind", ""),
            filename=upload.name or "",
            data=upload.read(),
            actor=actor(request),
        )

    return _act(request, scope, number, work)


@require_POST
@needs_report
def claim_outcome(request: HttpRequest, scope: Scope, number: str) -> HttpResponse:
    return _act(
        request,
        scope,
        number,
        lambda: services.record_outcome(
            scope,
            number,
            outcome=request.POST.get("outcome", ""),
            doctor_at=_moment(request.POST.get("doctor_at", "")),
            actor=actor(request),
            parts=parse_parts(request.POST.get("parts", "").replace(";", ",").split(",")),
        ),
    )


@require_POST
@needs_report
def claim_heirs(request: HttpRequest, scope: Scope, number: str) -> HttpResponse:
    upload = request.FILES.get("family")

    def work() -> None:
        import tempfile
        from pathlib import Path

        if upload is None:
            raise ValidationFailed(_("Pilih berkas CSV kartu keluarga"))
        with tempfile.TemporaryDirectory(prefix="lindung-kk-") as folder:
            target = Path(folder) / "keluarga.csv"
            target.write_bytes(upload.read()[:1_000_000])
            family = read_family(target, timezone.localdate())
        services.set_heirs(scope, number, family, actor=actor(request))

    return _act(request, scope, number, work)


def claim_status(request: HttpRequest) -> HttpResponse:
    """Public: the heir's view of a claim, by its number and a birth date of the family card."""
    context: dict[str, object] = {"asked": False}
    number, born = request.GET.get("number", "").strip(), request.GET.get("born", "").strip()
    if number or born:
        key = f"lindung:klaim-status:{request.META.get('REMOTE_ADDR', '-')}"
        cache.add(key, 0, 60)
        try:
            limited = cache.incr(key) > STATUS_RATE
        except ValueError:
            limited = False
        if limited:
            return render(request, "web/claims/status.html", {"limited": True}, status=429)
        try:
            day = dt.date.fromisoformat(born)
        except ValueError:
            day = None
        status = services.public_status(number[:40], day) if day else None
        context = {"asked": True, "status": status, "number": number}
        return render(request, "web/claims/status.html", context, status=200 if status else 404)
    return render(request, "web/claims/status.html", context)


urlpatterns = [
    path("klaim/", claims, name="claims"),
    path("klaim/baru/", claim_new, name="claim_new"),
    path("klaim/status/", claim_status, name="claim_status"),
    path("klaim/<str:number>/", claim, name="claim"),
    path("klaim/<str:number>/tindakan/", claim_move, name="claim_move"),
    path("klaim/<str:number>/bayar/", claim_pay, name="claim_pay"),
    path("klaim/<str:number>/berkas/", claim_document, name="claim_document"),
    path("klaim/<str:number>/tahap-2/", claim_outcome, name="claim_outcome"),
    path("klaim/<str:number>/ahli-waris/", claim_heirs, name="claim_heirs"),
]
