"""The README's shell examples run as printed, in a folder that `make demo` (the first half of `make run`) left.

The blocks are read from README.md itself, never copied here. Each command runs in one bash session, in
order, as a Pemda IT officer would paste them into a second shell: no LINDUNG_* variable is set, so the key
comes from the lindung.toml that `make` wrote. A block the test cannot run says why in an HTML comment
right above it (`<!-- not run by the README test: ... -->`).
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
README = REPO / "README.md"
NOT_RUN = re.compile(r"<!-- not run by the README test: (?P<reason>.+?) -->")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        os.environ.get("LINDUNG_DATABASE_URL", "").startswith("postgres"),
        reason="the README's examples run once, on the SQLite demo of the SQLite half",
    ),
]

# What the README says a command prints: (a piece of the command, the figures its output must hold).
# The README line of the command must state the same figures, so the text and the program cannot drift apart.
FIGURES = [
    ("coverage --region 74 --on 2018-10-04", ["7.431"]),
    ("coverage --region 13.11 --on 2019-07-15", ["11 dari 34", "29 dari 39"]),
    ("target show --employer 16.08 --year 2023", ["4.000"]),
    ("regional show --region 33.04 --period 2022-10", ["10,2%"]),
    # By hand: six wages of docs/contoh/daftar-dinkes.csv sum to Rp14.750.000; JKK class 1 0,24% = 35.400,
    # JKM 0,30% = 44.250; the invoice is Rp79.650, and after the Rp50.000 payment Rp29.650 is in arrears.
    ("invoice create --employer 13.10 --period 2024-05", ["Rp79.650"]),
    ("arrears --employer 13.10 --on 2024-08-01", ["Rp29.650"]),
    # By hand: 48 x Rp2.000.000 = 96.000.000 + 12.000.000 + 10.000.000; the JKM lump sums 20 + 12 + 10 juta.
    ("benefit --kind jkk-death --wage 2000000", ["Rp118.000.000"]),
    # By hand: 80 x Rp2.000.000 = 160.000.000; a right arm 40% = 64.000.000, half a left index finger 3,5% = 5.600.000.
    ("benefit --kind jkk-disability-partial", ["Rp69.600.000"]),
    ("benefit --kind jkm --contribution-months 40", ["Rp42.000.000", "Rp174.000.000"]),
    # Andi Saputra of docs/contoh/daftar-dinkes.csv earns Rp2.750.000: 48 x 2.750.000 + 22.000.000 = 154.000.000.
    ("claim outcome KLAIM-13.10-2026-000001", ["Rp154.000.000"]),
]


@dataclass(frozen=True)
class Block:
    line: int  # where the fence opens, 1-based
    lines: list[str]
    not_run: str | None  # the reason, when the README says the test cannot run it


def readme_blocks(text: str) -> list[Block]:
    blocks: list[Block] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        if lines[i].strip() == "```sh":
            above = lines[i - 1] if i else ""
            reason = NOT_RUN.search(above)
            start = i
            i += 1
            body: list[str] = []
            while lines[i].strip() != "```":
                body.append(lines[i])
                i += 1
            blocks.append(Block(start + 1, body, reason.group("reason") if reason else None))
        i += 1
    return blocks


def commands(block: Block) -> list[str]:
    """The block's commands: continuation lines joined, comment-only and empty lines left out."""
    found: list[str] = []
    pending = ""
    for line in block.lines:
        if not pending and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if line.rstrip().endswith("\\"):
            pending += line.rstrip()[:-1] + " "
            continue
        found.append(pending + line)
        pending = ""
    assert not pending, f"README line {block.line}: a block ends on a continuation line"
    return found


def test_the_readme_marks_every_block_it_cannot_run_with_a_reason() -> None:
    blocks = readme_blocks(README.read_text(encoding="utf-8"))
    skipped = [b for b in blocks if b.not_run]
    assert len(blocks) - len(skipped) >= 5, "the README lost its runnable examples"
    # make, PostgreSQL, the API against the running server, the real server: nothing else is left out.
    assert len(skipped) == 4, [(b.line, b.not_run) for b in skipped]
    assert all(len(b.not_run or "") > 20 for b in skipped)


@dataclass(frozen=True)
class Ran:
    command: str
    status: int
    output: str


@pytest.fixture(scope="module")
def ran(tmp_path_factory: pytest.TempPathFactory) -> list[Ran]:
    """`make demo` in a fresh project folder, then every runnable README command in one bash session."""
    top = tmp_path_factory.mktemp("readme")
    project = top / "lindung"
    project.mkdir()
    (top / "shared").symlink_to(REPO.parent / "shared")
    for name in (".venv", "docs", "scripts", "Makefile", "pyproject.toml", "requirements.lock"):
        (project / name).symlink_to(REPO / name)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LINDUNG_", "DJANGO_", "PYTEST"))}
    made = subprocess.run(  # `-o`: the install is `make test`'s own first step, not this test's
        ["make", "--no-print-directory", "-o", ".venv/.installed", "demo"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert made.returncode == 0, made.stdout[-3000:] + made.stderr[-3000:]
    assert (project / "lindung.toml").is_file()
    # The first run takes half a minute: it says what it is doing while it does.
    assert "Memuat wilayah Kemendagri" in made.stderr
    assert all(f"Demo {n}/5" in made.stderr for n in range(1, 6)), made.stderr

    todo = [c for b in readme_blocks(README.read_text(encoding="utf-8")) if not b.not_run for c in commands(b)]
    script = ["exec 2>&1"]
    for n, command in enumerate(todo):
        script += [f"echo '@@@ start {n}'", command, f'echo "@@@ end {n} $?"']
    done = subprocess.run(
        ["bash", "--noprofile", "--norc"],
        input="\n".join(script) + "\n",
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    results: list[Ran] = []
    for n, command in enumerate(todo):
        part = re.search(rf"@@@ start {n}\n(.*?)@@@ end {n} (\d+)\n", done.stdout, re.S)
        assert part, f"the README's commands stopped before: {command}\n{done.stdout[-3000:]}"
        results.append(Ran(command, int(part.group(2)), part.group(1)))
    return results


def test_every_readme_command_succeeds_as_printed(ran: list[Ran]) -> None:
    failed = [f"$ {r.command}\n(exit {r.status})\n{r.output[-1500:]}" for r in ran if r.status != 0]
    assert not failed, "\n\n".join(failed)
    assert len(ran) >= 40


def test_no_readme_command_prints_a_traceback(ran: list[Ran]) -> None:
    assert not [r.command for r in ran if "Traceback (most recent call last)" in r.output]


@pytest.mark.parametrize(("piece", "figures"), FIGURES, ids=[p for p, _ in FIGURES])
def test_the_figures_the_readme_states_are_what_lindung_prints(ran: list[Ran], piece: str, figures: list[str]) -> None:
    matching = [r for r in ran if piece in r.command]
    assert len(matching) == 1, f"README has {len(matching)} commands with {piece!r}"
    readme_line = next(line for line in README.read_text(encoding="utf-8").splitlines() if piece in line)
    for figure in figures:
        assert figure in readme_line, f"the README no longer states {figure} beside {piece}"
        assert figure in matching[0].output, f"{piece} printed:\n{matching[0].output}"
