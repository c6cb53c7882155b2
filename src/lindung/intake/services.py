"""Roster import: the one service behind every way a roster comes in.

The web wizard and the API store the upload as an `ImportJob` and run it through `intake.jobs`
(`start_job` sends it where `import_target` says the caller's scope may import and hashes the file while
storing it, `submit` checks or writes it in the request or in the background worker), which calls
`import_roster` with the job's Employer and digest; `lindung roster import` calls `import_roster` directly
with an employer code and the file's path.

read -> prepare -> check (row rules, then rules against the registry) -> classify -> write.
A dry run stops before writing. `commit` writes all rows or none; `partial` writes the valid rows.
Everything is written in one transaction: an interrupted import leaves the database as it was. The
ChangeSet of a write names the file and its digest ("roster import NAME sha256:<16 hex>").
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import polars as pl
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lindung.accounts.scope import Scope
from lindung.domain.contributions import wage_floors
from lindung.domain.errors import Issue, NotFound, ValidationFailed
from lindung.domain.formats import mask_nik, rupiah
from lindung.domain.messages import Lang, render
from lindung.domain.rates import load_rate_book
from lindung.domain.roster import (
    EXISTING_SCHEMA,
    FIELDS,
    TEXT_COLUMNS,
    UNITS_SCHEMA,
    RosterContext,
    attach_existing,
    classify,
    prepare,
    registry_rules,
    row_rules,
)
from lindung.domain.sheets import Field, find_issues
from lindung.intake import bulk
from lindung.intake.bulk import insert_frame, query_frame, reserve_ids, update_rows, write_changes
from lindung.intake.reader import Sheet, read_sheet
from lindung.intake.workbooks import write_error_report
from lindung.regions.services import domicile_codes, region_codes
from lindung.registry.models import Change, Employer, Employment, Worker, WorkUnit
from lindung.registry.services import get_employer, open_changeset
from lindung.registry.signals import notify

Mode = Literal["dry", "commit", "partial"]
Stage = Literal["baca", "periksa", "tulis"]
Progress = Callable[[Stage, int, int], None]


@dataclass(frozen=True)
class NotInFile:
    unit: str
    nik: str  # masked
    name: str


@dataclass
class ImportResult:
    rows: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    rejected: int = 0
    warned: int = 0
    issues: list[Issue] = field(default_factory=list)
    not_in_file: list[NotInFile] = field(default_factory=list)
    row_names: dict[int, str] = field(default_factory=dict)  # the name written on each row that has an issue
    committed: bool = False
    changeset_id: int | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "rows": self.rows,
            "new": self.new,
            "changed": self.changed,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "warned": self.warned,
            "committed": self.committed,
            "issues": [i.as_dict() for i in self.issues],
            "not_in_file": [{"unit": n.unit, "nik": n.nik, "name": n.name} for n in self.not_in_file],
        }


def import_target(scope: Scope, employer_code: str | None, unit_code: str | None) -> tuple[Employer, WorkUnit | None]:
    """The Pemda and unit an upload by `scope`'s user goes to, for the wizard and the API alike.

    The Pemda is the one named, else the user's own, else the only one the scope holds; the unit is the one
    named (none: the file's unit column). An OPD clerk imports for their own unit only. A Pemda or unit
    outside the scope, or not registered, is NotFound; a role without `roster.edit` is PermissionDenied."""
    scope.require("roster.edit")
    code = (employer_code or "").strip() or scope.employer_code or _only_employer(scope)
    unit_code = (unit_code or "").strip() or None
    if scope.unit_id is not None:
        if unit_code not in (None, scope.unit_code):
            raise NotFound(f"Unit {unit_code} tidak ditemukan")
        if code == scope.employer_code:
            own = scope.get(WorkUnit.objects.select_related("employer"), pk=scope.unit_id)
            return own.employer, own
    employer = scope.get(Employer.objects.all(), region_id=code)  # a clerk naming another Pemda stops here
    if unit_code is None:
        return employer, None
    unit = scope.restrict(WorkUnit.objects.filter(employer=employer, code=unit_code)).first()
    if unit is None:
        raise NotFound(
            _("Unit %(code)s tidak terdaftar pada %(employer)s.") % {"code": unit_code, "employer": employer.name}
        )
    return employer, unit


def _only_employer(scope: Scope) -> str:
    """The code of the one Pemda the scope holds; a scope of several (or none) must name one."""
    codes = list(scope.restrict(Employer.objects.order_by("region_id")).values_list("region_id", flat=True)[:2])
    if len(codes) != 1:
        raise ValidationFailed(_("Pilih Pemda tujuan impor."))
    return codes[0]


def wage_floor(on: dt.date) -> tuple[int, str]:
    """The absolute floor of the reported wage in force on `on` (RateBook `wage.absolute_floor`)."""
    floor = wage_floors(load_rate_book(), on).absolute
    return floor, rupiah(floor)


def _units_frame(employer: Employer) -> pl.DataFrame:
    rows = list(WorkUnit.objects.filter(employer=employer).values_list("id", "code", "name"))
    return pl.DataFrame(rows, schema=UNITS_SCHEMA, orient="row")


# Dates as text: both databases hand them to polars the same way.
_EXISTING_SQL = """
SELECT w.nik, w.id, w.name, CAST(w.birth_date AS TEXT), w.sex, w.phone, w.domicile_id,
       e.id, e.unit_id, u.code, e.category, e.job_title, e.wage,
       CAST(e.start_date AS TEXT), CAST(e.end_date AS TEXT), e.sk_number
FROM registry_employment e
JOIN registry_worker w ON w.id = e.worker_id
JOIN registry_workunit u ON u.id = e.unit_id
WHERE e.employer_id = %s
"""
_WORKERS_SQL = (
    "SELECT nik, id, name, CAST(birth_date AS TEXT), sex, phone, domicile_id FROM registry_worker WHERE nik IN ({})"
)
_WORKER_COLUMNS = list(EXISTING_SCHEMA)[:7]


def _existing_state(employer: Employer, niks: pl.Series) -> pl.DataFrame:
    """The registry's state for the employer: every worker employed here with the latest employment,
    and the workers of the file's NIKs who are known but not employed here."""
    here = query_frame(_EXISTING_SQL, [employer.pk], EXISTING_SCHEMA)
    here = here.sort("emp_start_date", "emp_id").unique("nik", keep="last", maintain_order=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM registry_worker")
        total_workers = int(cursor.fetchone()[0])
    parts = [here]
    if total_workers > here.height:  # some workers have no employment here: look the rest up by NIK
        missing = niks.filter(~niks.is_in(here.get_column("nik").implode())).unique().to_list()
        schema = {k: EXISTING_SCHEMA[k] for k in _WORKER_COLUMNS}
        for offset in range(0, len(missing), 5000):
            chunk = missing[offset : offset + 5000]
            parts.append(query_frame(_WORKERS_SQL.format(", ".join(["%s"] * len(chunk))), chunk, schema))
    return pl.concat(parts, how="diagonal_relaxed").select([pl.col(k).cast(t) for k, t in EXISTING_SCHEMA.items()])


def issues_from_frame(frame: pl.DataFrame, sheet: Sheet, fields: Sequence[Field], lang: Lang) -> list[Issue]:
    """The issue frame of `find_issues` as Issues, under the headers the file used."""
    labels = {f.name: sheet.headers.columns.get(f.name, f.label) for f in fields}
    return [
        Issue(
            row=row["row"],
            column=labels.get(row["column"], row["column"]),
            code=row["code"],
            message=render(row["code"], lang, value=row["value"], detail=row["detail"]),
            value=row["value"],
            severity=row["severity"],
        )
        for row in frame.iter_rows(named=True)
    ]


NAME_SHOWN = 80  # characters of a row's name shown beside its issues


def _row_names(sheet: Sheet, issues: pl.DataFrame) -> dict[int, str]:
    """The name written on each row with an issue (cut to NAME_SHOWN), so that a preview says whose row it is."""
    if "nama" not in sheet.frame.columns or issues.height == 0:
        return {}
    rows = issues.get_column("row").drop_nulls().unique()
    named = sheet.frame.filter(pl.col("row").is_in(rows.implode()) & pl.col("nama").is_not_null())
    return {
        int(r): " ".join(str(n).split())[:NAME_SHOWN]
        for r, n in named.select("row", "nama").iter_rows()
        if str(n).strip()
    }


@dataclass(frozen=True)
class Checked:
    """A roster read and judged: what `import_roster` and the error workbook both need."""

    sheet: Sheet
    issues: pl.DataFrame  # row, column, value, code, severity, detail
    classified: pl.DataFrame  # the valid rows with their outcome
    prepared: pl.DataFrame  # every row, with the registry's state attached
    existing: pl.DataFrame  # the registry's state (EXISTING_SCHEMA) for this employer and the file's NIKs


def check_roster(
    path: Path,
    employer: Employer,
    unit: str | None,
    today: dt.date,
    lang: Lang,
    progress: Progress | None = None,
) -> Checked:
    if progress:
        progress("baca", 0, 1)
    sheet = read_sheet(path, FIELDS, lang, frozenset({"unit"}) if unit else frozenset())
    if progress:
        progress("baca", 1, 1)
        progress("periksa", 0, sheet.frame.height)
    units = _units_frame(employer)
    if unit is not None and unit not in set(units.get_column("code").to_list()):
        raise NotFound(f"Unit {unit} tidak terdaftar pada {employer.name}")
    floor, floor_label = wage_floor(today)
    ctx = RosterContext(today, region_codes(), units, unit, floor, floor_label, domicile_codes())
    prepared = prepare(sheet.frame, ctx)
    issues = find_issues(prepared, row_rules(ctx), {f.name: TEXT_COLUMNS.get(f.name, f.name) for f in FIELDS})
    existing = _existing_state(employer, prepared.get_column("nik").drop_nulls())
    prepared = attach_existing(prepared, existing).sort("row")
    issues = pl.concat(
        [
            issues,
            sheet.cell_issues,
            find_issues(
                prepared, registry_rules(), {"unit": "unit", "tmt": "tmt", "tanggal_selesai": "tanggal_selesai"}
            ),
        ]
    ).sort("row", "column")
    rejected_rows = issues.filter(pl.col("severity") == "error").get_column("row").unique()
    classified = classify(prepared.filter(~pl.col("row").is_in(rejected_rows.implode())))
    if progress:
        progress("periksa", sheet.frame.height, sheet.frame.height)
    return Checked(sheet, issues, classified, prepared, existing)


def _not_in_file(checked: Checked, today: dt.date) -> list[NotInFile]:
    """Active workers of the units this file covers whose NIK is not in it: listed, never ended."""
    prepared = checked.prepared
    units = prepared.get_column("unit_id").drop_nulls().unique().implode()
    absent = (
        checked.existing.filter(
            pl.col("emp_unit_id").is_in(units)
            & (pl.col("emp_end_date").is_null() | (pl.col("emp_end_date") >= today))
            & ~pl.col("nik").is_in(prepared.get_column("nik").drop_nulls().implode())
        )
        .sort("emp_unit_code", "w_name")
        .select("emp_unit_code", "nik", "w_name")
    )
    return [NotInFile(unit, mask_nik(nik), name) for unit, nik, name in absent.iter_rows()]


def import_roster(
    path: Path,
    employer: Employer | str,
    *,
    unit: str | None = None,
    mode: Mode = "dry",
    actor: str,
    lang: Lang = "id",
    today: dt.date | None = None,
    progress: Progress | None = None,
    errors_out: Path | None = None,
    sha256: str | None = None,
) -> ImportResult:
    """Check a roster file and, unless it is a dry run, write it. `errors_out` gets the error workbook.

    `employer` is the Employer (a job holds it) or its region code (the command line's). `sha256` is the
    file's hex digest when the caller has it already (a job hashed its upload while storing it); without
    it the file is hashed here, and only if something is written."""
    today = today or timezone.localdate()
    if not isinstance(employer, Employer):
        employer = get_employer(employer)
    if mode == "dry":
        return _run(path, employer, unit, mode, actor, lang, today, progress, errors_out, sha256)
    # A writing import reads and writes in one transaction, one import per employer at a time.
    with transaction.atomic():
        Employer.objects.select_for_update().filter(pk=employer.pk).first()
        return _run(path, employer, unit, mode, actor, lang, today, progress, errors_out, sha256)


def _sha256_of(path: Path) -> str:
    """The file's hex digest, read in blocks (a roster may run to tens of megabytes)."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _run(
    path: Path,
    employer: Employer,
    unit: str | None,
    mode: Mode,
    actor: str,
    lang: Lang,
    today: dt.date,
    progress: Progress | None,
    errors_out: Path | None,
    sha256: str | None,
) -> ImportResult:
    checked = check_roster(path, employer, unit, today, lang, progress)
    issues, classified = checked.issues, checked.classified
    errors = issues.filter(pl.col("severity") == "error")
    rejected_rows = errors.get_column("row").n_unique()
    warned_rows = (
        issues.filter((pl.col("severity") == "warning") & ~pl.col("row").is_in(errors.get_column("row").implode()))
        .get_column("row")
        .n_unique()
    )
    counts = classified.get_column("outcome").value_counts()
    by_outcome = dict(zip(counts.get_column("outcome").to_list(), counts.get_column("count").to_list(), strict=True))
    result = ImportResult(
        rows=checked.sheet.frame.height,
        new=by_outcome.get("new", 0),
        changed=by_outcome.get("changed", 0),
        unchanged=by_outcome.get("unchanged", 0),
        rejected=rejected_rows,
        warned=warned_rows,
        issues=[*checked.sheet.file_issues, *issues_from_frame(issues, checked.sheet, FIELDS, lang)],
        not_in_file=_not_in_file(checked, today),
        row_names=_row_names(checked.sheet, issues),
    )
    if errors_out is not None:
        write_error_report(errors_out, checked.sheet, result.issues)
    writes = classified.filter(pl.col("outcome") != "unchanged")
    if mode == "dry" or (mode == "commit" and rejected_rows) or writes.height == 0:
        return result
    digest = (sha256 or _sha256_of(path))[:16]
    changeset = open_changeset(  # inside the transaction `import_roster` opened
        actor,
        f"roster import {path.name} sha256:{digest}",
        {k: getattr(result, k) for k in ("rows", "new", "changed", "unchanged", "rejected", "warned")}
        | {"employer": employer.region_id, "mode": mode},
        effective=today,
    )
    _write(employer, writes, changeset.pk, progress)
    notify("roster import", [employer.pk])
    result.committed = True
    result.changeset_id = changeset.pk
    return result


_WORKER_FIELDS = {
    "name": "w_name",
    "birth_date": "w_birth_date",
    "sex": "w_sex",
    "phone": "w_phone",
    "domicile_id": "w_domicile_id",
}
_EMPLOYMENT_FIELDS = {
    "category": "emp_category",
    "job_title": "emp_job_title",
    "wage": "emp_wage",
    "start_date": "emp_start_date",
    "end_date": "emp_end_date",
    "sk_number": "emp_sk_number",
}


def _changes(
    frame: pl.DataFrame,
    model: str,
    key: str,
    fields: dict[str, str],
    changeset_id: int,
) -> list[Change]:
    """Change rows (before/after of the fields that differ) for updated records."""
    out = []
    for row in frame.iter_rows(named=True):
        before, after = {}, {}
        for new, old in fields.items():
            if row[new] is not None and row[new] != row[old]:
                before[new] = row[old].isoformat() if isinstance(row[old], dt.date) else row[old]
                after[new] = row[new].isoformat() if isinstance(row[new], dt.date) else row[new]
        out.append(
            Change(
                changeset_id=changeset_id,
                model=model,
                object_id=str(row[key]),
                action="update",
                before=before,
                after=after,
            )
        )
    return out


def _update(
    rows: pl.DataFrame,
    model: type[Worker | Employment],
    key: str,
    fields: dict[str, str],
    changeset_id: int,
    now: dt.datetime,
) -> None:
    """Record a Change per row (the fields that differ, before and after), then update those records.

    `fields` maps each new value's column to the registry's; an empty cell keeps the recorded value.
    """
    if rows.height == 0:
        return
    write_changes(_changes(rows, model._meta.label_lower, key, fields, changeset_id))
    update_rows(
        model._meta.db_table,
        rows.select(
            pl.col(key).alias("id"),
            *[pl.coalesce(new, old).alias(new) for new, old in fields.items()],
            pl.lit(now).alias("updated_at"),
        ),
    )


def _write(employer: Employer, rows: pl.DataFrame, changeset_id: int, progress: Progress | None) -> None:
    now = timezone.now()
    total = rows.height
    done = 0

    def step(n: int) -> None:
        nonlocal done
        done += n
        if progress:
            progress("tulis", min(done, total), total)

    if progress:
        progress("tulis", 0, total)
    new_workers = insert_workers(rows.filter(pl.col("new_worker")), changeset_id)
    rows = rows.join(
        new_workers.select("row", pl.col("worker_id").alias("_new_id")), on="row", how="left", maintain_order="left"
    ).with_columns(pl.coalesce("worker_id", "_new_id").alias("worker_id"))

    _update(rows.filter(pl.col("worker_changed")), Worker, "worker_id", _WORKER_FIELDS, changeset_id, now)

    ended = rows.filter(pl.col("ends_previous")).with_columns(
        (pl.col("start_date") - pl.duration(days=1)).alias("_end")  # after the old start: TRANSFER_BEFORE_START
    )
    if ended.height:
        write_changes(
            [
                Change(
                    changeset_id=changeset_id,
                    model="registry.employment",
                    object_id=str(r["emp_id"]),
                    action="end",
                    before={
                        "end_date": r["emp_end_date"].isoformat() if r["emp_end_date"] else None,
                        "unit": r["emp_unit_code"],
                    },
                    after={"end_date": r["_end"].isoformat(), "transfer_to": r["unit_code"]},
                )
                for r in ended.iter_rows(named=True)
            ]
        )
        update_rows(
            "registry_employment",
            ended.select(
                pl.col("emp_id").alias("id"),
                pl.col("_end").alias("end_date"),
                pl.lit(now).alias("updated_at"),
            ),
        )

    _update(rows.filter(pl.col("employment_changed")), Employment, "emp_id", _EMPLOYMENT_FIELDS, changeset_id, now)
    step(rows.height - rows.filter(pl.col("new_employment")).height)

    insert_employments(
        rows.filter(pl.col("new_employment")).with_columns(pl.lit(employer.pk, pl.Int64).alias("employer_id")),
        changeset_id,
        step,
    )


def insert_workers(rows: pl.DataFrame, changeset_id: int) -> pl.DataFrame:
    """Write new workers (nik, name, birth_date, sex, phone, domicile_id); the rows come back with `worker_id`."""
    rows = rows.with_columns(reserve_ids("registry_worker", rows.height).alias("worker_id"))
    insert_frame(
        "registry_worker",
        rows.select(
            pl.col("worker_id").alias("id"),
            "nik",
            "name",
            "birth_date",
            "sex",
            "phone",
            "domicile_id",
            pl.lit(changeset_id, pl.Int64).alias("created_in_id"),
        ),
    )
    return rows


def insert_employments(rows: pl.DataFrame, changeset_id: int, progress: bulk.Progress | None = None) -> None:
    """Write new employments (worker_id, employer_id, unit_id, category, job_title, wage, start_date,
    end_date, sk_number)."""
    insert_frame(
        "registry_employment",
        rows.select(
            "worker_id",
            "employer_id",
            "unit_id",
            "category",
            "job_title",
            "wage",
            "start_date",
            "end_date",
            "sk_number",
            pl.lit(changeset_id, pl.Int64).alias("created_in_id"),
        ),
        progress,
    )
