"""A card job killed in the middle (the process gone, as with a power cut) is resumed from the command line:
the parts already written are kept, no card is issued twice, and the PDF holds every card once.

The kill lands at a known part, not at whatever part a poll happens to see: the command runs in a child
that wraps `jobs.write_cards` (the function that writes one part) so that, when asked to write part
`STOP_AT_PART`, it writes a marker file and waits forever. Parts 1 .. STOP_AT_PART - 1 are then whole on
disk and the job cannot go further; the test sees the marker and sends SIGKILL. The same wrapper runs the
resume (with no part to stop at) and lists every part it writes, so the test sees that the parts on disk
were kept, not written again."""

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
PER_PART = 2
STOP_AT_PART = 3  # the child blocks before writing part 3: parts 1 and 2 (4 cards) are on disk

# `python -m lindung ...` with the part writer wrapped as the module docstring says.
CHILD = """
import os, sys, threading
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lindung.settings")
import django

django.setup()
from lindung.documents import jobs

stop_at = int(os.environ["STOP_AT_PART"])  # 0: never stop
marker = Path(os.environ["STOP_MARKER"])
written = Path(os.environ["PARTS_WRITTEN"])
write_part = jobs.write_cards


def write_or_stop(documents, path):
    with written.open("a") as log:
        log.write(path.name + "\\n")
    if path.name == f"bagian-{stop_at:05d}.tmp":
        marker.write_text(str(os.getpid()))
        threading.Event().wait()  # until killed
    return write_part(documents, path)


jobs.write_cards = write_or_stop
from lindung.__main__ import main

main(sys.argv[1:])
"""


def environment(cwd: Path) -> dict[str, str]:
    return dict(
        os.environ,
        LINDUNG_ALLOW_DEV_KEY="1",
        LINDUNG_DATABASE_URL=(cwd / ".database_url").read_text(),
        LINDUNG_DATA_DIR=str(cwd / "data"),
    )


def child_environment(cwd: Path, stop_at: int) -> dict[str, str]:
    """The environment of CHILD: stop before part `stop_at` (0: never), list the parts written."""
    return environment(cwd) | {
        "STOP_AT_PART": str(stop_at),
        "STOP_MARKER": str(cwd / "stopped-at-part"),
        "PARTS_WRITTEN": str(cwd / f"parts-written-{stop_at}.txt"),
    }


def written_parts(cwd: Path, stop_at: int) -> list[str]:
    path = cwd / f"parts-written-{stop_at}.txt"
    return path.read_text().split() if path.exists() else []


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
    env = child_environment(demo, STOP_AT_PART)
    marker = Path(env["STOP_MARKER"])
    args = ["issue", "--kind", "card", "--employer", "16.08", "--unit", UNIT, "--per-part", str(PER_PART)]
    with (demo / "child.log").open("w") as log:
        running = subprocess.Popen(
            [sys.executable, "-c", CHILD, "certificate", *args, "--out", str(out)],
            cwd=demo, env=env, stdout=log, stderr=log,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 180
            while not marker.exists():
                finished = running.poll()
                assert finished is None, (
                    f"the job ended ({finished}) before part {STOP_AT_PART}: " + (demo / "child.log").read_text()
                )
                assert time.monotonic() < deadline, "no marker within 180 s"
                time.sleep(0.05)
            assert marker.read_text() == str(running.pid)
            (folder,) = (demo / "data" / "cards").iterdir()
            parts = sorted(p.name for p in folder.iterdir())
            assert parts == ["bagian-00001.pdf", "bagian-00002.pdf"]  # and nothing of part 3 yet
            # While its process lives, the job is running: a resume is refused and changes nothing.
            early = lindung("certificate", "resume", folder.name, "--out", str(out), cwd=demo)
            assert early.returncode != 0 and "sedang berjalan" in early.stderr, early.stderr
        finally:
            running.send_signal(signal.SIGKILL)
            running.wait(timeout=60)
    assert running.returncode == -signal.SIGKILL
    assert sorted(p.name for p in folder.iterdir()) == parts and not out.exists()  # the kill left parts 1-2 whole
    assert [len(PdfReader(str(folder / p)).pages) for p in parts] == [PER_PART, PER_PART]
    assert written_parts(demo, STOP_AT_PART) == ["bagian-00001.tmp", "bagian-00002.tmp", "bagian-00003.tmp"]
    resumed = subprocess.run(
        [sys.executable, "-c", CHILD, "certificate", "resume", folder.name, "--out", str(out), "--format", "json"],
        cwd=demo, env=child_environment(demo, 0), capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert resumed.returncode == 0, resumed.stderr
    # The resume wrote the parts from 3 on: parts 1 and 2 were kept as the killed job left them.
    again = written_parts(demo, 0)
    assert again and again[0] == f"bagian-{STOP_AT_PART:05d}.tmp", again
    numbers = [d["number"] for d in json.loads(resumed.stdout)["documents"]]
    pages = PdfReader(str(out)).pages
    assert len(pages) == len(numbers) > PER_PART * (STOP_AT_PART - 1)
    parts_of_the_job = -(-len(numbers) // PER_PART)  # one unit: ceil(cards / PER_PART) parts
    assert again == [f"bagian-{i:05d}.tmp" for i in range(STOP_AT_PART, parts_of_the_job + 1)]
    assert [n in page.extract_text() for n, page in zip(numbers, pages, strict=True)] == [True] * len(numbers)
    assert len(set(numbers)) == len(numbers)
    assert sorted(numbers) == [f"KARTU-16.08-{numbers[0][12:16]}-{i:06d}" for i in range(1, len(numbers) + 1)]
