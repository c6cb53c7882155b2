"""Coverage of all workers in a region: the workforce and BPJS TK's active participants, imported per region
and month from files (BPS, BPJS TK), shown beside the non-ASN coverage counted from the roster.

The Banjarnegara story's "10.2%" is participants over workforce for the region and month, rounded to one
decimal (`domain.coverage.percent`).

Participants above the workforce are a warning, not an error: BPJS TK counts a participant where the
employer is registered and BPS counts a worker where they live, so a region that employs commuters
(DKI Jakarta had 8.01 juta active participants in Feb 2025, more than its working population) really
shows more than 100%.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl
from django.db import transaction
from django.utils import timezone

from lindung.coverage.models import RegionalFigure
from lindung.coverage.services import employer_counts, scope_employer_ids
from lindung.domain.coverage import percent
from lindung.domain.errors import Issue, NotFound, ValidationFailed
from lindung.domain.formats import thousands
from lindung.domain.periods import month_end, month_start
from lindung.domain.sheets import Field
from lindung.intake.reader import read_sheet
from lindung.regions.models import Region
from lindung.registry.services import open_changeset, record_change

# --- reading cells shared by the coverage imports ----------------------------------------------------

_COUNT = re.compile(r"(\d{1,3}(?:\.\d{3})+|\d{1,3}(?:,\d{3})+|\d+)(?:[.,](\d+))?")


def whole_number(text: str | None) -> tuple[int | None, str | None]:
    """A count as people write it ("557843", "557.843", "557,843", Excel's "557843.0"): (value, None), or
    (None, reason code) for NEGATIVE, NOT_INTEGER, NOT_NUMBER; (None, None) for an empty cell."""
    value = (text or "").strip().replace(" ", "").replace("\u00a0", "")
    if not value:
        return None, None
    if value.startswith("-") and _COUNT.fullmatch(value[1:]):
        return None, "NEGATIVE"
    match = _COUNT.fullmatch(value)
    if match is None:
        return None, "NOT_NUMBER"
    whole, fraction = match.groups()
    if fraction and fraction.strip("0"):
        return None, "NOT_INTEGER"
    digits = re.sub(r"[.,]", "", whole)
    if len(digits) > 15:  # no count of people runs to a quadrillion; int() of thousands of digits is refused
        return None, "TOO_LARGE"
    return int(digits), None


NUMBER_MESSAGES = {
    "NEGATIVE": "tidak boleh negatif",
    "NOT_INTEGER": "harus bilangan bulat (jumlah orang)",
    "NOT_NUMBER": "bukan angka",
    "TOO_LARGE": "terlalu besar untuk jumlah orang",
}


def region_code(text: str | None) -> str:
    """A Kemendagri code as written, with Excel's lost trailing zero restored ("16.1" typed as a number: 16.10)."""
    code = (text or "").strip()
    return code + "0" if re.fullmatch(r"\d{2}\.\d", code) else code


_MONTHS = {
    "januari": 1, "jan": 1, "january": 1, "februari": 2, "pebruari": 2, "feb": 2, "peb": 2, "february": 2,
    "maret": 3, "mar": 3, "march": 3, "april": 4, "apr": 4, "mei": 5, "may": 5, "juni": 6, "jun": 6,
    "june": 6, "juli": 7, "jul": 7, "july": 7, "agustus": 8, "agu": 8, "agt": 8, "aug": 8, "august": 8,
    "september": 9, "sep": 9, "sept": 9, "oktober": 10, "okt": 10, "oct": 10, "october": 10,
    "november": 11, "nov": 11, "nop": 11, "nopember": 11, "desember": 12, "des": 12, "dec": 12, "december": 12,
}  # fmt: skip


def parse_month(text: str | None) -> dt.date | None:
    """The first day of the month in "2022-10", "2022/10", "10/2022", "Oktober 2022", or a date cell
    ("2022-10-01 00:00:00": Excel turns a typed 2022-10 into a date); None when unreadable."""
    value = (text or "").strip().lower()
    year = month = None
    if m := re.fullmatch(r"(\d{4})[-/.](\d{1,2})(?:[-/.]\d{1,2}(?:[ t]\d{2}:\d{2}(?::\d{2})?)?)?", value):
        year, month = int(m[1]), int(m[2])
    elif m := re.fullmatch(r"(\d{1,2})[-/.](\d{4})", value):
        year, month = int(m[2]), int(m[1])
    elif (m := re.fullmatch(r"([a-z]+)\.?[\s\-/]+(\d{4})", value)) and m[1] in _MONTHS:
        year, month = int(m[2]), _MONTHS[m[1]]
    if year is None or month is None or not 1 <= month <= 12 or year < 1900:
        return None
    return dt.date(year, month, 1)


# --- import ----------------------------------------------------------------------------------------

REGIONAL_FIELDS = (
    Field(
        "wilayah",
        "Kode Wilayah",
        True,
        ("kode wilayah", "kode", "kode daerah", "kode pemda", "kode kab kota", "kode kabupaten kota", "wilayah"),
        "kode Kemendagri provinsi atau kab/kota, mis. 33.04",
    ),
    Field("periode", "Periode", True, ("periode", "bulan", "period", "bulan tahun", "masa"), "YYYY-MM"),
    Field(
        "workforce",
        "Penduduk Bekerja",
        False,
        (
            "penduduk bekerja",
            "jumlah penduduk bekerja",
            "angkatan kerja",
            "jumlah angkatan kerja",
            "tenaga kerja",
            "jumlah tenaga kerja",
            "pekerja",
            "jumlah pekerja",
            "workforce",
        ),
        "penyebut, mis. penduduk bekerja menurut BPS",
    ),
    Field(
        "participants",
        "Peserta Aktif",
        False,
        (
            "peserta aktif",
            "peserta aktif bpjs tk",
            "peserta aktif bpjs ketenagakerjaan",
            "peserta aktif bpjamsostek",
            "jumlah peserta aktif",
            "peserta",
            "participants",
        ),
        "peserta aktif BPJS Ketenagakerjaan (semua segmen)",
    ),
    Field("sumber", "Sumber", False, ("sumber", "sumber data", "source", "keterangan"), "mis. BPS, BPJS TK Cabang"),
)


@dataclass
class RegionalImport:
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


@dataclass(frozen=True)
class RegionalSheet:
    """A regional file as read: one String column per field (and `row`), the headers it used, its warnings."""

    frame: pl.DataFrame
    labels: dict[str, str]  # field -> the header as written in the file (the template's label if absent)
    file_issues: list[Issue]


@dataclass(frozen=True)
class FigureRow:
    """A valid row: the figures it carries for one region and month (None: the file says nothing of it)."""

    row: int
    region: str
    period: dt.date
    workforce: int | None
    participants: int | None
    source: str


def _join_sources(old: str, new: str) -> str:
    """Sources of the two figures may differ (BPS, BPJS TK): both are kept, once each."""
    parts = [p.strip() for p in old.split(";") if p.strip()]
    parts += [p.strip() for p in new.split(";") if p.strip() and p.strip() not in parts]
    return "; ".join(parts)[:300]


def import_regional(path: Path, *, actor: str, today: dt.date | None = None) -> RegionalImport:
    """Record the workforce and participant figures per region and month from a .csv or .xlsx file.

    A row updates only the figures it carries (a BPS file and a BPJS TK file may come apart). A file with
    a bad row (unknown region, unreadable or future period, a negative or fractional number, a row without
    any figure, the same region and month twice) changes nothing. The same file again changes nothing.

    Three steps: `read_regional` (the file), `check_regional` (the rules, given the levels of the regions
    the file names; nothing written), `write_regional` (one transaction)."""
    today = today or timezone.localdate()
    sheet = read_regional(path)
    rows, issues = check_regional(sheet, region_levels(sheet), today)
    if issues:
        raise ValidationFailed(
            f"{len({i.row for i in issues})} baris angka wilayah ditolak; tidak ada yang diubah", issues
        )
    return write_regional(rows, sheet, actor=actor, source=f"regional import {path.name}")


def read_regional(path: Path) -> RegionalSheet:
    """The file's rows as text under the canonical field names; a file with neither figure column is refused."""
    sheet = read_sheet(path, REGIONAL_FIELDS, "id")
    columns = sheet.headers.columns
    if "workforce" not in columns and "participants" not in columns:
        raise ValidationFailed(
            "Berkas harus punya kolom penduduk bekerja (angkatan kerja, tenaga kerja) atau peserta aktif",
            [Issue(1, None, "HEADER_MISSING", "Kolom Penduduk Bekerja atau Peserta Aktif tidak ditemukan")],
        )
    labels = {f.name: columns.get(f.name, f.label) for f in REGIONAL_FIELDS}
    return RegionalSheet(sheet.frame, labels, list(sheet.file_issues))


def region_levels(sheet: RegionalSheet) -> dict[str, int]:
    """The level (Region.Level) of every region code the file names that the register knows."""
    codes = {region_code(c) for c in sheet.frame.get_column("wilayah").to_list()}
    return dict(Region.objects.filter(code__in=codes).values_list("code", "level"))


def check_regional(
    sheet: RegionalSheet, levels: Mapping[str, int], today: dt.date
) -> tuple[list[FigureRow], list[Issue]]:
    """Every row judged, without the database: the valid rows, and every issue (none when all are valid).

    `levels` maps the known region codes to their level (`region_levels`)."""
    label = sheet.labels
    issues: list[Issue] = []
    rows: list[FigureRow] = []
    seen: dict[tuple[str, dt.date], int] = {}
    for record in sheet.frame.iter_rows(named=True):
        n = record["row"]
        before = len(issues)
        code = region_code(record["wilayah"])
        if code not in levels:
            issues.append(Issue(n, label["wilayah"], "REGION_UNKNOWN", "Kode wilayah tidak dikenal", code or None))
        elif levels[code] not in (Region.Level.PROVINSI, Region.Level.KABKOTA):
            issues.append(
                Issue(n, label["wilayah"], "REGION_LEVEL", "Angka wilayah dicatat per provinsi atau kab/kota", code)
            )
        period = parse_month(record["periode"])
        if period is None:
            issues.append(
                Issue(n, label["periode"], "PERIOD_INVALID", "Periode harus berbentuk YYYY-MM", record["periode"])
            )
        elif period > month_start(today):
            issues.append(Issue(n, label["periode"], "PERIOD_FUTURE", "Periode belum terjadi", f"{period:%Y-%m}"))
        numbers: dict[str, int | None] = {}
        for name in ("workforce", "participants"):
            numbers[name], problem = whole_number(record.get(name))
            if problem:
                issues.append(
                    Issue(n, label[name], f"COUNT_{problem}", f"{label[name]} {NUMBER_MESSAGES[problem]}", record[name])
                )
        if not any(record.get(name) and str(record[name]).strip() for name in ("workforce", "participants")):
            issues.append(Issue(n, None, "FIGURES_MISSING", "Baris tanpa angka penduduk bekerja maupun peserta aktif"))
        if len(issues) > before or period is None:
            continue
        key = (code, period)
        if key in seen:
            issues.append(
                Issue(
                    n, label["wilayah"], "ROW_DUPLICATE", f"{code} {period:%Y-%m} sudah ada di baris {seen[key]}", code
                )
            )
            continue
        seen[key] = n
        workforce, participants = numbers["workforce"], numbers["participants"]
        rows.append(FigureRow(n, code, period, workforce, participants, (record.get("sumber") or "").strip()))
    return rows, issues


def write_regional(rows: Sequence[FigureRow], sheet: RegionalSheet, *, actor: str, source: str) -> RegionalImport:
    """Record checked rows in one transaction: a figure the row leaves empty keeps what is recorded, a row
    equal to the record writes nothing, and one ChangeSet (`source`) holds every change, if any. More
    participants than workforce, once merged with the record, is a warning (see the module's docstring)."""
    label = sheet.labels
    result = RegionalImport(rows=len(rows), warnings=list(sheet.file_issues))
    with transaction.atomic():
        existing = {
            (f.region_id, f.period): f
            for f in RegionalFigure.objects.select_for_update().filter(region_id__in={r.region for r in rows})
        }
        changeset = None
        for r in rows:
            figure = existing.get((r.region, r.period))
            workforce = r.workforce if r.workforce is not None else (figure.workforce if figure else None)
            participants = r.participants if r.participants is not None else (figure.participants if figure else None)
            after: dict[str, Any] = {
                "workforce": workforce,
                "participants": participants,
                "source": _join_sources(figure.source if figure else "", r.source),
            }
            if workforce is not None and participants is not None and participants > workforce:
                result.warnings.append(
                    Issue(
                        r.row,
                        label["participants"],
                        "PARTICIPANTS_ABOVE_WORKFORCE",
                        f"Peserta aktif {thousands(participants)} melebihi penduduk bekerja {thousands(workforce)} "
                        "(peserta dihitung di tempat pemberi kerja terdaftar); dicatat apa adanya",
                        str(participants),
                        "warning",
                    )
                )
            if figure is not None:
                recorded = {"workforce": figure.workforce, "participants": figure.participants, "source": figure.source}
                if recorded == after:
                    result.unchanged += 1
                    continue
            if changeset is None:
                changeset = open_changeset(actor, source)
            if figure is None:
                figure = RegionalFigure.objects.create(
                    region_id=r.region, period=r.period, created_in=changeset, **after
                )
                created = {"region": r.region, "period": f"{r.period:%Y-%m}", **after}
                record_change(changeset, "coverage.regionalfigure", figure.pk, "create", None, created)
                result.created += 1
            else:
                record_change(changeset, "coverage.regionalfigure", figure.pk, "update", recorded, after)
                RegionalFigure.objects.filter(pk=figure.pk).update(**after)
                result.updated += 1
        if changeset is not None:
            changeset.summary = {k: v for k, v in result.as_dict().items() if k != "warnings"}
            changeset.save(update_fields=["summary"])
    return result


# --- report ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegionalRow:
    region: str
    name: str
    period: dt.date  # the first day of the month
    workforce: int | None
    participants: int | None
    source: str
    on: dt.date  # the day the roster was counted: the month's last day (today for the current month)
    non_asn_workers: int
    non_asn_enrolled: int

    @property
    def coverage(self) -> Decimal | None:
        """Participants over workforce, in percent with one decimal: the region-wide figure."""
        if self.workforce is None or self.participants is None:
            return None
        return percent(self.participants, self.workforce)

    @property
    def non_asn_coverage(self) -> Decimal | None:
        return percent(self.non_asn_enrolled, self.non_asn_workers)

    def as_dict(self) -> dict[str, Any]:
        return {
            "region": self.region,
            "name": self.name,
            "period": f"{self.period:%Y-%m}",
            "workforce": self.workforce,
            "participants": self.participants,
            "coverage": _float(self.coverage),
            "source": self.source,
            "non_asn": {
                "on": self.on.isoformat(),
                "workers": self.non_asn_workers,
                "enrolled": self.non_asn_enrolled,
                "coverage": _float(self.non_asn_coverage),
            },
        }


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def regional_coverage(region: str, period: dt.date | None = None, *, today: dt.date | None = None) -> list[RegionalRow]:
    """Every recorded month of a region (or the one asked for), each with its region-wide coverage and the
    non-ASN coverage of the Pemda in the region from the roster on the month's last day."""
    today = today or timezone.localdate()
    place = Region.objects.filter(code=region.strip()).defer("boundary").first()
    if place is None:
        raise NotFound(f"Kode wilayah {region} tidak dikenal")
    figures = RegionalFigure.objects.filter(region=place)
    if period is not None:
        figures = figures.filter(period=month_start(period))
    employers = scope_employer_ids(region=place.code)
    rows = []
    for figure in figures.order_by("period"):
        on = min(month_end(figure.period), max(today, figure.period))
        counts = employer_counts(on, employers).values() if employers else ()
        rows.append(
            RegionalRow(
                place.code,
                place.name,
                figure.period,
                figure.workforce,
                figure.participants,
                figure.source,
                on,
                sum(c.workers for c in counts),
                sum(c.enrolled for c in counts),
            )
        )
    return rows
