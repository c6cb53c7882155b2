"""Login with throttling and lockout, logout, and the user's own API tokens."""

from __future__ import annotations

from django.contrib.auth import authenticate, login, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from lindung.accounts import services

LOCKED = gettext_lazy("Terlalu banyak percobaan gagal. Akun dikunci sementara; coba lagi 15 menit lagi.")


def _ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR")


def login_view(request: HttpRequest) -> HttpResponse:
    error = ""
    status = 200
    username = ""
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if request.method == "POST":
        username = request.POST.get("username", "").strip()
        password = request.POST.get("password", "")
        if services.login_locked(username, _ip(request)):
            error, status = str(LOCKED), 429
        else:
            user = authenticate(request, username=username, password=password)
            if user is None:
                services.record_login_failure(username, _ip(request))
                error, status = _("Nama pengguna atau kata sandi salah."), 401
            else:
                services.clear_login_failures(username)
                login(request, user)
                safe = url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure())
                return redirect(next_url if next_url and safe else "home")
    context = {"error": error, "username": username, "next": next_url}
    return render(request, "web/auth/login.html", context, status=status)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("login")


urlpatterns = [
    path("masuk/", login_view, name="login"),
    path("keluar/", logout_view, name="logout"),
]
