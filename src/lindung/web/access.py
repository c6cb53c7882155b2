"""The one door of every page: a view names the action it needs; the user's scope decides."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponseBase

from lindung.accounts.scope import Scope
from lindung.domain.errors import PermissionDenied
from lindung.web.context import current_scope

View = Callable[..., HttpResponseBase]


def needs(action: str) -> Callable[[Callable[..., HttpResponseBase]], View]:
    """Decorate a view `view(request, scope, ...)`: anonymous users go to the login page, a role without
    `action` gets 403, and the view receives the user's scope to narrow every query with."""

    def wrap(view: Callable[..., HttpResponseBase]) -> View:
        @functools.wraps(view)
        def inner(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            scope: Scope = current_scope(request)
            if not scope.can(action):
                raise PermissionDenied("Halaman ini tidak tersedia untuk peran Anda")
            return view(request, scope, *args, **kwargs)

        inner.lindung_action = action  # type: ignore[attr-defined]  # read by the permission grid test
        return inner

    return wrap


def is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))
