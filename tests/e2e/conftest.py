"""Browser tests: Debian's Chromium, driven by Playwright, against a real `lindung serve` process.

The server runs as `make run` runs it (the web application and its background worker) on a database of its
own, filled by `lindung init`, the map boundaries and `lindung demo`; the tests log in with the demo logins
of the README. Screenshots go to out/screenshots/, or to $LINDUNG_SCREENSHOTS (`make screenshots` refreshes
docs/screenshots/)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from lindung.demo.users import DEMO_PASSWORD
from tests.conftest import SHARED
from tests.integration.test_cli import lindung, own_database

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(os.environ.get("LINDUNG_SCREENSHOTS") or ROOT / "out" / "screenshots")
CHROMIUM = "/usr/bin/chromium"
# As root Chromium needs --no-sandbox; the machine's closed network needs background networking off.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 860}


PORT_ATTEMPTS = 5
IN_USE = "already in use"  # Django's runserver: "Error: That port is already in use." (then exit 1)


def _free_port() -> int:
    """A port that was free a moment ago. Between closing this socket and `lindung serve` binding it, another
    process may take it: `_serve` sees that and tries another port."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(cwd: Path, env: dict[str, str]) -> tuple[subprocess.Popen[bytes], str, IO[str]]:
    """Start `lindung serve` on a free port and wait until it answers; (process, base URL, open log).

    The port is free when chosen but not held (runserver cannot take a bound socket), so two things can go
    wrong, and both are checked rather than hoped away: the server finds the port taken (it says so and
    exits: another port is tried, up to PORT_ATTEMPTS times), or another process answers on it (each probe
    carries a token the server must log, so only our server's answer counts)."""
    tried = []
    for attempt in range(1, PORT_ATTEMPTS + 1):
        port = _free_port()
        tried.append(port)
        path = cwd / ("serve.log" if attempt == 1 else f"serve-{attempt}.log")
        log = path.open("w")
        server = subprocess.Popen(
            [sys.executable, "-m", "lindung", "serve", "--port", str(port)], cwd=cwd, env=env, stdout=log, stderr=log
        )
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None:
                log.close()
                if IN_USE in path.read_text():
                    break  # the port was taken after we chose it: try another
                raise AssertionError(path.read_text())
            token = uuid.uuid4().hex
            try:
                urllib.request.urlopen(f"{base}/masuk/?probe={token}", timeout=2)
            except OSError:
                pass
            else:
                time.sleep(0.1)  # the server logs a request after answering it
                if token in path.read_text():
                    return server, base, log
            if time.monotonic() > deadline:
                server.terminate()
                server.wait(timeout=20)
                log.close()
                raise AssertionError(path.read_text())
            time.sleep(0.3)
    raise AssertionError(f"no free port for lindung serve after {PORT_ATTEMPTS} tries: {tried}")


@pytest.fixture(scope="session")
def site_database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from own_database(tmp_path_factory, "e2e")


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory, site_database_url: str) -> Iterator[str]:
    """The demo served on loopback by `lindung serve`, once for every browser test module; its base URL."""
    database_url = site_database_url
    cwd = tmp_path_factory.mktemp("site")
    (cwd / ".database_url").write_text(database_url)
    for args in [
        ("init",),
        ("regions", "boundaries", str(SHARED / "data" / "regions" / "provinsi.geojson")),
        ("regions", "boundaries", str(SHARED / "data" / "regions" / "kabkota.geojson")),
        ("demo",),
    ]:
        done = lindung(*args, cwd=cwd)
        assert done.returncode == 0, done.stderr
    env = dict(
        os.environ,
        LINDUNG_ALLOW_DEV_KEY="1",
        LINDUNG_DATABASE_URL=database_url,
        LINDUNG_HTTPS="0",  # plain HTTP on loopback: cookies may not be Secure-only here
        LINDUNG_DATA_DIR=str(cwd / "data"),
    )
    server, base, log = _serve(cwd, env)
    try:
        yield base
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def open_as(browser: Browser, site: str) -> Iterator[object]:
    """`open_as(username, phone=False)` gives a logged-in page of a fresh browser context."""
    contexts: list[BrowserContext] = []

    def login(username: str, phone: bool = False) -> Page:
        context = browser.new_context(base_url=site, viewport=PHONE if phone else DESKTOP, locale="id-ID")
        contexts.append(context)
        page = context.new_page()
        page.goto("/masuk/")
        page.get_by_label("Nama pengguna").fill(username)
        page.get_by_label("Kata sandi").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Masuk").click()
        page.wait_for_url(lambda url: "/masuk/" not in url)
        return page

    yield login
    for context in contexts:
        context.close()


def screenshot(page: Page, name: str, full_page: bool = True) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path
