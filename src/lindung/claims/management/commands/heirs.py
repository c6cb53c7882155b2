from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser
from django.utils import timezone

from lindung.claims.family import read_family
from lindung.cli import LindungCommand, add_format, add_lang, print_json
from lindung.domain.errors import ValidationFailed
from lindung.domain.heirs import PROGRAMS, decide_heirs
from lindung.domain.rates import load_rate_book


class Command(LindungCommand):
    help = "Menentukan ahli waris menurut urutan hukum dari kartu keluarga (CSV), dan anak yang berhak beasiswa."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--program", required=True, choices=PROGRAMS, help="jkm, jkk atau jht")
        parser.add_argument(
            "--family", required=True, type=Path, help="CSV: hubungan, nik, nama, tanggal_lahir, menikah, bekerja"
        )
        parser.add_argument("--on", help="tanggal meninggal YYYY-MM-DD (bawaan: hari ini)")
        parser.add_argument(
            "--none-confirmed", action="store_true", help="sudah dipastikan tidak ada ahli waris (berkas kosong)"
        )
        add_format(parser)
        add_lang(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        on = self.parse_day(options["on"]) if options["on"] else timezone.localdate()
        try:
            rules = load_rate_book().at("benefit.scholarship", on)
        except ValidationFailed:  # no scholarship schedule in force that day: heirs only
            rules = None
        family = read_family(options["family"], timezone.localdate())
        decision = decide_heirs(
            options["program"],
            family,
            on,
            age_limit=rules.amount("age_limit") if rules else None,
            most_scholars=rules.amount("max_children") if rules else 0,
            none_confirmed=options["none_confirmed"],
        )
        if options["format"] == "json":
            print_json(decision.as_dict())
            return
        if decision.step is None:
            self.stdout.write("Ahli waris belum dapat ditentukan.")
        elif decision.remainder_to:
            self.stdout.write(f"Urutan {decision.step}: tidak ada ahli waris; manfaat ke {decision.remainder_to}.")
        else:
            names = ", ".join(f"{m.name} ({m.relation})" for m in decision.recipients)
            self.stdout.write(f"Urutan {decision.step}: {names}")
        for child in decision.scholarship:
            self.stdout.write(f"Beasiswa: {child.name} sampai {child.until.isoformat()}")
        for flag in decision.needs_decision:
            self.stdout.write(f"PERLU KEPUTUSAN: {flag}")
