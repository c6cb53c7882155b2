"""Security of the web application: login throttling, password storage and policy, CSRF, cookies, the CSP,
Django's admin, and user management within a scope."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from lindung.accounts import services
from lindung.accounts.models import Assignment, Role
from lindung.accounts.scope import scope_of
from lindung.domain.errors import NotFound, PermissionDenied, ValidationFailed
from tests.web.conftest import PASSWORD, World

TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "lindung" / "web" / "templates"


def login(client: Client, username: str, password: str) -> int:
    return client.post(reverse("login"), {"username": username, "password": password}).status_code


def test_five_failed_logins_lock_the_account_even_against_the_right_password(world: World) -> None:
    client = Client()
    for _ in range(services.LOCK_AFTER):
        assert login(client, "admin", "salah-sekali-123") == 401
    assert login(client, "admin", PASSWORD) == 429
    assert client.get(reverse("tokens")).status_code == 302  # still not logged in


def test_a_successful_login_clears_earlier_failures(world: World) -> None:
    client = Client()
    for _ in range(services.LOCK_AFTER - 1):
        login(client, "admin", "salah")
    assert login(client, "admin", PASSWORD) == 302
    assert not services.login_locked("admin", None)


def test_passwords_are_stored_with_argon2(world: World) -> None:
    assert User.objects.get(username="admin").password.startswith("argon2")


def test_the_password_policy_refuses_short_and_common_passwords(world: World) -> None:
    scope = scope_of(world.users["admin"])
    for weak in ["pendek", "password1234", "123456789012"]:
        with pytest.raises(ValidationFailed):
            services.create_user(
                scope, username="baru", password=weak, role=Role.CLERK, place=services.Place(unit="SATPOLPP")
            )
    assert not User.objects.filter(username="baru").exists()


def test_a_pemda_admin_creates_clerks_only_for_units_of_their_own_pemda(world: World) -> None:
    scope = scope_of(world.users["admin"])
    user = services.create_user(
        scope, username="opd.ngr", password="sungai-batang-hari-9", role=Role.CLERK, place=services.Place(unit="NGR-PT")
    )
    assert scope_of(user).unit_code == "NGR-PT"
    with pytest.raises(NotFound):
        services.create_user(
            scope,
            username="opd.solok",
            password="sungai-batang-hari-9",
            role=Role.CLERK,
            place=services.Place(employer="13.02", unit="DISDIK"),
        )
    with pytest.raises(PermissionDenied):
        services.create_user(
            scope, username="mon", password="sungai-batang-hari-9", role=Role.MONITOR, place=services.Place()
        )


def test_the_users_page_lists_only_the_admins_own_pemda(world: World, personas: dict[str, Client]) -> None:
    page = personas["admin"].get(reverse("users")).content.decode()
    assert "clerk" in page and "other_admin" not in page
    page = personas["other_admin"].get(reverse("users")).content.decode()
    assert "other_clerk" not in page
    assert personas["clerk"].get(reverse("users")).status_code == 403


def test_the_users_page_creates_a_clerk_and_shows_the_policy_error(world: World, personas: dict[str, Client]) -> None:
    client = personas["admin"]
    form = {"username": "opd.satpol2", "full_name": "Satpol", "role": "opd", "unit": "SATPOLPP", "password": "abc"}
    answer = client.post(reverse("users"), form)
    assert answer.status_code == 400 and "Kata sandi" in answer.content.decode()
    form["password"] = "sungai-batang-hari-9"
    assert client.post(reverse("users"), form).status_code == 302
    assert Assignment.objects.get(user__username="opd.satpol2").unit == world.satpol


def test_an_admin_cannot_deactivate_a_user_of_another_pemda(world: World, personas: dict[str, Client]) -> None:
    other = world.users["other_admin"]
    answer = personas["admin"].post(reverse("user_active", args=[other.pk]), {"active": "0"})
    assert answer.status_code == 404
    assert User.objects.get(pk=other.pk).is_active


def test_a_post_without_the_csrf_token_is_refused(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    assert client.post(reverse("login"), {"username": "admin", "password": PASSWORD}).status_code == 403


def test_cookies_are_secure_and_http_only_outside_debug() -> None:
    assert not settings.DEBUG
    assert settings.SESSION_COOKIE_SECURE and settings.CSRF_COOKIE_SECURE
    assert settings.SESSION_COOKIE_HTTPONLY and settings.CSRF_COOKIE_HTTPONLY


def test_every_page_carries_a_csp_without_inline_script(world: World, personas: dict[str, Client]) -> None:
    policy = personas["admin"].get(reverse("users"))["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy


def test_no_template_has_an_inline_script_style_or_external_url() -> None:
    found = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for pattern in [r"<script(?![^>]*\bsrc=)[^>]*>", r"\sstyle=", r"<style", r"\son[a-z]+=", r"https?://"]:
            if re.search(pattern, text):
                found.append(f"{path.name}: {pattern}")
    assert found == []


def test_django_admin_is_for_superusers_only(world: World, personas: dict[str, Client]) -> None:
    assert personas["admin"].get("/admin/").status_code == 302
    superuser = Client()
    superuser.force_login(world.users["superuser"])
    assert superuser.get("/admin/").status_code == 200


def test_api_tokens_are_shown_once_and_stored_as_digests(world: World, personas: dict[str, Client]) -> None:
    page = personas["branch"].post(reverse("tokens"), {"name": "SIPP"}).content.decode()
    secret = re.search(r'id="token-secret">([^<]+)<', page)
    assert secret is not None
    token = world.users["branch"].api_tokens.get()
    assert secret.group(1) not in token.digest and services.user_for_token(secret.group(1)) == world.users["branch"]
    assert secret.group(1) not in personas["branch"].get(reverse("tokens")).content.decode()
    personas["branch"].post(reverse("token_revoke", args=[token.pk]))
    assert services.user_for_token(secret.group(1)) is None


def test_the_access_log_is_readable_in_the_admin_and_cannot_be_edited(
    world: World, personas: dict[str, Client]
) -> None:
    from lindung.accounts.models import AccessLog
    from tests.web.conftest import DINKES_NIKS

    worker = world.worker(DINKES_NIKS[0])
    personas["admin"].get(reverse("worker", args=[worker.pk]))
    superuser = Client()
    superuser.force_login(world.users["superuser"])
    page = superuser.get("/admin/accounts/accesslog/")
    assert page.status_code == 200 and "/pekerja/" in page.content.decode()
    log = AccessLog.objects.get()
    assert superuser.post(f"/admin/accounts/accesslog/{log.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AccessLog.objects.filter(pk=log.pk).exists()
