"""`lindung bsu`: who among a Pemda's workers qualifies for the wage subsidy (BSU) of a year, from the BPJS TK
participant file loaded with `lindung reconcile load`, and who narrowly does not and why: the list a Pemda sends to
its branch. The rule set is data (`rates/bsu/<year>.toml`, `domain.bsu`); the UMK table is the deployer's CSV."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import polars as pl
from django.core.management.base import CommandParser

from lindung.cli import LindungCommand, add_format, print_json
from lindung.coverage.tables import Column, Table, write_xlsx
from lindung.domain.bsu import BsuRule, Participant, judge, load_bsu_rule, wage_limit
from lindung.domain.errors import NotFound, ValidationFailed
from lindung.domain.formats import mask_nik, rupiah, thousands
from lindung.domain.parsing import one_rupiah
from lindung.reconcile.loading import stored_path, target_of
from lindung.reconcile.models import SourceFile
from lindung.reconcile.services import participants_for
from lindung.registry.models import Employer, Employment


def read_umk(path: Path, region: str) -> int | None:
    """The region's UMK from a CSV with the columns `kode_wilayah` and `umk` (rupiah); None when it is not there."""
    if not path.is_file():
        raise NotFound(f"Berkas UMK {path} tidak ada")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        fields = {f.strip().lower(): f for f in reader.fieldnames or []}
        if "kode_wilayah" not in fields or "umk" not in fields:
            raise ValidationFailed(f"Berkas UMK {path.name} perlu kolom kode_wilayah dan umk")
        for line, row in enumerate(reader, start=2):
            if row[fields["kode_wilayah"]].strip() != region:
                continue
            amount, sen = one_rupiah(row[fields["umk"]])
            if amount is None or sen or amount <= 0:
                raise ValidationFailed(f"Berkas UMK {path.name} baris {line}: UMK {row[fields['umk']]!r} bukan rupiah")
            return amount
    return None


def _participants(employer: Employer) -> tuple[dict[int, Participant], SourceFile]:
    source = participants_for(target_of(employer=employer.region_id))
    if source is None:
        raise ValidationFailed(
            f"Belum ada data peserta BPJS TK untuk {employer.name}: muat dulu dengan "
            f"`lindung reconcile load --source bpjstk BERKAS --employer {employer.region_id}`"
        )
    frame = pl.read_parquet(stored_path(source.path), columns=["nik", "npp", "aktif", "upah", "bulan_iuran_terakhir"])
    if employer.npp:
        frame = frame.filter(pl.col("npp") == employer.npp)
    found: dict[int, Participant] = {}
    # one row per NIK: an active one first, then the latest month paid
    ordered = frame.sort(["aktif", "bulan_iuran_terakhir"], descending=True, nulls_last=True)
    for nik, active, wage, paid in ordered.select(["nik", "aktif", "upah", "bulan_iuran_terakhir"]).iter_rows():
        found.setdefault(nik, Participant(bool(active), paid, wage))
    return found, source


class Command(LindungCommand):
    help = "Daftar pekerja Pemda yang memenuhi syarat BSU (subsidi upah) suatu tahun, dari data peserta BPJS TK."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", required=True, type=int, help="tahun program BSU, mis. 2022")
        parser.add_argument("--employer", required=True, help="kode wilayah Pemda")
        parser.add_argument("--umk", type=Path, help="CSV UMK (kode_wilayah, umk) untuk batas upah di atas Rp3,5 juta")
        parser.add_argument("--out", type=Path, help="simpan daftar ke berkas .xlsx (NIK lengkap, untuk kantor cabang)")
        add_format(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        rule = load_bsu_rule(options["year"])
        code = options["employer"]
        employer = Employer.objects.filter(region_id=code).first()
        if employer is None:
            raise NotFound(f"Pemda {code} belum terdaftar; daftarkan dengan `lindung employer add --region {code}`")
        umk = read_umk(options["umk"], code) if options["umk"] else None
        participants, file = _participants(employer)
        source = f"{file.name} (data per {file.data_date}, dimuat {file.loaded_at:%Y-%m-%d})"
        day = rule.active_through
        warnings = []
        if file.data_date < day:
            warnings.append(f"Data peserta per {file.data_date}, sebelum {day}: iuran sampai bulan itu belum terlihat")
        elif (file.data_date - day).days > 92:
            warnings.append(
                f"Data peserta per {file.data_date}, jauh sesudah {day}: status dan iuran dibaca dari data terakhir; "
                f"untuk daftar resmi muat data peserta per akhir {day:%m/%Y}"
            )
        employed = (
            Employment.objects.filter(employer=employer, start_date__lte=day)
            .exclude(end_date__lt=day)
            .select_related("worker", "unit")
            .order_by("unit__code", "worker__name", "worker__nik")
        )
        rows = []
        for e in employed:
            verdict = judge(rule, e.category, participants.get(int(e.worker.nik)), umk)
            rows.append((e, verdict))
        eligible = [(e, v) for e, v in rows if v.eligible]
        narrowly = [(e, v) for e, v in rows if v.narrowly]
        summary = {
            "year": rule.year,
            "employer": code,
            "active_through": day,
            "amount": rule.amount,
            "wage_limit": wage_limit(rule, umk),
            "umk": umk,
            "regulation": rule.regulation,
            "participants": source,
            "workers": len(rows),
            "eligible": len(eligible),
            "narrowly": len(narrowly),
            "not_eligible": len(rows) - len(eligible),
            "total_amount": len(eligible) * rule.amount,
            "warnings": warnings,
        }
        if options["out"]:
            write_xlsx(options["out"], _tables(rule, rows, summary))
            self.stderr.write(f"Daftar BSU disimpan ke {options['out']}")
        if options["format"] == "json":
            print_json(
                summary
                | {
                    "items": [
                        {
                            "nik_masked": mask_nik(e.worker.nik),
                            "name": e.worker.name,
                            "unit": e.unit.code,
                            "eligible": v.eligible,
                            "narrowly": v.narrowly,
                            "reasons": list(v.failed),
                        }
                        for e, v in rows
                    ]
                }
            )
            return
        self.stdout.write(
            f"BSU {rule.year} ({rule.regulation}): aktif sampai {day}, upah paling tinggi "
            f"{rupiah(summary['wage_limit'])}{'' if umk else ' (tanpa --umk: batas Rp3,5 juta)'}; "
            f"data peserta {source}."
        )
        self.stdout.write(
            f"{employer.name}: {thousands(len(eligible))} dari {thousands(len(rows))} pekerja memenuhi syarat "
            f"({rupiah(summary['total_amount'])}); {thousands(len(narrowly))} hampir memenuhi{':' if narrowly else '.'}"
        )
        for warning in warnings:
            self.stdout.write(f"Perhatian: {warning}")
        for e, v in narrowly[:20]:
            self.stdout.write(f"  {mask_nik(e.worker.nik)} {e.worker.name} ({e.unit.code}): {v.failed[0]}")
        if len(narrowly) > 20:
            self.stdout.write(f"  … dan {len(narrowly) - 20} lainnya (lihat --out)")


def _tables(rule: BsuRule, rows: list[tuple[Employment, Any]], summary: dict[str, Any]) -> list[Table]:
    columns = [
        Column("Unit", "text", 12),
        Column("NIK", "text", 18),
        Column("Nama", "text", 30),
        Column("Kategori", "text", 22),
        Column("Keterangan", "text", 60),
    ]

    def table(title: str, chosen: list[tuple[Employment, Any]], note: str) -> Table:
        return Table(
            title,
            columns,
            [
                [
                    e.unit.code,
                    e.worker.nik,
                    e.worker.name,
                    e.get_category_display(),
                    "; ".join(v.failed) or "memenuhi syarat",
                ]
                for e, v in chosen
            ],
            note,
        )

    basis = (
        f"BSU {rule.year}, {rule.regulation}; aktif sampai {rule.active_through}; "
        f"data peserta {summary['participants']}."
    )
    return [
        table(
            "Memenuhi syarat",
            [(e, v) for e, v in rows if v.eligible],
            f"{basis} {rupiah(rule.amount)} seorang.",
        ),
        table(
            "Hampir memenuhi", [(e, v) for e, v in rows if v.narrowly], f"{basis} Satu syarat tidak terpenuhi: periksa."
        ),
        table("Tidak memenuhi", [(e, v) for e, v in rows if not v.eligible and not v.narrowly], basis),
    ]
