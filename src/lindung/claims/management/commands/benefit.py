from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import CommandParser
from django.utils import timezone

from lindung.cli import LindungCommand, add_format, print_json
from lindung.domain.benefits import KINDS, body_parts, compute_benefit, parse_parts
from lindung.domain.formats import rupiah
from lindung.domain.money import ROUNDING_POLICY
from lindung.domain.rates import RateBook, load_rate_book


class Command(LindungCommand):
    help = "Menghitung manfaat JKM atau JKK per komponen dengan dasar hukumnya (beasiswa terpisah, dibayar per tahun)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--kind", choices=KINDS, help=", ".join(KINDS))
        parser.add_argument("--wage", type=int, help="upah sebulan pada hari kejadian (JKK), rupiah")
        parser.add_argument("--contribution-months", type=int, help="masa iur dalam bulan (syarat beasiswa JKM)")
        parser.add_argument(
            "--children", type=int, default=0, help="anak yang dapat menerima beasiswa (dihitung paling banyak 2)"
        )
        parser.add_argument("--months", type=int, help="bulan tidak mampu bekerja (STMB)")
        parser.add_argument(
            "--part",
            action="append",
            default=[],
            metavar="BAGIAN[:PERSEN]",
            help="bagian tubuh (cacat sebagian), mis. lengan_kanan_bahu; :PERSEN = fungsi yang hilang (bawaan 100)",
        )
        parser.add_argument("--parts", action="store_true", help="cetak tabel bagian tubuh cacat sebagian")
        parser.add_argument("--on", help="tanggal kejadian YYYY-MM-DD (bawaan: hari ini)")
        add_format(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        on = self.parse_day(options["on"]) if options["on"] else timezone.localdate()
        book = load_rate_book()
        if options["parts"]:
            self._print_parts(book, on, options["format"])
            return
        if options["kind"] is None:
            self.usage_error("--kind wajib: " + ", ".join(KINDS) + " (atau --parts untuk tabel cacat sebagian)")
        benefit = compute_benefit(
            book,
            options["kind"],
            on,
            wage=options["wage"],
            contribution_months=options["contribution_months"],
            children=options["children"],
            months=options["months"],
            parts=parse_parts(options["part"]),
        )
        if options["format"] == "json":
            print_json(benefit.as_dict() | {"rounding": ROUNDING_POLICY})
            return
        self.stdout.write(f"Manfaat {benefit.kind} untuk kejadian {on.isoformat()}:")
        for c in benefit.components:
            self.stdout.write(f"  {c.code:<28} {rupiah(c.amount):>16}  {c.regulation}")
        self.stdout.write(f"  Jumlah tunai {rupiah(benefit.total)} (pembulatan {ROUNDING_POLICY})")
        s = benefit.scholarship
        if s.eligible:
            self.stdout.write(
                f"  Beasiswa: {s.children} anak, paling banyak {rupiah(s.max_amount)} ({s.reason}); {s.regulation}"
            )
        elif benefit.kind != "stmb":
            self.stdout.write(f"  Beasiswa: tidak ({s.reason})")

    def _print_parts(self, book: RateBook, on: dt.date, fmt: str) -> None:
        table = body_parts(book, on)
        if fmt == "json":
            print_json(
                {
                    "on": on,
                    "parts": [
                        {"code": c, "name": p.note, "share": str(p.percent("share")), "regulation": p.describe()}
                        for c, p in sorted(table.items())
                    ],
                }
            )
            return
        self.stdout.write(f"Tabel cacat sebagian per {on.isoformat()} (persen x 80 x upah):")
        for code, p in sorted(table.items(), key=lambda item: (-item[1].percent("share"), item[0])):
            self.stdout.write(f"  {code:<24} {p.percent('share'):>4}%  {p.note}  [{p.confidence}]")
