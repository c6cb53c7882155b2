from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser

from lindung.cli import LindungCommand, actor
from lindung.intake.management.commands._report import add_import_arguments, mode_of, report
from lindung.intake.units import import_units


class Command(LindungCommand):
    help = "Unit kerja Pemda (OPD, kecamatan, nagari/desa, ...)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add_import_arguments(sub.add_parser("import", help="memeriksa (dan dengan --commit menyimpan) daftar unit"))

    def handle(self, *args: Any, **options: Any) -> None:
        result = import_units(
            Path(options["file"]),
            options["employer"],
            mode=mode_of(options),
            actor=actor(),
            lang=options["lang"],
            errors_out=Path(options["errors"]) if options["errors"] else None,
        )
        report(result, options, self.stdout)
