from __future__ import annotations

import shutil
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser

from lindung import preflight
from lindung.cli import EXIT_REJECTED, LindungCommand, actor, add_format, print_json, progress_bar
from lindung.documents import jobs, services
from lindung.documents.models import CardJob, Document
from lindung.documents.pdf import write_award, write_certificate

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
        issue.add_argument(
            "--out", required=True, help="berkas yang ditulis: .pdf (kartu juga .zip, satu PDF per unit)"
        )
        issue.add_argument("--force", action="store_true", help="menimpa --out yang sudah ada")
        issue.add_argument("--reason", default="", help="alasan penerbitan ulang (wajib bila menggantikan dokumen)")
        issue.add_argument("--min-coverage", type=Decimal, help="piagam: cakupan minimal dalam persen, mis. 90")
        issue.add_argument("--every-unit", action="store_true", help="piagam: setiap unit kerja sudah mendaftar")
        issue.add_argument(
            "--branch", help="sertifikat/piagam: kode kantor cabang penerbit (bawaan: yang wilayahnya memuat Pemda)"
        )
        issue.add_argument("--signer-name", default="", help="nama penanda tangan (kosong: garis untuk ditulis tangan)")
        issue.add_argument("--signer-title", default="", help="jabatan penanda tangan (bawaan: Kepala Kantor Cabang)")
        issue.add_argument("--signer-number", default="", help="NIP/NPK penanda tangan, mis. 'NPK 12345'")
        issue.add_argument("--place", default="", help="tempat penandatanganan (bawaan: kota kantor cabang)")
        issue.add_argument(
            "--cards",
            choices=CardJob.Cards.values,
            default=CardJob.Cards.ALL,
            help="kartu: new (yang belum punya), all (kartu yang berlaku, yang belum punya dibuatkan), "
            "reissue (semua diterbitkan ulang, perlu --reason)",
        )
        issue.add_argument(
            "--per-part", type=int, default=500, help="kartu: kartu per bagian; yang terputus dilanjutkan per bagian"
        )
        add_format(issue)
        resume = sub.add_parser("resume", help="melanjutkan pencetakan kartu yang terputus")
        resume.add_argument("job", help="nomor pekerjaan yang dicetak saat terputus")
        resume.add_argument("--out", required=True, help="berkas yang ditulis")
        resume.add_argument("--force", action="store_true", help="menimpa --out yang sudah ada")
        add_format(resume)
        verify = sub.add_parser("verify", help="memeriksa keaslian dokumen dari tokennya (isi kode QR)")
        verify.add_argument(
            "token",
            help="token dari alamat /verifikasi/<token>, alamat itu sendiri, atau nomor dokumen "
            "(token lama yang diawali '-' ditulis setelah '--')",
        )
        add_format(verify)
        revoke = sub.add_parser("revoke", help="mencabut dokumen (dicatat siapa dan mengapa)")
        revoke.add_argument("number", help="nomor dokumen, mis. SERT-16.08-2026-000001")
        revoke.add_argument("--reason", required=True, help="alasan pencabutan")
        add_format(revoke)

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"_{options['action']}")(options)

    def _target(self, options: dict[str, Any], suffixes: tuple[str, ...]) -> Path:
        out = Path(options["out"])
        if out.suffix.lower() not in suffixes:
            self.usage_error(f"--out harus berakhiran {' atau '.join(suffixes)}")
        if out.exists() and not options["force"]:
            self.usage_error(f"{out} sudah ada; pakai --force untuk menimpanya")
        if not out.parent.is_dir():
            self.usage_error(f"Folder {out.parent} tidak ada")
        return out

    def _issue(self, options: dict[str, Any]) -> None:
        for notice in preflight.warnings():  # the QR codes about to be printed point to this machine
            self.stderr.write(notice.text())
        on = self.parse_day(options["on"]) if options["on"] else None
        if options["kind"] != "card" and options["unit"]:
            self.usage_error("--unit hanya untuk --kind card")
        if options["kind"] == "card":
            out = self._target(options, (".pdf", ".zip"))
            job = jobs.create_job(
                options["employer"],
                actor=actor(),
                unit=options["unit"],
                cards=options["cards"],
                output=out.suffix.lower().lstrip("."),
                reason=options["reason"],
                on=on,
                part_size=options["per_part"],
            )
            self._print_cards(job, out, options)
            return
        out = self._target(options, (".pdf",))
        signer = services.Signer(
            options["signer_name"], options["signer_title"], options["signer_number"], options["place"]
        )
        if options["kind"] == "employer":
            doc = services.issue_employer_certificate(
                options["employer"],
                actor=actor(),
                on=on,
                reason=options["reason"],
                branch=options["branch"],
                signer=signer,
            )
            write_certificate(doc, out)
        else:
            doc = services.issue_award(
                options["employer"],
                actor=actor(),
                min_coverage=options["min_coverage"],
                every_unit=options["every_unit"],
                on=on,
                branch=options["branch"],
                signer=signer,
            )
            write_award(doc, out)
        self._report(out, [doc], options)

    def _resume(self, options: dict[str, Any]) -> None:
        job = CardJob.objects.filter(pk=options["job"]).first() if _is_uuid(options["job"]) else None
        if job is None:
            self.usage_error(f"Pekerjaan {options['job']} tidak ditemukan")
        out = self._target(options, (f".{job.output}",))
        self._print_cards(job, out, options)

    def _print_cards(self, job: CardJob, out: Path, options: dict[str, Any]) -> None:
        """Run the card job here with a progress bar; an interruption says how to resume."""
        if options["format"] == "text":
            self.stderr.write(
                f"Pekerjaan cetak kartu {job.pk}; bila terputus: lindung certificate resume {job.pk} --out {out}"
            )
        try:
            with progress_bar(options["format"] == "text") as progress:
                job = jobs.run_job(str(job.pk), lambda j: progress("kartu", j.written, j.total))
        except KeyboardInterrupt:
            self.stderr.write(f"Dihentikan. Lanjutkan dengan: lindung certificate resume {job.pk} --out {out}")
            raise SystemExit(EXIT_REJECTED) from None
        if job.status != CardJob.Status.DONE:
            self.stderr.write(f"{job.message} (pekerjaan {job.pk})")
            raise SystemExit(EXIT_REJECTED)
        shutil.copyfile(jobs.output_path(job), out)
        self._report(out, jobs.cards_of(job), options, job=str(job.pk))

    def _report(self, out: Path, docs: list[Document], options: dict[str, Any], job: str | None = None) -> None:
        if options["format"] == "json":
            print_json(
                {
                    "file": str(out),
                    "job": job,
                    "documents": [{"number": d.number, "url": services.verification_url(d)} for d in docs],
                }
            )
            return
        self.stdout.write(
            f"{len(docs)} dokumen ditulis ke {out}: {docs[0].number}" + (" dst." if len(docs) > 1 else "")
        )

    def _verify(self, options: dict[str, Any]) -> None:
        given = options["token"].strip().rstrip("/")
        if given.startswith(tuple(f"{p}-" for p in services.PREFIX.values())):
            verdict = services.verify_number(given)
        else:
            verdict = services.verify(given.rsplit("/verifikasi/", 1)[-1])
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


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True
