"""Response headers every page carries, and the mapping of lindung's errors to HTTP answers."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from lindung.domain.errors import Conflict, LindungError, NotFound, PermissionDenied, ValidationFailed

log = logging.getLogger("lindung.access")


class Language:
    """Bahasa Indonesia unless the user picked English with the switch (the language cookie). Pages do not follow
    the browser's Accept-Language: office browsers are often set to English. The API does, for integrations."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if chosen is None and request.path.startswith("/api/"):
            chosen = translation.get_language_from_request(request)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie", "Accept-Language"))
        response.headers.setdefault("Content-Language", language)
        return response


class SecurityHeaders:
    """The Content-Security-Policy (no inline scripts or styles) on every answer."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response


_STATUS: list[tuple[type[LindungError], int, Promise]] = [
    (NotFound, 404, _("Tidak ditemukan")),
    (PermissionDenied, 403, _("Tidak diizinkan")),
    (ValidationFailed, 400, _("Masukan belum benar")),
    (Conflict, 409, _("Bertentangan dengan data yang ada")),
    (LindungError, 400, _("Permintaan ditolak")),
]


def error_page(request: HttpRequest, exc: LindungError) -> HttpResponse:
    status, title = next((s, t) for kind, s, t in _STATUS if isinstance(exc, kind))
    if status in (403, 404):
        user = getattr(request, "user", None)
        log.warning("%s %s for user=%s", status, request.path, getattr(user, "pk", None))
    issues = exc.issues if isinstance(exc, ValidationFailed) else []
    template = "web/_error.html" if getattr(request, "htmx", False) else "web/error.html"
    context = {"status": status, "title": title, "message": str(exc), "issues": issues}
    return render(request, template, context, status=status)


class LindungErrors:
    """A view that raises NotFound, PermissionDenied, ValidationFailed or Conflict gets a page (or, for
    htmx, a fragment) with the message in Bahasa Indonesia and the right status. The API maps them itself."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if isinstance(exc, LindungError) and not request.path.startswith("/api/"):
            return error_page(request, exc)
        return None
