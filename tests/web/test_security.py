"""Security of the web application: login throttling, password storage and policy, CSRF, cookies, the CSP,
Django's admin, and user management within a scope."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from lindung.accounts import services
from lindung.accounts.models import Assignment, LoginFailure
from lindung.accounts.roles import Role
from lindung.accounts.scope import scope_of
from lindung.domain.errors import NotFound, PermissionDenied, ValidationFailed
from tests.web.conftest import PASSWORD, World

TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "lindung" / "web" / "templates"


def login(client: Client, username: str, password: str, ip: str = "127.0.0.1") -> int:
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip).status_code


def age_failures(seconds: int) -> None:
    """Move every recorded failure back in time, as if `seconds` had passed."""
    for failure in LoginFailure.objects.all():
        LoginFailure.objects.filter(pk=failure.pk).update(at=failure.at - dt.timedelta(seconds=seconds))


ATTACKER, OWNER = "10.9.9.9", "10.1.1.1"


def test_five_failures_from_one_address_make_that_address_wait_but_never_lock_out_the_owner(world: World) -> None:
    attacker, owner = Client(), Client()
    for _ in range(services.PAIR_FREE):
        assert login(attacker, "admin", "salah-sekali-123", ATTACKER) == 401
    response = attacker.post(reverse("login"), {"username": "admin", "password": PASSWORD}, REMOTE_ADDR=ATTACKER)
    assert response.status_code == 429  # even the right password waits at that address
    assert 28 <= int(response["Retry-After"]) <= 30
    assert "Tunggu 30 detik" in response.content.decode() and "tidak dikunci" in response.content.decode()
    assert attacker.get(reverse("tokens")).status_code == 302  # not logged in
    # The owner, at their own desk, is let in with the right password at once.
    assert login(owner, "admin", PASSWORD, OWNER) == 302
    assert owner.get(reverse("tokens")).status_code == 200


def test_the_wait_doubles_with_every_further_failure_up_to_the_window(world: World) -> None:
    client = Client()
    for _ in range(services.PAIR_FREE):
        login(client, "admin", "salah", ATTACKER)
    waits = []
    for _ in range(8):
        waits.append(services.login_wait("admin", ATTACKER))
        age_failures(waits[-1])  # wait it out...
        assert login(client, "admin", "salah", ATTACKER) == 401  # ...and fail once more
    assert waits[:5] == [30, 60, 120, 240, 480]
    assert max(waits) <= services.WINDOW.total_seconds()
    # Attempts refused while waiting are not failures: they never lengthen the wait.
    before = LoginFailure.objects.count()
    assert login(client, "admin", "salah", ATTACKER) == 429
    assert LoginFailure.objects.count() == before


def test_failures_from_many_addresses_slow_the_owner_by_at_most_a_minute(world: World) -> None:
    for i in range(services.NAME_FREE + 30):
        services.record_login_failure("admin", f"10.0.{i // 250}.{i % 250 + 1}")
    wait = services.login_wait("admin", OWNER)
    assert 0 < wait <= services.NAME_WAIT_MAX.total_seconds()
    response = Client().post(reverse("login"), {"username": "admin", "password": PASSWORD}, REMOTE_ADDR=OWNER)
    assert response.status_code == 429 and int(response["Retry-After"]) <= 60
    age_failures(61)
    assert login(Client(), "admin", PASSWORD, OWNER) == 302


def test_one_address_failing_for_many_names_waits_for_every_name(world: World) -> None:
    for i in range(services.IP_LIMIT):
        services.record_login_failure(f"tebakan{i}", ATTACKER)
    assert login(Client(), "clerk", PASSWORD, ATTACKER) == 429
    assert login(Client(), "clerk", PASSWORD, OWNER) == 302


def test_a_successful_login_stops_counting_that_address_and_keeps_the_history(world: World) -> None:
    client = Client()
    for _ in range(services.PAIR_FREE - 1):
        login(client, "admin", "salah", OWNER)
    login(Client(), "admin", "salah", ATTACKER)
    assert login(client, "admin", PASSWORD, OWNER) == 302
    assert services.login_wait("admin", OWNER) == 0
    rows = LoginFailure.objects.filter(username="admin")
    assert rows.count() == services.PAIR_FREE  # nothing deleted
    assert rows.filter(lifted_at__isnull=False, ip=OWNER).count() == services.PAIR_FREE - 1
    assert rows.get(ip=ATTACKER).lifted_at is None  # the other address still counts


def test_a_pemda_admin_sees_and_lifts_the_wait_of_their_own_users_only(world: World) -> None:
    for _ in range(services.PAIR_FREE):
        login(Client(), "clerk", "salah", ATTACKER)
        login(Client(), "other_admin", "salah", ATTACKER)
    assert login(Client(), "clerk", PASSWORD, ATTACKER) == 429
    admin = Client()
    admin.force_login(world.users["admin"])
    page = admin.get(reverse("users")).content.decode()
    table = page[page.index('id="throttles"') :]
    assert "clerk" in table and "other_admin" not in table  # another Pemda's user is not theirs
    assert admin.post(reverse("user_unlock", args=[world.users["other_admin"].pk])).status_code == 404
    assert admin.post(reverse("user_unlock", args=[world.users["clerk"].pk])).status_code == 302
    assert login(Client(), "clerk", PASSWORD, ATTACKER) == 302
    lifted = LoginFailure.objects.filter(username="clerk")
    assert lifted.count() == services.PAIR_FREE and set(lifted.values_list("lifted_by", flat=True)) == {"admin"}
    assert services.login_wait("other_admin", ATTACKER) > 0
    clerk = Client()
    clerk.force_login(world.users["clerk"])
    assert clerk.post(reverse("user_unlock", args=[world.users["clerk"].pk])).status_code == 403


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
