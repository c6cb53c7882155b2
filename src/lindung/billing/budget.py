"""Next year's APBD line for BPJS TK iuran: the current roster projected over the twelve months of a year.

Rules of the projection (each one also said in `Projection.notes` when it shaped the figures):
- ROSTER: the employments active on `on` (default today), each projected for all twelve months; an end date
  within the year is assumed to be renewed (Pemda contracts run a year and are extended), and noted.
- SEGMENT: category `pekerja_rentan` is BPU, every other category PPU (as `enrol` decides). A segment with no
  agreement in force on `on` nor on any month's first day is left out; its employments are `not_covered`.
- AGREEMENT: the one in force on each month's first day; without one, the one in force on `on` (noted);
  without either the month is not projected for that segment (noted).
- WAGE: raised by `increase_percent`, rounded half up to the rupiah (money.share of 100 + increase percent);
  an agreement's `reported_wage` replaces it and is not raised. A PPU wage under the absolute floor would
  not be enrolled (`enrol`), so it is left out of that month (noted).
- RATES: those in force on each month's first day (billing.services RATES_ON), caps included: the JP cap
  changes on 1 March; when the data holds no cap from 1 March of the year, the latest known one continues
  (noted). The agreement's unit risk classes override its class.
- FUNDERS: each month and segment, the funded amount (the total, or only the employer share when the
  workers pay their own) is split with money.split, so the funders add up to it exactly.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl
import xlsxwriter
from django.utils import timezone

from lindung.billing.exports import MONEY_FORMAT, MONTH_NAMES
from lindung.billing.services import PROGRAM_COLUMNS
from lindung.domain.contributions import contribution_frame, wage_floors
from lindung.domain.errors import ValidationFailed
from lindung.domain.formats import date_label, rate, rupiah
from lindung.domain.money import share_expr, split
from lindung.domain.periods import FIRST_YEAR, LAST_YEAR, in_years
from lindung.domain.rates import RateBook
from lindung.enrolment.models import Agreement, Funder
from lindung.enrolment.services import BPU_CATEGORY, agreement_in_force, rate_book_for, unit_risk_classes
from lindung.intake import bulk
from lindung.registry.models import Employer, Employment, WorkUnit
from lindung.registry.services import get_employer

__all__ = [
    "FunderMonth",
    "FunderYear",
    "MonthTotal",
    "ProgramYear",
    "Projection",
    "UnitProgramMonth",
    "UnitYear",
    "project_budget",
    "write_budget_xlsx",
]

# Program -> (employer column, worker column) per segment, as the invoice's subtotals read them. BPU iuran is
# the participant's own (contributions.py): the Pemda sponsors it, but it is the worker's share.
SEGMENT_PROGRAM_COLUMNS = PROGRAM_COLUMNS

# What a projection may be asked for (web, API and command line alike): a budget year from the first year with
# rates on record to LAST_YEAR, and a wage rise (or cut) in percent above -100 and at most INCREASE_MAX.
BUDGET_YEARS = (2015, LAST_YEAR)
INCREASE_MAX = Decimal(100)
SEGMENT_LABELS: dict[str, str] = {"ppu": "PPU", "bpu": "BPU"}
_PROGRAM_ORDER = {p: i for i, p in enumerate(("JKK", "JKM", "JHT", "JP", "JKP"))}
_SEGMENT_ORDER: dict[str, int] = {"ppu": 0, "bpu": 1}


@dataclass(frozen=True)
class UnitProgramMonth:
    month: int  # 1..12
    segment: str
    unit_code: str
    unit_name: str
    program: str
    workers: int
    employer: int
    worker: int

    @property
    def total(self) -> int:
        return self.employer + self.worker


@dataclass(frozen=True)
class FunderMonth:
    month: int
    segment: str
    funder: str
    kind: str
    share: Decimal  # percent
    amount: int


@dataclass(frozen=True)
class MonthTotal:
    month: int
    workers: int
    employer: int
    worker: int
    funded: int  # what the funders pay: the total, less the worker shares that are cut from wages

    @property
    def total(self) -> int:
        return self.employer + self.worker


@dataclass(frozen=True)
class UnitYear:
    segment: str
    unit_code: str
    unit_name: str
    workers: int  # employments projected in at least one month
    employer: int
    worker: int

    @property
    def total(self) -> int:
        return self.employer + self.worker


@dataclass(frozen=True)
class ProgramYear:
    segment: str
    program: str
    employer: int
    worker: int

    @property
    def total(self) -> int:
        return self.employer + self.worker


@dataclass(frozen=True)
class FunderYear:
    segment: str
    funder: str
    kind: str
    amount: int


@dataclass(frozen=True)
class Projection:
    """A year's projected iuran: per month × segment × unit × program, per month × funder, and the year's totals."""

    employer_code: str
    employer_name: str
    year: int
    increase_percent: Decimal
    on: dt.date
    workers: int  # employments projected (in at least one month)
    not_covered: int  # active employments of a segment the Pemda has no agreement for
    months: tuple[MonthTotal, ...]
    cells: tuple[UnitProgramMonth, ...]
    funding: tuple[FunderMonth, ...]
    units: tuple[UnitYear, ...]
    programs: tuple[ProgramYear, ...]
    funders: tuple[FunderYear, ...]
    notes: tuple[str, ...] = field(default=())

    @property
    def employer_amount(self) -> int:
        return sum(m.employer for m in self.months)

    @property
    def worker_amount(self) -> int:
        return sum(m.worker for m in self.months)

    @property
    def total(self) -> int:
        return self.employer_amount + self.worker_amount

    @property
    def funded(self) -> int:
        return sum(m.funded for m in self.months)

    def as_dict(self) -> dict[str, Any]:
        def month(m: int) -> str:
            return f"{self.year}-{m:02d}"

        return {
            "employer": self.employer_code,
            "employer_name": self.employer_name,
            "year": self.year,
            "increase_percent": str(self.increase_percent),
            "on": self.on.isoformat(),
            "workers": self.workers,
            "not_covered": self.not_covered,
            "total": {
                "employer": self.employer_amount,
                "worker": self.worker_amount,
                "total": self.total,
                "funded": self.funded,
            },
            "months": [
                {
                    "month": month(m.month),
                    "workers": m.workers,
                    "employer": m.employer,
                    "worker": m.worker,
                    "total": m.total,
                    "funded": m.funded,
                }
                for m in self.months
            ],
            "cells": [
                {
                    "month": month(c.month),
                    "segment": c.segment,
                    "unit": c.unit_code,
                    "unit_name": c.unit_name,
                    "program": c.program,
                    "workers": c.workers,
                    "employer": c.employer,
                    "worker": c.worker,
                    "total": c.total,
                }
                for c in self.cells
            ],
            "funding": [
                {
                    "month": month(f.month),
                    "segment": f.segment,
                    "funder": f.funder,
                    "kind": f.kind,
                    "share": str(f.share),
                    "amount": f.amount,
                }
                for f in self.funding
            ],
            "units": [
                {
                    "segment": u.segment,
                    "unit": u.unit_code,
                    "unit_name": u.unit_name,
                    "workers": u.workers,
                    "employer": u.employer,
                    "worker": u.worker,
                    "total": u.total,
                }
                for u in self.units
            ],
            "programs": [
                {
                    "segment": p.segment,
                    "program": p.program,
                    "employer": p.employer,
                    "worker": p.worker,
                    "total": p.total,
                }
                for p in self.programs
            ],
            "funders": [
                {"segment": f.segment, "funder": f.funder, "kind": f.kind, "amount": f.amount} for f in self.funders
            ],
            "notes": list(self.notes),
        }


def _months_label(months: list[int]) -> str:
    return ", ".join(MONTH_NAMES[m - 1] for m in months)


_ROSTER_SQL = f"""
SELECT e.id, e.unit_id, e.category, e.wage, CAST(e.end_date AS TEXT)
FROM "{Employment._meta.db_table}" e
WHERE e.employer_id = %s AND e.start_date <= %s AND (e.end_date IS NULL OR e.end_date >= %s)
"""
_ROSTER_SCHEMA: dict[str, type[pl.DataType]] = {
    "employment_id": pl.Int64,
    "unit_id": pl.Int64,
    "category": pl.String,
    "wage": pl.Int64,
    "end_date": pl.Date,
}
_PART_SCHEMA: dict[str, type[pl.DataType]] = {
    "month": pl.Int64,
    "segment": pl.String,
    "unit_id": pl.Int64,
    "program": pl.String,
    "workers": pl.Int64,
    "employer": pl.Int64,
    "worker": pl.Int64,
}


@dataclass
class _AgreementData:
    """What one agreement contributes to every month it is used for, read once."""

    agreement: Agreement
    book: RateBook
    classes: dict[int, int]
    funders: list[Funder]


def check_budget_year(year: int) -> None:
    if not BUDGET_YEARS[0] <= year <= BUDGET_YEARS[1]:
        raise ValidationFailed(
            f"Tahun anggaran harus antara {BUDGET_YEARS[0]} dan {BUDGET_YEARS[1]} "
            f"(tarif iuran tercatat sejak {BUDGET_YEARS[0]}), mis. 2027"
        )


def check_increase(increase_percent: Decimal) -> None:
    if not increase_percent.is_finite() or not -100 < increase_percent <= INCREASE_MAX:
        raise ValidationFailed(
            f"Kenaikan upah harus lebih dari -100 dan paling tinggi {INCREASE_MAX} persen, mis. 5 atau 2,5"
        )


def project_budget(
    employer_code: str, year: int, increase_percent: Decimal, *, on: dt.date | None = None
) -> Projection:
    """Project the iuran of `year` from the roster active on `on` (default today), wages raised by
    `increase_percent` (rules: the module's docstring). Raises NotFound for an unknown employer."""
    on = on or timezone.localdate()
    if not isinstance(increase_percent, Decimal):
        increase_percent = Decimal(str(increase_percent))
    check_increase(increase_percent)
    check_budget_year(year)
    if not in_years(on):
        raise ValidationFailed(f"Tanggal data pekerja {date_label(on)} di luar tahun {FIRST_YEAR}-{LAST_YEAR}")
    employer = get_employer(employer_code)
    notes: list[str] = []
    roster = bulk.query_frame(_ROSTER_SQL, [employer.pk, on.isoformat(), on.isoformat()], _ROSTER_SCHEMA)
    roster = roster.with_columns(
        pl.when(pl.col("category") == BPU_CATEGORY)
        .then(pl.lit(Agreement.Segment.BPU.value))
        .otherwise(pl.lit(Agreement.Segment.PPU.value))
        .alias("segment"),
        share_expr(pl.col("wage"), Decimal(100) + increase_percent).alias("raised_wage"),
    )
    if roster.height == 0:
        notes.append(f"Tidak ada penugasan aktif di {employer.name} pada {date_label(on)}.")
    elif increase_percent:
        notes.append(
            f"Upah setiap pekerja dinaikkan {rate(increase_percent)}% "
            "(dibulatkan ke rupiah terdekat, setengah ke atas)."
        )
    ending = roster.filter(pl.col("end_date") <= dt.date(year, 12, 31)).height
    if ending:
        notes.append(
            f"{ending} penugasan tercatat berakhir sebelum 31 Desember {year}; tetap dihitung 12 bulan "
            "(anggaran mengasumsikan kontrak diperpanjang)."
        )

    loaded: dict[int, _AgreementData] = {}

    def data_of(agreement: Agreement) -> _AgreementData:
        if agreement.pk not in loaded:
            loaded[agreement.pk] = _AgreementData(
                agreement, rate_book_for(agreement), unit_risk_classes(agreement), list(agreement.funders.all())
            )
        return loaded[agreement.pk]

    parts: list[pl.DataFrame] = []
    counted: list[pl.DataFrame] = []
    funding: list[FunderMonth] = []
    funded_by_month: dict[int, int] = defaultdict(int)
    not_covered = 0
    for segment in Agreement.Segment.values:
        rows = roster.filter(pl.col("segment") == segment)
        label = SEGMENT_LABELS[segment]
        current = agreement_in_force(employer, segment, on)
        per_month = {m: agreement_in_force(employer, segment, dt.date(year, m, 1)) for m in range(1, 13)}
        if current is None and not any(per_month.values()):
            not_covered += rows.height
            if rows.height:
                notes.append(
                    f"{rows.height} penugasan {label} tidak dihitung: {employer.name} belum punya perjanjian {label}."
                )
            continue
        fallback = [m for m, a in per_month.items() if a is None and current is not None]
        if fallback and rows.height:
            notes.append(
                f"Tidak ada perjanjian {label} yang berlaku pada awal bulan {_months_label(fallback)} {year}; "
                f"dipakai perjanjian yang berlaku pada {date_label(on)} "
                f"(berlaku sejak {date_label(current.effective_from) if current else ''})."
            )
        missing = [m for m, a in per_month.items() if a is None and current is None]
        if missing and rows.height:
            notes.append(
                f"Bulan {_months_label(missing)} {year} tidak dihitung untuk {label}: "
                "belum ada perjanjian yang berlaku."
            )
        if rows.height == 0:
            continue
        for month in range(1, 13):
            agreement = per_month[month] or current
            if agreement is None:
                continue
            data = data_of(agreement)
            day = dt.date(year, month, 1)
            frame = _month_frame(rows, data, segment, day, notes)
            if frame.height == 0:
                continue
            counted.append(
                frame.select(
                    pl.lit(month, pl.Int64).alias("month"), "employment_id", "unit_id", pl.lit(segment).alias("segment")
                )
            )
            parts.append(_program_rows(frame, month, segment, agreement.program_list))
            funded = int(frame["employer" if agreement.worker_share_payer == Agreement.Payer.WORKER else "total"].sum())
            funded_by_month[month] += funded
            amounts = split(funded, [f.share for f in data.funders])
            funding += [
                FunderMonth(month, segment, f.name, f.kind, f.share, a)
                for f, a in zip(data.funders, amounts, strict=True)
            ]
        notes += _cap_notes([d for d in loaded.values() if d.agreement.segment == segment], year)
    return _assemble(employer, year, increase_percent, on, parts, counted, funding, funded_by_month, not_covered, notes)


def _month_frame(
    rows: pl.DataFrame, data: _AgreementData, segment: str, day: dt.date, notes: list[str]
) -> pl.DataFrame:
    """One month of a segment's employments with every program's shares (contributions.contribution_frame)."""
    agreement = data.agreement
    if agreement.reported_wage is not None:
        wage = pl.lit(agreement.reported_wage, pl.Int64)
        notes.append(
            f"Perjanjian {SEGMENT_LABELS[segment]} berlaku sejak {date_label(agreement.effective_from)} memakai upah "
            f"yang dilaporkan {rupiah(agreement.reported_wage)} untuk setiap pekerja; kenaikan upah tidak diterapkan."
        )
    else:
        wage = pl.col("raised_wage")
    risk = (
        pl.col("unit_id").replace_strict(data.classes, default=agreement.risk_class, return_dtype=pl.Int64)
        if data.classes
        else pl.lit(agreement.risk_class, pl.Int64)
    )
    frame = rows.select("employment_id", "unit_id", wage.alias("wage"), risk.alias("risk_class"))
    if segment == Agreement.Segment.PPU:
        floor = wage_floors(data.book, day).absolute
        under = frame.filter(pl.col("wage") < floor).height
        if under:
            notes.append(
                f"{under} pekerja dengan upah di bawah batas mutlak {rupiah(floor)} tidak dihitung "
                "(tidak dapat didaftarkan ke BPJS TK)."
            )
            frame = frame.filter(pl.col("wage") >= floor)
    if frame.height == 0:
        return frame
    return contribution_frame(data.book, frame, programs=agreement.program_list, segment=segment, on=day)


def _program_rows(frame: pl.DataFrame, month: int, segment: str, programs: list[str]) -> pl.DataFrame:
    """Per unit and program: workers, employer share, worker share."""
    columns = SEGMENT_PROGRAM_COLUMNS[segment]
    needed = sorted({c for p in programs for c in columns[p] if c})
    per_unit = frame.group_by("unit_id").agg(pl.len().alias("workers"), *[pl.col(c).sum() for c in needed])
    zero = pl.lit(0, pl.Int64)
    pieces = []
    for program in programs:
        employer_column, worker_column = columns[program]
        pieces.append(
            per_unit.select(
                pl.lit(month, pl.Int64).alias("month"),
                pl.lit(segment).alias("segment"),
                "unit_id",
                pl.lit(program).alias("program"),
                pl.col("workers").cast(pl.Int64),
                (pl.col(employer_column) if employer_column else zero).cast(pl.Int64).alias("employer"),
                (pl.col(worker_column) if worker_column else zero).cast(pl.Int64).alias("worker"),
            )
        )
    return pl.concat(pieces)


def _cap_notes(used: list[_AgreementData], year: int) -> list[str]:
    """The JP cap of the year: the switch on 1 March, or the latest known cap continuing."""
    notes = []
    march = dt.date(year, 3, 1)
    for data in used:
        if "JP" not in data.agreement.program_list:
            continue
        january, from_march = data.book.at("jp.cap", dt.date(year, 1, 1)), data.book.at("jp.cap", march)
        if from_march.valid_from < march:
            notes.append(
                f"Batas upah JP mulai 1 Maret {year} belum ada dalam data tarif; batas terakhir yang diketahui "
                f"{rupiah(from_march.amount('amount'))} (berlaku sejak {date_label(from_march.valid_from)}) "
                f"dipakai sampai Desember {year}. Perbarui rates/jp_cap.toml setelah BPJS TK mengumumkannya."
            )
        else:
            notes.append(
                f"Batas upah JP: {rupiah(january.amount('amount'))} untuk Januari-Februari {year}, "
                f"{rupiah(from_march.amount('amount'))} mulai Maret {year} "
                f"({from_march.regulation} [{from_march.confidence}])."
            )
    return notes


def _assemble(
    employer: Employer,
    year: int,
    increase_percent: Decimal,
    on: dt.date,
    parts: list[pl.DataFrame],
    counted: list[pl.DataFrame],
    funding: list[FunderMonth],
    funded_by_month: dict[int, int],
    not_covered: int,
    notes: list[str],
) -> Projection:
    units = {
        pk: (code, name)
        for pk, code, name in WorkUnit.objects.filter(employer=employer).values_list("id", "code", "name")
    }
    cells_frame = pl.concat(parts) if parts else pl.DataFrame(schema=_PART_SCHEMA)
    seen_all = (
        pl.concat(counted)
        if counted
        else pl.DataFrame(
            schema={"month": pl.Int64, "employment_id": pl.Int64, "unit_id": pl.Int64, "segment": pl.String}
        )
    )
    seen = seen_all.unique(["segment", "employment_id"])
    cells = sorted(
        (
            UnitProgramMonth(m, s, units[u][0], units[u][1], p, w, e, k)
            for m, s, u, p, w, e, k in cells_frame.iter_rows()
        ),
        key=lambda c: (c.month, _SEGMENT_ORDER[c.segment], c.unit_code, _PROGRAM_ORDER.get(c.program, 9)),
    )
    per_month_workers = dict(seen_all.group_by("month").agg(pl.len()).iter_rows()) if counted else {}
    employer_by_month: dict[int, int] = defaultdict(int)
    worker_by_month: dict[int, int] = defaultdict(int)
    for c in cells:
        employer_by_month[c.month] += c.employer
        worker_by_month[c.month] += c.worker
    months = tuple(
        MonthTotal(m, per_month_workers.get(m, 0), employer_by_month[m], worker_by_month[m], funded_by_month[m])
        for m in range(1, 13)
    )
    unit_workers = dict(((s, u), n) for s, u, n in seen.group_by("segment", "unit_id").agg(pl.len()).iter_rows())
    unit_sums: dict[tuple[str, str], list[int]] = {}
    program_sums: dict[tuple[str, str], list[int]] = {}
    unit_ids = {code: pk for pk, (code, _) in units.items()}
    for c in cells:
        u = unit_sums.setdefault((c.segment, c.unit_code), [0, 0])
        u[0] += c.employer
        u[1] += c.worker
        p = program_sums.setdefault((c.segment, c.program), [0, 0])
        p[0] += c.employer
        p[1] += c.worker
    unit_rows = tuple(
        UnitYear(s, code, units[unit_ids[code]][1], unit_workers.get((s, unit_ids[code]), 0), e, w)
        for (s, code), (e, w) in sorted(unit_sums.items(), key=lambda kv: (_SEGMENT_ORDER[kv[0][0]], kv[0][1]))
    )
    program_rows = tuple(
        ProgramYear(s, p, e, w)
        for (s, p), (e, w) in sorted(
            program_sums.items(), key=lambda kv: (_SEGMENT_ORDER[kv[0][0]], _PROGRAM_ORDER.get(kv[0][1], 9))
        )
    )
    funder_sums: dict[tuple[str, str, str], int] = {}
    for f in funding:
        funder_sums[(f.segment, f.funder, f.kind)] = funder_sums.get((f.segment, f.funder, f.kind), 0) + f.amount
    funder_rows = tuple(FunderYear(s, n, k, a) for (s, n, k), a in funder_sums.items())
    return Projection(
        employer_code=employer.region_id,
        employer_name=employer.name,
        year=year,
        increase_percent=increase_percent,
        on=on,
        workers=seen.height,
        not_covered=not_covered,
        months=months,
        cells=tuple(cells),
        funding=tuple(sorted(funding, key=lambda f: (f.month, _SEGMENT_ORDER[f.segment]))),
        units=unit_rows,
        programs=program_rows,
        funders=funder_rows,
        notes=tuple(dict.fromkeys(notes)),
    )


# --- the workbook ------------------------------------------------------------------------------


def write_budget_xlsx(projection: Projection, path: Path) -> None:
    """Ringkasan, Per Unit (unit × program), Per Program, Per Penyandang Dana (12 months + the year), Catatan."""
    book = xlsxwriter.Workbook(str(path))
    header = book.add_format(
        {"bold": True, "bg_color": "#1F4E78", "font_color": "#FFFFFF", "border": 1, "text_wrap": True}
    )
    money = book.add_format({"num_format": MONEY_FORMAT})
    money_bold = book.add_format({"num_format": MONEY_FORMAT, "bold": True, "top": 1})
    bold = book.add_format({"bold": True, "top": 1})
    label = book.add_format({"bold": True})
    title = book.add_format({"bold": True, "font_size": 14})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    p = projection
    month_headers = [f"{name[:3]} {p.year}" for name in MONTH_NAMES]

    summary = book.add_worksheet("Ringkasan")
    summary.set_column(0, 0, 36)
    summary.set_column(1, 4, 20)
    summary.write_string(0, 0, f"Proyeksi Iuran BPJS Ketenagakerjaan {p.year}", title)
    facts: list[tuple[str, str | int]] = [
        ("Pemberi kerja", p.employer_name),
        ("Kode wilayah", p.employer_code),
        ("Tahun anggaran", str(p.year)),
        ("Kenaikan upah (%)", rate(p.increase_percent)),
        ("Daftar pekerja per tanggal", p.on.isoformat()),
        ("Penugasan dihitung", p.workers),
        ("Penugasan tanpa perjanjian (tidak dihitung)", p.not_covered),
        ("Iuran pemberi kerja setahun", p.employer_amount),
        ("Iuran pekerja setahun", p.worker_amount),
        ("Jumlah iuran setahun", p.total),
        ("Ditanggung penyandang dana setahun", p.funded),
    ]
    for row, (name, value) in enumerate(facts, start=2):
        summary.write_string(row, 0, name, label)
        if isinstance(value, int):
            summary.write_number(row, 1, value, money)
        else:
            summary.write_string(row, 1, value)
    row = len(facts) + 3
    summary.write_row(row, 0, ["Program (setahun)", "Segmen", "Iuran PK", "Iuran TK", "Jumlah"], header)
    for r, item in enumerate(p.programs, start=row + 1):
        summary.write_string(r, 0, item.program)
        summary.write_string(r, 1, SEGMENT_LABELS.get(item.segment, item.segment))
        summary.write_row(r, 2, [item.employer, item.worker, item.total], money)

    per_unit = book.add_worksheet("Per Unit")
    fixed = ["Segmen", "Kode Unit", "Nama Unit", "Program"]
    per_unit.write_row(0, 0, [*fixed, *month_headers, "Setahun", "Setahun PK", "Setahun TK"], header)
    per_unit.set_column(0, 1, 12)
    per_unit.set_column(2, 2, 32)
    per_unit.set_column(4, 4 + 14, 14, money)
    per_unit.freeze_panes(1, 4)
    grid: dict[tuple[str, str, str, str], list[int]] = {}
    for c in p.cells:
        values = grid.setdefault((c.segment, c.unit_code, c.unit_name, c.program), [0] * 15)
        values[c.month - 1] += c.total
        values[12] += c.total
        values[13] += c.employer
        values[14] += c.worker
    keys = sorted(grid, key=lambda k: (_SEGMENT_ORDER.get(k[0], 9), k[1], _PROGRAM_ORDER.get(k[3], 9)))
    for r, key in enumerate(keys, start=1):
        segment, code, name, program = key
        per_unit.write_row(r, 0, [SEGMENT_LABELS.get(segment, segment), code, name, program])
        per_unit.write_row(r, 4, grid[key], money)
    _total_row(per_unit, len(keys) + 1, 4, [sum(grid[k][i] for k in keys) for i in range(15)], bold, money_bold)

    per_program = book.add_worksheet("Per Program")
    per_program.write_row(0, 0, ["Segmen", "Program", *month_headers, "Setahun"], header)
    per_program.set_column(2, 2 + 13, 14, money)
    by_program: dict[tuple[str, str], list[int]] = {}
    for c in p.cells:
        values = by_program.setdefault((c.segment, c.program), [0] * 13)
        values[c.month - 1] += c.total
        values[12] += c.total
    program_keys = sorted(by_program, key=lambda k: (_SEGMENT_ORDER.get(k[0], 9), _PROGRAM_ORDER.get(k[1], 9)))
    for r, (segment, program) in enumerate(program_keys, start=1):
        per_program.write_row(r, 0, [SEGMENT_LABELS.get(segment, segment), program])
        per_program.write_row(r, 2, by_program[(segment, program)], money)
    totals = [sum(v[i] for v in by_program.values()) for i in range(13)]
    _total_row(per_program, len(program_keys) + 1, 2, totals, bold, money_bold)

    per_funder = book.add_worksheet("Per Penyandang Dana")
    per_funder.write_row(0, 0, ["Segmen", "Penyandang Dana", "Jenis", *month_headers, "Setahun"], header)
    per_funder.set_column(1, 1, 34)
    per_funder.set_column(3, 3 + 13, 14, money)
    kinds = dict(Funder.Kind.choices)
    by_funder: dict[tuple[str, str, str], list[int]] = {}
    for f in p.funding:
        values = by_funder.setdefault((f.segment, f.funder, f.kind), [0] * 13)
        values[f.month - 1] += f.amount
        values[12] += f.amount
    for r, (segment, name, kind) in enumerate(by_funder, start=1):
        per_funder.write_row(r, 0, [SEGMENT_LABELS.get(segment, segment), name, kinds.get(kind, kind)])
        per_funder.write_row(r, 3, by_funder[(segment, name, kind)], money)
    totals = [sum(v[i] for v in by_funder.values()) for i in range(13)]
    _total_row(per_funder, len(by_funder) + 1, 3, totals, bold, money_bold)

    notes = book.add_worksheet("Catatan")
    notes.set_column(0, 0, 120, wrap)
    notes.write_string(0, 0, "Catatan proyeksi", header)
    for r, text in enumerate(p.notes or ("Tidak ada catatan.",), start=1):
        notes.write_string(r, 0, text)
    book.close()


def _total_row(sheet: Any, row: int, first: int, values: list[int], bold: Any, money_bold: Any) -> None:
    sheet.write_string(row, 0, "Jumlah", bold)
    for offset, value in enumerate(values):
        col = first + offset
        letter = xlsxwriter.utility.xl_col_to_name(col)
        formula = f"=SUM({letter}2:{letter}{row})" if row > 1 else "=0"
        sheet.write_formula(row, col, formula, money_bold, value)
