"""Agreements, enrolment and KPJ numbers: who is covered, from when, under which package.

Each use case owns its transaction and records who did what in a ChangeSet.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl
from django.db import transaction
from django.utils import timezone

from lindung.domain.contributions import compute_contribution, normalise_request, wage_floors
from lindung.domain.errors import Conflict, Issue, NotFound, ValidationFailed
from lindung.domain.formats import date_label, mask_nik, rupiah
from lindung.domain.periods import FIRST_YEAR, LAST_YEAR, in_years, month_end
from lindung.domain.rates import RateBook, load_rate_book
from lindung.domain.sheets import Field
from lindung.enrolment.models import Agreement, Funder, Membership, UnitRiskClass
from lindung.intake import bulk
from lindung.intake.reader import read_sheet
from lindung.regions.models import Region
from lindung.registry.models import Change, ChangeSet, Employer, Worker, WorkUnit
from lindung.registry.services import change_row, get_employer, open_changeset, record_change
from lindung.registry.signals import notify

BPU_CATEGORY = "pekerja_rentan"
NIK_CHUNK = 5000  # values per IN list, as the roster import looks NIKs up


def rate_book_for(agreement: Agreement) -> RateBook:
    """The rates with this agreement's replacements of unverified values."""
    book = load_rate_book()
    if not agreement.rate_overrides:
        return book
    overrides = {k: {f: Decimal(str(v)) for f, v in fields.items()} for k, fields in agreement.rate_overrides.items()}
    return book.overridden(overrides)


@dataclass(frozen=True)
class FunderShare:
    name: str
    kind: str
    share: Decimal


def add_agreement(
    employer_code: str,
    *,
    programs: str | Sequence[str],
    effective_from: dt.date,
    actor: str,
    segment: str = Agreement.Segment.PPU,
    risk_class: int = 1,
    basis: str = "",
    basis_number: str = "",
    basis_date: dt.date | None = None,
    worker_share_payer: str = Agreement.Payer.EMPLOYER,
    late_fee: bool = False,
    reported_wage: int | None = None,
    unit_classes: Mapping[str, int] | None = None,
    funders: Sequence[FunderShare] = (),
    rate_overrides: Mapping[str, Mapping[str, str]] | None = None,
) -> tuple[Agreement, bool]:
    """Record an agreement; the same agreement again changes nothing. Returns it and whether it was created."""
    employer = get_employer(employer_code)
    for what, day in (("Tanggal berlaku", effective_from), ("Tanggal dasar hukum", basis_date)):
        if day is not None and not in_years(day):
            raise ValidationFailed(f"{what} {date_label(day)} di luar tahun {FIRST_YEAR}-{LAST_YEAR}; periksa tahunnya")
    if segment not in Agreement.Segment.values:
        raise ValidationFailed(f"Segmen {segment!r} tidak dikenal; pilih ppu atau bpu")
    if worker_share_payer not in Agreement.Payer.values:
        raise ValidationFailed(
            f"Pembayar iuran pekerja {worker_share_payer!r} tidak dikenal; pilih employer atau worker"
        )
    if basis and basis not in Agreement.Basis.values:
        raise ValidationFailed(f"Dasar hukum {basis!r} tidak dikenal; pilih {', '.join(Agreement.Basis.values)}")
    names, _ = normalise_request(programs, segment)
    units = {u.code: u for u in WorkUnit.objects.filter(employer=employer)}
    classes = dict(unit_classes or {})
    missing = sorted(set(classes) - set(units))
    if missing:
        raise NotFound(f"Unit {', '.join(missing)} tidak terdaftar di {employer.name}")
    shares = list(funders) or [_default_funder(employer)]
    if sum((f.share for f in shares), Decimal(0)) != 100:
        raise ValidationFailed("Bagian para penyandang dana harus berjumlah 100%")
    if any(f.kind not in Funder.Kind.values for f in shares):
        raise ValidationFailed(f"Jenis penyandang dana harus salah satu dari {', '.join(Funder.Kind.values)}")
    candidate = Agreement(
        employer=employer,
        segment=segment,
        programs=",".join(names),
        risk_class=risk_class,
        effective_from=effective_from,
        basis=basis,
        basis_number=basis_number,
        basis_date=basis_date,
        worker_share_payer=worker_share_payer,
        late_fee=late_fee,
        reported_wage=reported_wage,
        rate_overrides={k: dict(v) for k, v in (rate_overrides or {}).items()},
    )
    _check_package(candidate, classes)
    with transaction.atomic():
        existing = Agreement.objects.filter(employer=employer, segment=segment, effective_from=effective_from).first()
        if existing is not None:
            if _same(existing, candidate, classes, shares):
                return existing, False
            raise Conflict(
                f"Sudah ada perjanjian {segment.upper()} {employer.name} berlaku {date_label(effective_from)} "
                "dengan isi lain; "
                "perubahan dicatat sebagai perjanjian baru dengan tanggal berlaku lain"
            )
        cs = open_changeset(actor, f"agreement add {employer.region_id} {segment} {candidate.programs}")
        candidate.created_in = cs
        candidate.save()
        for code, value in classes.items():
            UnitRiskClass.objects.create(agreement=candidate, unit=units[code], risk_class=value)
        for f in shares:
            Funder.objects.create(agreement=candidate, name=f.name, kind=f.kind, share=f.share)
        record_change(cs, "enrolment.agreement", candidate.pk, "create", None, _snapshot(candidate, classes, shares))
    return candidate, True


def _default_funder(employer: Employer) -> FunderShare:
    kind = Funder.Kind.PROVINSI if employer.region.level == Region.Level.PROVINSI else Funder.Kind.KABUPATEN
    return FunderShare(f"APBD {employer.name}", kind, Decimal(100))


def _check_package(agreement: Agreement, unit_classes: Mapping[str, int]) -> None:
    """The package must be computable on its effective date: known programs for the segment, rates in force."""
    for value in [agreement.risk_class, *unit_classes.values()]:
        if not 1 <= value <= 5:
            raise ValidationFailed(f"Kelas risiko JKK {value} tidak dikenal; pilih 1 sampai 5")
    if agreement.reported_wage is not None and agreement.reported_wage <= 0:
        raise ValidationFailed("Upah yang dilaporkan harus lebih dari 0")
    book = rate_book_for(agreement)
    floor = int(book.at("wage.absolute_floor", agreement.effective_from).amount("amount"))
    compute_contribution(
        book,
        wage=max(agreement.reported_wage or floor, floor),
        programs=agreement.program_list,
        risk_class=agreement.risk_class,
        segment=agreement.segment,
        on=agreement.effective_from,
    )


def _snapshot(agreement: Agreement, classes: Mapping[str, int], shares: Sequence[FunderShare]) -> dict[str, Any]:
    return {
        "employer": agreement.employer_id,
        "segment": agreement.segment,
        "programs": agreement.programs,
        "risk_class": agreement.risk_class,
        "effective_from": agreement.effective_from.isoformat(),
        "basis": agreement.basis,
        "basis_number": agreement.basis_number,
        "basis_date": agreement.basis_date.isoformat() if agreement.basis_date else None,
        "worker_share_payer": agreement.worker_share_payer,
        "late_fee": agreement.late_fee,
        "reported_wage": agreement.reported_wage,
        "rate_overrides": agreement.rate_overrides,
        "unit_classes": dict(sorted(classes.items())),
        "funders": [[f.name, f.kind, str(Decimal(f.share).normalize())] for f in shares],
    }


def _same(existing: Agreement, candidate: Agreement, classes: Mapping[str, int], shares: Sequence[FunderShare]) -> bool:
    recorded_classes = {c.unit.code: c.risk_class for c in existing.unit_classes.select_related("unit")}
    recorded_funders = [FunderShare(f.name, f.kind, f.share) for f in existing.funders.all()]
    return _snapshot(existing, recorded_classes, recorded_funders) == _snapshot(candidate, classes, shares)


def agreement_in_force(employer: Employer, segment: str, day: dt.date) -> Agreement | None:
    return (
        Agreement.objects.filter(employer=employer, segment=segment, effective_from__lte=day)
        .order_by("-effective_from")
        .first()
    )


def unit_risk_classes(agreement: Agreement) -> dict[int, int]:
    """Unit id -> JKK class, for the units that override the employer's class."""
    return dict(agreement.unit_classes.values_list("unit_id", "risk_class"))


# --- enrolment ---------------------------------------------------------------------------------


@dataclass
class EnrolResult:
    employer: str
    on: dt.date
    enrolled: int = 0
    already: int = 0
    ended: int = 0
    by_segment: dict[str, int] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)  # not enrolled (wage under the floor) or warned

    def as_dict(self) -> dict[str, Any]:
        return {
            "employer": self.employer,
            "on": self.on.isoformat(),
            "enrolled": self.enrolled,
            "already": self.already,
            "ended": self.ended,
            "by_segment": self.by_segment,
            "issues": [i.as_dict() for i in self.issues],
        }


_ACTIVE_SQL = """
SELECT e.id, e.worker_id, e.unit_id, e.category, e.wage, e.start_date, e.end_date, w.nik,
       (SELECT COUNT(*) FROM enrolment_membership m WHERE m.employment_id = e.id) AS memberships
FROM registry_employment e JOIN registry_worker w ON w.id = e.worker_id
WHERE e.employer_id = %s AND e.start_date <= %s AND (e.end_date IS NULL OR e.end_date >= %s)
"""
_ACTIVE_SCHEMA: dict[str, type[pl.DataType]] = {
    "employment_id": pl.Int64,
    "worker_id": pl.Int64,
    "unit_id": pl.Int64,
    "category": pl.String,
    "wage": pl.Int64,
    "start_date": pl.Date,
    "end_date": pl.Date,
    "nik": pl.String,
    "memberships": pl.Int64,
}


def enrol(
    employer_code: str, *, actor: str, on: dt.date | None = None, units: Sequence[str] | None = None
) -> EnrolResult:
    """Enrol the employer's active employments under the agreements in force on `on` (default today).

    A membership starts on the agreement's effective date or the employment's start, whichever is later;
    an employment that has ended ends its membership at the end of that month. Enrolling again on the
    same day changes nothing. `units` (unit codes) enrols only those units, as OPD register one by one.
    """
    on = on or timezone.localdate()
    if not in_years(on):
        raise ValidationFailed(f"Tanggal pendaftaran {date_label(on)} di luar tahun {FIRST_YEAR}-{LAST_YEAR}")
    employer = get_employer(employer_code)
    result = EnrolResult(employer.region_id, on)
    with transaction.atomic():
        Employer.objects.select_for_update().filter(pk=employer.pk).first()
        agreements = {
            segment: a for segment in Agreement.Segment.values if (a := agreement_in_force(employer, segment, on))
        }
        if not agreements:
            raise NotFound(
                f"{employer.name} belum punya perjanjian yang berlaku pada {date_label(on)}; "
                "catat dulu dengan `lindung agreement add`"
            )
        finished = list(
            Membership.objects.filter(employer=employer, valid_to__isnull=True, employment__end_date__isnull=False)
            .select_related("employment")
            .only("id", "valid_from", "status", "employment__end_date")
        )
        active = bulk.query_frame(_ACTIVE_SQL, [employer.pk, on.isoformat(), on.isoformat()], _ACTIVE_SCHEMA)
        if units is not None:
            found = dict(WorkUnit.objects.filter(employer=employer, code__in=units).values_list("code", "id"))
            missing = sorted(set(units) - set(found))
            if missing:
                raise NotFound(f"Unit {', '.join(missing)} tidak ada di {employer.name}")
            active = active.filter(pl.col("unit_id").is_in(list(found.values())))
        result.already = active.filter(pl.col("memberships") > 0).height
        fresh = active.filter(pl.col("memberships") == 0)
        todo = []
        for segment, agreement in agreements.items():
            rows = fresh.filter((pl.col("category") == BPU_CATEGORY) == (segment == Agreement.Segment.BPU))
            rows = _judge_wages(rows, agreement, on, result.issues)
            todo.append((agreement, rows))
            result.by_segment[segment] = rows.height
            result.enrolled += rows.height
        result.ended = len(finished)
        if not finished and not result.enrolled:
            return result  # nothing to write: no ChangeSet either
        cs = open_changeset(
            actor,
            f"enrol {employer.region_id} --on {on}",
            {k: v for k, v in result.as_dict().items() if k != "issues"} | ({"units": list(units)} if units else {}),
            effective=on,
        )
        _end_finished(finished, cs, on)
        for agreement, rows in todo:
            _insert_memberships(rows, employer, agreement, cs)
        notify("enrol", [employer.pk])
    return result


def _judge_wages(rows: pl.DataFrame, agreement: Agreement, on: dt.date, issues: list[Issue]) -> pl.DataFrame:
    """PPU rows whose reported wage is under the absolute floor in force on `on` are not enrolled; under the
    minimum reported wage they are enrolled with a warning. BPU incomes are lifted by the brackets instead."""
    if agreement.reported_wage is not None:
        rows = rows.with_columns(pl.lit(agreement.reported_wage, pl.Int64).alias("wage"))
    if agreement.segment == Agreement.Segment.BPU:
        return rows
    floors = wage_floors(rate_book_for(agreement), on)
    for row in rows.filter(pl.col("wage") < floors.minimum_reported).iter_rows(named=True):
        wage, nik = rupiah(row["wage"]), mask_nik(row["nik"])
        if row["wage"] < floors.absolute:
            code, severity = "WAGE_UNDER_ABSOLUTE_FLOOR", "error"
            message = f"{nik}: upah {wage} di bawah batas mutlak {rupiah(floors.absolute)}; tidak didaftarkan"
        else:
            code, severity = "WAGE_UNDER_MINIMUM_REPORTED", "warning"
            message = (
                f"{nik}: upah {wage} di bawah upah terendah yang dilaporkan {rupiah(floors.minimum_reported)}; "
                "perlu persetujuan BPJS TK"
            )
        issues.append(Issue(None, "upah", code, message, str(row["wage"]), severity))
    return rows.filter(pl.col("wage") >= floors.absolute)


def _insert_memberships(rows: pl.DataFrame, employer: Employer, agreement: Agreement, cs: ChangeSet) -> None:
    if rows.height == 0:
        return
    effective = agreement.effective_from
    frame = rows.select(
        bulk.reserve_ids(Membership._meta.db_table, rows.height),
        pl.col("worker_id"),
        pl.lit(employer.pk, pl.Int64).alias("employer_id"),
        pl.col("employment_id"),
        pl.lit(agreement.pk, pl.Int64).alias("agreement_id"),
        pl.lit(agreement.segment).alias("segment"),
        pl.max_horizontal(pl.col("start_date"), pl.lit(effective)).alias("valid_from"),
        pl.col("end_date").dt.month_end().alias("valid_to"),
        pl.lit(Membership.Status.REGISTERED).alias("status"),
        pl.lit(cs.pk, pl.Int64).alias("created_in_id"),
    )
    bulk.insert_frame(Membership._meta.db_table, frame)


def _end_finished(rows: list[Membership], cs: ChangeSet, on: dt.date) -> None:
    """Open memberships whose employment now has an end date end at that month's end (a Change row each).

    Two statements whatever the number of rows: the Change rows in bulk, the updates as one batch."""
    if not rows:
        return
    now = timezone.now()
    changes, ids, ends, statuses = [], [], [], []
    for m in rows:
        assert m.employment.end_date is not None
        valid_to = max(month_end(m.employment.end_date), m.valid_from)
        status = Membership.Status.ENDED if valid_to < on else m.status
        changes.append(
            change_row(
                cs,
                "enrolment.membership",
                m.pk,
                "end",
                {"valid_to": None, "status": m.status},
                {"valid_to": valid_to, "status": status},
            )
        )
        ids.append(m.pk)
        ends.append(valid_to)
        statuses.append(status)
    bulk.write_changes(changes)
    bulk.update_rows(
        Membership._meta.db_table,
        pl.DataFrame(
            {"id": ids, "valid_to": ends, "status": statuses, "updated_at": [now] * len(ids)},
            schema={"id": pl.Int64, "valid_to": pl.Date, "status": pl.String, "updated_at": pl.Datetime("us", "UTC")},
        ),
    )


# --- KPJ numbers -------------------------------------------------------------------------------

KPJ_FIELDS = (
    Field("nik", "NIK", True, ("nik", "no ktp", "nomor induk kependudukan"), "16 angka"),
    Field("kpj", "KPJ", True, ("kpj", "no kpj", "nomor kpj", "nomor peserta", "no peserta"), "nomor peserta"),
    Field("status", "Status", True, ("status", "keterangan", "status kepesertaan"), "AKTIF atau DITOLAK"),
)
_STATUS_WORDS = {
    "aktif": Membership.Status.ACTIVE,
    "active": Membership.Status.ACTIVE,
    "terdaftar": Membership.Status.ACTIVE,
    "sukses": Membership.Status.ACTIVE,
    "berhasil": Membership.Status.ACTIVE,
    "ditolak": Membership.Status.REJECTED,
    "tolak": Membership.Status.REJECTED,
    "gagal": Membership.Status.REJECTED,
    "rejected": Membership.Status.REJECTED,
}
KPJ_DIGITS = (10, 15)  # 11 in practice [U]; third-party tools accept 10-15 digits (reference §4.2)


@dataclass
class KpjResult:
    rows: int = 0
    updated: int = 0
    unchanged: int = 0
    unmatched: list[dict[str, Any]] = field(default_factory=list)  # row, masked NIK, reason
    rejected: list[Issue] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "unmatched": self.unmatched,
            "rejected": [i.as_dict() for i in self.rejected],
        }


def import_kpj(path: Path, employer_code: str, *, actor: str) -> KpjResult:
    """Record the KPJ numbers and status from BPJS TK's response file (NIK, KPJ, status).

    Rows whose NIK has no membership of this employer are reported, not guessed. A file with a bad
    row (KPJ not 10-15 digits, unknown status) changes nothing.
    """
    employer = get_employer(employer_code)
    sheet = read_sheet(path, KPJ_FIELDS, "id")
    frame = sheet.frame.select(
        pl.col("row"),
        pl.col("nik").str.replace_all(r"[\s.\-']", "").alias("nik"),
        pl.col("kpj").str.replace_all(r"[\s.\-']", "").alias("kpj"),
        pl.col("status").str.strip_chars().str.to_lowercase().alias("status_text"),
    ).with_columns(pl.col("status_text").replace_strict(_STATUS_WORDS, default=None).alias("status"))
    result = KpjResult(rows=frame.height)
    low, high = KPJ_DIGITS
    for row in frame.iter_rows(named=True):
        kpj = row["kpj"] or ""
        if not (kpj.isascii() and kpj.isdigit() and low <= len(kpj) <= high):
            result.rejected.append(
                Issue(row["row"], "KPJ", "KPJ_INVALID", f"KPJ harus {low}-{high} angka", kpj or None)
            )
        if row["status"] is None:
            result.rejected.append(
                Issue(
                    row["row"],
                    "Status",
                    "KPJ_STATUS_UNKNOWN",
                    "Status harus AKTIF atau DITOLAK",
                    row["status_text"] or None,
                )
            )
    if result.rejected:
        raise ValidationFailed(
            f"{len(result.rejected)} baris berkas KPJ ditolak; tidak ada yang diubah", result.rejected
        )
    latest = _latest_memberships(employer, frame["nik"].to_list())
    with transaction.atomic():
        Employer.objects.select_for_update().filter(pk=employer.pk).first()  # one writer per Pemda
        cs = open_changeset(actor, f"kpj import {path.name} {employer.region_id}")
        now = timezone.now()
        changes: list[Change] = []
        updates: dict[str, list[Any]] = {"id": [], "kpj": [], "status": []}
        for row in frame.iter_rows(named=True):
            membership = latest.get(row["nik"])
            if membership is None:
                result.unmatched.append(
                    {"row": row["row"], "nik": mask_nik(row["nik"]), "reason": "tidak ada kepesertaan di Pemda ini"}
                )
                continue
            status = row["status"] if membership.status != Membership.Status.ENDED else membership.status
            if membership.kpj == row["kpj"] and membership.status == status:
                result.unchanged += 1
                continue
            changes.append(
                change_row(
                    cs,
                    "enrolment.membership",
                    membership.pk,
                    "update",
                    {"kpj": membership.kpj, "status": membership.status},
                    {"kpj": row["kpj"], "status": status},
                )
            )
            updates["id"].append(membership.pk)
            updates["kpj"].append(row["kpj"])
            updates["status"].append(status)
            result.updated += 1
        # In the file's order: a NIK given twice ends with its last row, as row-by-row updates did.
        bulk.write_changes(changes)
        bulk.update_rows(
            Membership._meta.db_table,
            pl.DataFrame(
                updates | {"updated_at": [now] * result.updated},
                schema={"id": pl.Int64, "kpj": pl.String, "status": pl.String, "updated_at": pl.Datetime("us", "UTC")},
            ),
        )
        cs.summary = {k: v for k, v in result.as_dict().items() if k in ("rows", "updated", "unchanged")} | {
            "unmatched": len(result.unmatched)
        }
        cs.save(update_fields=["summary"])
        if result.updated:
            notify("kpj import", [employer.pk])
    return result


def _latest_memberships(employer: Employer, niks: list[str]) -> dict[str, Membership]:
    """NIK -> the employer's latest membership of that worker (by valid_from, then id), for the NIKs that have one.

    Two lookups of one table each (the workers by NIK, then their memberships here) rather than one join:
    each is an index or hash probe per NIK whatever the planner estimates, whereas the join, planned on
    statistics that said "no rows" (a table vacuumed after a rolled-back load), ran as a nested loop over
    full scans: 16-27 s for 2,000 NIKs on PostgreSQL (tests/integration/test_query_budget.py).
    """
    wanted = sorted(set(niks))
    workers: dict[int, str] = {}
    for offset in range(0, len(wanted), NIK_CHUNK):
        chunk = wanted[offset : offset + NIK_CHUNK]
        workers.update(Worker.objects.filter(nik__in=chunk).values_list("id", "nik"))
    ids = sorted(workers)
    latest: dict[str, Membership] = {}
    for offset in range(0, len(ids), NIK_CHUNK):  # a worker's memberships all come in the chunk of its id
        rows = Membership.objects.filter(employer=employer, worker_id__in=ids[offset : offset + NIK_CHUNK]).order_by(
            "valid_from", "id"
        )
        for m in rows:
            latest[workers[m.worker_id]] = m
    return latest
