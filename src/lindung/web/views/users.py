"""User and role management for Pemda admins (and superusers), and each user's own API tokens."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lindung.accounts import services
from lindung.accounts.roles import Role
from lindung.accounts.scope import Scope
from lindung.domain.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from lindung.registry.queries import branches
from lindung.web.access import needs


def _form_context(scope: Scope) -> dict[str, object]:
    return {
        "roles": services.grantable_roles(scope),
        "units": list(scope.units().select_related("employer")) if scope.role == Role.ADMIN else [],
        "branches": branches() if scope.role == Role.SUPERUSER else [],
        "assignments": services.managed_users(scope),
        "throttles": services.login_throttles(scope),
    }


@needs("users.manage")
def users(request: HttpRequest, scope: Scope) -> HttpResponse:
    context: dict[str, object] = {"form": {}, "issues": [], "error": ""}
    status = 200
    if request.method == "POST":
        form = {
            k: request.POST.get(k, "").strip()
            for k in ("username", "full_name", "role", "unit", "employer", "branch", "region")
        }
        place = services.Place(
            employer=form["employer"] or None,
            unit=form["unit"] or None,
            branch=form["branch"] or None,
            region=form["region"] or None,
        )
        try:
            user = services.create_user(
                scope,
                username=form["username"],
                password=request.POST.get("password", ""),
                role=form["role"],
                place=place,
                full_name=form["full_name"],
            )
        except ValidationFailed as exc:
            context |= {"form": form, "error": str(exc), "issues": exc.issues}
            status = 400
        except (Conflict, NotFound, PermissionDenied) as exc:
            context |= {"form": form, "error": str(exc)}
            status = 400
        else:
            messages.success(request, _("Pengguna %(name)s dibuat.") % {"name": user.username})
            return redirect("users")
    return render(request, "web/users/list.html", context | _form_context(scope), status=status)


@require_POST
@needs("users.manage")
def set_active(request: HttpRequest, scope: Scope, user_id: int) -> HttpResponse:
    active = request.POST.get("active") == "1"
    services.set_active(scope, user_id, active)
    messages.success(request, _("Akun diaktifkan.") if active else _("Akun dinonaktifkan."))
    return redirect("users")


@require_POST
@needs("users.manage")
def unlock(request: HttpRequest, scope: Scope, user_id: int) -> HttpResponse:
    lifted = services.lift_login_throttle(scope, user_id)
    messages.success(request, _("%(n)d percobaan gagal tidak dihitung lagi.") % {"n": lifted})
    return redirect("users")


@needs("dashboard")
def tokens(request: HttpRequest, scope: Scope) -> HttpResponse:
    secret = ""
    if request.method == "POST":
        name = request.POST.get("name", "").strip() or _("integrasi")
        secret = services.create_token(request.user, name).secret  # type: ignore[arg-type]
    rows = services.tokens_of(request.user.pk)
    return render(request, "web/users/tokens.html", {"tokens": rows, "secret": secret})


@require_POST
@needs("dashboard")
def revoke_token(request: HttpRequest, scope: Scope, token_id: int) -> HttpResponse:
    services.revoke_token(scope, token_id)
    messages.success(request, _("Token dicabut."))
    return redirect("tokens")


urlpatterns = [
    path("pengguna/", users, name="users"),
    path("pengguna/<int:user_id>/aktif/", set_active, name="user_active"),
    path("pengguna/<int:user_id>/hitungan-masuk/", unlock, name="user_unlock"),
    path("token/", tokens, name="tokens"),
    path("token/<int:token_id>/cabut/", revoke_token, name="token_revoke"),
]
