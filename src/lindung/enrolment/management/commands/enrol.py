from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from lindung.cli import LindungCommand, actor, add_format, format_issue, print_json
from lindung.enrolment.services import enrol


class Command(LindungCommand):
    help = "Mendaftarkan penugasan aktif sebuah Pemda sebagai peserta menurut perjanjian yang berlaku."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--employer", required=True, help="kode wilayah Pemda")
        parser.add_argument("--on", help="tanggal pendaftaran YYYY-MM-DD (bawaan: hari ini)")
        parser.add_argument(
            "--unit",
            action="append",
            help="hanya unit kerja ini (kode; boleh diulang), bila OPD mendaftar sendiri-sendiri",
        )
        add_format(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        on = self.parse_day(options["on"]) if options["on"] else None
        result = enrol(options["employer"], actor=actor(), on=on, units=options["unit"])
        if options["format"] == "json":
            print_json(result.as_dict())
            return
        self.stdout.write(
            f"Pemda {result.employer} per {result.on}: {result.enrolled} didaftarkan, "
            f"{result.already} sudah terdaftar, {result.ended} kepesertaan diakhiri"
        )
        for issue in result.issues:
            self.stdout.write(format_issue(issue))
