from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from lindung.billing.services import check_payment_amount, record_payment
from lindung.cli import LindungCommand, actor, add_format, print_json
from lindung.domain.formats import rupiah


class Command(LindungCommand):
    help = "Pembayaran iuran atas sebuah tagihan (sebagian, penuh atau lebih)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="mencatat pembayaran; kode iuran yang sama tidak dicatat dua kali")
        add.add_argument("--invoice", required=True, help="nomor tagihan")
        add.add_argument("--amount", required=True, type=int, help="jumlah dalam rupiah")
        add.add_argument("--date", required=True, help="tanggal bayar YYYY-MM-DD")
        add.add_argument("--billing-code", required=True, help="kode iuran / kode billing")
        add_format(add)

    def handle(self, *args: Any, **options: Any) -> None:
        self.within(lambda: check_payment_amount(options["amount"]))
        payment, created = record_payment(
            options["invoice"],
            amount=options["amount"],
            paid_on=self.parse_day(options["date"]),
            billing_code=options["billing_code"],
            actor=actor(),
        )
        if options["format"] == "json":
            print_json(
                {
                    "outcome": "created" if created else "unchanged",
                    "invoice": options["invoice"],
                    "amount": payment.amount,
                    "paid_on": payment.paid_on,
                    "billing_code": payment.billing_code,
                }
            )
            return
        word = "dicatat" if created else "sudah tercatat"
        self.stdout.write(f"Pembayaran {rupiah(payment.amount)} ({payment.billing_code}) {word}")
