from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser
from django.utils import timezone

from lindung.cli import LindungCommand, actor, add_format, print_json
from lindung.coverage.tables import Column, Table, write_xlsx
from lindung.coverage.targets import TargetRow, default_day, import_targets, set_target, targets_vs_actuals
from lindung.domain.formats import thousands as _n


def _pct(value: Decimal | None) -> str:
    return "-" if value is None else f"{value}%".replace(".", ",")


KINDS = {"pemda": "Pemda", "unit": "Unit", "wilayah": "Wilayah"}


def targets_table(rows: list[TargetRow], year: int, on: dt.date) -> Table:
    return Table(
        f"Target {year}",
        [
            Column("Sasaran", width=9),
            Column("Kode", width=9),
            Column("Nama", width=36),
            Column("Kode unit", width=12),
            Column("Nama unit", width=30),
            Column("Target", "int", 10),
            Column("Pekerja di roster", "int", 12),
            Column("Terdaftar", "int", 12),
            Column("Tercapai (%)", "percent", 11),
            Column("Keterangan", width=30),
        ],
        [
            [
                KINDS[r.kind],
                r.code,
                r.name,
                r.unit_code,
                r.unit_name,
                r.target,
                r.workers,
                r.enrolled,
                r.reached,
                r.note,
            ]
            for r in rows
        ],
        note=f"Target kepesertaan tahun {year} dibanding pekerja terdaftar per {on.isoformat()}",
    )


class Command(LindungCommand):
    help = "Target kepesertaan per Pemda, unit atau wilayah per tahun, dan capaiannya."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        put = sub.add_parser("set", help="menetapkan target setahun (nilai sama: tidak ada yang diubah)")
        put.add_argument("--year", required=True, type=int, help="tahun target, mis. 2024")
        put.add_argument("--count", required=True, type=int, help="jumlah pekerja yang ditargetkan terdaftar")
        subject = put.add_mutually_exclusive_group(required=True)
        subject.add_argument("--employer", help="kode wilayah Pemda")
        subject.add_argument("--region", help="kode wilayah, untuk target seluruh wilayah")
        put.add_argument("--unit", help="kode unit kerja (bersama --employer)")
        put.add_argument("--note", default="", help="keterangan")
        add_format(put)
        imp = sub.add_parser("import", help="target dari berkas .csv/.xlsx (tahun, kode wilayah, unit, target)")
        imp.add_argument("file", help="berkas .csv atau .xlsx")
        add_format(imp)
        show = sub.add_parser("show", help="target dibanding pekerja yang terdaftar")
        show.add_argument("--year", type=int, help="tahun target (bawaan: tahun ini)")
        show.add_argument("--region", help="hanya target di wilayah ini")
        show.add_argument("--employer", help="hanya target Pemda ini dan unitnya")
        show.add_argument("--on", help="capaian per tanggal YYYY-MM-DD (bawaan: akhir tahun atau hari ini)")
        show.add_argument("--xlsx", type=Path, help="simpan tabel ke berkas .xlsx")
        add_format(show)

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "set":
            if options["unit"] and not options["employer"]:
                self.usage_error("--unit perlu --employer")
            target, written = set_target(
                options["year"],
                options["count"],
                employer=options["employer"],
                unit=options["unit"],
                region=options["region"],
                note=options["note"],
                actor=actor(),
            )
            data = {
                "outcome": "written" if written else "unchanged",
                "year": target.year,
                "employer": options["employer"],
                "unit": options["unit"],
                "region": options["region"],
                "count": target.count,
                "note": target.note,
            }
            if options["format"] == "json":
                print_json(data)
            else:
                subject = options["region"] or " ".join(filter(None, [options["employer"], options["unit"]]))
                word = "dicatat" if written else "sudah sama, tidak diubah"
                self.stdout.write(f"Target {target.year} {subject}: {_n(target.count)} pekerja ({word})")
        elif action == "import":
            result = import_targets(Path(options["file"]), actor=actor())
            if options["format"] == "json":
                print_json(result.as_dict())
            else:
                self.stdout.write(
                    f"{result.rows} target: {result.created} baru, {result.updated} diubah, "
                    f"{result.unchanged} tidak berubah"
                )
        else:
            self._show(options)

    def _show(self, options: dict[str, Any]) -> None:
        on = self.parse_day(options["on"]) if options["on"] else None
        year = options["year"] or (on.year if on else timezone.localdate().year)
        on = on or default_day(year)
        rows = targets_vs_actuals(year, on=on, region=options["region"], employer=options["employer"])
        if options["xlsx"]:
            write_xlsx(options["xlsx"], [targets_table(rows, year, on)])
        if options["format"] == "json":
            print_json({"year": year, "on": on, "targets": [r.as_dict() for r in rows]})
            return
        self.stdout.write(f"Target {year}, capaian per {on}")
        if not rows:
            self.stdout.write("  Belum ada target")
        for r in rows:
            unit = f" / {r.unit_code} {r.unit_name}" if r.unit_code else ""
            self.stdout.write(
                f"  {KINDS[r.kind]:<7} {r.code:<8} {r.name}{unit}: {_n(r.enrolled)} dari target {_n(r.target)} "
                f"({_pct(r.reached)})"
            )
        if options["xlsx"]:
            self.stdout.write(f"Ditulis ke {options['xlsx']}")
