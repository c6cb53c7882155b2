from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser

from lindung.cli import EXIT_REJECTED, LindungCommand, actor, add_format, print_json
from lindung.documents import services
from lindung.documents.pdf import write_award, write_cards, write_certificate

STATES = {
    "asli": "ASLI dan berlaku",
    "diganti": "ASLI, tetapi sudah diganti",
    "dicabut": "ASLI, tetapi sudah DICABUT",
    "palsu": "TIDAK ASLI: token tidak dikenal atau diubah",
}


class Command(LindungCommand):
    help = "Sertifikat kepesertaan dan kartu peserta bernomor dengan kode QR: terbitkan, periksa, cabut."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        issue = sub.add_parser("issue", help="menerbitkan sertifikat Pemda atau kartu peserta (PDF)")
        issue.add_argument("--kind", required=True, choices=["employer", "card", "award"], help="employer, card, award")
        issue.add_argument("--employer", required=True, help="kode wilayah Pemda")
        issue.add_argument("--unit", help="kartu untuk satu unit kerja saja")
        issue.add_argument("--on", help="per tanggal YYYY-MM-DD (bawaan: hari ini)")
        issue.add_argument("--out", required=True, help="berkas PDF yang ditulis")
        issue.add_argument("--min-coverage", type=Decimal, help="piagam: cakupan minimal dalam persen, mis. 90")
        issue.add_argument("--every-unit", action="store_true", help="piagam: setiap unit kerja sudah mendaftar")
        add_format(issue)
        verify = sub.add_parser("verify", help="memeriksa keaslian dokumen dari tokennya (isi kode QR)")
        verify.add_argument("token", help="token dari alamat /verifikasi/<token>")
        add_format(verify)
        revoke = sub.add_parser("revoke", help="mencabut dokumen (dicatat siapa dan mengapa)")
        revoke.add_argument("number", help="nomor dokumen, mis. SERT-16.08-2026-000001")
        revoke.add_argument("--reason", required=True, help="alasan pencabutan")
        add_format(revoke)

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"_{options['action']}")(options)

    def _issue(self, options: dict[str, Any]) -> None:
        on = self.parse_day(options["on"]) if options["on"] else None
        out = Path(options["out"])
        if options["kind"] != "card" and options["unit"]:
            self.usage_error("--unit hanya untuk --kind card")
        if options["kind"] == "employer":
            docs = [services.issue_employer_certificate(options["employer"], actor=actor(), on=on)]
            write_certificate(docs[0], out)
        elif options["kind"] == "award":
            award = services.issue_award(
                options["employer"],
                actor=actor(),
                min_coverage=options["min_coverage"],
                every_unit=options["every_unit"],
                on=on,
            )
            docs = [award]
            write_award(award, out)
        else:
            docs = services.issue_cards(options["employer"], actor=actor(), unit=options["unit"], on=on)
            write_cards(docs, out)
        if options["format"] == "json":
            print_json(
                {
                    "file": str(out),
                    "documents": [{"number": d.number, "url": services.verification_url(d)} for d in docs],
                }
            )
            return
        self.stdout.write(
            f"{len(docs)} dokumen ditulis ke {out}: {docs[0].number}" + (" dst." if len(docs) > 1 else "")
        )

    def _verify(self, options: dict[str, Any]) -> None:
        verdict = services.verify(options["token"])
        if options["format"] == "json":
            print_json(verdict.as_dict())
        else:
            line = STATES[verdict.state]
            if verdict.document is not None:
                line = f"{verdict.document.number}: {line}"
            self.stdout.write(line)
        if verdict.state == "palsu":
            raise SystemExit(EXIT_REJECTED)

    def _revoke(self, options: dict[str, Any]) -> None:
        doc = services.revoke(options["number"], actor=actor(), reason=options["reason"])
        if options["format"] == "json":
            print_json({"number": doc.number, "state": doc.status, "revoked_at": doc.revoked_at})
        else:
            self.stdout.write(f"{doc.number} dicabut: {doc.revoked_reason}")
