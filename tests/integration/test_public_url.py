"""A real server without LINDUNG_PUBLIC_URL says that its QR codes point to http://127.0.0.1:8000, and how to set
the address; a development machine (LINDUNG_DEBUG or LINDUNG_ALLOW_DEV_KEY, as `make` sets) and a server that
set it say nothing. The real `lindung serve`, `lindung check` and gunicorn run in a folder of their own."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.test import override_settings

from lindung import preflight
from tests.integration.test_not_ready import BIN, KEY, free_port, lindung, sqlite_only

WARNING = "LINDUNG_PUBLIC_URL belum diatur"


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite database: enough for every check the web server makes before it starts."""
    cwd = tmp_path_factory.mktemp("public-url")
    status, output = lindung("migrate", "--verbosity", "0", cwd=cwd, env=KEY)
    assert status == 0, output
    return cwd


def serve(cwd: Path, env: dict[str, str], program: list[str]) -> str:
    """Start the server, wait until it listens, stop it; what it printed."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("LINDUNG_", "DJANGO_"))}
    log = cwd / "serve.log"
    with log.open("w") as out:
        server = subprocess.Popen(program, cwd=cwd, env=clean | env, stdout=out, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 60
            while not any(word in log.read_text() for word in ("Quit the server", "Booting worker")):
                assert server.poll() is None, log.read_text()
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.2)
            time.sleep(1)  # gunicorn's worker writes its notice right after booting
        finally:
            server.terminate()
            server.wait(timeout=20)
    return log.read_text()


def lindung_serve(port: int) -> list[str]:
    return [sys.executable, "-m", "lindung", "serve", "--port", str(port), "--no-worker"]


@sqlite_only
def test_lindung_serve_on_a_real_server_warns_that_the_qr_codes_point_to_port_8000(folder: Path) -> None:
    output = serve(folder, KEY, lindung_serve(free_port()))
    assert WARNING in output and "http://127.0.0.1:8000" in output
    assert "export LINDUNG_PUBLIC_URL=" in output and "public_url = " in output and "lindung.toml" in output
    assert output.count(WARNING) == 1 and "Traceback" not in output


@sqlite_only
def test_gunicorn_writes_the_same_warning_to_its_log(folder: Path) -> None:
    gunicorn = [str(BIN / "gunicorn"), "lindung.wsgi:application", "-b", f"127.0.0.1:{free_port()}"]
    output = serve(folder, KEY, gunicorn)
    assert WARNING in output and "LINDUNG_PUBLIC_URL=https://" in output


@sqlite_only
def test_a_server_with_its_address_or_a_development_machine_is_not_warned(folder: Path) -> None:
    configured = serve(folder, KEY | {"LINDUNG_PUBLIC_URL": "https://lindung.contoh.go.id"}, lindung_serve(free_port()))
    assert WARNING not in configured and "Quit the server" in configured
    for dev in ({"LINDUNG_DEBUG": "1"}, {"LINDUNG_ALLOW_DEV_KEY": "1"}):
        status, output = lindung("check", cwd=folder, env=KEY | dev)
        assert status == 0 and WARNING not in output and "no issues" in output, dev


@sqlite_only
def test_lindung_check_warns_and_an_address_without_its_scheme_is_refused(folder: Path) -> None:
    status, output = lindung("check", cwd=folder, env=KEY)
    assert status == 0 and "(lindung.W001)" in output and WARNING in output  # a warning: the server still runs
    status, output = lindung("check", cwd=folder, env=KEY | {"LINDUNG_PUBLIC_URL": "lindung.contoh.go.id"})
    assert status == 2 and "tulis alamat lengkap" in output and "https://lindung.contoh.go.id" in output


def test_the_preflight_notice_is_given_only_on_a_real_server_at_the_default_address(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("LINDUNG_ALLOW_DEV_KEY", raising=False)
    with override_settings(DEBUG=False, PUBLIC_URL="http://127.0.0.1:8000"):
        (notice,) = preflight.warnings()
        assert notice.text().startswith("Peringatan: " + WARNING)
        assert "QR codes" in notice.text("en") and "lindung.toml" in notice.text("en")
        assert [w.id for w in preflight.check_public_url()] == ["lindung.W001"]
    with override_settings(DEBUG=False, PUBLIC_URL="https://lindung.contoh.go.id"):
        assert preflight.warnings() == [] and preflight.check_public_url() == []
    with override_settings(DEBUG=True, PUBLIC_URL="http://127.0.0.1:8000"):
        assert preflight.warnings() == []
    monkeypatch.setenv("LINDUNG_ALLOW_DEV_KEY", "1")
    with override_settings(DEBUG=False, PUBLIC_URL="http://127.0.0.1:8000"):
        assert preflight.warnings() == []
