"""What every `lindung` command shares: who is acting, output, progress bars and exit codes.

Exit codes (DESIGN.md §5): 0 ok, 1 rejected input, 2 usage error.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from lindung.domain.errors import Issue, LindungError, NotFound, ValidationFailed
from lindung.domain.periods import FIRST_YEAR, LAST_YEAR, in_years

EXIT_REJECTED = 1
EXIT_USAGE = 2


def actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def add_format(parser: CommandParser) -> None:
    parser.add_argument("--format", choices=["text", "json"], default="text", help="keluaran: text atau json")


def add_lang(parser: CommandParser) -> None:
    parser.add_argument("--lang", choices=["id", "en"], default="id", help="bahasa pesan (id atau en)")


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


class LindungCommand(BaseCommand):
    """A management command whose domain errors become a clear message and an exit code, not a traceback.

    It skips Django's system checks: they import every page and the API (two seconds a command) and guard
    the project's code, which `make lint` and `lindung check` check; the machine is checked by preflight."""

    requires_system_checks: list[str] = []

    def execute(self, *args: Any, **options: Any) -> str | None:
        try:
            return super().execute(*args, **options)
        except LindungError as exc:
            issues = exc.issues if isinstance(exc, ValidationFailed) else []
            if options.get("format") == "json":
                print_json(
                    {
                        "error": type(exc).__name__,
                        "message": str(exc),
                        "issues": [i.as_dict() for i in issues],
                    }
                )
            else:
                lang = options.get("lang", "id")
                self.stderr.write("\n".join([str(exc), *[format_issue(i, lang) for i in issues]]))
            raise SystemExit(EXIT_USAGE if isinstance(exc, NotFound) else EXIT_REJECTED) from exc

    def usage_error(self, message: str) -> NoReturn:
        raise CommandError(message, returncode=EXIT_USAGE)

    def within(self, check: Callable[[], object]) -> None:
        """Run a service's bound check on an argument: a value out of bounds is a usage error (exit 2)."""
        try:
            check()
        except ValidationFailed as exc:
            self.usage_error(str(exc))

    def parse_day(self, text: str) -> dt.date:
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            raise CommandError(f"Tanggal {text!r} harus berbentuk YYYY-MM-DD", returncode=EXIT_USAGE) from None
        if not in_years(day):
            self.usage_error(f"Tanggal {text} di luar tahun {FIRST_YEAR}-{LAST_YEAR}; periksa tahunnya")
        return day


_LABELS = {
    "id": {"row": "baris", "file": "berkas", "column": "kolom", "warning": "PERINGATAN", "error": "GALAT"},
    "en": {"row": "row", "file": "file", "column": "column", "warning": "WARNING", "error": "ERROR"},
}


def format_issue(issue: Issue, lang: str = "id") -> str:
    words = _LABELS["en" if lang == "en" else "id"]
    where = f"{words['row']} {issue.row}" if issue.row is not None else words["file"]
    column = f", {words['column']} {issue.column}" if issue.column else ""
    value = f" [{issue.value}]" if issue.value not in (None, "") else ""
    mark = words["warning"] if issue.severity == "warning" else words["error"]
    return f"{where}{column}{value}: {mark} {issue.code}: {issue.message}"


@contextmanager
def progress_bar(enabled: bool) -> Iterator[Callable[[str, int, int], None]]:
    """A progress callback: a bar per stage on a terminal's stderr, nothing when piped or for JSON."""
    console = Console(stderr=True)
    if not enabled or not console.is_terminal:
        yield lambda stage, done, total: None
        return
    with Progress(
        TextColumn("{task.description:<8}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    ) as bar:
        tasks: dict[str, Any] = {}

        def update(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=max(total, 1))
            bar.update(tasks[stage], completed=done, total=max(total, 1))

        yield update
