"""Every failure of the API is JSON: `{"code": ..., "message": ..., "issues": [...]}`, the message in Bahasa
Indonesia. lindung's own errors map as on the web pages; anything unexpected stays a 500 (Django's handling)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from lindung.domain.errors import Conflict, LindungError, NotFound, PermissionDenied, ValidationFailed

log = logging.getLogger("lindung.access")
E = TypeVar("E", bound=Exception)

# lindung's errors: (kind, HTTP status, code). The first match wins.
_STATUS: list[tuple[type[LindungError], int, str]] = [
    (NotFound, 404, "not_found"),
    (PermissionDenied, 403, "forbidden"),
    (ValidationFailed, 400, "invalid"),
    (Conflict, 409, "conflict"),
    (LindungError, 400, "rejected"),
]
_HTTP_CODES = {401: "unauthenticated", 403: "forbidden", 404: "not_found", 405: "method_not_allowed", 429: "throttled"}

# Pydantic's error types in words a clerk understands; anything else keeps pydantic's own message.
_PYDANTIC = {
    "missing": "wajib diisi",
    "int_parsing": "harus bilangan bulat",
    "int_from_float": "harus bilangan bulat",
    "bool_parsing": "harus true atau false",
    "date_parsing": "harus tanggal YYYY-MM-DD",
    "date_from_datetime_parsing": "harus tanggal YYYY-MM-DD",
    "date_from_datetime_inexact": "harus tanggal YYYY-MM-DD",
    "greater_than": "terlalu kecil",
    "greater_than_equal": "terlalu kecil",
    "less_than": "terlalu besar",
    "less_than_equal": "terlalu besar",
    "string_too_short": "terlalu pendek",
    "string_too_long": "terlalu panjang",
    "string_pattern_mismatch": "bentuknya tidak sesuai",
    "uuid_parsing": "bukan UUID",
    "json_invalid": "JSON tidak sah",
}


def error(status: int, code: str, message: str, issues: list[dict[str, Any]] | None = None) -> JsonResponse:
    body: dict[str, Any] = {"code": code, "message": message}
    if issues:
        body["issues"] = issues
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


def _lindung(request: HttpRequest, exc: LindungError) -> HttpResponse:
    status, code = next((s, c) for kind, s, c in _STATUS if isinstance(exc, kind))
    if status in (403, 404):
        log.warning("api %s %s for user=%s", status, request.path, getattr(getattr(request, "auth", None), "pk", None))
    issues = [i.as_dict() for i in exc.issues] if isinstance(exc, ValidationFailed) else []
    return error(status, code, str(exc), issues)


def _validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    issues = []
    for e in exc.errors:
        loc = [str(part) for part in e.get("loc", ())]
        issues.append(
            {
                "row": None,
                "column": ".".join(loc[1:]) or (loc[0] if loc else None),
                "value": None,
                "code": e.get("type", "invalid"),
                "message": _PYDANTIC.get(str(e.get("type")), str(e.get("msg", ""))),
                "severity": "error",
            }
        )
    return error(422, "invalid", "Permintaan tidak sesuai skema API", issues)


def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    if request.headers.get("Authorization"):
        message = "Token API tidak dikenal, sudah dicabut, atau penggunanya nonaktif"
    else:
        message = "Perlu masuk (login) atau token API: Authorization: Bearer <token>"
    return error(401, "unauthenticated", message)


def _http(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return error(exc.status_code, _HTTP_CODES.get(exc.status_code, "error"), str(exc))


def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error(404, "not_found", "Data tidak ditemukan")


def _on(api: NinjaAPI, kind: type[E], handler: Callable[[HttpRequest, E], HttpResponse]) -> None:
    def handle(request: HttpRequest, exc: E | type[E]) -> HttpResponse:
        assert isinstance(exc, kind)  # ninja hands over the raised instance
        return handler(request, exc)

    api.add_exception_handler(kind, handle)


def install(api: NinjaAPI) -> None:
    _on(api, LindungError, _lindung)
    _on(api, ValidationError, _validation)
    _on(api, AuthenticationError, _unauthenticated)
    _on(api, HttpError, _http)
    _on(api, Http404, _not_found)


def unknown_path(request: HttpRequest, rest: str = "") -> HttpResponse:
    """An address under /api/v1/ that names no endpoint: JSON too, not the site's HTML page."""
    return error(404, "not_found", "Alamat API tidak dikenal; lihat /api/v1/openapi.json")
