from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser

from lindung.cli import LindungCommand, actor, add_format, print_json
from lindung.coverage.compliance import (
    PemdaCompliance,
    add_allocation,
    add_regulation,
    assess,
    default_day,
    load_weights,
)
from lindung.coverage.exposure import Exposure, LeftOut, exposure_table, left_out, sentence
from lindung.coverage.services import scope_employer_ids
from lindung.coverage.tables import Column, Table, write_xlsx
from lindung.domain.compliance import PILLAR_LABELS, PILLARS, Weights
from lindung.domain.coverage import percent
from lindung.domain.formats import rupiah
from lindung.domain.formats import thousands as _n
from lindung.domain.parsing import one_rupiah
from lindung.enrolment.models import Agreement
from lindung.registry.models import Employer


def _pct(value: Decimal | None) -> str:
    return "-" if value is None else f"{value}%".replace(".", ",")


def _dec(value: Decimal, places: int = 1) -> str:
    return f"{value:.{places}f}".replace(".", ",")


def _ids(region: str | None) -> list[int] | None:
    if region is None:
        return None
    if "." in region:
        return list(Employer.objects.filter(region_id=region).values_list("id", flat=True))
    return scope_employer_ids(region=region)


def _unprotected(by_code: dict[str, Exposure], code: str, unprotected: LeftOut) -> dict[str, int] | None:
    """The Pemda's left-out workers and what they could cost it; None when the rate data cannot say."""
    if unprotected.whole is None:
        return None
    found = by_code.get(code)
    return (
        {"workers": 0, "liability": 0, "monthly_cost": 0}
        if found is None
        else {"workers": found.workers, "liability": found.liability, "monthly_cost": found.monthly_cost}
    )


def _level(row: PemdaCompliance) -> str:
    return {"provinsi": "Provinsi", "kabupaten": "Kabupaten", "kota": "Kota"}.get(row.level, row.level)


def compliance_tables(rows: list[PemdaCompliance], weights: Weights, on: dt.date, year: int) -> list[Table]:
    note = f"Pemenuhan Inpres 2/2021 per {on.isoformat()}, anggaran tahun {year}"
    follow_up = Table(
        "Belum ada tindakan",
        [
            Column("Kode", width=9),
            Column("Pemda", width=40),
            Column("Tingkat", width=10),
            Column("Terdaftar", width=10),
        ],
        [[r.code, r.name, _level(r), "ya" if r.registered else "belum"] for r in rows if r.nothing_done],
        note=note + ": tanpa regulasi, tanpa peserta, tanpa alokasi dan tanpa pembayaran",
    )
    ranking = Table(
        "Peringkat Inpres",
        [
            Column("Peringkat nasional", "int", 10),
            Column("Peringkat provinsi", "int", 10),
            Column("Kode", width=9),
            Column("Pemda", width=40),
            Column("Skor (0-100)", "percent", 10),
            Column("Regulasi", "percent", 9),
            Column("Jenis regulasi", width=10),
            Column("Nomor", width=24),
            Column("Tanggal", "date", 11),
            Column("Cakupan", "percent", 9),
            Column("Pekerja non-ASN", "int", 11),
            Column("Non-ASN terdaftar", "int", 11),
            Column("Pekerja rentan", "int", 11),
            Column("Rentan terdaftar", "int", 11),
            Column("Anggaran", "percent", 9),
            Column("Alokasi APBD (Rp)", "money", 16),
            Column("Dibayar (Rp)", "money", 16),
            Column("Integrasi", "percent", 9),
            Column("Peserta ber-KPJ", "int", 11),
            Column("Belum ada tindakan", width=10),
        ],
        [
            [
                r.rank_nation,
                r.rank_province,
                r.code,
                r.name,
                r.score.total,
                r.score.pillars["regulasi"],
                r.regulation.kind if r.regulation else None,
                r.regulation.number if r.regulation else None,
                r.regulation.issued_on if r.regulation else None,
                r.score.pillars["coverage"],
                r.facts.non_asn_workers,
                r.facts.non_asn_enrolled,
                r.facts.vulnerable_workers,
                r.facts.vulnerable_enrolled,
                r.score.pillars["anggaran"],
                r.facts.allocated,
                r.facts.paid,
                r.score.pillars["integrasi"],
                r.facts.with_kpj,
                "ya" if r.nothing_done else "",
            ]
            for r in rows
        ],
        note=note + "; skor pilar 0-1, skor total 0-100",
    )
    weight_rows: list[list[str | int | Decimal | dt.date | None]] = [["pilar", p, weights.pillars[p]] for p in PILLARS]
    weight_rows += [["regulasi", k, v] for k, v in weights.regulation.items()]
    weight_rows += [["cakupan", k, v] for k, v in weights.coverage.items()]
    weight_rows += [["anggaran", k, v] for k, v in weights.budget.items()]
    table = Table(
        "Bobot", [Column("Bagian", width=12), Column("Unsur", width=12), Column("Bobot", width=8)], weight_rows
    )
    return [follow_up, ranking, table]


class Command(LindungCommand):
    help = (
        "Pemenuhan Inpres 2/2021 per Pemda pada empat pilar (regulasi, cakupan, anggaran, integrasi): skor, "
        "peringkat provinsi dan nasional, Pemda yang belum ada tindakan; serta pencatatan regulasi dan alokasi APBD."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--region", help="kode provinsi atau kab/kota (bawaan: nasional)")
        parser.add_argument("--on", help="per tanggal YYYY-MM-DD (bawaan: hari ini, atau akhir --year)")
        parser.add_argument("--year", type=int, help="tahun anggaran (bawaan: tahun --on)")
        parser.add_argument("--weights", type=Path, help="berkas bobot .toml lain (bawaan: coverage/weights.toml)")
        parser.add_argument("--xlsx", type=Path, help="simpan tabel ke berkas .xlsx")
        add_format(parser)
        sub = parser.add_subparsers(dest="action")
        regulation = sub.add_parser("regulation", help="mencatat regulasi Pemda (PKS, Perkada, Perda, nota)")
        regulation.add_argument("--employer", required=True, help="kode wilayah Pemda")
        regulation.add_argument("--kind", required=True, choices=Agreement.Basis.values, help="jenis regulasi")
        regulation.add_argument("--number", required=True, help="nomor regulasi")
        regulation.add_argument("--date", required=True, help="tanggal ditetapkan YYYY-MM-DD")
        regulation.add_argument("--title", default="", help="judul")
        add_format(regulation)
        allocation = sub.add_parser("allocation", help="mencatat alokasi APBD setahun untuk iuran")
        allocation.add_argument("--employer", required=True, help="kode wilayah Pemda")
        allocation.add_argument("--year", required=True, type=int, help="tahun anggaran")
        allocation.add_argument("--amount", required=True, help="rupiah, mis. 1250000000")
        allocation.add_argument("--basis", default="", help="dasar, mis. nomor DPA atau Perda APBD")
        add_format(allocation)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "regulation":
            regulation, written = add_regulation(
                options["employer"],
                options["kind"],
                options["number"],
                self.parse_day(options["date"]),
                title=options["title"],
                actor=actor(),
            )
            self._recorded(
                options,
                written,
                {
                    "employer": regulation.employer.region_id,
                    "kind": regulation.kind,
                    "number": regulation.number,
                    "date": regulation.issued_on,
                    "title": regulation.title,
                },
                f"{regulation.get_kind_display()} {regulation.number} tanggal {regulation.issued_on}",
            )
        elif options["action"] == "allocation":
            amount, sen = one_rupiah(options["amount"])
            if amount is None or sen:
                self.usage_error(
                    f"--amount {options['amount']!r} harus rupiah utuh, mis. 1250000000 atau Rp1.250.000.000"
                )
            allocation, written = add_allocation(
                options["employer"], options["year"], amount, basis=options["basis"], actor=actor()
            )
            self._recorded(
                options,
                written,
                {
                    "employer": allocation.employer.region_id,
                    "year": allocation.year,
                    "amount": allocation.amount,
                    "basis": allocation.basis,
                },
                f"Alokasi APBD {allocation.year} {rupiah(allocation.amount)}",
            )
        else:
            self._assess(options)

    def _recorded(self, options: dict[str, Any], written: bool, data: dict[str, Any], text: str) -> None:
        if options["format"] == "json":
            print_json({"outcome": "written" if written else "unchanged"} | data)
        else:
            self.stdout.write(f"{data['employer']}: {text} ({'dicatat' if written else 'sudah sama, tidak diubah'})")

    def _assess(self, options: dict[str, Any]) -> None:
        year = options["year"]
        on = self.parse_day(options["on"]) if options["on"] else default_day(year)
        year = year or on.year
        weights = load_weights(options["weights"])
        rows = assess(on, region=options["region"], year=year, weights_path=options["weights"])
        unprotected = left_out(
            on, _ids(options["region"]), options["region"] or "", "" if options["region"] else "Nasional", by_unit=False
        )
        by_code = {e.code: e for e in unprotected.parts}
        if options["xlsx"]:
            liability = exposure_table(unprotected, on)
            write_xlsx(
                options["xlsx"], [*compliance_tables(rows, weights, on, year), *([liability] if liability else [])]
            )
        if options["format"] == "json":
            print_json(
                {
                    "on": on,
                    "year": year,
                    "region": options["region"],
                    "weights": weights.as_dict(),
                    "follow_up": [
                        {
                            "code": r.code,
                            "name": r.name,
                            "level": r.level,
                            "province": r.province,
                            "registered": r.registered,
                        }
                        for r in rows
                        if r.nothing_done
                    ],
                    "ranking": [
                        r.as_dict() | {"unprotected": _unprotected(by_code, r.code, unprotected)} for r in rows
                    ],
                    "unprotected": None if unprotected.whole is None else unprotected.whole.as_dict(),
                }
            )
            return
        self._print(rows, weights, on, year)
        self._print_left_out(unprotected)

    def _print_left_out(self, unprotected: LeftOut) -> None:
        if unprotected.whole is None:
            self.stdout.write(f"Tanggungan Pemda atas pekerja tanpa perlindungan tidak dihitung: {unprotected.missing}")
        elif unprotected.whole.workers:
            self.stdout.write(sentence(unprotected.whole))
            for e in unprotected.parts[:10]:
                self.stdout.write(
                    f"  {e.code:<6} {e.name}: {_n(e.workers)} pekerja, tanggungan {rupiah(e.liability)}, "
                    f"iuran {rupiah(e.monthly_cost)}/bulan"
                )

    def _print(self, rows: list[PemdaCompliance], weights: Weights, on: dt.date, year: int) -> None:
        out = self.stdout.write
        pillars = ", ".join(f"{PILLAR_LABELS[p]} {weights.pillars[p].normalize():f}" for p in PILLARS)
        out(f"Pemenuhan Inpres 2/2021 per {on}, anggaran {year}. Bobot: {pillars}")
        idle = [r for r in rows if r.nothing_done]
        out(f"Belum ada tindakan ({len(idle)} Pemda: tanpa regulasi, peserta, alokasi maupun pembayaran):")
        for r in idle:
            out(f"  {r.code:<6} {r.name}{'' if r.registered else ' (belum terdaftar di lindung)'}")
        active = [r for r in rows if not r.nothing_done]
        out(f"Peringkat ({len(active)} Pemda sudah bertindak; nasional/provinsi, skor 0-100):")
        for r in active:
            f, s = r.facts, r.score
            basis = (
                f"{r.regulation.kind} {r.regulation.number} ({r.regulation.issued_on})" if r.regulation else "belum ada"
            )
            out(f"  {r.rank_nation:>3}/{r.rank_province:<3} {r.code:<6} {r.name}: {_dec(s.total)}")
            out(
                f"      regulasi {_dec(s.pillars['regulasi'], 2)} [{basis}]; "
                f"cakupan {_dec(s.pillars['coverage'], 2)} [non-ASN {_n(f.non_asn_enrolled)}/{_n(f.non_asn_workers)}, "
                f"rentan {_n(f.vulnerable_enrolled)}/{_n(f.vulnerable_workers)}]; "
                f"anggaran {_dec(s.pillars['anggaran'], 2)} [alokasi {rupiah(f.allocated)}, dibayar {rupiah(f.paid)}]; "
                f"integrasi {_dec(s.pillars['integrasi'], 2)} [KPJ {_n(f.with_kpj)}/{_n(f.enrolled)} "
                f"{_pct(percent(f.with_kpj, f.enrolled))}]"
            )
        if idle:
            out(f"  {len(idle)} Pemda belum ada tindakan: skor 0, peringkat nasional {idle[0].rank_nation}")
