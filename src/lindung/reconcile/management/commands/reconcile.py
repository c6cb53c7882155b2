from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import CommandParser
from django.utils import timezone

from lindung.accounts.roles import Role
from lindung.accounts.scope import Scope, scope_of
from lindung.cli import EXIT_REJECTED, LindungCommand, actor, add_format, format_issue, print_json, progress_bar
from lindung.coverage.tables import Column, Table, write_xlsx
from lindung.domain.errors import NotFound
from lindung.domain.reconcile import DESCRIPTIONS, KINDS, RESOLUTIONS, STATES
from lindung.reconcile import services
from lindung.reconcile.loading import load_source, target_of

SHOW_ITEMS = 50
SHOW_ISSUES = 200
# The command line on the machine itself acts for the whole installation, as `lindung coverage` does;
# --user acts in that user's scope.
MACHINE = Scope(user_id=None, role=Role.SUPERUSER, employer_ids=None)


def _add_target(parser: CommandParser) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--employer", help="kode wilayah Pemda, mis. 13.11")
    group.add_argument("--branch", help="kode kantor cabang BPJS TK")
    group.add_argument("--national", action="store_true", help="seluruh Indonesia")
    parser.add_argument("--user", help="bertindak sebagai pengguna ini, dalam lingkupnya (bawaan: operator mesin)")
    add_format(parser)


class Command(LindungCommand):
    help = (
        "Rekonsiliasi daftar OPD dengan data peserta BPJS Ketenagakerjaan dan pendataan non-ASN BKN: muat berkas, "
        "jalankan, lihat dan selesaikan temuan."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="memuat data peserta BPJS TK (--source bpjstk) atau pendataan BKN (bkn)")
        load.add_argument("file", type=Path, help="berkas .csv, .xlsx atau .parquet")
        load.add_argument("--source", required=True, choices=["bpjstk", "bkn"])
        load.add_argument("--date", help="tanggal data YYYY-MM-DD (bawaan: tanggal berkas diubah)")
        load.add_argument("--force", action="store_true", help="muat juga bila berkas lebih lama dari yang berlaku")
        load.add_argument("--partial", action="store_true", help="muat baris yang sah saja")
        _add_target(load)
        run = sub.add_parser("run", help="mencocokkan dan mencatat temuan per tanggal")
        run.add_argument("--on", help="per tanggal YYYY-MM-DD (bawaan: hari ini)")
        run.add_argument(
            "--months-unpaid", type=int, default=3, help="iuran menunggak sekian bulan = tidak terlindungi (bawaan 3)"
        )
        run.add_argument("--out", type=Path, help="tulis daftar temuan ke berkas .xlsx")
        _add_target(run)
        listing = sub.add_parser("findings", help="daftar temuan yang tercatat")
        listing.add_argument("--employer")
        listing.add_argument("--unit", help="kode unit kerja")
        listing.add_argument("--kind", choices=list(KINDS))
        listing.add_argument("--state", choices=list(STATES))
        listing.add_argument("--user")
        add_format(listing)
        resolve = sub.add_parser("resolve", help="menyelesaikan satu temuan dengan catatan")
        resolve.add_argument("key", help="kunci temuan (dari `reconcile run` atau `reconcile findings`)")
        resolve.add_argument("--resolution", required=True, choices=list(RESOLUTIONS))
        resolve.add_argument("--note", required=True, help="apa yang dilakukan atau mengapa")
        resolve.add_argument("--user")
        add_format(resolve)
        hist = sub.add_parser("history", help="riwayat satu temuan")
        hist.add_argument("key")
        hist.add_argument("--user")
        add_format(hist)

    def handle(self, *args: Any, **options: Any) -> None:
        scope = self._scope(options.get("user"))
        who = f"cli:{options['user']}" if options.get("user") else actor()
        action = options["action"]
        if action == "load":
            self._load(scope, who, options)
        elif action == "run":
            self._run(scope, who, options)
        elif action == "findings":
            self._findings(scope, options)
        elif action == "resolve":
            finding = services.resolve_finding(
                scope, options["key"], resolution=options["resolution"], note=options["note"], actor=who
            )
            data = services.finding_dict(finding)
            if options["format"] == "json":
                print_json(data)
            else:
                self.stdout.write(
                    f"Temuan {finding.key[:12]} ({data['kind_label']}, {data['nik_masked']}): {data['state_label']}, "
                    f"{RESOLUTIONS[finding.resolution]}."
                )
        else:
            events = services.history(scope, options["key"])
            if options["format"] == "json":
                print_json(
                    [
                        {
                            "at": e.at.isoformat(),
                            "actor": e.actor,
                            "action": e.action,
                            "state_before": e.state_before or None,
                            "state_after": e.state_after,
                            "resolution": e.resolution or None,
                            "note": e.note or None,
                            "run": e.run_id,
                        }
                        for e in events
                    ]
                )
            else:
                for e in events:
                    note = f": {e.note}" if e.note else ""
                    self.stdout.write(
                        f"{timezone.localtime(e.at):%Y-%m-%d %H:%M} {e.actor} {e.action} "
                        f"{STATES.get(e.state_before, '-')} -> {STATES[e.state_after]}{note}"
                    )

    def _scope(self, username: str | None) -> Scope:
        if not username:
            return MACHINE
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise NotFound(f"Pengguna {username} tidak ada atau nonaktif")
        return scope_of(user)

    def _target(self, options: dict[str, Any]) -> Any:
        if not (options.get("employer") or options.get("branch") or options.get("national")):
            self.usage_error("Pilih lingkup: --employer KODE, --branch KODE atau --national")
        return target_of(employer=options.get("employer"), branch=options.get("branch"), national=options["national"])

    def _load(self, scope: Scope, who: str, options: dict[str, Any]) -> None:
        target = self._target(options)
        day = self.parse_day(options["date"]) if options["date"] else None
        with progress_bar(options["format"] != "json") as progress:
            result = load_source(
                scope,
                options["file"],
                source=options["source"],
                target=target,
                actor=who,
                data_date=day,
                force=options["force"],
                partial=options["partial"],
                progress=progress,
            )
        if options["format"] == "json":
            print_json(result.as_dict())
        else:
            for issue in result.issues[:SHOW_ISSUES]:
                self.stdout.write(format_issue(issue))
            more = len(result.issues) - SHOW_ISSUES
            if more > 0:
                self.stdout.write(f"... dan {more} masalah lain (lihat --format json)")
            self.stdout.write(result.message)
        if result.rejected and not result.committed:
            raise SystemExit(EXIT_REJECTED)

    def _run(self, scope: Scope, who: str, options: dict[str, Any]) -> None:
        target = self._target(options)
        on = self.parse_day(options["on"]) if options["on"] else timezone.localdate()
        result = services.run_reconciliation(scope, target, on=on, actor=who, unpaid_months=options["months_unpaid"])
        if options["out"]:
            write_xlsx(options["out"], _tables(result))
        if options["format"] == "json":
            print_json(result.as_dict())
            return
        self.stdout.write(f"Rekonsiliasi {target.label} per {on} (putaran {result.run.pk}):")
        if result.participants is not None:
            self.stdout.write(
                f"  data peserta BPJS TK: {result.participants.name}, data per {result.participants.data_date}"
            )
        for note in result.skipped:
            self.stdout.write(f"  catatan: {note}")
        for kind, label in KINDS.items():
            self.stdout.write(f"  {label:<20} {result.counts[kind]:>8}")
        c = result.changes
        self.stdout.write(
            f"  {c['new']} temuan baru, {c['open']} masih terbuka, {c['reopened']} terbuka lagi, "
            f"{c['resolved']} selesai sejak putaran sebelumnya, {c['explained']} sudah dijelaskan."
        )
        for item in result.items[:SHOW_ITEMS]:
            unit = f" {item['unit']}" if item["unit"] else ""
            self.stdout.write(
                f"  [{STATES[item['state']]}] {KINDS[item['kind']]}: {item['employer']}{unit} {item['nik_masked']} "
                f"{item['name']}: {item['evidence'].get('alasan', '')} (kunci {item['key'][:12]})"
            )
        if len(result.items) > SHOW_ITEMS:
            self.stdout.write(f"  ... dan {len(result.items) - SHOW_ITEMS} temuan lain (--out atau --format json)")
        if options["out"]:
            self.stdout.write(f"Daftar temuan disimpan ke {options['out']}")

    def _findings(self, scope: Scope, options: dict[str, Any]) -> None:
        qs = services.findings(
            scope, employer=options["employer"], kind=options["kind"], state=options["state"], unit=options["unit"]
        )
        rows = [services.finding_dict(f) for f in qs]
        if options["format"] == "json":
            print_json(rows)
            return
        for r in rows:
            unit = f" {r['unit']}" if r["unit"] else ""
            self.stdout.write(
                f"{r['key']} [{r['state_label']}] {r['kind_label']}: {r['employer']}{unit} {r['nik_masked']} "
                f"{r['name']}: {r['evidence'].get('alasan', '')}"
            )
        self.stdout.write(f"{len(rows)} temuan.")


def _tables(result: services.RunResult) -> list[Table]:
    """One sheet per kind: what the OPD clerk acts on (NIK masked)."""
    tables = []
    for kind, label in KINDS.items():
        rows = [
            [
                i["employer"],
                i["unit"] or "",
                i["nik_masked"],
                i["name"],
                STATES[i["state"]],
                i["evidence"].get("alasan", ""),
                i["key"],
            ]
            for i in result.items
            if i["kind"] == kind
        ]
        tables.append(
            Table(
                label,
                [
                    Column("Pemda", "text", 10),
                    Column("Unit", "text", 14),
                    Column("NIK", "text", 18),
                    Column("Nama", "text", 30),
                    Column("Status", "text", 14),
                    Column("Keterangan", "text", 50),
                    Column("Kunci", "text", 42),
                ],
                rows,
                f"{label}: {DESCRIPTIONS[kind]} per {result.on}, putaran {result.run.pk}.",
            )
        )
    return tables
