"""Loading the other side's data: a BPJS TK participant file for a Pemda, a branch's territory or the nation,
or BKN's census for one Pemda.

The rows go to a Parquet file under LINDUNG_DATA_DIR (`reconcile/<source>/<sha256>.parquet`, sorted by NPP
and NIK so that one Pemda's rows are read without scanning the nation), readable by the owner only; the
database records the file, its date, who loaded it, its checksum and row count. Nothing is changed when:
the same file is loaded again (said so), the file is older than the one in force (unless forced; both dates
said), a participant row belongs to another Pemda's NPP (whose it is said), the file has no NIK column or is
truncated, or a row is bad (all rows are reported; `partial` leaves the bad rows out instead).
NIKs never reach a log: log lines name the file, the scope and the counts.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from lindung.accounts.roles import Role
from lindung.accounts.scope import Scope
from lindung.domain.errors import Conflict, Issue, NotFound, PermissionDenied, ValidationFailed
from lindung.reconcile import engine
from lindung.reconcile.models import Coverage, Source, SourceFile
from lindung.reconcile.reader import read_rows
from lindung.registry.models import BranchOffice, Employer

log = logging.getLogger("lindung.reconcile")
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Target:
    """What a file is loaded for: one Pemda, a branch's territory, or the nation."""

    coverage: str
    employer: Employer | None = None
    branch: BranchOffice | None = None

    @property
    def label(self) -> str:
        if self.employer is not None:
            return f"{self.employer.name} ({self.employer.region_id})"
        if self.branch is not None:
            return f"kantor cabang {self.branch.name} ({self.branch.code})"
        return "nasional"

    def employer_ids(self) -> list[int] | None:
        if self.employer is not None:
            return [self.employer.pk]
        if self.branch is not None:
            return list(Employer.objects.filter(region__in=self.branch.territory.all()).values_list("id", flat=True))
        return None


def target_of(*, employer: str | None = None, branch: str | None = None, national: bool = False) -> Target:
    """The target named on the command line or a form; exactly one of the three."""
    if sum(bool(x) for x in (employer, branch, national)) != 1:
        raise ValidationFailed("Pilih tepat satu: --employer KODE, --branch KODE atau --national")
    if employer:
        found = Employer.objects.select_related("region").filter(region_id=employer.strip()).first()
        if found is None:
            raise NotFound(
                f"Pemda {employer} belum terdaftar; daftarkan dengan `lindung employer add --region {employer}`"
            )
        return Target(Coverage.EMPLOYER, employer=found)
    if branch:
        office = BranchOffice.objects.filter(code=branch.strip()).first()
        if office is None:
            raise NotFound(f"Kantor cabang {branch} tidak dikenal")
        return Target(Coverage.BRANCH, branch=office)
    return Target(Coverage.NATIONAL)


def _may_load(scope: Scope, target: Target, source: str) -> None:
    """A Pemda admin loads for their Pemda, a branch officer for their territory, the superuser anything."""
    if scope.role == Role.SUPERUSER:
        return
    if target.coverage == Coverage.EMPLOYER and scope.role in (Role.ADMIN, Role.BRANCH):
        assert target.employer is not None
        if scope.holds_employer(target.employer.pk):
            return
    if target.coverage == Coverage.BRANCH and scope.role == Role.BRANCH and source == Source.BPJSTK:
        assert target.branch is not None
        if scope.branch_code == target.branch.code:
            return
    raise PermissionDenied(f"Peran Anda tidak boleh memuat data untuk {target.label}")


@dataclass
class LoadResult:
    source: str
    target: str
    file: str
    data_date: dt.date
    rows: int  # rows read
    loaded: int  # rows kept
    rejected: int
    issues: list[Issue] = field(default_factory=list)
    committed: bool = False
    unchanged: bool = False  # the same file was already loaded
    message: str = ""
    source_file_id: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "target": self.target,
            "file": self.file,
            "data_date": self.data_date.isoformat(),
            "rows": self.rows,
            "loaded": self.loaded,
            "rejected": self.rejected,
            "committed": self.committed,
            "unchanged": self.unchanged,
            "message": self.message,
            "issues": [i.as_dict() for i in self.issues],
        }


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _current(source: str, target: Target) -> SourceFile | None:
    return (
        SourceFile.objects.filter(
            source=source, coverage=target.coverage, employer=target.employer, branch=target.branch, current=True
        )
        .order_by("-data_date", "-id")
        .first()
    )


def _npp_owner(npp: str) -> str:
    owner = Employer.objects.filter(npp=npp).first()
    return f"{owner.name} ({owner.region_id})" if owner else "pemberi kerja yang tidak dikenal lindung"


def _check_npps(frame: pl.DataFrame, target: Target) -> list[str]:
    """The NPPs of the participant rows; ValidationFailed when a row belongs to a Pemda outside the target."""
    counts = frame.group_by("npp").len().sort("len", descending=True)
    npps = [str(n) for n in counts.get_column("npp").to_list()]
    if target.coverage == Coverage.NATIONAL:
        return npps
    if target.employer is not None:
        own = target.employer.npp
        if not own:
            raise ValidationFailed(
                f"{target.employer.name} belum punya NPP: catat dengan "
                f"`lindung employer add --region {target.employer.region_id} --npp NPP`; tidak ada yang dimuat"
            )
        foreign = [(n, c) for n, c in counts.iter_rows() if n != own]
        if foreign:
            npp, count = foreign[0]
            raise ValidationFailed(
                f"Berkas ini berisi {count} peserta NPP {npp} milik {_npp_owner(str(npp))}, bukan "
                f"{target.employer.name} (NPP {own}); tidak ada yang dimuat"
            )
        return npps
    assert target.branch is not None
    inside = set(
        Employer.objects.filter(region__in=target.branch.territory.all(), npp__isnull=False).values_list(
            "npp", flat=True
        )
    )
    pemda = dict(Employer.objects.filter(npp__in=npps).values_list("npp", "name"))
    outside = [n for n in npps if n in pemda and n not in inside]
    if outside:
        raise ValidationFailed(
            f"Berkas ini berisi peserta NPP {outside[0]} milik {_npp_owner(outside[0])}, di luar wilayah "
            f"{target.label}; tidak ada yang dimuat"
        )
    return npps


_INSTANSI_WORDS = [
    (r"\bpemerintah\b", " "),
    (r"\bpemkab\b", " kabupaten "),
    (r"\bkab\b", " kabupaten "),
    (r"\bpemkot\b", " kota "),
    (r"\bpemprov\b", " provinsi "),
    (r"\bprov\b", " provinsi "),
    (r"\bpemda\b", " "),
]


def _instansi_key(text: str) -> str:
    value = " " + re.sub(r"[^a-z0-9]+", " ", text.lower()) + " "
    for pattern, new in _INSTANSI_WORDS:
        value = re.sub(pattern, new, value)
    return " ".join(value.split())


def _check_instansi(frame: pl.DataFrame, employer: Employer) -> None:
    """Every census row names the Pemda's instansi; a file for another Pemda is refused naming it."""
    own = _instansi_key(employer.name)
    names = [n for n in frame.get_column("instansi").drop_nulls().unique().to_list() if n]
    others = [n for n in names if _instansi_key(n) != own]
    if not others:
        return
    keys = {_instansi_key(e.name): e for e in Employer.objects.all()}
    other = others[0]
    owner = keys.get(_instansi_key(other))
    whose = f"milik {owner.name} ({owner.region_id})" if owner else "instansi lain"
    raise ValidationFailed(
        f"Berkas ini berisi data instansi {other!r} ({whose}), bukan {employer.name}; tidak ada yang dimuat"
    )


def stored_path(relative: str) -> Path:
    return Path(settings.DATA_DIR) / relative


def _store(frame: pl.DataFrame, source: str, digest: str) -> str:
    """Write the typed rows to the data folder, owner-only, atomically; the path relative to the folder."""
    relative = f"reconcile/{source}/{digest}.parquet"
    final = stored_path(relative)
    final.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    order = ["npp", "nik"] if source == Source.BPJSTK else ["nik"]
    handle, tmp = tempfile.mkstemp(dir=final.parent, prefix=".load-", suffix=".parquet")
    os.close(handle)
    try:
        os.chmod(tmp, 0o600)
        frame.sort(order).write_parquet(tmp, compression="zstd", statistics=True, row_group_size=256_000)
        os.replace(tmp, final)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    if source == Source.BPJSTK:  # cut once here, read by every run
        engine.doubles(final)
        engine.active_index(final)
        engine.pemda_part(final, [n for n in Employer.objects.values_list("npp", flat=True) if n])
    return relative


def load_source(
    scope: Scope,
    path: Path,
    *,
    source: str,
    target: Target,
    actor: str,
    data_date: dt.date | None = None,
    force: bool = False,
    partial: bool = False,
    progress: Progress | None = None,
) -> LoadResult:
    """Load one file for `target`; see the module's docstring for what is refused."""
    if source not in (Source.BPJSTK, Source.BKN):
        raise ValidationFailed(f"Sumber {source!r} tidak dikenal; pilih bpjstk atau bkn")
    if source == Source.BKN and target.coverage != Coverage.EMPLOYER:
        raise ValidationFailed("Pendataan BKN dimuat per Pemda: pakai --employer KODE")
    _may_load(scope, target, source)
    if not path.is_file():
        raise NotFound(f"Berkas {path} tidak ditemukan")
    step = progress or (lambda stage, done, total: None)
    day = data_date or dt.datetime.fromtimestamp(path.stat().st_mtime, tz=dt.UTC).astimezone().date()
    step("periksa", 0, 3)
    digest = sha256_of(path)
    current = _current(source, target)
    result = LoadResult(source, target.label, path.name, day, 0, 0, 0)
    if current is not None and current.sha256 == digest:
        result.unchanged = True
        result.rows = result.loaded = current.rows
        result.data_date = current.data_date
        result.message = (
            f"Berkas yang sama sudah dimuat pada {timezone.localtime(current.loaded_at):%Y-%m-%d %H:%M} oleh "
            f"{current.loaded_by} (data per {current.data_date}); tidak ada yang berubah."
        )
        return result
    if current is not None and day < current.data_date and not force:
        raise Conflict(
            f"Berkas ini berisi data per {day}, lebih lama daripada data yang berlaku per {current.data_date} "
            f"(dimuat {timezone.localtime(current.loaded_at):%Y-%m-%d} oleh {current.loaded_by}); tidak ada yang "
            "dimuat. Tambahkan --force bila memang berkas lama ini yang harus berlaku."
        )
    step("baca", 1, 3)
    rows = read_rows(path, source, timezone.localdate())
    result.rows, result.rejected, result.issues = rows.total, rows.rejected, list(rows.issues)
    result.loaded = rows.frame.height
    if rows.rejected and not partial:
        result.message = (
            f"{rows.rejected} baris ditolak; tidak ada yang dimuat (perbaiki, atau pakai --partial untuk memuat "
            "baris yang sah saja)."
        )
        result.loaded = 0
        return result
    if rows.frame.height == 0:
        raise ValidationFailed(f"Berkas {path.name} tidak berisi baris yang sah; tidak ada yang dimuat")
    npps: list[str] = []
    if source == Source.BPJSTK:
        npps = _check_npps(rows.frame, target)
    else:
        assert target.employer is not None
        _check_instansi(rows.frame, target.employer)
    step("simpan", 2, 3)
    relative = _store(rows.frame, source, digest)
    with transaction.atomic():
        previous = list(
            SourceFile.objects.select_for_update().filter(
                source=source, coverage=target.coverage, employer=target.employer, branch=target.branch, current=True
            )
        )
        loaded = SourceFile.objects.create(
            source=source,
            coverage=target.coverage,
            employer=target.employer,
            branch=target.branch,
            name=path.name[:255],
            path=relative,
            data_date=day,
            sha256=digest,
            rows=rows.frame.height,
            rejected=rows.rejected,
            npps=npps[:1000],
            loaded_by=actor,
            forced=bool(current is not None and day < current.data_date),
        )
        SourceFile.objects.filter(pk__in=[p.pk for p in previous]).update(current=False, replaced_by=loaded)
    step("simpan", 3, 3)
    log.debug(
        "reconcile load: source=%s target=%s file=%s rows=%s rejected=%s by=%s",
        source,
        target.coverage,
        loaded.pk,
        loaded.rows,
        rows.rejected,
        actor,
    )
    result.committed = True
    result.source_file_id = loaded.pk
    kept = f"{loaded.rows} baris dimuat" + (f", {rows.rejected} baris ditolak dan dilewati" if rows.rejected else "")
    what = "peserta BPJS TK" if source == Source.BPJSTK else "pendataan BKN"
    result.message = f"{kept}: {what} untuk {target.label}, data per {day}."
    return result
