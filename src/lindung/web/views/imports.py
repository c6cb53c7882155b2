"""Placeholder until this area's pages land (same session)."""

from django.urls import path

from lindung.domain.errors import NotFound


def _todo(request, *a, **k):  # type: ignore[no-untyped-def]
    raise NotFound("belum ada")


urlpatterns = [
    path("import_start-todo/", _todo, name="import_start"),
]
