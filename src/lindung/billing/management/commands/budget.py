from __future__ import annotations

import decimal
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser

from lindung.billing.budget import check_budget_year, check_increase, project_budget, write_budget_xlsx
from lindung.cli import LindungCommand, add_format, print_json
from lindung.domain.formats import rupiah


class Command(LindungCommand):
    help = "Proyeksi anggaran iuran setahun (untuk APBD): per bulan, unit, program dan penyandang dana."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--employer", required=True, help="kode wilayah Pemda")
        parser.add_argument("--year", required=True, type=int, help="tahun anggaran, mis. 2027")
        parser.add_argument("--increase", default="0", help="kenaikan upah dalam persen, mis. 5 atau 2.5")
        parser.add_argument("--on", help="roster per tanggal YYYY-MM-DD (bawaan: hari ini)")
        parser.add_argument("--out", help="tulis juga ke berkas .xlsx")
        add_format(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            increase = Decimal(options["increase"].replace(",", "."))
        except decimal.InvalidOperation:
            self.usage_error(f"--increase {options['increase']!r} harus angka persen, mis. 5 atau 2.5")
        self.within(lambda: check_budget_year(options["year"]))
        self.within(lambda: check_increase(increase))
        projection = project_budget(
            options["employer"],
            options["year"],
            increase,
            on=self.parse_day(options["on"]) if options["on"] else None,
        )
        if options["out"]:
            write_budget_xlsx(projection, Path(options["out"]))
        if options["format"] == "json":
            print_json(projection.as_dict())
            return
        self.stdout.write(
            f"Proyeksi iuran {projection.employer_name} tahun {projection.year}, upah naik {increase}%: "
            f"{projection.workers} pekerja"
        )
        for p in projection.programs:
            self.stdout.write(f"  {p.segment.upper()} {p.program:<4} {rupiah(p.total):>18}")
        for f in projection.funders:
            self.stdout.write(f"  {f.funder}: {rupiah(f.amount)}")
        self.stdout.write(f"  Jumlah setahun {rupiah(sum(p.total for p in projection.programs))}")
        if projection.not_covered:
            self.stdout.write(f"  {projection.not_covered} pekerja aktif tanpa perjanjian yang berlaku: tidak dihitung")
        for note in projection.notes:
            self.stdout.write(f"  Catatan: {note}")
        if options["out"]:
            self.stdout.write(f"Ditulis ke {options['out']}")
