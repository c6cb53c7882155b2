from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser

from lindung.cli import LindungCommand, actor, progress_bar
from lindung.intake.management.commands._report import add_import_arguments, mode_of, report
from lindung.intake.services import import_roster
from lindung.intake.workbooks import write_template
from lindung.registry.services import get_employer


class Command(LindungCommand):
    help = "Daftar pekerja: templat Excel dan impor berkas .xlsx/.csv."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        template = sub.add_parser("template", help="menulis templat Excel dengan pilihan kategori dan unit")
        template.add_argument("--out", required=True, help="berkas .xlsx yang ditulis")
        template.add_argument("--employer", help="kode Pemda: daftar unitnya menjadi pilihan")
        template.add_argument("--force", action="store_true", help="timpa berkas yang sudah ada")
        imp = sub.add_parser("import", help="memeriksa (dan dengan --commit menyimpan) daftar pekerja")
        add_import_arguments(imp)
        imp.add_argument("--unit", help="semua baris untuk unit ini (kolom Kode Unit boleh kosong)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "template":
            out = Path(options["out"])
            if out.suffix.lower() != ".xlsx":
                self.usage_error("--out harus berakhiran .xlsx")
            if out.exists() and not options["force"]:
                self.usage_error(f"{out} sudah ada; pakai --force untuk menimpanya")
            employer = get_employer(options["employer"]) if options["employer"] else None
            write_template(out, employer)
            self.stdout.write(f"Templat ditulis: {out}")
            return
        with progress_bar(options["format"] == "text") as progress:
            result = import_roster(
                Path(options["file"]),
                options["employer"],
                unit=options["unit"],
                mode=mode_of(options),
                actor=actor(),
                lang=options["lang"],
                progress=progress,
                errors_out=Path(options["errors"]) if options["errors"] else None,
            )
        report(result, options, self.stdout)
