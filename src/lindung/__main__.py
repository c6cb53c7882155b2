"""The `lindung` command: Django's management commands under one name.

`lindung nik check ...` runs the `nik` management command, `lindung roster import ...` the `roster`
command, and so on. Usage errors exit 2, rejected input exits 1.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lindung.settings")
    args = list(sys.argv[1:] if argv is None else argv)
    from django.core.management import execute_from_command_line

    if not args or args[0] in {"-h", "--help"}:
        print(__doc__.strip() if __doc__ else "")
        print("\nCommands: init, demo, serve, nik, regions, employer, units, roster. `lindung COMMAND --help`.")
        return
    execute_from_command_line(["lindung", *args])


if __name__ == "__main__":
    main()
