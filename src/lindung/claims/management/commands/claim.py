from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import CommandParser
from django.utils import timezone

from lindung.accounts.scope import Scope, scope_of
from lindung.claims import services
from lindung.claims.family import read_family
from lindung.cli import LindungCommand, add_format, print_json
from lindung.domain.benefits import parse_parts
from lindung.domain.claims import DOCUMENTS, KINDS, OUTCOMES
from lindung.domain.errors import NotFound
from lindung.domain.formats import rupiah


class Command(LindungCommand):
    help = (
        "Klaim JKK dan JKM: laporkan kejadian, catat hasil (tahap II), ahli waris dan berkas, putuskan, bayar. "
        "Setiap tindakan atas nama seorang pengguna (--user) dan dalam lingkupnya."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        report = sub.add_parser("report", help="melaporkan kecelakaan kerja, penyakit akibat kerja atau kematian")
        report.add_argument("--user", required=True, help="admin OPD atau admin Pemda yang melapor")
        report.add_argument("--nik", required=True, help="NIK pekerja")
        report.add_argument("--kind", required=True, choices=list(KINDS), help="jkk_accident, jkk_disease, jkm")
        report.add_argument("--at", required=True, help="waktu kejadian YYYY-MM-DDTHH:MM (atau tanggal saja)")
        report.add_argument("--place", required=True, help="tempat kejadian")
        report.add_argument("--description", required=True, help="apa yang terjadi")
        report.add_argument("--unit", help="kode unit, bila pekerja bertugas di beberapa unit")
        report.add_argument("--wage", type=int, help="upah pada hari kejadian (bawaan: upah penugasan)")
        report.add_argument("--wage-reason", default="", help="alasan bila upah berbeda dari penugasan")
        add_format(report)
        outcome = sub.add_parser("outcome", help="laporan tahap II: hasil menurut surat keterangan dokter")
        outcome.add_argument("number")
        outcome.add_argument("--user", required=True)
        outcome.add_argument("--outcome", required=True, choices=list(OUTCOMES), help=", ".join(OUTCOMES))
        outcome.add_argument(
            "--part",
            action="append",
            default=[],
            metavar="BAGIAN[:PERSEN]",
            help="cacat sebagian: bagian tubuh (lindung benefit --parts), :PERSEN = fungsi yang hilang",
        )
        outcome.add_argument("--doctor-at", required=True, help="tanggal surat dokter YYYY-MM-DD[THH:MM]")
        add_format(outcome)
        heirs = sub.add_parser("heirs", help="anggota keluarga dari KK (CSV seperti `lindung heirs --family`)")
        heirs.add_argument("number")
        heirs.add_argument("--user", required=True)
        heirs.add_argument("--family", required=True, type=Path)
        add_format(heirs)
        attach = sub.add_parser("attach", help="melampirkan berkas PDF atau JPEG")
        attach.add_argument("number")
        attach.add_argument("--user", required=True)
        attach.add_argument("--document", required=True, choices=list(DOCUMENTS), help="jenis berkas")
        attach.add_argument("file", type=Path)
        add_format(attach)
        show = sub.add_parser("show", help="status, perlindungan pada hari kejadian, manfaat, berkas, riwayat")
        show.add_argument("number")
        show.add_argument("--user", required=True)
        add_format(show)
        decide = sub.add_parser("decide", help="complete (OPD/Pemda); return, verify, approve, reject (cabang)")
        decide.add_argument("number")
        decide.add_argument("--user", required=True)
        decide.add_argument(
            "--action", dest="move", required=True, choices=["complete", "return", "verify", "approve", "reject"]
        )
        decide.add_argument("--reason", default="", help="wajib untuk return dan reject")
        add_format(decide)
        pay = sub.add_parser("pay", help="mencatat pembayaran manfaat klaim yang disetujui (cabang)")
        pay.add_argument("number")
        pay.add_argument("--user", required=True)
        pay.add_argument("--amount", required=True, type=int, help="rupiah yang dibayar")
        pay.add_argument("--date", required=True, help="tanggal bayar YYYY-MM-DD")
        pay.add_argument("--reference", required=True, help="nomor referensi pembayaran")
        pay.add_argument("--reason", default="", help="wajib bila jumlah berbeda dari manfaat yang dihitung")
        add_format(pay)

    def handle(self, *args: Any, **options: Any) -> None:
        scope = self._scope(options["user"])
        actor = f"cli:{options['user']}"
        action = options["action"]
        if action == "report":
            claim = services.report_claim(
                scope,
                nik=options["nik"],
                kind=options["kind"],
                event_at=self._moment(options["at"]),
                place=options["place"],
                description=options["description"],
                actor=actor,
                unit_code=options["unit"],
                wage=options["wage"],
                wage_reason=options["wage_reason"],
            )
        elif action == "outcome":
            claim = services.record_outcome(
                scope,
                options["number"],
                outcome=options["outcome"],
                doctor_at=self._moment(options["doctor_at"]),
                actor=actor,
                parts=parse_parts(options["part"]),
            )
        elif action == "heirs":
            family = read_family(options["family"], timezone.localdate())
            claim = services.set_heirs(scope, options["number"], family, actor=actor)
        elif action == "attach":
            path: Path = options["file"]
            if not path.is_file():
                self.usage_error(f"Berkas {path} tidak ditemukan")
            services.attach_document(
                scope,
                options["number"],
                kind=options["document"],
                filename=path.name,
                data=path.read_bytes(),
                actor=actor,
            )
            claim = services.get_claim(scope, options["number"])
        elif action == "decide":
            claim = services.decide(scope, options["number"], options["move"], actor=actor, reason=options["reason"])
        elif action == "pay":
            claim = services.pay(
                scope,
                options["number"],
                amount=options["amount"],
                paid_on=self.parse_day(options["date"]),
                reference=options["reference"],
                actor=actor,
                reason=options["reason"],
            )
        else:
            claim = services.get_claim(scope, options["number"])
        self._print(claim, options)

    def _scope(self, username: str) -> Scope:
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise NotFound(f"Pengguna {username} tidak ada atau nonaktif")
        return scope_of(user)

    def _moment(self, text: str) -> dt.datetime:
        try:
            value = dt.datetime.fromisoformat(text)
        except ValueError:
            self.usage_error(f"Waktu {text!r} harus berbentuk YYYY-MM-DD atau YYYY-MM-DDTHH:MM")
        return timezone.make_aware(value) if timezone.is_naive(value) else value

    def _print(self, claim: Any, options: dict[str, Any]) -> None:
        data = services.as_dict(claim)
        if options["format"] == "json":
            print_json(data)
            return
        w = data["worker"]
        self.stdout.write(f"{data['number']}: {data['state_label']} ({KINDS[data['kind']]}), {w['name']} {w['nik']}")
        self.stdout.write(f"  Kejadian {data['event_at']} di {data['place']}; upah {rupiah(data['wage'])}")
        verdict = "TERLINDUNGI" if data["covered"] else "TIDAK TERLINDUNGI: Pemda menanggung manfaatnya sendiri"
        cov = data["coverage"]
        self.stdout.write(f"  Pada hari kejadian: {verdict} ({cov.get('membership')}; {cov.get('contribution', '-')})")
        for d in data["deadlines"]:
            late = " TERLAMBAT" if d["missed"] else ""
            self.stdout.write(f"  {d['what']}: batas {d['due']}{late}")
        benefit = data["benefit"]
        if "total" in benefit:
            self.stdout.write(f"  Manfaat dihitung: {rupiah(benefit['total'])}")
        else:
            self.stdout.write(f"  Manfaat: {benefit.get('pending')}")
        if data["missing_documents"]:
            self.stdout.write("  Berkas kurang: " + ", ".join(DOCUMENTS[d] for d in data["missing_documents"]))
        for flag in (data["heirs"] or {}).get("needs_decision", []):
            self.stdout.write(f"  PERLU KEPUTUSAN: {flag}")
        self.stdout.write(f"  Langkah berikutnya: {data['next_step']}")
        for task in data["follow_ups"][:6]:
            late = " (LEWAT)" if task["overdue"] else ""
            self.stdout.write(f"  Tindak lanjut {task['due']}{late}: {task['what']}")
        if len(data["follow_ups"]) > 6:
            self.stdout.write(f"  … dan {len(data['follow_ups']) - 6} tindak lanjut lagi (lihat --format json)")
