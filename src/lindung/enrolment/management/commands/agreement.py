from __future__ import annotations

import decimal
from decimal import Decimal
from typing import Any

from django.core.management.base import CommandParser

from lindung.cli import LindungCommand, actor, add_format, print_json
from lindung.enrolment.models import Agreement, Funder
from lindung.enrolment.services import FunderShare, add_agreement


class Command(LindungCommand):
    help = "Perjanjian (PKS/Perkada) kepesertaan sebuah Pemda: program, kelas risiko, tanggal berlaku, pendanaan."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="mencatat perjanjian (menjalankan ulang tidak mengubah apa pun)")
        add.add_argument("--employer", required=True, help="kode wilayah Pemda, mis. 74 atau 16.08")
        add.add_argument("--programs", required=True, help="mis. JKK,JKM atau JKK,JKM,JHT,JP,JKP")
        add.add_argument("--effective", required=True, help="tanggal berlaku YYYY-MM-DD")
        add.add_argument("--segment", choices=Agreement.Segment.values, default="ppu")
        add.add_argument("--risk-class", type=int, default=1, help="kelas risiko JKK 1-5 (bawaan 1)")
        add.add_argument(
            "--unit-class",
            action="append",
            default=[],
            metavar="UNIT=KELAS",
            help="kelas risiko per unit, mis. DAMKAR=3",
        )
        add.add_argument("--basis", choices=Agreement.Basis.values, default="", help="jenis dasar hukum")
        add.add_argument("--basis-number", default="", help="nomor PKS/Perkada")
        add.add_argument("--basis-date", help="tanggal PKS/Perkada YYYY-MM-DD")
        add.add_argument(
            "--worker-share", choices=Agreement.Payer.values, default="employer", help="siapa membayar iuran pekerja"
        )
        add.add_argument("--late-fee", action="store_true", help="kenakan denda 2%% per bulan keterlambatan")
        add.add_argument("--reported-wage", type=int, help="upah yang dilaporkan untuk semua pekerja (mis. UMP)")
        add.add_argument(
            "--funder",
            action="append",
            default=[],
            metavar="NAMA:JENIS:PERSEN",
            help=f"penyandang dana; jenis: {', '.join(Funder.Kind.values)}; mis. 'APBD Kab:kabkota:60'",
        )
        add.add_argument(
            "--override",
            action="append",
            default=[],
            metavar="KUNCI.FIELD=NILAI",
            help="nilai tarif yang belum pasti, mis. jkp.from_jkm.rate=0",
        )
        add_format(add)

    def handle(self, *args: Any, **options: Any) -> None:
        agreement, created = add_agreement(
            options["employer"],
            programs=options["programs"],
            effective_from=self.parse_day(options["effective"]),
            actor=actor(),
            segment=options["segment"],
            risk_class=options["risk_class"],
            basis=options["basis"],
            basis_number=options["basis_number"],
            basis_date=self.parse_day(options["basis_date"]) if options["basis_date"] else None,
            worker_share_payer=options["worker_share"],
            late_fee=options["late_fee"],
            reported_wage=options["reported_wage"],
            unit_classes=self._unit_classes(options["unit_class"]),
            funders=self._funders(options["funder"]),
            rate_overrides=self._overrides(options["override"]),
        )
        outcome = "created" if created else "unchanged"
        if options["format"] == "json":
            print_json(
                {
                    "outcome": outcome,
                    "employer": agreement.employer.region_id,
                    "segment": agreement.segment,
                    "programs": agreement.program_list,
                    "risk_class": agreement.risk_class,
                    "effective_from": agreement.effective_from,
                    "funders": [
                        {"name": f.name, "kind": f.kind, "share": str(f.share)} for f in agreement.funders.all()
                    ],
                }
            )
            return
        word = "dicatat" if created else "sudah tercatat, tidak diubah"
        self.stdout.write(
            f"Perjanjian {agreement.segment.upper()} {agreement.employer.name}: {agreement.programs}, "
            f"kelas risiko {agreement.risk_class}, berlaku {agreement.effective_from}: {word}"
        )

    def _unit_classes(self, items: list[str]) -> dict[str, int]:
        classes = {}
        for item in items:
            code, _, value = item.partition("=")
            if not code or not value.strip().isdigit():
                self.usage_error(f"--unit-class {item!r} harus berbentuk UNIT=KELAS, mis. DAMKAR=3")
            classes[code.strip()] = int(value)
        return classes

    def _funders(self, items: list[str]) -> list[FunderShare]:
        funders = []
        for item in items:
            parts = item.rsplit(":", 2)
            try:
                if len(parts) != 3:
                    raise decimal.InvalidOperation
                funders.append(FunderShare(parts[0].strip(), parts[1].strip(), Decimal(parts[2].strip())))
            except decimal.InvalidOperation:
                self.usage_error(f"--funder {item!r} harus berbentuk NAMA:JENIS:PERSEN, mis. 'APBD Kab:kabkota:60'")
        return funders

    def _overrides(self, items: list[str]) -> dict[str, dict[str, str]]:
        overrides: dict[str, dict[str, str]] = {}
        for item in items:
            target, _, value = item.partition("=")
            key, _, name = target.rpartition(".")
            if not key or not name or not value:
                self.usage_error(f"--override {item!r} harus berbentuk KUNCI.FIELD=NILAI, mis. jkp.from_jkm.rate=0")
            overrides.setdefault(key, {})[name] = value.strip()
        return overrides
