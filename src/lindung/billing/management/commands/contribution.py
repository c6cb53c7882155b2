from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser
from django.utils import timezone

from lindung.cli import LindungCommand, add_format, format_issue, print_json
from lindung.domain.benefits import MAX_WAGE
from lindung.domain.contributions import compute_contribution
from lindung.domain.formats import rupiah
from lindung.domain.money import ROUNDING_POLICY
from lindung.domain.rates import load_rate_book


class Command(LindungCommand):
    help = "Menghitung iuran sebulan seorang pekerja: per program, bagian pemberi kerja dan pekerja, dasar hukumnya."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--wage", required=True, type=int, help="upah sebulan (PPU) atau penghasilan (BPU), rupiah")
        parser.add_argument("--programs", required=True, help="mis. JKK,JKM,JHT,JP,JKP")
        parser.add_argument("--risk-class", type=int, default=1, help="kelas risiko JKK 1-5 (bawaan 1)")
        parser.add_argument("--segment", choices=["ppu", "bpu"], default="ppu")
        parser.add_argument("--on", help="tanggal berlaku tarif YYYY-MM-DD (bawaan: hari ini)")
        add_format(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        on = self.parse_day(options["on"]) if options["on"] else timezone.localdate()
        if options["wage"] > MAX_WAGE:
            self.usage_error(f"--wage lebih dari {rupiah(MAX_WAGE)}, batas upah sebulan; periksa jumlah nolnya")
        result = compute_contribution(
            load_rate_book(),
            wage=options["wage"],
            programs=options["programs"],
            risk_class=options["risk_class"],
            segment=options["segment"],
            on=on,
        )
        programs = [
            {k: v for k, v in p.as_dict().items() if p.program == "JKP" or k not in ("government", "recomposed")}
            for p in result.programs
        ]
        if options["format"] == "json":
            print_json(
                {
                    "on": on,
                    "segment": options["segment"],
                    "wage": options["wage"],
                    "programs": programs,
                    "employer": result.employer,
                    "worker": result.worker,
                    "total": result.total,
                    "rounding": ROUNDING_POLICY,
                    "warnings": [w.as_dict() for w in result.warnings],
                }
            )
            return
        self.stdout.write(f"Iuran sebulan per {on}, upah {rupiah(options['wage'])} ({options['segment'].upper()}):")
        for p in result.programs:
            rate = f"{p.rate}%" if p.rate is not None else "tetap"
            self.stdout.write(
                f"  {p.program:<4} dasar {rupiah(p.wage_base):>14}  {rate:>7}  "
                f"PK {rupiah(p.employer):>11}  TK {rupiah(p.worker):>10}  jumlah {rupiah(p.total):>11}"
            )
            if p.program == "JKP":
                self.stdout.write(
                    f"       dibayar Pemerintah Pusat {rupiah(p.government)}; rekomposisi "
                    + ", ".join(f"{k} {rupiah(v)}" for k, v in p.recomposed.items())
                )
            self.stdout.write(f"       {p.regulation} [{p.confidence}]")
        self.stdout.write(
            f"  Jumlah: PK {rupiah(result.employer)}, TK {rupiah(result.worker)}, total {rupiah(result.total)} "
            f"(pembulatan {ROUNDING_POLICY})"
        )
        for warning in result.warnings:
            self.stdout.write(format_issue(warning))
