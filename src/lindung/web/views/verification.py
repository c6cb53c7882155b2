"""The public verification page of a certificate or card: no login, only what the document itself shows.

It resists enumeration: a forged token fails its signature before the database is asked, and each address may
ask at most RATE times a minute (429 after that)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from lindung.documents import queries
from lindung.documents.services import verify
from lindung.domain.formats import date_label, number, percent

if TYPE_CHECKING:
    from lindung.documents.models import Document

RATE = 30  # verifications per address per minute


def _too_many(request: HttpRequest) -> bool:
    key = f"lindung:verifikasi:{request.META.get('REMOTE_ADDR', '-')}"
    cache.add(key, 0, 60)
    try:
        return cache.incr(key) > RATE
    except ValueError:  # expired between add and incr
        return False


def _day(iso: str | None) -> str:
    return date_label(dt.date.fromisoformat(iso)) if iso else "-"


def facts(doc: Document) -> list[tuple[str, str]]:
    """What the document shows, as label and text, dates and numbers written the Indonesian way."""
    c: dict[str, Any] = doc.content
    if doc.kind == queries.CARD:
        return [
            (_("Nama"), c["name"]),
            ("NIK", c["nik"]),
            ("KPJ", c["kpj"] or "-"),
            (_("Pemberi kerja"), c["employer"]),
            (_("Unit"), c["unit"]),
            (_("Program"), ", ".join(c["programs"])),
            (_("Berlaku sejak"), _day(c["valid_from"])),
        ]
    if doc.kind == queries.AWARD:
        threshold = c["threshold"]
        asked = []
        if threshold.get("min_coverage") is not None:
            asked.append(_("cakupan minimal %(p)s") % {"p": percent(Decimal(threshold["min_coverage"]))})
        if threshold.get("every_unit"):
            asked.append(_("setiap unit kerja mendaftar"))
        return [
            (_("Pemberi kerja"), c["employer"]),
            (_("Cakupan"), percent(Decimal(c["coverage"])) if c["coverage"] not in (None, "None") else "-"),
            (_("Peserta"), f"{number(c['enrolled'])} / {number(c['workers'])}"),
            (_("Unit kerja mendaftar"), f"{number(c['units_enrolled'])} / {number(c['units'])}"),
            (_("Ambang"), "; ".join(asked)),
            (_("Per tanggal"), _day(c["on"])),
            *_issuer(c),
        ]
    return [
        (_("Pemberi kerja"), c["employer"]),
        ("NPP", c["npp"] or "-"),
        (_("Program"), ", ".join(c["programs"])),
        (_("Berlaku sejak"), _day(c["effective"])),
        (_("Peserta"), f"{number(c['enrolled'])} ({_day(c['on'])})"),
        *_issuer(c),
    ]


def _issuer(c: dict[str, Any]) -> list[tuple[str, str]]:
    """The office and signer a certificate or award names (none on documents issued before they were kept)."""
    issuer = c.get("issuer")
    if not issuer:
        return []
    signer = issuer.get("signer") or {}
    signed = ", ".join(p for p in (signer.get("name"), signer.get("title")) if p)
    return [(_("Penerbit"), issuer["office"])] + ([(_("Ditandatangani"), signed)] if signed else [])


def verification(request: HttpRequest, token: str) -> HttpResponse:
    if _too_many(request):
        return render(request, "web/documents/verify.html", {"limited": True}, status=429)
    verdict = verify(token[:200])
    status = 404 if verdict.state == "palsu" else 200
    doc = verdict.document
    context = {
        "verdict": verdict,
        "facts": facts(doc) if doc else [],
        "issued": date_label(timezone.localdate(doc.issued_at)) if doc else "",
        "revoked": date_label(timezone.localdate(doc.revoked_at)) if doc and doc.revoked_at else "",
    }
    return render(request, "web/documents/verify.html", context, status=status)


urlpatterns = [path("verifikasi/<str:token>", verification, name="verification")]
