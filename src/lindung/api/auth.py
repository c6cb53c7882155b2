"""Who is calling: an integration with `Authorization: Bearer <token>`, or a browser with its Django session
(CSRF checked on every unsafe method). Every endpoint then asks `caller(request)` for the user and their scope."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.http import HttpRequest
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from lindung.accounts.scope import Scope, scope_of
from lindung.accounts.services import user_for_token
from lindung.domain.errors import PermissionDenied


class BearerToken(HttpBearer):
    """A token made by `lindung token create`; only its digest is stored."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        token = token.strip()
        if not token:
            return None
        return user_for_token(token)


class BrowserSession(APIKeyCookie):
    """The session of a logged-in browser user. A POST needs the CSRF token like any form of the site."""

    param_name = settings.SESSION_COOKIE_NAME

    def __call__(self, request: HttpRequest) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_active:
            return None
        if check_csrf(request) is not None:  # safe methods pass; so does a test client that skips CSRF
            raise PermissionDenied("Token CSRF tidak ada atau tidak cocok; muat ulang halaman lalu coba lagi")
        return user

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:  # pragma: no cover - __call__ decides
        return None


AUTH = [BearerToken(), BrowserSession()]


def caller(request: HttpRequest) -> tuple[User, Scope]:
    """The authenticated user and their scope, computed once per request."""
    user: User = request.auth  # type: ignore[attr-defined]  # set by ninja after authentication
    cached: tuple[User, Scope] | None = getattr(request, "_lindung_api_caller", None)
    if cached is None or cached[0].pk != user.pk:
        cached = (user, scope_of(user))
        request._lindung_api_caller = cached  # type: ignore[attr-defined]
    return cached


def scope_for(request: HttpRequest, action: str) -> Scope:
    """The caller's scope, after checking that their role may do `action` (403 otherwise)."""
    _, scope = caller(request)
    scope.require(action)
    return scope
