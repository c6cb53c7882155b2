"""The roster as a scope sees it: the filtered list of workers, their rows (current employment, coverage),
its export, a worker's record with its full history, and the lists the API pages through. Every query is
narrowed by the user's `Scope`; the pages and the API both read the roster here, so they show the same workers,
masked the same way, for the same search.

A list page costs a fixed number of queries whatever its length: the page of workers, then their
employments and their valid memberships, each in one query.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import xlsxwriter
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Upper
from django.http import QueryDict
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from lindung.accounts.scope import Scope
from lindung.domain.formats import date_label, mask_nik, mask_phone, rupiah
from lindung.domain.terms import WORKER_CATEGORIES
from lindung.enrolment.models import Membership
from lindung.enrolment.roster_index import roster_index
from lindung.registry.history import actor_words, source_words
from lindung.registry.models import Change, ChangeSet, Employment, Worker, WorkUnit

STATUSES = ("aktif", "berhenti", "terdaftar", "belum")
NO_UNIT = 0  # a unit id no unit has: the filter of a unit outside the scope


def category_label(code: str | None) -> str:
    return WORKER_CATEGORIES[code][0] if code in WORKER_CATEGORIES else (code or "")


def _active(on: dt.date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": on})


def valid_memberships(scope: Scope, on: dt.date) -> QuerySet[Membership]:
    """Memberships in force on `on` (not rejected), as coverage counts them."""
    return scope.restrict(
        Membership.objects.filter(valid_from__lte=on)
        .exclude(status=Membership.Status.REJECTED)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
    )


@dataclass(frozen=True)
class RosterFilter:
    q: str = ""
    employer: int | None = None
    unit: int | None = None
    category: str = ""
    status: str = ""

    @classmethod
    def from_query(cls, data: QueryDict, units: Iterable[WorkUnit], employer_ids: Iterable[int]) -> RosterFilter:
        """The filter a GET asks for; values outside the scope's units, employers or choices are ignored."""

        def number(name: str, allowed: set[int]) -> int | None:
            raw = data.get(name, "")
            return int(raw) if raw.isdigit() and int(raw) in allowed else None

        category = data.get("category", "")
        status = data.get("status", "")
        return cls(
            q=data.get("q", "").strip()[:100],
            employer=number("employer", set(employer_ids)),
            unit=number("unit", {u.pk for u in units}),
            category=category if category in WORKER_CATEGORIES else "",
            status=status if status in STATUSES else "",
        )

    @classmethod
    def of(
        cls, scope: Scope, *, q: str = "", unit: str = "", category: str = "", active: bool | None = None
    ) -> RosterFilter:
        """The filter an API call asks for: a unit by its code, active true/false. A unit or category the scope
        does not hold matches nobody (a page's dropdown cannot offer one; an API caller can name it)."""
        unit_id = None
        if unit:
            unit_id = scope.units().filter(code=unit).values_list("pk", flat=True).first() or NO_UNIT
        status = "" if active is None else "aktif" if active else "berhenti"
        return cls(q=q.strip()[:100], unit=unit_id, category=category, status=status)

    def as_query(self) -> str:
        """The filter as a query string (for the pager and the export link)."""
        data = QueryDict(mutable=True)
        for name in ("q", "employer", "unit", "category", "status"):
            value = getattr(self, name)
            if value not in ("", None):
                data[name] = str(value)
        return data.urlencode()


VISIBLE_DIGITS = 4  # a masked NIK shows its first and last four digits (domain.formats.mask_nik)


def nik_search(q: str, full: bool) -> Q | None:
    """The NIK a search names: typed in full, its last digits, or masked as shown (1311********0001); None
    for a name. The one rule for who may search by full NIK: a role with `personal.full` (`full`); any other
    role searches only by what the mask shows it, the first and last four digits."""
    compact = "".join(c for c in q if c not in " .-")
    if compact.isdigit():
        if not full:
            return Q(nik__endswith=compact[-VISIBLE_DIGITS:])
        return Q(nik=compact) if len(compact) == 16 else Q(nik__endswith=compact)
    if "*" in compact and compact.replace("*", "").isdigit():
        head, _, tail = compact.partition("*")
        tail = tail.strip("*")
        if not full:
            head, tail = head[:VISIBLE_DIGITS], tail[-VISIBLE_DIGITS:]
        if len(compact) == 16:
            return Q(nik__startswith=head, nik__endswith=tail)
        return Q(nik__startswith=head) & (Q(nik__endswith=tail) if tail else Q())
    return None


def roster_workers(scope: Scope, f: RosterFilter, on: dt.date) -> QuerySet[Worker]:
    """The workers the scope holds that match the filter, by name.

    The scope and the employment filters select worker ids from the employments (an index-only scan of
    (employer, worker) or (unit, end_date)), so PostgreSQL walks the name index or hashes one Pemda's ids
    instead of testing every worker of the nation with a correlated EXISTS."""
    employments = scope.restrict(Employment.objects.filter(worker_id=OuterRef("pk")))
    matching = _matching(scope, f, on)
    workers = Worker.objects.all() if matching is None else Worker.objects.filter(pk__in=matching.values("worker_id"))
    if f.q:
        nik = nik_search(f.q, scope.can("personal.full"))
        workers = workers.filter(nik if nik is not None else Q(name__icontains=f.q))
    if f.status == "berhenti":
        workers = workers.filter(~Exists(employments.filter(_active(on))))
    covered = valid_memberships(scope, on).filter(worker_id=OuterRef("pk"))
    if f.status == "terdaftar":
        workers = workers.filter(Exists(covered))
    elif f.status == "belum":
        workers = workers.filter(~Exists(covered))
    if f.q:
        # Ordered by an expression, a search cannot walk the name index and filter 2 million names one by one:
        # PostgreSQL takes the few names the trigram index finds and sorts them.
        return workers.order_by(Upper("name"), "pk")
    return workers.order_by("name", "pk")


def _matching(scope: Scope, f: RosterFilter, on: dt.date) -> QuerySet[Employment] | None:
    """The scope's employments that pass the unit, Pemda, category and active filters (None: every worker)."""
    narrow: dict[str, Any] = {}
    if f.employer is not None:
        narrow["employer_id"] = f.employer
    if f.unit is not None:
        narrow["unit_id"] = f.unit
    if f.category:
        narrow["category"] = f.category
    active = f.status in ("aktif", "belum")
    if scope.everything and not narrow and not active:
        return None
    matching = scope.restrict(Employment.objects.filter(**narrow))
    return matching.filter(_active(on)) if active else matching


def roster_ids(scope: Scope, f: RosterFilter, on: dt.date) -> Sequence[int] | None:
    """The ids `roster_workers` lists, in name order, from the scope's roster held in memory (`roster_index`):
    a page, its count and a name search never join the national worker table. None for a NIK search or a
    nationwide list (a superuser's), which go to the database each time."""
    if scope.everything or (f.q and nik_search(f.q, True) is not None):
        return None
    whole = replace(f, q="")
    employers = ",".join(str(i) for i in sorted(scope.employer_ids or ()))
    key = f"{employers}:{scope.unit_id}:{whole.as_query()}:{on.isoformat()}"
    index = roster_index(key, lambda: list(roster_workers(scope, whole, on).values_list("pk", "name")))
    return index.matching(f.q) if f.q else index.ids


def workers_by_id(ids: Sequence[int]) -> list[Worker]:
    """These workers, in this order (one query)."""
    found = Worker.objects.in_bulk(list(ids))
    return [found[i] for i in ids if i in found]


def roster_count(scope: Scope, f: RosterFilter, on: dt.date) -> int:
    """How many workers `roster_workers` lists. Without a search or a membership status it counts distinct
    workers on the employments (one index-only scan of one Pemda) instead of probing the national worker table."""
    matching = _matching(scope, f, on)
    if f.q or f.status in ("berhenti", "terdaftar", "belum") or matching is None:
        return roster_workers(scope, f, on).count()
    return matching.values("worker_id").distinct().count()


@dataclass(frozen=True)
class RosterRow:
    worker: Worker
    nik: str  # masked unless the export shows it in full
    employment: Employment | None  # the current one in scope (else the latest)
    active: bool
    kpj: str | None
    covered: bool

    @property
    def category(self) -> str:
        return category_label(self.employment.category) if self.employment else ""


def _current(employments: Sequence[Employment], on: dt.date) -> Employment | None:
    """The employment in force (the latest started), else the one that ended last."""
    live = [e for e in employments if e.end_date is None or e.end_date >= on]
    if live:
        return max(live, key=lambda e: (e.start_date, e.pk))
    return max(employments, key=lambda e: (e.end_date or on, e.start_date, e.pk), default=None)


def roster_rows(scope: Scope, workers: Sequence[Worker], on: dt.date, full_nik: bool = False) -> list[RosterRow]:
    """The rows of these workers: two queries, whatever their number."""
    ids = [w.pk for w in workers]
    by_worker: dict[int, list[Employment]] = defaultdict(list)
    for e in scope.restrict(Employment.objects.filter(worker_id__in=ids)).select_related("unit"):
        by_worker[e.worker_id].append(e)
    kpj: dict[int, str | None] = {}
    for worker_id, number in valid_memberships(scope, on).filter(worker_id__in=ids).values_list("worker_id", "kpj"):
        kpj[worker_id] = kpj.get(worker_id) or number
    rows = []
    for w in workers:
        current = _current(by_worker.get(w.pk, []), on)
        active = current is not None and (current.end_date is None or current.end_date >= on)
        nik = w.nik if full_nik else mask_nik(w.nik)
        rows.append(RosterRow(w, nik, current, active, kpj.get(w.pk), w.pk in kpj))
    return rows


# --- the export ------------------------------------------------------------------------------

EXPORT_HEADER = [
    "NIK",
    "Nama Lengkap",
    "Tanggal Lahir",
    "L/P",
    "No. HP",
    "Kode Unit",
    "Nama Unit",
    "Kategori",
    "Jabatan",
    "Upah",
    "TMT",
    "Tanggal Selesai",
    "Status",
    "Terdaftar BPJS",
    "KPJ",
]
EXPORT_CHUNK = 2000


def _export_values(r: RosterRow, full: bool) -> list[str | int]:
    w, e = r.worker, r.employment
    return [
        r.nik,
        w.name,
        w.birth_date.isoformat() if full else "",
        w.sex,
        (w.phone or "") if full else mask_phone(w.phone),
        e.unit.code if e else "",
        e.unit.name if e else "",
        r.category,
        (e.job_title or "") if e else "",
        e.wage if e else "",
        e.start_date.isoformat() if e else "",
        e.end_date.isoformat() if e and e.end_date else "",
        _("Aktif") if r.active else _("Berhenti"),
        _("Ya") if r.covered else _("Belum"),
        r.kpj or "",
    ]


def roster_workbook(scope: Scope, f: RosterFilter, on: dt.date, full: bool) -> bytes:
    """The filtered roster as .xlsx, every cell but the wage as text (NIKs keep 16 digits); NIK and phone
    in full only when `full`. Read in chunks: three queries per 2,000 workers."""
    ids = list(roster_workers(scope, f, on).values_list("pk", flat=True))
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "daftar.xlsx"
        book = xlsxwriter.Workbook(str(out), {"constant_memory": True, "strings_to_numbers": False})
        head = book.add_format({"bold": True, "bg_color": "#1F4E78", "font_color": "#FFFFFF"})
        money = book.add_format({"num_format": "#,##0"})
        sheet = book.add_worksheet("Daftar Pekerja")
        sheet.set_column(0, 0, 20)
        sheet.set_column(1, 1, 30)
        sheet.set_column(2, 14, 16)
        sheet.freeze_panes(1, 0)
        sheet.write_row(0, 0, EXPORT_HEADER, head)
        line = 1
        for start in range(0, len(ids), EXPORT_CHUNK):
            chunk = ids[start : start + EXPORT_CHUNK]
            workers = Worker.objects.in_bulk(chunk)
            for r in roster_rows(scope, [workers[i] for i in chunk], on, full_nik=full):
                for col, value in enumerate(_export_values(r, full)):
                    if isinstance(value, int):
                        sheet.write_number(line, col, value, money)
                    else:
                        sheet.write_string(line, col, value)
                line += 1
        book.close()
        return out.read_bytes()


# --- a worker's record and history ---------------------------------------------------------------

FIELD_LABELS = {
    "nik": gettext_lazy("NIK"),
    "name": gettext_lazy("Nama"),
    "birth_date": gettext_lazy("Tanggal lahir"),
    "sex": gettext_lazy("Jenis kelamin"),
    "phone": gettext_lazy("No. HP"),
    "domicile_id": gettext_lazy("Domisili"),
    "category": gettext_lazy("Kategori"),
    "job_title": gettext_lazy("Jabatan"),
    "wage": gettext_lazy("Upah"),
    "start_date": gettext_lazy("TMT"),
    "end_date": gettext_lazy("Tanggal selesai"),
    "sk_number": gettext_lazy("No. SK"),
    "unit": gettext_lazy("Unit"),
    "transfer_to": gettext_lazy("Pindah ke unit"),
    "valid_from": gettext_lazy("Berlaku sejak"),
    "valid_to": gettext_lazy("Berlaku sampai"),
    "status": gettext_lazy("Status"),
    "kpj": gettext_lazy("KPJ"),
}
PERSONAL = frozenset({"nik", "phone", "birth_date"})
DATES = frozenset({"start_date", "end_date", "valid_from", "valid_to"})
ACTIONS = {"create": gettext_lazy("dibuat"), "update": gettext_lazy("diubah"), "end": gettext_lazy("diakhiri")}


@dataclass(frozen=True)
class Difference:
    field: str
    before: str
    after: str


@dataclass(frozen=True)
class Event:
    order: tuple[dt.datetime, int, int]  # when, then creations before changes, then the change's id
    actor: str  # in words: "Siti Aminah (admin.okutimur)", "baris perintah server (akun root)"
    source: str  # in words: "Impor daftar pekerja dinkes.xlsx"
    subject: str  # "Data pribadi", "Penugasan DINKES", "Kepesertaan JKK,JKM"
    action: str
    differences: list[Difference] = field(default_factory=list)
    reason: str = ""  # the reason typed with a correction on the worker's page

    @property
    def at(self) -> dt.datetime:
        return self.order[0]


def _shown(name: str, value: object, full: bool) -> str:
    if value is None or value == "":
        return "–"
    if name in PERSONAL and not full:
        return mask_nik(str(value)) if name == "nik" else mask_phone(str(value)) if name == "phone" else "****"
    if name == "wage" and isinstance(value, int):
        return rupiah(value)
    if name in DATES and isinstance(value, str):
        try:
            return date_label(dt.date.fromisoformat(value), get_language() or "id")
        except ValueError:
            return value
    if name == "category":
        return category_label(str(value))
    if name == "status":
        return dict(Membership.Status.choices).get(str(value), str(value))
    return str(value)


def differences(before: Mapping[str, Any] | None, after: Mapping[str, Any] | None, full: bool) -> list[Difference]:
    """Before and after, field by field, in words; personal values masked unless `full`."""
    before, after = before or {}, after or {}
    names = list(dict.fromkeys([*before, *after]))
    return [
        Difference(str(FIELD_LABELS.get(n, n)), _shown(n, before.get(n), full), _shown(n, after.get(n), full))
        for n in names
    ]


@dataclass(frozen=True)
class EmploymentRow:
    employment: Employment
    category: str
    wage: str

    @property
    def correct_form(self) -> str:  # the names of its forms on the worker's page, for a refusal beside them
        return f"employment-{self.employment.pk}"

    @property
    def end_form(self) -> str:
        return f"end-{self.employment.pk}"


@dataclass(frozen=True)
class WorkerRecord:
    worker: Worker
    employments: list[EmploymentRow]
    memberships: list[Membership]
    history: list[Event]


def worker_record(scope: Scope, worker: Worker, full: bool) -> WorkerRecord:
    """The worker's employments and memberships the scope holds, and every recorded change to them."""
    employments = list(
        scope.restrict(Employment.objects.filter(worker=worker)).select_related("unit").order_by("-start_date", "-pk")
    )
    memberships = list(
        scope.restrict(Membership.objects.filter(worker=worker))
        .select_related("agreement", "employment__unit")
        .order_by("-valid_from", "-pk")
    )
    personal = _("Data pribadi")
    subjects = {("registry.worker", str(worker.pk)): personal}
    for e in employments:
        subjects[("registry.employment", str(e.pk))] = _("Penugasan %(unit)s (TMT %(start)s)") % {
            "unit": e.unit.code,
            "start": date_label(e.start_date, get_language() or "id"),
        }
    for m in memberships:
        subjects[("enrolment.membership", str(m.pk))] = _("Kepesertaan %(programs)s") % {
            "programs": m.agreement.programs
        }
    by_model: dict[str, list[str]] = defaultdict(list)
    for model, object_id in subjects:
        by_model[model].append(object_id)
    wanted = Q()
    for model, object_ids in by_model.items():
        wanted |= Q(model=model, object_id__in=object_ids)
    changes = list(Change.objects.filter(wanted).select_related("changeset"))
    created = [
        (worker.created_in_id, personal),
        *((e.created_in_id, subjects[("registry.employment", str(e.pk))]) for e in employments),
        *((m.created_in_id, subjects[("enrolment.membership", str(m.pk))]) for m in memberships),
    ]
    changesets = ChangeSet.objects.in_bulk({cs_id for cs_id, _ in created})
    who = actor_words([c.changeset.actor for c in changes] + [cs.actor for cs in changesets.values()])

    def event(cs: ChangeSet, order: tuple[dt.datetime, int, int], subject: str, action: str) -> Event:
        reason = cs.summary.get("reason", "") if isinstance(cs.summary, dict) else ""
        return Event(order, who[cs.actor], source_words(cs.source), subject, action, reason=str(reason or ""))

    history = [
        replace(
            event(
                c.changeset,
                (c.changeset.at, 1, c.pk),
                subjects[(c.model, c.object_id)],
                str(ACTIONS.get(c.action, c.action)),
            ),
            differences=differences(c.before, c.after, full),
        )
        for c in changes
    ]
    for cs_id, subject in created:
        cs = changesets.get(cs_id)
        if cs is not None:
            history.append(event(cs, (cs.at, 0, 0), subject, _("dibuat")))
    history.sort(key=lambda e: e.order, reverse=True)  # newest first; at one moment, changes after creations
    rows = [EmploymentRow(e, category_label(e.category), rupiah(e.wage)) for e in employments]
    return WorkerRecord(worker, rows, memberships, history)


# --- what the API pages through ----------------------------------------------------------------


def worker_of(scope: Scope, pk: int) -> Worker:
    """The worker `pk`, if the scope holds them (NotFound otherwise, and the attempt logged)."""
    return scope.get(Worker.objects.select_related("domicile"), pk=pk)


def employment_of(scope: Scope, worker_id: int, pk: int) -> Employment:
    """The employment `pk` of the worker `worker_id`, if the scope holds it."""
    return scope.get(Employment.objects.select_related("worker__domicile", "unit"), pk=pk, worker_id=worker_id)


def scoped_employments(scope: Scope, worker: Worker | None = None) -> QuerySet[Employment]:
    """The employments the scope holds (of one worker), oldest first, with their Pemda and unit."""
    held = scope.restrict(Employment.objects.select_related("employer", "unit"))
    if worker is not None:
        held = held.filter(worker=worker)
    return held.order_by("start_date", "id")


def with_employments(scope: Scope, workers: QuerySet[Worker]) -> QuerySet[Worker]:
    """`workers`, each with `scoped_employments` (those the scope holds) fetched in one more query."""
    return workers.prefetch_related(Prefetch("employments", scoped_employments(scope), to_attr="scoped_employments"))


def employment_list(scope: Scope, on: dt.date, unit: str = "", active: bool | None = None) -> QuerySet[Employment]:
    """Every employment the scope holds, by id, with its worker: of one unit, running on `on` or ended."""
    found = scope.restrict(Employment.objects.select_related("employer", "unit", "worker"))
    if unit:
        found = found.filter(unit__code=unit)
    if active is not None:
        found = found.filter(_active(on)) if active else found.exclude(_active(on))
    return found.order_by("id")


def _memberships(scope: Scope) -> QuerySet[Membership]:
    return scope.restrict(Membership.objects.select_related("worker", "employer", "employment__unit"))


def memberships_of(scope: Scope, worker: Worker) -> QuerySet[Membership]:
    """The worker's memberships the scope holds, oldest first."""
    return _memberships(scope).filter(worker=worker).order_by("valid_from", "id")


def membership_list(scope: Scope, status: str = "", has_kpj: bool | None = None) -> QuerySet[Membership]:
    """Every membership the scope holds, by id: of one status, with or without a KPJ number."""
    found = _memberships(scope)
    if status:
        found = found.filter(status=status)
    if has_kpj is not None:
        with_kpj = Q(kpj__isnull=False) & ~Q(kpj="")
        found = found.filter(with_kpj) if has_kpj else found.exclude(with_kpj)
    return found.order_by("id")
