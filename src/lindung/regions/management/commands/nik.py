from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser
from django.utils import timezone

from lindung.cli import EXIT_REJECTED, LindungCommand, add_format, add_lang, print_json
from lindung.domain.nik import check_niks
from lindung.regions.services import region_codes


class Command(LindungCommand):
    help = "NIK: memeriksa NIK menurut aturan DESIGN.md §3 (tolak / peringatan)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        check = sub.add_parser("check", help="memeriksa satu atau lebih NIK")
        check.add_argument("niks", nargs="+", metavar="NIK")
        check.add_argument("--on", help="tanggal acuan YYYY-MM-DD (bawaan: hari ini)")
        add_format(check)
        add_lang(check)

    def handle(self, *args: Any, **options: Any) -> None:
        today = self.parse_day(options["on"]) if options["on"] else timezone.localdate()
        results = check_niks(options["niks"], region_codes(), today, options["lang"])
        if options["format"] == "json":
            print_json([r.as_dict() for r in results])
        else:
            for r in results:
                verdict = "SAH" if r.valid else "DITOLAK"
                facts = f" lahir {r.birth_date} {r.sex} wilayah {r.district_code}" if r.birth_date else ""
                self.stdout.write(f"{r.input}: {verdict}{facts}")
                for f in r.errors:
                    self.stdout.write(f"  GALAT {f.code}: {f.message}")
                for f in r.warnings:
                    self.stdout.write(f"  PERINGATAN {f.code}: {f.message}")
        if not all(r.valid for r in results):
            raise SystemExit(EXIT_REJECTED)
