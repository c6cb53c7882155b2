"""Targets: a planned number of enrolled workers for a year, of an employer (OKU Timur: 4,000), one of its
units, or a whole region; entered one by one or imported from a file, and shown against the enrolled
workers counted from the roster.

A target is kept once per year and subject. Setting the same count again writes nothing; a new count
updates the row and records the change (before and after) so the history of a target stays readable.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import CharField, Subquery
from django.db.models.functions import Cast
from django.utils import timezone

from lindung.accounts.scope import Scope
from lindung.coverage import aggregates
from lindung.coverage.models import Target
from lindung.coverage.regional import NUMBER_MESSAGES, region_code, whole_number
from lindung.coverage.services import employer_counts, scope_employer_ids
from lindung.domain.coverage import percent
from lindung.domain.errors import Issue, NotFound, ValidationFailed
from lindung.domain.formats import thousands
from lindung.domain.periods import FIRST_YEAR, LAST_YEAR
from lindung.domain.sheets import Field
from lindung.intake.reader import read_sheet
from lindung.regions.models import Region
from lindung.registry.models import Change, ChangeSet, Employer, WorkUnit
from lindung.registry.services import get_employer, open_changeset, record_change

YEARS = (FIRST_YEAR, LAST_YEAR)
# A target counts people: no Pemda, unit or province has ten million non-ASN workers (the nation has a few million).
TARGET_MAX = 10_000_000
SUBJECT_WORDS = {
    "pemda": "pemda",
    "pemerintah daerah": "pemda",
    "pemberi kerja": "pemda",
    "employer": "pemda",
    "unit": "pemda",
    "opd": "pemda",
    "wilayah": "wilayah",
    "daerah": "wilayah",
    "region": "wilayah",
}


@dataclass(frozen=True)
class _Subject:
    employer: Employer | None = None
    unit: WorkUnit | None = None
    region: Region | None = None

    @property
    def label(self) -> str:
        if self.region is not None:
            return f"wilayah {self.region.code}"
        assert self.employer is not None
        unit = f" unit {self.unit.code}" if self.unit is not None else ""
        return f"{self.employer.region_id}{unit}"


def _check_numbers(year: int, count: int) -> None:
    if not YEARS[0] <= year <= YEARS[1]:
        raise ValidationFailed(f"Tahun {year} di luar {YEARS[0]}-{YEARS[1]}")
    if count < 0:
        raise ValidationFailed("Target tidak boleh negatif")
    if count > TARGET_MAX:
        raise ValidationFailed(too_many())


def too_many() -> str:
    return f"Target paling banyak {thousands(TARGET_MAX)} pekerja; periksa jumlah nolnya"


def _subject(employer: str | None, unit: str | None, region: str | None) -> _Subject:
    if (employer is None) == (region is None):
        raise ValidationFailed("Sebutkan salah satu: Pemda (--employer) atau wilayah (--region)")
    if region is not None:
        if unit is not None:
            raise ValidationFailed("Target unit disebut bersama Pemdanya (--employer), bukan wilayah")
        place = Region.objects.filter(code=region_code(region)).defer("boundary").first()
        if place is None:
            raise NotFound(f"Kode wilayah {region} tidak dikenal")
        if place.level not in (Region.Level.PROVINSI, Region.Level.KABKOTA):
            raise ValidationFailed(f"{place.code} {place.name} bukan provinsi atau kab/kota")
        return _Subject(region=place)
    assert employer is not None
    pemda = get_employer(employer)
    if unit is None:
        return _Subject(employer=pemda)
    work_unit = WorkUnit.objects.filter(employer=pemda, code=unit.strip()).first()
    if work_unit is None:
        raise NotFound(f"Unit {unit} tidak terdaftar di {pemda.name}")
    return _Subject(employer=pemda, unit=work_unit)


def _write(
    subject: _Subject, year: int, count: int, note: str, changeset: Callable[[], ChangeSet]
) -> tuple[Target, str]:
    """Create, update or leave one target; `changeset` opens the ChangeSet the first time a write needs it."""
    target = (
        Target.objects.select_for_update()
        .filter(year=year, employer=subject.employer, unit=subject.unit, region=subject.region)
        .order_by("id")
        .first()
    )
    if target is None:
        cs = changeset()
        target = Target.objects.create(
            year=year,
            employer=subject.employer,
            unit=subject.unit,
            region=subject.region,
            count=count,
            note=note,
            created_in=cs,
        )
        after = {"year": year, "subject": subject.label, "count": count, "note": note}
        record_change(cs, "coverage.target", target.pk, "create", None, after)
        return target, "created"
    if (target.count, target.note) == (count, note):
        return target, "unchanged"
    record_change(
        changeset(),
        "coverage.target",
        target.pk,
        "update",
        {"count": target.count, "note": target.note},
        {"count": count, "note": note},
    )
    target.count, target.note = count, note
    target.save(update_fields=["count", "note"])
    return target, "updated"


def _lock(subject: _Subject) -> None:
    """Serialise writers of one subject's targets (a target has no unique key the database could check)."""
    if subject.employer is not None:
        Employer.objects.select_for_update().filter(pk=subject.employer.pk).first()
    elif subject.region is not None:
        Region.objects.select_for_update().filter(pk=subject.region.pk).only("code").first()


def set_target(
    year: int,
    count: int,
    *,
    employer: str | None = None,
    unit: str | None = None,
    region: str | None = None,
    note: str = "",
    actor: str,
) -> tuple[Target, bool]:
    """Set the target of an employer (its region code), one of its units, or a region for a year.

    Returns the target and whether anything was written (created or changed)."""
    _check_numbers(year, count)
    subject = _subject(employer, unit, region)
    note = note.strip()[:300]
    with transaction.atomic():
        _lock(subject)
        target, outcome = _write(
            subject, year, count, note, lambda: open_changeset(actor, f"target set {year} {subject.label} {count}")
        )
    return target, outcome != "unchanged"


# --- import ----------------------------------------------------------------------------------------

TARGET_FIELDS = (
    Field("tahun", "Tahun", True, ("tahun", "year", "tahun target", "tahun anggaran"), "mis. 2024"),
    Field(
        "wilayah",
        "Kode Wilayah",
        True,
        ("kode wilayah", "kode pemda", "kode", "kode daerah", "wilayah", "pemda", "kode kab kota"),
        "kode Kemendagri Pemda atau wilayah, mis. 16.08",
    ),
    Field("unit", "Kode Unit", False, ("unit", "kode unit", "kode opd", "opd", "unit kerja"), "kosong: seluruh Pemda"),
    Field(
        "sasaran",
        "Sasaran",
        False,
        ("sasaran", "jenis target", "tingkat", "subjek"),
        "pemda (bawaan) atau wilayah (seluruh Pemda di wilayah itu)",
    ),
    Field(
        "target",
        "Target",
        True,
        (
            "target",
            "jumlah",
            "target peserta",
            "jumlah target",
            "target kepesertaan",
            "jumlah peserta",
            "target pekerja",
            "jumlah pekerja",
        ),
        "jumlah pekerja yang ditargetkan terdaftar",
    ),
    Field("keterangan", "Keterangan", False, ("keterangan", "catatan", "note", "ket"), "bebas"),
)


@dataclass
class TargetImport:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    warnings: list[Issue] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "warnings": [w.as_dict() for w in self.warnings],
        }


def import_targets(path: Path, *, actor: str) -> TargetImport:
    """Targets from a .csv or .xlsx file: one row per year and subject. A bad row (unknown Pemda, unit or
    region, an unreadable year or count, a subject twice) rejects the whole file; the same file again
    changes nothing. A code names the Pemda of that region unless the row's Sasaran says wilayah."""
    sheet = read_sheet(path, TARGET_FIELDS, "id")
    label = {f.name: sheet.headers.columns.get(f.name, f.label) for f in TARGET_FIELDS}
    records = list(sheet.frame.iter_rows(named=True))
    codes = {region_code(r["wilayah"]) for r in records}
    employers = {e.region_id: e for e in Employer.objects.filter(region_id__in=codes)}
    units = {(u.employer_id, u.code): u for u in WorkUnit.objects.filter(employer__in=list(employers.values()))}
    regions = {r.code: r for r in Region.objects.filter(code__in=codes).defer("boundary")}
    issues: list[Issue] = []
    planned: list[tuple[_Subject, int, int, str]] = []
    seen: dict[tuple[int, str, str, str], int] = {}
    for r in records:
        n, before = r["row"], len(issues)
        year, problem = whole_number(r["tahun"])
        if year is None or not YEARS[0] <= year <= YEARS[1]:
            issues.append(Issue(n, label["tahun"], "YEAR_INVALID", "Tahun harus empat angka, mis. 2024", r["tahun"]))
        count, problem = whole_number(r["target"])
        if count is None:
            message = f"Target {NUMBER_MESSAGES[problem]}" if problem else "Target wajib diisi"
            issues.append(Issue(n, label["target"], f"COUNT_{problem or 'MISSING'}", message, r["target"]))
        elif count > TARGET_MAX:
            issues.append(Issue(n, label["target"], "COUNT_TOO_LARGE", too_many(), r["target"]))
        code = region_code(r["wilayah"])
        unit_code = (r.get("unit") or "").strip()
        word = " ".join((r.get("sasaran") or "").lower().split())
        kind = SUBJECT_WORDS.get(word, "pemda") if word else "pemda"
        if word and word not in SUBJECT_WORDS:
            issues.append(Issue(n, label["sasaran"], "SUBJECT_UNKNOWN", "Sasaran harus pemda atau wilayah", word))
        subject: _Subject | None = None
        if kind == "wilayah":
            place = regions.get(code)
            if unit_code:
                issues.append(
                    Issue(n, label["unit"], "UNIT_WITH_REGION", "Target wilayah tidak memakai unit", unit_code)
                )
            elif place is None:
                issues.append(Issue(n, label["wilayah"], "REGION_UNKNOWN", "Kode wilayah tidak dikenal", code or None))
            elif place.level not in (Region.Level.PROVINSI, Region.Level.KABKOTA):
                issues.append(Issue(n, label["wilayah"], "REGION_LEVEL", "Bukan provinsi atau kab/kota", code))
            else:
                subject = _Subject(region=place)
        elif code not in employers:
            issues.append(
                Issue(
                    n,
                    label["wilayah"],
                    "EMPLOYER_UNKNOWN",
                    "Pemda belum terdaftar; daftarkan dulu, atau isi Sasaran 'wilayah' untuk target wilayah",
                    code or None,
                )
            )
        elif unit_code and (employers[code].pk, unit_code) not in units:
            issues.append(Issue(n, label["unit"], "UNIT_UNKNOWN", f"Unit tidak terdaftar di Pemda {code}", unit_code))
        else:
            pemda = employers[code]
            subject = _Subject(employer=pemda, unit=units.get((pemda.pk, unit_code)) if unit_code else None)
        if len(issues) > before or subject is None or year is None or count is None:
            continue
        key = (year, kind, code, unit_code)
        if key in seen:
            issues.append(
                Issue(n, label["wilayah"], "ROW_DUPLICATE", f"Target yang sama sudah ada di baris {seen[key]}", code)
            )
            continue
        seen[key] = n
        planned.append((subject, year, count, (r.get("keterangan") or "").strip()[:300]))
    if issues:
        raise ValidationFailed(f"{len({i.row for i in issues})} baris target ditolak; tidak ada yang diubah", issues)
    result = TargetImport(rows=len(planned), warnings=list(sheet.file_issues))
    opened: list[ChangeSet] = []

    def changeset() -> ChangeSet:
        if not opened:
            opened.append(open_changeset(actor, f"target import {path.name}"))
        return opened[0]

    with transaction.atomic():
        for locked in sorted({s.employer.pk for s, *_ in planned if s.employer is not None}):
            Employer.objects.select_for_update().filter(pk=locked).first()
        for subject, year, count, note in planned:
            _, outcome = _write(subject, year, count, note, changeset)
            setattr(result, outcome, getattr(result, outcome) + 1)
        if opened:
            opened[0].summary = {k: v for k, v in result.as_dict().items() if k != "warnings"}
            opened[0].save(update_fields=["summary"])
    return result


# --- against actuals -----------------------------------------------------------------------------


@dataclass(frozen=True)
class TargetRow:
    year: int
    kind: str  # pemda, unit, wilayah
    code: str  # the employer's or the region's code
    name: str
    unit_code: str
    unit_name: str
    target: int
    workers: int  # on the roster on `on`
    enrolled: int  # with a valid membership on `on`
    note: str

    @property
    def reached(self) -> Decimal | None:
        """Enrolled over target, in percent (one decimal); None for a target of 0."""
        return percent(self.enrolled, self.target)

    def as_dict(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "kind": self.kind,
            "code": self.code,
            "name": self.name,
            "unit": {"code": self.unit_code, "name": self.unit_name} if self.unit_code else None,
            "target": self.target,
            "workers": self.workers,
            "enrolled": self.enrolled,
            "reached": float(self.reached) if self.reached is not None else None,
            "note": self.note,
        }


def default_day(year: int, today: dt.date | None = None) -> dt.date:
    """Actuals of a year are counted on its last day, or today while the year runs."""
    return min(today or timezone.localdate(), dt.date(year, 12, 31))


def _under(code: str, prefix: str) -> bool:
    return code == prefix or code.startswith(prefix + ".")


def targets_vs_actuals(
    year: int, *, on: dt.date | None = None, region: str | None = None, employer: str | None = None
) -> list[TargetRow]:
    """The year's targets (all; under a region; of one employer and its units), each with the workers
    enrolled on `on` (default: the year's last day, or today while the year runs)."""
    on = on or default_day(year)
    targets = Target.objects.filter(year=year).select_related("employer", "unit", "region")
    if employer is not None:
        targets = targets.filter(employer=get_employer(employer))
    chosen = list(targets)
    if region is not None:
        code = region_code(region)
        if not Region.objects.filter(code=code).exists():
            raise NotFound(f"Kode wilayah {region} tidak dikenal")
        chosen = [t for t in chosen if _under(t.region_id or (t.employer.region_id if t.employer else ""), code)]
    scopes = {t.region_id: scope_employer_ids(region=t.region_id) for t in chosen if t.region_id is not None}
    ids = {t.employer_id for t in chosen if t.employer_id is not None} | {i for s in scopes.values() for i in s}
    counts = employer_counts(on, sorted(ids)) if ids else {}
    unit_employers = sorted({t.employer_id for t in chosen if t.unit_id is not None and t.employer_id is not None})
    measures = aggregates.unit_measures(on, unit_employers) if unit_employers else {}
    rows = []
    for t in chosen:
        if t.region is not None:
            kind, code, name, unit_code, unit_name = "wilayah", t.region.code, t.region.name, "", ""
            scope = [counts[i] for i in scopes[t.region.code] if i in counts]
            workers, enrolled = sum(c.workers for c in scope), sum(c.enrolled for c in scope)
        elif t.unit is not None and t.employer is not None:
            kind, code, name, unit_code, unit_name = (
                "unit",
                t.employer.region_id,
                t.employer.name,
                t.unit.code,
                t.unit.name,
            )
            unit = measures.get(t.unit.pk, {})
            workers, enrolled = unit.get("workers", 0), unit.get("enrolled", 0)
        else:
            assert t.employer is not None
            kind, code, name, unit_code, unit_name = "pemda", t.employer.region_id, t.employer.name, "", ""
            c = counts[t.employer.pk]
            workers, enrolled = c.workers, c.enrolled
        rows.append(TargetRow(t.year, kind, code, name, unit_code, unit_name, t.count, workers, enrolled, t.note))
    order = {"wilayah": 0, "pemda": 1, "unit": 2}
    return sorted(rows, key=lambda r: (r.code, order[r.kind], r.unit_code))


@dataclass(frozen=True)
class TargetChange:
    """One change of a target the scope holds: when, by whom, which year and place, the count before and after
    (None where the target did not exist yet or was removed)."""

    at: dt.datetime
    actor: str
    year: int | None
    subject: str
    before: int | None
    after: int | None


def target_history(scope: Scope, limit: int = 30) -> list[TargetChange]:
    """The latest changes of the targets this scope holds, newest first."""
    held = scope.restrict(Target.objects.all()).annotate(key=Cast("pk", CharField())).values("key")
    changes = list(
        Change.objects.filter(model="coverage.target", object_id__in=Subquery(held))
        .select_related("changeset")
        .order_by("-changeset__at", "-pk")[:limit]
    )
    subjects = {
        str(t.pk): t
        for t in Target.objects.filter(pk__in=[int(ch.object_id) for ch in changes]).select_related(
            "employer", "unit", "region"
        )
    }
    history = []
    for ch in changes:
        t = subjects.get(ch.object_id)
        subject = ""
        if t is not None:
            subject = t.region.name if t.region else (t.employer.name if t.employer else "")
            subject += f" · {t.unit.name}" if t.unit else ""
        history.append(
            TargetChange(
                at=ch.changeset.at,
                actor=ch.changeset.actor,
                year=t.year if t else None,
                subject=subject,
                before=(ch.before or {}).get("count", 0) if ch.before else None,
                after=(ch.after or {}).get("count", 0) if ch.after else None,
            )
        )
    return history
