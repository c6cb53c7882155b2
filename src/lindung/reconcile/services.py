"""Reconciliation use cases: run it for a scope, list and resolve its findings, sum them for a dashboard.

Every function takes the caller's `Scope` and checks it here (as claims/services.py does), so the web, the
API and the command line cannot differ. A run is a Pemda admin's for their Pemda, a branch officer's for a
Pemda of their territory or the whole territory, the superuser's for anything; a clerk sees and resolves
the findings of their own unit; a monitor sees the counts only (`summary`). Findings go to the database in
bulk (COPY on PostgreSQL, one executemany on SQLite); the run owns its transaction.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
from django.db import connection, transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from lindung.accounts.roles import Role
from lindung.accounts.scope import Scope
from lindung.domain.contributions import compute_contribution
from lindung.domain.errors import NotFound, PermissionDenied, ValidationFailed
from lindung.domain.formats import mask_nik
from lindung.domain.rates import load_rate_book
from lindung.domain.reconcile import (
    KINDS,
    RESOLUTIONS,
    STATES,
    UNPAID_MONTHS,
)
from lindung.enrolment.models import Agreement
from lindung.intake.bulk import indexes_aside, insert_frame, query_frame, reserve_ids
from lindung.reconcile import engine
from lindung.reconcile.loading import Target, stored_path
from lindung.reconcile.models import Coverage, Finding, FindingEvent, Run, Source, SourceFile
from lindung.registry.models import Employer

log = logging.getLogger("lindung.reconcile")


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


def _prices(on: dt.date) -> engine.Price:
    """Rupiah paid for a month of a participant at a reported wage, by the employer's agreement in force."""
    book = load_rate_book()

    def price(pairs: list[tuple[int, int]]) -> list[int | None]:
        agreements: dict[int, tuple[str, int, str]] = {}  # the one in force: the latest effective by `on`
        for employer_id, *terms in (
            Agreement.objects.filter(employer_id__in={e for e, _ in pairs}, effective_from__lte=on)
            .order_by("effective_from", "id")
            .values_list("employer_id", "programs", "risk_class", "segment")
        ):
            agreements[employer_id] = tuple(terms)  # type: ignore[assignment]
        out: list[int | None] = []
        for employer_id, wage in pairs:
            agreement = agreements.get(employer_id)
            if agreement is None:
                out.append(None)
                continue
            programs, risk, segment = agreement
            try:
                c = compute_contribution(book, wage=wage, programs=programs, risk_class=risk, segment=segment, on=on)
                out.append(c.total)
            except ValidationFailed:
                out.append(None)
        return out

    return price


_PREVIOUS = "SELECT id, key, state, basis, employer_id, digest FROM reconcile_finding"


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
    master_path = None
    if master is not None:
        master_path = stored_path(master.path)
        if not master_path.is_file():
            raise NotFound(f"Berkas data peserta {master.name} tidak ada lagi di folder data; muat ulang berkasnya")
    census_files = SourceFile.objects.filter(source=Source.BKN, current=True, coverage=Coverage.EMPLOYER)
    if scope_ids is not None:
        census_files = census_files.filter(employer_id__in=scope_ids)
    census = {f.employer_id: stored_path(f.path) for f in census_files if f.employer_id is not None}
    seconds: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="lindung-reconcile-") as folder:
        work = Path(folder)
        mark = time.perf_counter()
        if ids is None:  # the nation: the roster's snapshot, exported again only after a roster write
            roster, cached = engine.roster_snapshot(stored_path("reconcile/roster"))
            seconds["export_cached"] = float(cached)
        else:
            roster = work / "roster.parquet"
            engine.export_roster(roster, on, ids)
        seconds["export"] = time.perf_counter() - mark
        joined = engine.reconcile(
            roster=roster,
            master=master_path,
            census=census,
            employers=_employer_rows(scope_ids),
            on=on,
            unpaid_months=unpaid_months,
            workdir=work,
            price=_prices(on),
        )
        seconds.update({f"engine_{k}": v for k, v in joined.seconds.items()})
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
            changes = _write(run, joined.found, scope_ids, compared, set(census), actor, work)
            seconds["write"] = time.perf_counter() - mark
            seconds["total"] = time.perf_counter() - started
            Run.objects.filter(pk=run.pk).update(counts=joined.counts, changes=changes, seconds=seconds["total"])
        items = _items(work) if with_items else []
    log.debug(
        "reconcile run %s: scope=%s on=%s findings=%s new=%s resolved=%s seconds=%.2f",
        run.pk,
        target.coverage,
        on,
        sum(joined.counts.values()),
        changes["new"],
        changes["resolved"],
        seconds["total"],
    )
    return RunResult(run, target, on, joined.counts, changes, items, joined.skipped, seconds, master)


def _items(work: Path) -> list[dict[str, Any]]:
    """Every finding of the run, in report order, for the command's output."""
    found = pl.read_parquet(work / "found.parquet").join(pl.read_parquet(work / "states.parquet"), on="key")
    order = {kind: i for i, kind in enumerate(KINDS)}
    found = found.sort(
        pl.col("kind").replace_strict(order, return_dtype=pl.Int32), "code", pl.col("unit_code").fill_null(""), "name"
    )
    return [
        {
            "kind": row["kind"],
            "nik_masked": mask_nik(row["nik"]),
            "unit": row["unit_code"],
            "employer": row["code"],
            "name": row["name"],
            "state": row["state"],
            "key": row["key"],
            "evidence": json.loads(row["evidence"]),
        }
        for row in found.iter_rows(named=True)
    ]


def _write(
    run: Run,
    found: Path,
    scope_ids: set[int] | None,
    compared: set[str],
    census_employers: set[int],
    actor: str,
    work: Path,
) -> dict[str, int]:
    """Insert the new findings, mark those seen again open, those no longer found resolved; with events.
    The stored findings of the scope go to DuckDB once (`engine.diff`); what changes comes back in bulk."""
    where = "" if scope_ids is None else f" WHERE employer_id IN ({','.join(str(int(i)) for i in scope_ids) or '0'})"
    previous = work / "previous.parquet"
    query_frame(_PREVIOUS + where, [], engine.PREVIOUS_SCHEMA).write_parquet(previous)
    moved = engine.diff(found, previous, compared=compared, census_employers=census_employers, workdir=work)
    # In the order of the indexes, which then grow at their ends rather than everywhere at once.
    new = pl.read_parquet(moved.new).sort("employer_id", "kind", "unit_id", nulls_last=True)
    new = new.select(
        reserve_ids(Finding._meta.db_table, new.height),
        "key",
        "kind",
        "employer_id",
        "unit_id",
        "worker_id",
        "nik",
        "name",
        "basis",
        pl.lit("new").alias("state"),
        "evidence",
        "digest",
        pl.lit(run.pk, pl.Int64).alias("first_run_id"),
        pl.lit(run.pk, pl.Int64).alias("last_run_id"),
        *(pl.lit("").alias(c) for c in ("resolution", "note", "resolved_by")),
        pl.lit(None, pl.Datetime).alias("resolved_at"),
    )
    with indexes_aside(Finding._meta.db_table, new.height):
        insert_frame(Finding._meta.db_table, new)
    now = timezone.now()
    events_table = FindingEvent._meta.db_table
    with indexes_aside(events_table, new.height), connection.cursor() as cursor:
        if new.height:  # the first event of every new finding, written by the database itself
            cursor.execute(
                f'INSERT INTO "{events_table}" (finding_id, run_id, at, actor, action, state_before, '
                "state_after, resolution, note) SELECT id, %s, %s, %s, 'found', '', 'new', '', '' "
                f'FROM "{Finding._meta.db_table}" WHERE id BETWEEN %s AND %s AND first_run_id = %s ORDER BY id',
                [
                    run.pk,
                    connection.ops.adapt_datetimefield_value(now),
                    actor,
                    int(new["id"].min()),  # type: ignore[arg-type]
                    int(new["id"].max()),  # type: ignore[arg-type]
                    run.pk,
                ],
            )
    moves = pl.read_parquet(moved.moves)
    events = moves.filter(pl.col("action").is_not_null())
    _insert_events(
        list(zip(events["id"], events["action"], events["before"], events["state"], strict=True)), run, actor, now
    )
    _apply_moves(moves.select("id", "state", "evidence", "digest"), run)
    return moved.changes


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
        schema_overrides={"at": pl.Datetime, "finding_id": pl.Int64},
    )
    if connection.vendor == "postgresql":
        frame = frame.with_columns(pl.col("at").dt.replace_time_zone("UTC"))
    insert_frame(FindingEvent._meta.db_table, frame)


MOVES = "reconcile_moves"


def _apply_moves(moves: pl.DataFrame, run: Run) -> None:
    """Every finding whose state or evidence this run moves: its state, the run, and its evidence where it
    changed, written into a temporary table in bulk and applied by one UPDATE ... FROM."""
    if moves.height == 0:
        return
    table = Finding._meta.db_table
    cast = "CAST(m.evidence AS jsonb)" if connection.vendor == "postgresql" else "m.evidence"
    with indexes_aside(table, moves.height), connection.cursor() as cursor:
        cursor.execute(f'DROP TABLE IF EXISTS "{MOVES}"')
        cursor.execute(
            f'CREATE TEMPORARY TABLE "{MOVES}" (id bigint PRIMARY KEY, state varchar(10), evidence text, '
            "digest varchar(40))"
        )
        insert_frame(MOVES, moves)
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
