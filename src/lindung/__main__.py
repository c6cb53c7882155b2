"""The `lindung` command: Django's management commands under one name.

`lindung nik check ...` runs the `nik` management command, `lindung roster import ...` the `roster`
command, and so on. Usage errors exit 2, rejected input exits 1. A machine that is not ready (no secret
key, a database that is missing, not initialised or unreachable, a data folder that cannot be written, a
missing font) is told in one sentence with the command that fixes it, exit 2; `--traceback` shows the
trace instead, `--lang en` says it in English.
"""

from __future__ import annotations

import os
import sys

EXIT_NOT_READY = 2
# Commands that make the database ready, or need none.
NO_DATABASE = {
    "init",
    "migrate",
    "makemigrations",
    "help",
    "version",
    "check",
    "showmigrations",
    "sqlmigrate",
    "makemessages",
    "compilemessages",
}
# Commands that write PDFs: the font must be there before they start.
WRITES_PDF = {"serve", "certificate", "db_worker"}


def _lang(args: list[str]) -> str:
    for i, arg in enumerate(args):
        if arg == "--lang" and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return os.environ.get("LINDUNG_LANG", "id")


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lindung.settings")
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help"}:
        print(__doc__.strip() if __doc__ else "")
        print("\nCommands: init, demo, serve, nik, regions, employer, units, roster. `lindung COMMAND --help`.")
        return
    lang = _lang(args)
    traceback = "--traceback" in args
    from django.core.exceptions import ImproperlyConfigured
    from django.db import DatabaseError

    from lindung.config import ConfigProblem

    try:
        import django

        django.setup()
        from django.core.management import execute_from_command_line

        from lindung import preflight

        asks_help = any(a in {"-h", "--help"} for a in args)
        if args[0] not in NO_DATABASE and not asks_help:
            preflight.check_all(fonts=args[0] in WRITES_PDF or "--pdf" in args)
        execute_from_command_line(["lindung", *_without_foreign_lang(args)])
    except ConfigProblem as exc:
        if traceback:
            raise
        _say(exc.text(lang))
    except ImproperlyConfigured as exc:  # Django's own, e.g. a setting it checks itself
        if traceback:
            raise
        _say(str(exc))
    except DatabaseError as exc:
        if traceback:
            raise
        from lindung import preflight

        _say(preflight.explain(exc).text(lang))
    except BrokenPipeError:
        # The output went to a pipe that closed early (`| head`): nothing more to say.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise SystemExit(0) from None


def _without_foreign_lang(args: list[str]) -> list[str]:
    """`--lang` is understood by every command: those that have no option of their own lose it here."""
    if not any(a == "--lang" or a.startswith("--lang=") for a in args):
        return args
    import argparse

    from django.core.management import ManagementUtility

    parser = ManagementUtility(["lindung", *args]).fetch_command(args[0]).create_parser("lindung", args[0])
    parsers = [parser]
    while parsers:
        current = parsers.pop()
        if "--lang" in current._option_string_actions:
            return args
        for action in current._actions:
            if isinstance(action, argparse._SubParsersAction):
                parsers.extend(action.choices.values())
    kept: list[str] = []
    skip = False
    for arg in args:
        if skip:
            skip = False
        elif arg == "--lang":
            skip = True
        elif not arg.startswith("--lang="):
            kept.append(arg)
    return kept


def _say(sentence: str) -> None:
    sys.stderr.write(sentence + "\n")
    raise SystemExit(EXIT_NOT_READY)


if __name__ == "__main__":
    main()
