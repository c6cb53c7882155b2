"""Placeholder until this area's pages land (same session)."""

from django.urls import path

from lindung.domain.errors import NotFound


def _todo(request, *a, **k):  # type: ignore[no-untyped-def]
    raise NotFound("belum ada")


urlpatterns = [
    path("agreements-todo/", _todo, name="agreements"),
    path("invoices-todo/", _todo, name="invoices"),
    path("arrears-todo/", _todo, name="arrears"),
    path("budget-todo/", _todo, name="budget"),
]
