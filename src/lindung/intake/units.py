"""`lindung units import`: a Pemda's work units from a sheet, with the roster import's reporting."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from django.db import transaction

from lindung.domain import units as unit_rows
from lindung.domain.messages import Lang
from lindung.domain.sheets import find_issues
from lindung.intake.reader import Sheet, read_sheet
from lindung.intake.services import ImportResult, Mode, issues_from_frame
from lindung.intake.workbooks import write_error_report
from lindung.registry.models import WorkUnit
from lindung.registry.services import get_employer, open_changeset, record_change


def check_units(path: Path, lang: Lang) -> tuple[Sheet, pl.DataFrame, pl.DataFrame]:
    sheet = read_sheet(path, unit_rows.FIELDS, lang)
    prepared = unit_rows.prepare(sheet.frame)
    issues = find_issues(prepared, unit_rows.rules(), {f.name: f.name for f in unit_rows.FIELDS})
    return sheet, prepared, pl.concat([issues, sheet.cell_issues]).sort("row", "column", "code")


def import_units(
    path: Path,
    employer_code: str,
    *,
    mode: Mode = "dry",
    actor: str,
    lang: Lang = "id",
    errors_out: Path | None = None,
) -> ImportResult:
    employer = get_employer(employer_code)
    sheet, prepared, issues = check_units(path, lang)
    errors = issues.filter(pl.col("severity") == "error")
    bad_rows = set(errors.get_column("row").to_list())
    existing = {u.code: u for u in WorkUnit.objects.filter(employer=employer)}
    result = ImportResult(
        rows=prepared.height,
        rejected=len(bad_rows),
        warned=issues.filter((pl.col("severity") == "warning") & ~pl.col("row").is_in(list(bad_rows)))
        .get_column("row")
        .n_unique(),
        issues=[*sheet.file_issues, *issues_from_frame(issues, sheet, unit_rows.FIELDS, lang)],
    )
    if errors_out is not None:
        write_error_report(errors_out, sheet, result.issues)
    plan: list[tuple[str, dict[str, str | None], WorkUnit | None]] = []
    for row in prepared.filter(~pl.col("row").is_in(list(bad_rows))).iter_rows(named=True):
        values = {"name": row["name"], "kind": row["kind"], "npp_divisi": row["npp_divisi"]}
        unit = existing.get(row["code"])
        if unit is None:
            result.new += 1
            plan.append((row["code"], values, None))
        elif any(getattr(unit, k) != v for k, v in values.items() if v is not None):
            result.changed += 1
            plan.append((row["code"], values, unit))
        else:
            result.unchanged += 1
    if mode == "dry" or (mode == "commit" and bad_rows) or not plan:
        return result
    with transaction.atomic():
        cs = open_changeset(
            actor,
            f"units import {path.name}",
            {"employer": employer.region_id, "new": result.new, "changed": result.changed},
        )
        for code, values, unit in plan:
            if unit is None:
                created = WorkUnit.objects.create(employer=employer, code=code, **values)
                record_change(cs, "registry.workunit", created.pk, "create", None, {"code": code, **values})
            else:
                changes = {k: v for k, v in values.items() if v is not None and getattr(unit, k) != v}
                before = {k: getattr(unit, k) for k in changes}
                WorkUnit.objects.filter(pk=unit.pk).update(**changes)
                record_change(cs, "registry.workunit", unit.pk, "update", before, changes)
    result.committed = True
    result.changeset_id = cs.pk
    return result
