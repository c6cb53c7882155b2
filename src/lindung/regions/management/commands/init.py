from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import CommandParser

from lindung.cli import LindungCommand
from lindung.regions.services import load_history, load_regions


class Command(LindungCommand):
    help = "Membuat atau memperbarui basis data dan memuat wilayah Kemendagri (aman dijalankan ulang)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--history", type=Path, help="CSV kode wilayah lama (kode_wilayah_historis.csv)")

    def handle(self, *args: Any, **options: Any) -> None:
        self.stderr.write("Menyiapkan tabel basis data …")
        call_command("migrate", interactive=False, verbosity=0)
        self.stderr.write("Memuat wilayah Kemendagri …")
        regions = load_regions()
        self.stdout.write(f"Wilayah: {regions.created} baru, {regions.updated} diubah, {regions.unchanged} tetap")
        if options["history"]:
            history = load_history(options["history"])
            self.stdout.write(f"Kode wilayah lama: {history.created} baru, {history.updated} diubah")
