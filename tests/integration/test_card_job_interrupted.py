"""A card job killed in the middle (the process gone, as with a power cut) is resumed from the command line:
the parts already written are kept, no card is issued twice, and the PDF holds every card once."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.integration.test_cli import database_url  # noqa: F401  (a database of their own)

UNIT = "INSPEKTORAT"  # a unit of the demo's Kabupaten OKU Timur (16.08)


def environment(cwd: Path) -> dict[str, str]:
    return dict(
        os.environ,
        LINDUNG_ALLOW_DEV_KEY="1",
        LINDUNG_DATABASE_URL=(cwd / ".database_url").read_text(),
        LINDUNG_DATA_DIR=str(cwd / "data"),
    )


def lindung(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lindung", *args],
        cwd=cwd, env=environment(cwd), capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, database_url: str) -> Path:  # noqa: F811
    cwd = tmp_path_factory.mktemp("cards")
    (cwd / ".database_url").write_text(database_url)
    for args in [("init",), ("demo",)]:
        done = lindung(*args, cwd=cwd)
        assert done.returncode == 0, done.stderr
    return cwd


def test_a_killed_card_job_resumes_without_issuing_twice(demo: Path) -> None:
    out = demo / "kartu.pdf"
    args = ["issue", "--kind", "card", "--employer", "16.08", "--unit", UNIT, "--per-part", "2", "--out", str(out)]
    running = subprocess.Popen(
        [sys.executable, "-m", "lindung", "certificate", *args],
        cwd=demo, env=environment(demo), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    cards = demo / "data" / "cards"
    deadline = time.monotonic() + 120
    while not list(cards.glob("*/bagian-00002.pdf")):
        assert running.poll() is None, running.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.01)
    running.send_signal(signal.SIGKILL)
    running.communicate()
    (folder,) = cards.iterdir()
    assert (folder / "bagian-00001.pdf").is_file() and not out.exists()
    assert not list(folder.glob("kartu-*.pdf"))  # not finished
    resumed = lindung("certificate", "resume", folder.name, "--out", str(out), "--format", "json", cwd=demo)
    assert resumed.returncode == 0, resumed.stderr
    numbers = [d["number"] for d in json.loads(resumed.stdout)["documents"]]
    pages = PdfReader(str(out)).pages
    assert len(pages) == len(numbers) > 2
    assert [n in page.extract_text() for n, page in zip(numbers, pages, strict=True)] == [True] * len(numbers)
    assert len(set(numbers)) == len(numbers)
    assert sorted(numbers) == [f"KARTU-16.08-{numbers[0][12:16]}-{i:06d}" for i in range(1, len(numbers) + 1)]
