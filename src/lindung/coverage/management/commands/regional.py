from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser

from lindung.cli import LindungCommand, actor, add_format, format_issue, print_json
from lindung.coverage.regional import RegionalRow, import_regional, regional_coverage
from lindung.coverage.tables import Column, Table, write_xlsx
from lindung.domain.formats import thousands
from lindung.domain.periods import parse_period


def _n(value: int | None) -> str:
    return "-" if value is None else thousands(value)


def _pct(value: Decimal | None) -> str:
    return "-" if value is None else f"{value}%".replace(".", ",")


def regional_table(rows: list[RegionalRow], region: str) -> Table:
    return Table(
        f"Cakupan wilayah {region}",
        [
            Column("Kode", width=9),
            Column("Wilayah", width=28),
            Column("Periode", width=9),
            Column("Penduduk bekerja", "int", 14),
            Column("Peserta aktif", "int", 13),
            Column("Cakupan (%)", "percent", 10),
            Column("Sumber", width=30),
            Column("Roster per", "date", 11),
            Column("Pekerja Pemda", "int", 12),
            Column("Terdaftar", "int", 11),
            Column("Cakupan Pemda (%)", "percent", 12),
        ],
        [
            [
                r.region,
                r.name,
                f"{r.period:%Y-%m}",
                r.workforce,
                r.participants,
                r.coverage,
                r.source,
                r.on,
                r.non_asn_workers,
                r.non_asn_enrolled,
                r.non_asn_coverage,
            ]
            for r in rows
        ],
        note="Cakupan seluruh pekerja = peserta aktif / penduduk bekerja; cakupan Pemda = pekerja non-ASN "
        "(dan pekerja rentan yang didaftarkan Pemda) terdaftar / di roster, pada akhir bulan",
    )


class Command(LindungCommand):
    help = "Cakupan seluruh pekerja per wilayah (penduduk bekerja dan peserta aktif BPJS TK dari berkas)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="angka per wilayah dan bulan dari berkas .csv/.xlsx")
        imp.add_argument("file", help="kolom: kode wilayah, periode, penduduk bekerja, peserta aktif, sumber")
        add_format(imp)
        show = sub.add_parser("show", help="cakupan seluruh pekerja di samping cakupan non-ASN")
        show.add_argument("--region", required=True, help="kode wilayah provinsi atau kab/kota")
        show.add_argument("--period", help="bulan YYYY-MM (bawaan: semua bulan yang tercatat)")
        show.add_argument("--xlsx", type=Path, help="simpan tabel ke berkas .xlsx")
        add_format(show)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "import":
            result = import_regional(Path(options["file"]), actor=actor())
            if options["format"] == "json":
                print_json(result.as_dict())
                return
            self.stdout.write(
                f"{result.rows} baris: {result.created} baru, {result.updated} diubah, {result.unchanged} tidak berubah"
            )
            for warning in result.warnings:
                self.stdout.write(format_issue(warning))
            return
        period = None
        if options["period"]:
            try:
                period = parse_period(options["period"])
            except ValueError:
                self.usage_error(f"--period {options['period']!r} harus berbentuk YYYY-MM")
        rows = regional_coverage(options["region"], period)
        if options["xlsx"]:
            write_xlsx(options["xlsx"], [regional_table(rows, options["region"])])
        if options["format"] == "json":
            print_json({"region": options["region"], "periods": [r.as_dict() for r in rows]})
            return
        if not rows:
            self.stdout.write(
                f"Belum ada angka wilayah untuk {options['region']}; impor dengan `lindung regional import`"
            )
        for r in rows:
            self.stdout.write(
                f"{r.region} {r.name} {r.period:%m/%Y}: {_n(r.participants)} peserta aktif dari "
                f"{_n(r.workforce)} penduduk bekerja = {_pct(r.coverage)}"
                f"{f' (sumber: {r.source})' if r.source else ''}"
            )
            self.stdout.write(
                f"  pekerja Pemda per {r.on}: {_n(r.non_asn_enrolled)} dari {_n(r.non_asn_workers)} terdaftar "
                f"= {_pct(r.non_asn_coverage)}"
            )
        if options["xlsx"]:
            self.stdout.write(f"Ditulis ke {options['xlsx']}")
