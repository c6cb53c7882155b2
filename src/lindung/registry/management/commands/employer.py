from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from lindung.cli import LindungCommand, actor, add_format, print_json
from lindung.registry.services import add_employer


class Command(LindungCommand):
    help = "Pemda sebagai pemberi kerja."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="mendaftarkan Pemda (provinsi atau kabupaten/kota)")
        add.add_argument("--region", required=True, help="kode wilayah Kemendagri, mis. 13.11")
        add.add_argument("--npp", help="Nomor Pendaftaran Perusahaan di BPJS Ketenagakerjaan")
        add_format(add)

    def handle(self, *args: Any, **options: Any) -> None:
        result = add_employer(options["region"], options["npp"], actor())
        e = result.employer
        if options["format"] == "json":
            print_json({"code": e.region_id, "name": e.name, "npp": e.npp, "outcome": result.outcome})
            return
        words = {
            "created": "didaftarkan",
            "updated": "diperbarui",
            "unchanged": "sudah terdaftar, tidak berubah",
        }
        self.stdout.write(f"{e.region_id} {e.name}: {words[result.outcome]}")
