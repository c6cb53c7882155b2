from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser
from django.utils import timezone

from lindung.billing.exports import write_invoice_xlsx, write_upload_file
from lindung.billing.models import Invoice
from lindung.billing.services import adjust_invoice, get_invoice, issue_invoice, statements
from lindung.cli import LindungCommand, actor, add_format, print_json
from lindung.domain.formats import rupiah
from lindung.domain.periods import FIRST_YEAR, LAST_YEAR, in_years, parse_period


class Command(LindungCommand):
    help = "Tagihan iuran bulanan: terbitkan, lihat, ekspor, koreksi."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser(
            "create", help="menerbitkan tagihan sebulan (menerbitkan ulang mengembalikan yang sama)"
        )
        create.add_argument("--employer", required=True, help="kode wilayah Pemda")
        create.add_argument("--period", required=True, help="bulan tagihan YYYY-MM")
        create.add_argument("--segment", choices=["ppu", "bpu"], default="ppu")
        part = create.add_mutually_exclusive_group()
        part.add_argument("--unit", help="hanya satu unit (kode unit)")
        part.add_argument("--divisi", help="hanya satu NPP divisi")
        add_format(create)
        show = sub.add_parser("show", help="rincian dan saldo sebuah tagihan")
        show.add_argument("number", help="nomor tagihan, mis. TAG-74-202405-PPU")
        add_format(show)
        export = sub.add_parser("export", help="tagihan sebagai .xlsx")
        export.add_argument("number")
        export.add_argument("--out", required=True, help="berkas .xlsx")
        upload = sub.add_parser("upload", help="berkas unggah kolektif untuk portal BPJS TK")
        upload.add_argument("number")
        upload.add_argument("--out", required=True, help="berkas .xlsx atau .csv")
        upload.add_argument("--layout", default="sipp_upah", help="tata letak kolom (bawaan sipp_upah)")
        adjust = sub.add_parser("adjust", help="menghitung ulang bulan tagihan; selisihnya menjadi koreksi bertanggal")
        adjust.add_argument("number")
        adjust.add_argument("--reason", required=True, help="alasan koreksi")
        adjust.add_argument("--on", help="tanggal koreksi YYYY-MM-DD (bawaan: hari ini)")
        add_format(adjust)

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "create":
            try:
                period = parse_period(options["period"])
            except ValueError:
                self.usage_error(f"--period {options['period']!r} harus berbentuk YYYY-MM")
            if not in_years(period):
                self.usage_error(f"--period {options['period']} di luar tahun {FIRST_YEAR}-{LAST_YEAR}")
            issued = issue_invoice(
                options["employer"],
                period,
                actor=actor(),
                segment=options["segment"],
                unit_code=options["unit"],
                divisi=options["divisi"],
            )
            self._show(issued.invoice, options, "created" if issued.created else "unchanged")
        elif action == "show":
            self._show(get_invoice(options["number"]), options, None)
        elif action == "export":
            write_invoice_xlsx(get_invoice(options["number"]), Path(options["out"]))
            self.stdout.write(f"Tagihan ditulis ke {options['out']}")
        elif action == "upload":
            rows = write_upload_file(get_invoice(options["number"]), Path(options["out"]), options["layout"])
            self.stdout.write(f"{rows} baris ditulis ke {options['out']} (tata letak {options['layout']})")
        elif action == "adjust":
            on = self.parse_day(options["on"]) if options["on"] else None
            adjustment = adjust_invoice(options["number"], actor=actor(), reason=options["reason"], on=on)
            data: dict[str, object] = (
                {"adjusted": False}
                if adjustment is None
                else {
                    "adjusted": True,
                    "on": adjustment.on,
                    "employer": adjustment.employer_amount,
                    "worker": adjustment.worker_amount,
                    "amount": adjustment.amount,
                    "memberships": len(adjustment.detail),
                }
            )
            if options["format"] == "json":
                print_json(data)
            elif adjustment is None:
                self.stdout.write("Tidak ada selisih; tidak ada koreksi")
            else:
                self.stdout.write(
                    f"Koreksi {adjustment.on}: {rupiah(adjustment.amount)} untuk {len(adjustment.detail)} peserta"
                )

    def _show(self, invoice: Invoice, options: dict[str, Any], outcome: str | None) -> None:
        statement = statements([invoice], timezone.localdate())[0]
        per_program: dict[str, list[int]] = {p: [0, 0] for p in invoice.programs.split(",")}
        for s in invoice.subtotals.all():
            per_program[s.program][0] += s.employer_amount
            per_program[s.program][1] += s.worker_amount
        funding = [(f.funder.name, f.amount) for f in invoice.funding.select_related("funder")]
        if options["format"] == "json":
            print_json(
                ({"outcome": outcome} if outcome else {})
                | {
                    "number": invoice.number,
                    "employer": invoice.employer.region_id,
                    "period": f"{invoice.period:%Y-%m}",
                    "segment": invoice.segment,
                    "scope": invoice.scope,
                    "due_date": invoice.due_date,
                    "workers": invoice.workers,
                    "employer_amount": invoice.employer_amount,
                    "worker_amount": invoice.worker_amount,
                    "total": invoice.total,
                    "programs": [
                        {"program": p, "employer": e, "worker": w, "total": e + w} for p, (e, w) in per_program.items()
                    ],
                    "funding": [{"funder": name, "amount": amount} for name, amount in funding],
                    "adjustments": statement.adjustments,
                    "paid": statement.paid,
                    "balance": statement.balance,
                    "late_fee": statement.late_fee,
                }
            )
            return
        word = {"created": "diterbitkan", "unchanged": "sudah ada, tidak diubah"}.get(outcome or "", "")
        self.stdout.write(f"{invoice.number} {word}".rstrip())
        self.stdout.write(
            f"{invoice.employer.name}, {invoice.period:%m/%Y}, {invoice.workers} peserta, "
            f"jatuh tempo {invoice.due_date}"
        )
        for program, (employer, worker) in per_program.items():
            self.stdout.write(f"  {program:<4} PK {rupiah(employer):>16}  TK {rupiah(worker):>14}")
        self.stdout.write(
            f"  Jumlah {rupiah(invoice.total)}; koreksi {rupiah(statement.adjustments)}; "
            f"dibayar {rupiah(statement.paid)}; saldo {rupiah(statement.balance)}"
        )
        for name, amount in funding:
            self.stdout.write(f"  {name}: {rupiah(amount)}")
