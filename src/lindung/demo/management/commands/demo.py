from __future__ import annotations

import time
from typing import Any

from django.core.management.base import CommandParser

from lindung.cli import LindungCommand, actor, add_format, print_json
from lindung.demo.billing import run_billing_demo
from lindung.demo.claims import run_claims_demo
from lindung.demo.coverage import run_coverage_demo
from lindung.demo.reconcile import run_reconcile_demo
from lindung.demo.scenario import run_demo
from lindung.demo.users import DEMO_PASSWORD, DEMO_USERS, run_users_demo
from lindung.domain.formats import thousands as _n


class Command(LindungCommand):
    help = "Mengisi basis data dengan skenario demo dari kisah-kisah Pemda (aman dijalankan ulang)."

    def add_arguments(self, parser: CommandParser) -> None:
        add_format(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        text = options["format"] == "text"

        def stage(number: int, what: str) -> None:
            # A line per stage on stderr, so the first run (about half a minute) is never silent.
            if text:
                self.stderr.write(f"Demo {number}/5 ({time.perf_counter() - started:4.1f} s): {what} …")
                self.stderr.flush()

        stage(1, "Pemda, unit kerja dan pekerja dari kisah-kisahnya")
        result = run_demo(actor())
        stage(2, "perjanjian, pendaftaran, tagihan dan pembayaran")
        billing = run_billing_demo(actor())
        stage(3, "pendaftaran 2018-2019, target, angka wilayah, Inpres 2/2021, KPJ")
        coverage = run_coverage_demo(actor())
        stage(4, "akun demo dan klaim")
        users = run_users_demo(actor())
        claims = run_claims_demo()
        stage(5, "rekonsiliasi OKU Timur dengan data peserta BPJS TK dan pendataan BKN")
        reconciled = run_reconcile_demo(actor())
        seconds = time.perf_counter() - started
        if options["format"] == "json":
            print_json(
                result.as_dict()
                | {
                    "billing": billing.as_dict(),
                    "coverage": coverage.as_dict(),
                    "users": users,
                    "claims": claims,
                    "reconcile": None if reconciled is None else reconciled.findings,
                    "seconds": round(seconds, 1),
                }
            )
            return
        width = max(len(e.name) for e in result.employers)
        for e in result.employers:
            state = "dibuat" if e.created else "sudah ada"
            self.stdout.write(f"{e.code:<6} {e.name:<{width}}  {e.units:>3} unit  {_n(e.workers):>6} pekerja  {state}")
        for b in result.branches:
            state = "dibuat/diperbarui" if b.changed else "sudah ada"
            self.stdout.write(f"Kantor cabang {b.code} {b.name}: {b.territory} kab/kota, {state}")
        self.stdout.write(
            f"Perjanjian: {billing.agreements} baru; {_n(billing.enrolled)} peserta didaftarkan; "
            f"{billing.invoices} tagihan dan {billing.payments} pembayaran baru."
        )
        self.stdout.write(
            f"Cakupan: {_n(coverage.enrolled)} peserta dari pendaftaran 2018-2019, {coverage.targets} target, "
            f"{coverage.regional} angka wilayah, {coverage.regulations} regulasi, {coverage.allocations} alokasi APBD, "
            f"{_n(coverage.kpj)} KPJ baru."
        )
        if claims:
            self.stdout.write(f"Klaim: {claims} kasus demo (dilaporkan, diverifikasi, ditolak, dibayar; lihat README).")
        if reconciled is not None:
            counts = ", ".join(f"{kind} {n}" for kind, n in reconciled.findings.items())
            self.stdout.write(
                f"Rekonsiliasi 16.08: {_n(reconciled.participants)} baris peserta BPJS TK, {_n(reconciled.census)} "
                f"baris pendataan BKN; temuan {counts} (halaman Rekonsiliasi)."
            )
        logins = ", ".join(u.username for u in DEMO_USERS)
        self.stdout.write(
            f"Akun demo ({users} baru): {logins}; kata sandi {DEMO_PASSWORD} (hanya untuk demo, lihat README)."
        )
        created = [e for e in result.employers if e.created]
        if not result.changed:
            self.stdout.write(
                f"Tidak ada yang berubah: data demo sudah ada ({len(result.employers)} Pemda, "
                f"{_n(sum(e.workers for e in result.employers))} pekerja)."
            )
            return
        self.stdout.write(
            f"Jumlah: {len(created)} Pemda baru, {_n(sum(e.units for e in created))} unit, "
            f"{_n(sum(e.workers for e in created))} pekerja; "
            f"{len(result.employers) - len(created)} Pemda sudah ada dan dilewati "
            f"(perubahan #{result.changeset_id}, {seconds:.1f} detik)."
        )
        if result.dropped:
            self.stdout.write(f"{_n(result.dropped)} pekerja demo tidak dibuat karena NIK-nya sudah terdaftar.")
