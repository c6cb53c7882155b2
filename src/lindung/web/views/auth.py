"""Login with throttling (a growing wait, never a lockout), and logout."""

from __future__ import annotations

from django.contrib.auth import authenticate, login, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from lindung.accounts import services


def _ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR")


def _waiting(seconds: int) -> str:
    if seconds >= 120:
        minutes = -(-seconds // 60)
        when = ngettext("%(n)d menit", "%(n)d menit", minutes) % {"n": minutes}
    else:
        when = ngettext("%(n)d detik", "%(n)d detik", seconds) % {"n": seconds}
    return _(
        "Terlalu banyak percobaan masuk yang gagal. Tunggu %(when)s lalu coba lagi; akun Anda tidak dikunci. "
        "Lupa kata sandi? Minta admin Pemda Anda menggantinya."
    ) % {"when": when}


def login_view(request: HttpRequest) -> HttpResponse:
    error = ""
    status = 200
    wait = 0
    username = ""
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if request.method == "POST":
        username = request.POST.get("username", "").strip()
        password = request.POST.get("password", "")
        wait = services.login_wait(username, _ip(request))
        if wait:
            error, status = _waiting(wait), 429
        else:
            user = authenticate(request, username=username, password=password)
            if user is None:
                services.record_login_failure(username, _ip(request))
                error, status = _("Nama pengguna atau kata sandi salah."), 401
            else:
                services.clear_login_failures(username, _ip(request))
                login(request, user)
                safe = url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure())
                return redirect(next_url if next_url and safe else "home")
    context = {"error": error, "username": username, "next": next_url}
    response = render(request, "web/auth/login.html", context, status=status)
    if status == 429:
        response["Retry-After"] = str(wait)
    return response


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("login")


urlpatterns = [
    path("masuk/", login_view, name="login"),
    path("keluar/", logout_view, name="logout"),
]
