"""The JSON API under /api/v1/ (django-ninja): one NinjaAPI, a router per area, OpenAPI at /api/v1/openapi.json.

No interactive docs page: it loads its script from a CDN, which the Content-Security-Policy forbids."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path, re_path
from ninja import NinjaAPI

from lindung.api import billing, claims, coverage, errors, imports, roster
from lindung.api.auth import AUTH

api = NinjaAPI(
    title="lindung API",
    version="1",
    description=(
        "Data pekerja non-ASN, kepesertaan, impor roster, tagihan, pembayaran dan cakupan BPJS Ketenagakerjaan, "
        "dalam cakupan pengguna. Autentikasi: `Authorization: Bearer <token>` (buat dengan "
        "`lindung token create`) atau sesi peramban (dengan token CSRF untuk POST). Galat selalu JSON "
        "`{code, message, issues}`. Daftar memakai `limit` (maks. 500) dan `offset`."
    ),
    urls_namespace="api",
    docs_url=None,
    auth=AUTH,
)
errors.install(api)
api.add_router("", roster.router)
api.add_router("", imports.router)
api.add_router("", billing.router)
api.add_router("", coverage.router)
api.add_router("", claims.router)

urlpatterns: list[URLPattern | URLResolver] = [
    path("", api.urls),
    re_path(r"^(?P<rest>.*)$", errors.unknown_path),
]
