from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser

from lindung.cli import LindungCommand, actor, add_format, print_json
from lindung.enrolment.services import import_kpj


class Command(LindungCommand):
    help = "Nomor KPJ dari berkas balasan BPJS TK (kolom NIK, KPJ, Status)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="mencatat KPJ dan status; NIK yang tidak cocok dilaporkan")
        imp.add_argument("file", help="berkas .csv atau .xlsx")
        imp.add_argument("--employer", required=True, help="kode wilayah Pemda")
        add_format(imp)

    def handle(self, *args: Any, **options: Any) -> None:
        result = import_kpj(Path(options["file"]), options["employer"], actor=actor())
        if options["format"] == "json":
            print_json(result.as_dict())
            return
        self.stdout.write(
            f"{result.rows} baris: {result.updated} diperbarui, {result.unchanged} tidak berubah, "
            f"{len(result.unmatched)} NIK tidak cocok"
        )
        for row in result.unmatched:
            self.stdout.write(f"baris {row['row']}: {row['nik']}: {row['reason']}")
