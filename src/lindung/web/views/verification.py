"""The public verification page of a certificate or card: no login, only what the document itself shows.

It resists enumeration: a forged token fails its signature before the database is asked, and each address may
ask at most RATE times a minute (429 after that)."""

from __future__ import annotations

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from lindung.documents.services import verify

RATE = 30  # verifications per address per minute


def _too_many(request: HttpRequest) -> bool:
    key = f"lindung:verifikasi:{request.META.get('REMOTE_ADDR', '-')}"
    cache.add(key, 0, 60)
    try:
        return cache.incr(key) > RATE
    except ValueError:  # expired between add and incr
        return False


def verification(request: HttpRequest, token: str) -> HttpResponse:
    if _too_many(request):
        return render(request, "web/documents/verify.html", {"limited": True}, status=429)
    verdict = verify(token[:200])
    status = 404 if verdict.state == "palsu" else 200
    return render(request, "web/documents/verify.html", {"verdict": verdict}, status=status)


urlpatterns = [path("verifikasi/<str:token>", verification, name="verification")]
