from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser

from lindung.cli import LindungCommand, add_format, print_json
from lindung.regions.services import load_boundaries, load_history


class Command(LindungCommand):
    help = "Wilayah: batas peta (GeoJSON) dan kode wilayah lama."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        boundaries = sub.add_parser("boundaries", help="memuat batas wilayah dari GeoJSON berkunci `kode`")
        boundaries.add_argument("file", type=Path)
        add_format(boundaries)
        history = sub.add_parser("history", help="memuat kode wilayah lama dari CSV")
        history.add_argument("file", type=Path)
        add_format(history)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "boundaries":
            result = load_boundaries(options["file"])
        else:
            result = load_history(options["file"])
        if options["format"] == "json":
            print_json(
                {
                    "updated": result.updated,
                    "created": result.created,
                    "unchanged": result.unchanged,
                    "unknown": list(result.unknown),
                }
            )
            return
        self.stdout.write(f"{result.created} baru, {result.updated} diperbarui, {result.unchanged} tetap")
        if result.unknown:
            self.stdout.write(f"{len(result.unknown)} kode tidak dikenal: {', '.join(result.unknown[:20])}")
