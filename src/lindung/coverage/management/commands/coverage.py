from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser
from django.utils import timezone

from lindung.cli import LindungCommand, add_format, print_json
from lindung.coverage import aggregates
from lindung.coverage.exposure import LeftOut, exposure_table, left_out, sentence
from lindung.coverage.pdf import write_coverage_pdf
from lindung.coverage.reports import coverage_tables
from lindung.coverage.services import Node, Overdue, TrendPoint, coverage_tree, overdue, scope_employer_ids, trend
from lindung.coverage.tables import Column, Table, write_xlsx
from lindung.domain.billing import AGEING_BUCKETS
from lindung.domain.formats import rupiah
from lindung.domain.formats import thousands as _n
from lindung.registry.models import Employer


def _pct(node: Node) -> str:
    value = node.counts.coverage
    return "-" if value is None else f"{value}%".replace(".", ",")


def _arrears_table(debts: list[Overdue], on: object) -> Table:
    labels = [label for _, _, label in AGEING_BUCKETS]
    return Table(
        "Tunggakan",
        [
            Column("Kode", "text", 10),
            Column("Pemda", "text", 40),
            Column("Tagihan", "int", 9),
            *[Column(label, "money", 16) for label in labels],
            Column("Jumlah", "money", 16),
            Column("Denda", "money", 14),
        ],
        [[d.code, d.name, d.invoices, *[d.buckets[x] for x in labels], d.balance, d.late_fee] for d in debts],
        f"Tagihan lewat jatuh tempo yang belum lunas per {on}, menurut umur tunggakan (rupiah).",
    )


class Command(LindungCommand):
    help = (
        "Cakupan kepesertaan per tanggal: nasional, provinsi, kab/kota, Pemda, unit atau wilayah kantor cabang, "
        "dengan unit dan Pemda yang belum mendaftarkan siapa pun."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--region", help="kode wilayah provinsi atau kab/kota (bawaan: nasional)")
        parser.add_argument("--employer", help="kode wilayah Pemda, untuk rincian per unit (mis. Pemprov: 74)")
        parser.add_argument("--unit", help="kode unit kerja (bersama --employer)")
        parser.add_argument("--branch", help="kode kantor cabang BPJS TK, untuk wilayah kerjanya")
        parser.add_argument("--on", help="per tanggal YYYY-MM-DD (bawaan: hari ini)")
        parser.add_argument("--xlsx", type=Path, help="simpan semua tabel ke berkas .xlsx")
        parser.add_argument("--pdf", type=Path, help="simpan laporan cetak ke berkas .pdf")
        parser.add_argument("--trend", type=int, default=0, metavar="N", help="tren N bulan terakhir (bawaan: tidak)")
        parser.add_argument("--rebuild", action="store_true", help="susun ulang agregat cakupan dari data baris")
        add_format(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["rebuild"]:
            started = time.perf_counter()
            events = aggregates.rebuild()
            self.stdout.write(
                f"Agregat cakupan disusun ulang: {_n(events)} perubahan harian, "
                f"{time.perf_counter() - started:.1f} detik."
            )
            return
        if options["unit"] and not options["employer"]:
            self.usage_error("--unit perlu --employer")
        on = self.parse_day(options["on"]) if options["on"] else timezone.localdate()
        node = coverage_tree(
            on, region=options["region"], employer=options["employer"], unit=options["unit"], branch=options["branch"]
        )
        ids = self._scope(options)
        whole = options["unit"] is None  # the trend and the arrears are the employer's, not a unit's
        points = trend(on, options["trend"], ids) if options["trend"] > 0 and whole else []
        debts = overdue(on, ids) if whole else []
        one_pemda = bool(options["employer"]) or ("." in (options["region"] or ""))
        unprotected = left_out(on, ids, node.code, node.name, unit=options["unit"], by_unit=one_pemda)
        if options["xlsx"] or options["pdf"]:
            report_trend = points or (trend(on, 12, ids) if whole else None)
            if options["xlsx"]:
                liability = exposure_table(unprotected, on)
                tables = [*coverage_tables(node, on, report_trend), _arrears_table(debts, on)]
                write_xlsx(options["xlsx"], [*tables, *([liability] if liability else [])])
                self.stderr.write(f"Tabel cakupan disimpan ke {options['xlsx']}")
            if options["pdf"]:
                write_coverage_pdf(options["pdf"], node, on, report_trend, unprotected)
                self.stderr.write(f"Laporan cetak disimpan ke {options['pdf']}")
        if options["format"] == "json":
            print_json(
                {"on": on}
                | node.as_dict()
                | {
                    "trend": [
                        {
                            "month": f"{p.month:%Y-%m}",
                            "workers": p.workers,
                            "enrolled": p.enrolled,
                            "coverage": float(p.coverage) if p.coverage is not None else None,
                            "units_enrolled": p.units_enrolled,
                        }
                        for p in points
                    ],
                    "arrears": [
                        {
                            "code": d.code,
                            "name": d.name,
                            "invoices": d.invoices,
                            "balance": d.balance,
                            "by_age": d.buckets,
                            "late_fee": d.late_fee,
                        }
                        for d in debts
                    ],
                    "unprotected": unprotected.as_dict(),
                }
            )
        else:
            self._print(node, on)
            self._print_more(points, debts)
            self._print_exposure(unprotected)

    def _scope(self, options: dict[str, Any]) -> list[int] | None:
        if options["branch"]:
            return scope_employer_ids(branch=options["branch"])
        code = options["employer"] or options["region"]
        if code is None:
            return None
        if options["employer"] or "." in code:
            return list(Employer.objects.filter(region_id=code).values_list("id", flat=True))
        return scope_employer_ids(region=code)

    def _print_more(self, points: list[TrendPoint], debts: list[Overdue]) -> None:
        if points:
            self.stdout.write("Tren (akhir bulan):")
            for p in points:
                pct = "-" if p.coverage is None else f"{p.coverage}%".replace(".", ",")
                self.stdout.write(f"  {p.month:%Y-%m}  {_n(p.enrolled):>9} / {_n(p.workers):>9}  {pct:>7}")
        if debts:
            self.stdout.write("Tunggakan iuran menurut umur:")
            for d in debts:
                ages = ", ".join(f"{label} {rupiah(amount)}" for label, amount in d.buckets.items() if amount)
                self.stdout.write(f"  {d.code:<8} {d.name}: {rupiah(d.balance)} ({ages})")

    def _print_exposure(self, unprotected: LeftOut) -> None:
        whole, parts = unprotected.whole, unprotected.parts
        if whole is None:
            self.stdout.write(f"Tanggungan Pemda atas pekerja tanpa perlindungan tidak dihitung: {unprotected.missing}")
            return
        if not whole.workers:
            return
        self.stdout.write(sentence(whole))
        for e in parts[:10]:
            self.stdout.write(
                f"  {e.code:<12} {e.name[:40]:<40} {_n(e.workers):>7} pekerja  tanggungan {rupiah(e.liability):>18}  "
                f"iuran {rupiah(e.monthly_cost)}/bulan"
            )
        if len(parts) > 10:
            self.stdout.write(f"  … dan {len(parts) - 10} lainnya (lihat --format json)")

    def _print(self, node: Node, on: object) -> None:
        rows = [node, *node.children]
        width = max(len(r.name) for r in rows)
        self.stdout.write(f"Cakupan per {on}")
        for i, r in enumerate(rows):
            c = r.counts
            self.stdout.write(
                f"{'' if i == 0 else '  '}{r.code:<12} {r.name:<{width}}  {_n(c.enrolled):>9} / {_n(c.workers):>9} "
                f"{_pct(r):>7}   unit {c.units_enrolled}/{c.units}"
            )
        c = node.counts
        for group, label in (("opd", "OPD"), ("desa", "nagari/desa")):
            units, enrolled = c.groups.get(group, (0, 0))
            if units:
                self.stdout.write(f"{label}: {enrolled} dari {units} sudah mendaftarkan pekerjanya")
        if node.employers_without_enrolment:
            self.stdout.write(f"Pemda yang belum mendaftarkan siapa pun ({len(node.employers_without_enrolment)}):")
            for e in node.employers_without_enrolment:
                self.stdout.write(f"  {e.code:<8} {e.name}")
        if node.units_without_enrolment and len(node.units_without_enrolment) <= 60:
            self.stdout.write(f"Unit yang belum mendaftarkan siapa pun ({len(node.units_without_enrolment)}):")
            for u in node.units_without_enrolment:
                self.stdout.write(f"  {u.employer:<8} {u.code:<14} {u.name}")
        elif node.units_without_enrolment:
            self.stdout.write(
                f"{_n(len(node.units_without_enrolment))} unit belum mendaftarkan siapa pun (lihat --format json)"
            )
