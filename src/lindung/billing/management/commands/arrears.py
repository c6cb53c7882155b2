from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser
from django.utils import timezone

from lindung.billing.services import arrears
from lindung.cli import LindungCommand, add_format, print_json
from lindung.domain.formats import rupiah


class Command(LindungCommand):
    help = "Tunggakan iuran: tagihan lewat jatuh tempo yang belum lunas, menurut umur tunggakan."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--employer", help="kode wilayah Pemda (bawaan: semua)")
        parser.add_argument("--on", help="per tanggal YYYY-MM-DD (bawaan: hari ini)")
        add_format(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        on = self.parse_day(options["on"]) if options["on"] else timezone.localdate()
        found = arrears(on, options["employer"])
        rows = [s.as_dict() for s in found]
        if options["format"] == "json":
            print_json(
                {
                    "on": on,
                    "invoices": rows,
                    "balance": sum(s.balance for s in found),
                    "late_fee": sum(s.late_fee for s in found),
                }
            )
            return
        if not rows:
            self.stdout.write(f"Tidak ada tunggakan per {on}")
            return
        for r in rows:
            self.stdout.write(
                f"{r['invoice']:<28} jatuh tempo {r['due_date']}  saldo {rupiah(r['balance']):>16}  "
                f"{r['ageing']:<20} denda {rupiah(r['late_fee'])}"
            )
        self.stdout.write(f"Jumlah tunggakan {rupiah(sum(s.balance for s in found))}")
