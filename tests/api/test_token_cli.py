"""`lindung token create|list|revoke`: the secret is printed once, stored only as a digest, and revocable."""

from __future__ import annotations

import json
import logging
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client

from lindung.accounts.models import ApiToken
from lindung.accounts.services import user_for_token
from tests.web.conftest import World


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("token", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_a_created_token_is_shown_once_and_authenticates_its_user(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    out, err = run("create", "--user", "admin", "--name", "SIPD Solok Selatan")
    secret = out.splitlines()[-1]
    assert secret.startswith("lnd_")
    assert "tidak dapat menampilkannya lagi" in err
    assert user_for_token(secret) == world.users["admin"]
    token = ApiToken.objects.get()
    assert secret not in (token.digest, token.prefix, token.name)
    assert secret not in caplog.text
    response = Client().get("/api/v1/workers", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200
    listed, _ = run("list", "--user", "admin")
    assert "SIPD Solok Selatan" in listed and f"lnd_{token.prefix}" in listed
    assert secret not in listed


def test_a_revoked_token_no_longer_authenticates(world: World) -> None:
    out, _ = run("create", "--user", "clerk", "--name", "absensi", "--format", "json")
    created = json.loads(out)
    assert user_for_token(created["token"]) == world.users["clerk"]
    run("revoke", str(created["id"]))
    assert user_for_token(created["token"]) is None
    rows = json.loads(run("list", "--user", "clerk", "--format", "json")[0])
    assert [r["id"] for r in rows] == [created["id"]]
    assert rows[0]["revoked_at"] is not None
    assert "token" not in rows[0]
    run("revoke", str(created["id"]))  # revoking twice changes nothing


def test_a_token_needs_an_existing_active_user(world: World) -> None:
    with pytest.raises(SystemExit) as missing:
        run("create", "--user", "nobody", "--name", "x")
    assert missing.value.code == 2
    User.objects.filter(username="branch").update(is_active=False)
    with pytest.raises(SystemExit) as inactive:
        run("create", "--user", "branch", "--name", "x")
    assert inactive.value.code == 1
    with pytest.raises(SystemExit) as unknown:
        run("revoke", "999")
    assert unknown.value.code == 2
    assert not ApiToken.objects.exists()
