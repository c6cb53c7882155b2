from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser
from django.utils import timezone

from lindung.billing.services import money
from lindung.cli import LindungCommand, add_format, print_json
from lindung.domain.benefits import KINDS, compute_benefit
from lindung.domain.money import ROUNDING_POLICY
from lindung.domain.rates import load_rate_book


class Command(LindungCommand):
    help = "Menghitung manfaat JKM atau JKK per komponen dengan dasar hukumnya (beasiswa terpisah, dibayar per tahun)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--kind", required=True, choices=KINDS, help="jkm, jkk-death, jkk-disability-total, stmb")
        parser.add_argument("--wage", type=int, help="upah sebulan pada hari kejadian (JKK), rupiah")
        parser.add_argument("--contribution-months", type=int, help="masa iur dalam bulan (syarat beasiswa JKM)")
        parser.add_argument(
            "--children", type=int, default=0, help="anak yang dapat menerima beasiswa (dihitung paling banyak 2)"
        )
        parser.add_argument("--months", type=int, help="bulan tidak mampu bekerja (STMB)")
        parser.add_argument("--on", help="tanggal kejadian YYYY-MM-DD (bawaan: hari ini)")
        add_format(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        on = self.parse_day(options["on"]) if options["on"] else timezone.localdate()
        benefit = compute_benefit(
            load_rate_book(),
            options["kind"],
            on,
            wage=options["wage"],
            contribution_months=options["contribution_months"],
            children=options["children"],
            months=options["months"],
        )
        if options["format"] == "json":
            print_json(benefit.as_dict() | {"rounding": ROUNDING_POLICY})
            return
        self.stdout.write(f"Manfaat {benefit.kind} untuk kejadian {on.isoformat()}:")
        for c in benefit.components:
            self.stdout.write(f"  {c.code:<28} {money(c.amount):>16}  {c.regulation}")
        self.stdout.write(f"  Jumlah tunai {money(benefit.total)} (pembulatan {ROUNDING_POLICY})")
        s = benefit.scholarship
        if s.eligible:
            self.stdout.write(
                f"  Beasiswa: {s.children} anak, paling banyak {money(s.max_amount)} ({s.reason}); {s.regulation}"
            )
        elif benefit.kind != "stmb":
            self.stdout.write(f"  Beasiswa: tidak ({s.reason})")
