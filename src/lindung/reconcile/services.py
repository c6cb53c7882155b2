"""Reconciliation use cases: run it for a scope, list and resolve its findings, sum them for a dashboard.

Every function takes the caller's `Scope` and checks it here (as claims/services.py does), so the web, the
API and the command line cannot differ. A run is a Pemda admin's for their Pemda, a branch officer's for a
Pemda of their territory or the whole territory, the superuser's for anything; a clerk sees and resolves
the findings of their own unit; a monitor sees the counts only (`summary`). Findings go to the database in
bulk (COPY on PostgreSQL, one executemany on SQLite); the run owns its transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
from django.db import connection, transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from lindung.accounts.models import Role
from lindung.accounts.scope import Scope
from lindung.domain.contributions import compute_contribution
from lindung.domain.errors import NotFound, PermissionDenied, ValidationFailed
from lindung.domain.periods import month_end
from lindung.domain.privacy import mask_nik
from lindung.domain.rates import load_rate_book
from lindung.domain.reconcile import (
    KINDS,
    RESOLUTIONS,
    STATES,
    UNPAID_MONTHS,
    finding_key,
    months_paid_after,
    next_state,
)
from lindung.enrolment.models import Agreement
from lindung.intake.bulk import insert_frame, reserve_ids
from lindung.reconcile import engine
from lindung.reconcile.loading import Target, stored_path
from lindung.reconcile.models import Coverage, Finding, FindingEvent, Run, Source, SourceFile
from lindung.registry.models import Employer, WorkUnit

log = logging.getLogger("lindung.reconcile")
BASIS = {"tidak_terlindungi": "bpjstk", "bayar_tanpa_orang": "bpjstk", "upah_tidak_sesuai": "bpjstk"}
CHUNK = 5000


def _basis(item: engine.Item) -> str:
    return BASIS.get(item.kind) or ("bkn" if item.kind == "belum_didata" else item.qualifier)


def _may_run(scope: Scope, target: Target) -> None:
    if scope.role == Role.SUPERUSER:
        return
    if target.coverage == Coverage.EMPLOYER and scope.role in (Role.ADMIN, Role.BRANCH):
        assert target.employer is not None
        if scope.holds_employer(target.employer.pk):
            return
    if target.coverage == Coverage.BRANCH and scope.role == Role.BRANCH:
        assert target.branch is not None
        if scope.branch_code == target.branch.code:
            return
    raise PermissionDenied(f"Peran Anda tidak boleh menjalankan rekonsiliasi untuk {target.label}")


def participants_for(target: Target) -> SourceFile | None:
    """The participant file in force for the target: the newest of its own, its branch's and the nation's."""
    files = SourceFile.objects.filter(source=Source.BPJSTK, current=True)
    if target.coverage == Coverage.NATIONAL:
        files = files.filter(coverage=Coverage.NATIONAL)
    elif target.coverage == Coverage.BRANCH:
        files = files.filter(Q(coverage=Coverage.NATIONAL) | Q(coverage=Coverage.BRANCH, branch=target.branch))
    else:
        assert target.employer is not None
        region = target.employer.region_id
        files = files.filter(
            Q(coverage=Coverage.NATIONAL)
            | Q(coverage=Coverage.EMPLOYER, employer=target.employer)
            | Q(coverage=Coverage.BRANCH, branch__territory__code=region)
        )
    return files.order_by("-data_date", "-id").first()


@dataclass
class RunResult:
    run: Run
    target: Target
    on: dt.date
    counts: dict[str, int]
    changes: dict[str, int]
    items: list[dict[str, Any]]
    skipped: list[str]
    seconds: dict[str, float] = field(default_factory=dict)
    participants: SourceFile | None = None

    def as_dict(self) -> dict[str, Any]:
        employer = self.target.employer
        return {
            "employer": employer.region_id if employer else None,
            "branch": self.target.branch.code if self.target.branch else None,
            "scope": self.target.coverage,
            "on": self.on.isoformat(),
            "run": self.run.pk,
            "participants": None
            if self.participants is None
            else {"file": self.participants.name, "data_date": self.participants.data_date.isoformat()},
            "findings": self.counts,
            "changes": self.changes,
            "skipped": self.skipped,
            "items": self.items,
        }


def _employer_rows(ids: set[int] | None) -> list[engine.EmployerRow]:
    return [
        engine.EmployerRow(pk, code, name, npp, ids is None or pk in ids)
        for pk, code, name, npp in Employer.objects.values_list("id", "region_id", "name", "npp")
    ]


class _Money:
    """Rupiah paid for a month of a participant, by the employer's agreement in force (cached)."""

    def __init__(self, on: dt.date) -> None:
        self.on = on
        self.book = load_rate_book()
        self.agreements: dict[int, tuple[str, int, str] | None] = {}
        self.cache: dict[tuple[int, int], int | None] = {}

    def month(self, employer_id: int, wage: int | None) -> int | None:
        if not wage:
            return None
        if employer_id not in self.agreements:
            found = (
                Agreement.objects.filter(employer_id=employer_id, effective_from__lte=self.on)
                .order_by("-effective_from")
                .values_list("programs", "risk_class", "segment")
                .first()
            )
            self.agreements[employer_id] = found
        agreement = self.agreements[employer_id]
        if agreement is None:
            return None
        key = (employer_id, wage)
        if key not in self.cache:
            programs, risk, segment = agreement
            try:
                c = compute_contribution(
                    self.book, wage=wage, programs=programs, risk_class=risk, segment=segment, on=self.on
                )
                self.cache[key] = c.total
            except ValidationFailed:
                self.cache[key] = None
        return self.cache[key]


def _paid_without_person(items: list[engine.Item], on: dt.date) -> None:
    """Months and rupiah paid for each person not (or no longer) on the roster."""
    money = _Money(on)
    for item in items:
        if item.kind != "bayar_tanpa_orang":
            continue
        bpjs = item.evidence["bpjstk"]
        ended = item.evidence["daftar"]["berakhir"]
        last = bpjs["bulan_iuran_terakhir"]
        first = bpjs["tanggal_kepesertaan"]
        months = months_paid_after(
            month_end(dt.date.fromisoformat(ended)) if ended else None,
            dt.date.fromisoformat(first) if first else None,
            dt.date.fromisoformat(last + "-01") if last else None,
        )
        per_month = money.month(item.employer_id, bpjs["upah"])
        item.evidence["bulan_dibayar"] = months
        item.evidence["rupiah_dibayar"] = None if per_month is None else months * per_month


def run_reconciliation(
    scope: Scope,
    target: Target,
    *,
    on: dt.date,
    actor: str,
    unpaid_months: int = UNPAID_MONTHS,
    with_items: bool = True,
) -> RunResult:
    """Reconcile the target as of `on`, write the findings and how they moved since the last run."""
    _may_run(scope, target)
    if unpaid_months < 1:
        raise ValidationFailed("Batas bulan menunggak paling sedikit 1")
    started = time.perf_counter()
    ids = target.employer_ids()
    scope_ids = None if ids is None else set(ids)
    master = participants_for(target)
    census_files = SourceFile.objects.filter(source=Source.BKN, current=True, coverage=Coverage.EMPLOYER)
    if scope_ids is not None:
        census_files = census_files.filter(employer_id__in=scope_ids)
    census = {f.employer_id: stored_path(f.path) for f in census_files if f.employer_id is not None}
    employers = _employer_rows(scope_ids)
    seconds: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="lindung-reconcile-") as folder:
        mark = time.perf_counter()
        if ids is None:  # the nation: the roster's snapshot, exported again only after a roster write
            roster, cached = engine.roster_snapshot(stored_path("reconcile/roster"))
            seconds["export_cached"] = float(cached)
        else:
            roster = Path(folder) / "roster.parquet"
            engine.export_roster(roster, on, ids)
        seconds["export"] = time.perf_counter() - mark
        joined = engine.reconcile(
            roster=roster,
            master=stored_path(master.path) if master else None,
            census=census,
            employers=employers,
            on=on,
            unpaid_months=unpaid_months,
            workdir=Path(folder),
        )
    seconds.update({f"engine_{k}": v for k, v in joined.seconds.items()})
    if master is not None and not stored_path(master.path).is_file():
        raise NotFound(f"Berkas data peserta {master.name} tidak ada lagi di folder data; muat ulang berkasnya")
    _paid_without_person(joined.items, on)
    compared = {"daftar"} | ({"bpjstk"} if master else set())
    mark = time.perf_counter()
    with transaction.atomic():
        run = Run.objects.create(
            coverage=target.coverage,
            employer=target.employer,
            branch=target.branch,
            on=on,
            participants=master,
            actor=actor,
        )
        changes, found = _write(run, joined.items, scope_ids, compared, set(census), actor)
        counts = dict.fromkeys(KINDS, 0) | dict(Counter(item.kind for _, item, _ in found))
        seconds["write"] = time.perf_counter() - mark
        seconds["total"] = time.perf_counter() - started
        Run.objects.filter(pk=run.pk).update(counts=counts, changes=changes, seconds=seconds["total"])
    log.debug(
        "reconcile run %s: scope=%s on=%s findings=%s new=%s resolved=%s seconds=%.2f",
        run.pk,
        target.coverage,
        on,
        sum(counts.values()),
        changes["new"],
        changes["resolved"],
        seconds["total"],
    )
    items = _items(found) if with_items else []
    return RunResult(run, target, on, counts, changes, items, joined.skipped, seconds, master)


def _items(found: Sequence[tuple[str, engine.Item, str]]) -> list[dict[str, Any]]:
    units = dict(
        WorkUnit.objects.filter(id__in={i.unit_id for _, i, _ in found if i.unit_id}).values_list("id", "code")
    )
    codes = dict(Employer.objects.values_list("id", "region_id"))
    out = [
        {
            "kind": item.kind,
            "nik_masked": mask_nik(item.nik),
            "unit": units.get(item.unit_id) if item.unit_id else None,
            "employer": codes[item.employer_id],
            "name": item.name,
            "state": state,
            "key": key,
            "evidence": item.evidence,
        }
        for key, item, state in found
    ]
    order = list(KINDS)
    out.sort(key=lambda i: (order.index(str(i["kind"])), str(i["employer"]), str(i["unit"] or ""), str(i["name"])))
    return out


def _evidence(item: engine.Item) -> tuple[str, str]:
    text = json.dumps(item.evidence, ensure_ascii=False, sort_keys=True)
    return text, hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()


def _write(
    run: Run,
    items: list[engine.Item],
    scope_ids: set[int] | None,
    compared: set[str],
    census_employers: set[int],
    actor: str,
) -> tuple[dict[str, int], list[tuple[str, engine.Item, str]]]:
    """Insert the new findings, mark those seen again open, those no longer found resolved; with events.
    Returns the counts of each move and every finding of this run as (key, item, state)."""
    codes = dict(Employer.objects.values_list("id", "region_id"))
    by_key: dict[str, engine.Item] = {}
    for item in items:
        by_key.setdefault(finding_key(item.kind, codes[item.employer_id], item.nik, item.qualifier), item)
    existing_qs = Finding.objects.all()
    if scope_ids is not None:
        existing_qs = existing_qs.filter(employer_id__in=scope_ids)
    existing = {
        row[1]: row
        for row in existing_qs.values_list("id", "key", "state", "basis", "employer_id", "digest").iterator(
            chunk_size=CHUNK
        )
    }
    new_keys = [k for k in by_key if k not in existing]
    states: dict[str, str] = dict.fromkeys(new_keys, "new")
    moves: list[tuple[int, str, str | None, str | None]] = []  # id, state, evidence and digest when changed
    events: list[tuple[int, str, str, str]] = []
    changes = dict.fromkeys(("new", "open", "explained", "reopened", "resolved"), 0)
    for key, (pk, _, state, basis, employer_id, digest) in existing.items():
        seen = by_key.get(key)
        if seen is None:
            comparable = basis in compared or (basis == "bkn" and employer_id in census_employers)
            after = next_state(state, False) if comparable else state
            if after is not None and after != state:
                moves.append((pk, after, None, None))
                events.append((pk, "gone", state, after))
                changes["resolved"] += 1
            continue
        after = next_state(state, True) or "open"
        states[key] = after
        changes["explained" if after == "explained" else "open"] += 1
        if state == "resolved":
            events.append((pk, "reopened", state, after))
            changes["reopened"] += 1
        text, new_digest = _evidence(seen)
        changed = new_digest != digest
        moves.append((pk, after, text if changed else None, new_digest if changed else None))
    changes["new"] = len(new_keys)
    # New findings and their first event.
    finding_ids = reserve_ids(Finding._meta.db_table, len(new_keys))
    evidence = [_evidence(by_key[k]) for k in new_keys]
    frame = pl.DataFrame(
        {
            "id": finding_ids,
            "key": new_keys,
            "kind": [by_key[k].kind for k in new_keys],
            "employer_id": [by_key[k].employer_id for k in new_keys],
            "unit_id": [by_key[k].unit_id for k in new_keys],
            "worker_id": [by_key[k].worker_id for k in new_keys],
            "nik": [by_key[k].nik for k in new_keys],
            "name": [(by_key[k].name or "")[:200] for k in new_keys],
            "basis": [_basis(by_key[k]) for k in new_keys],
            "state": ["new"] * len(new_keys),
            "evidence": [e[0] for e in evidence],
            "digest": [e[1] for e in evidence],
            "first_run_id": [run.pk] * len(new_keys),
            "last_run_id": [run.pk] * len(new_keys),
            "resolution": [""] * len(new_keys),
            "note": [""] * len(new_keys),
            "resolved_by": [""] * len(new_keys),
            "resolved_at": [None] * len(new_keys),
        },
        schema_overrides={"unit_id": pl.Int64, "worker_id": pl.Int64, "resolved_at": pl.Datetime},
    )
    insert_frame(Finding._meta.db_table, frame)
    events = [(int(i), "found", "", "new") for i in finding_ids] + events
    _insert_events(events, run, actor, timezone.now())
    _apply_moves(moves, run)
    return changes, [(key, item, states[key]) for key, item in by_key.items()]


def _insert_events(events: list[tuple[int, str, str, str]], run: Run, actor: str, now: dt.datetime) -> None:
    if not events:
        return
    frame = pl.DataFrame(
        {
            "finding_id": [e[0] for e in events],
            "run_id": [run.pk] * len(events),
            "at": [now.astimezone(dt.UTC).replace(tzinfo=None)] * len(events),
            "actor": [actor] * len(events),
            "action": [e[1] for e in events],
            "state_before": [e[2] for e in events],
            "state_after": [e[3] for e in events],
            "resolution": [""] * len(events),
            "note": [""] * len(events),
        },
        schema_overrides={"at": pl.Datetime},
    )
    if connection.vendor == "postgresql":
        frame = frame.with_columns(pl.col("at").dt.replace_time_zone("UTC"))
    insert_frame(FindingEvent._meta.db_table, frame)


MOVES = "reconcile_moves"


def _apply_moves(moves: list[tuple[int, str, str | None, str | None]], run: Run) -> None:
    """Every finding this run saw again or no longer found: its state, the run, and its evidence where it
    changed, written into a temporary table in bulk and applied by one UPDATE ... FROM."""
    if not moves:
        return
    table = Finding._meta.db_table
    cast = "CAST(m.evidence AS jsonb)" if connection.vendor == "postgresql" else "m.evidence"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP TABLE IF EXISTS "{MOVES}"')
        cursor.execute(
            f'CREATE TEMPORARY TABLE "{MOVES}" (id bigint PRIMARY KEY, state varchar(10), evidence text, '
            "digest varchar(40))"
        )
        frame = pl.DataFrame(
            moves, schema={"id": pl.Int64, "state": pl.String, "evidence": pl.String, "digest": pl.String}, orient="row"
        )
        insert_frame(MOVES, frame)
        cursor.execute(
            f'UPDATE "{table}" SET state = m.state, last_run_id = %s, '
            f'evidence = COALESCE({cast}, "{table}".evidence), digest = COALESCE(m.digest, "{table}".digest) '
            f'FROM "{MOVES}" m WHERE "{table}".id = m.id',
            [run.pk],
        )
        cursor.execute(f'DROP TABLE "{MOVES}"')


# Findings: list, one, resolve, summary -----------------------------------------------------------------------


def findings(
    scope: Scope,
    *,
    employer: str | None = None,
    kind: str | None = None,
    state: str | None = None,
    unit: str | None = None,
) -> QuerySet[Finding]:
    """The findings the scope holds: a clerk their unit's, an admin their Pemda's, a branch its territory's."""
    scope.require("roster.view")
    if kind is not None and kind not in KINDS:
        raise ValidationFailed(f"Jenis temuan {kind!r} tidak dikenal; pilih {', '.join(KINDS)}")
    if state is not None and state not in STATES:
        raise ValidationFailed(f"Status temuan {state!r} tidak dikenal; pilih {', '.join(STATES)}")
    qs = Finding.objects.select_related("employer", "unit").order_by("employer_id", "kind", "unit_id", "name", "id")
    if scope.unit_id is not None:
        qs = qs.filter(unit_id=scope.unit_id)
    elif not scope.everything:
        qs = qs.filter(employer_id__in=scope.employer_ids or ())
    if employer is not None:
        qs = qs.filter(employer__region_id=employer)
    if unit is not None:
        qs = qs.filter(unit__code=unit)
    if kind is not None:
        qs = qs.filter(kind=kind)
    if state is not None:
        qs = qs.filter(state=state)
    return qs


def get_finding(scope: Scope, key: str) -> Finding:
    """One finding by its key, or by the first 8 or more characters of it (as the lists print it)."""
    key = key.strip().lower()
    if len(key) < 8:
        raise ValidationFailed("Tulis kunci temuan lengkap, atau paling sedikit 8 karakter pertamanya")
    matches = list(findings(scope).filter(key__startswith=key)[:2])
    if not matches:
        raise NotFound("Temuan tidak ditemukan")
    if len(matches) > 1:
        raise ValidationFailed(f"Kunci {key} cocok dengan lebih dari satu temuan; tulis lebih banyak karakternya")
    return matches[0]


def resolve_finding(scope: Scope, key: str, *, resolution: str, note: str, actor: str) -> Finding:
    """A person's resolution with a note: enrolled, employment ended, wage corrected, or explained."""
    scope.require("roster.edit")
    if resolution not in RESOLUTIONS:
        raise ValidationFailed(f"Penyelesaian {resolution!r} tidak dikenal; pilih {', '.join(RESOLUTIONS)}")
    if not note.strip():
        raise ValidationFailed("Catatan penyelesaian wajib diisi")
    with transaction.atomic():
        finding = get_finding(scope, key)
        finding = Finding.objects.select_for_update().get(pk=finding.pk)
        before = finding.state
        after = "explained" if resolution == "explained" else "resolved"
        finding.state = after
        finding.resolution = resolution
        finding.note = note.strip()
        finding.resolved_by = actor
        finding.resolved_at = timezone.now()
        finding.save(update_fields=["state", "resolution", "note", "resolved_by", "resolved_at"])
        FindingEvent.objects.create(
            finding=finding,
            actor=actor,
            action="resolved",
            state_before=before,
            state_after=after,
            resolution=resolution,
            note=finding.note,
        )
    return finding


def history(scope: Scope, key: str) -> list[FindingEvent]:
    finding = get_finding(scope, key)
    return list(finding.events.order_by("id"))


def finding_dict(finding: Finding, *, full_nik: bool = False) -> dict[str, Any]:
    return {
        "key": finding.key,
        "kind": finding.kind,
        "kind_label": KINDS[finding.kind],
        "employer": finding.employer.region_id,
        "unit": finding.unit.code if finding.unit else None,
        "nik_masked": mask_nik(finding.nik),
        **({"nik": finding.nik} if full_nik else {}),
        "name": finding.name,
        "state": finding.state,
        "state_label": STATES[finding.state],
        "resolution": finding.resolution or None,
        "note": finding.note or None,
        "resolved_by": finding.resolved_by or None,
        "resolved_at": finding.resolved_at.isoformat() if finding.resolved_at else None,
        "evidence": finding.evidence,
    }


def summary(scope: Scope, *, by: str = "employer") -> list[dict[str, Any]]:
    """Open findings counted per employer (or per unit): what a dashboard or a monitor sees, no person."""
    scope.require("dashboard")
    qs = Finding.objects.filter(state__in=["new", "open"])
    if scope.unit_id is not None:
        qs = qs.filter(unit_id=scope.unit_id)
    elif not scope.everything:
        qs = qs.filter(employer_id__in=scope.employer_ids or ())
    group = ["employer__region_id", "employer__name"] + (["unit__code"] if by == "unit" else [])
    rows = qs.values(*group, "kind").annotate(n=Count("id")).order_by(*group, "kind")
    out: dict[tuple[Any, ...], dict[str, Any]] = {}
    for row in rows:
        key = tuple(row[g] for g in group)
        entry = out.setdefault(
            key,
            {"employer": row["employer__region_id"], "name": row["employer__name"]}
            | ({"unit": row["unit__code"]} if by == "unit" else {})
            | {"findings": dict.fromkeys(KINDS, 0)},
        )
        entry["findings"][row["kind"]] = row["n"]
    return list(out.values())
