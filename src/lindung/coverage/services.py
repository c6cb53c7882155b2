"""Coverage of any node on any day: the nation, a province, a kab/kota, an employer, a unit, a branch office's
territory. Everything a page or a report needs comes from a handful of queries:

1. the employers in scope and their regions (small tables);
2. every unit of those employers with its kind (`WorkUnit`);
3. the measures of every unit on the day (`aggregates.unit_measures`: one query).

Counts belong to the employer's region (a Pemda is the employer of its region), never to the NIK's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection

from lindung.billing.services import arrears
from lindung.coverage import aggregates
from lindung.domain.billing import AGEING_BUCKETS
from lindung.domain.coverage import PROGRAMS, UNIT_GROUPS, Counts, percent, total, unit_counts
from lindung.domain.errors import NotFound
from lindung.domain.periods import add_months, month_start
from lindung.regions.models import Region
from lindung.registry.models import BranchOffice, Employer


@dataclass(frozen=True)
class UnitRef:
    employer: str  # the employer's region code
    code: str
    name: str
    kind: str


@dataclass(frozen=True)
class EmployerRef:
    code: str  # the employer's region code
    name: str


@dataclass(frozen=True)
class Node:
    """One row of a coverage report, and (for the top node) the rows below it."""

    kind: str  # nation, provinsi, kabkota, pemda, unit, branch
    code: str
    name: str
    counts: Counts
    units_without_enrolment: tuple[UnitRef, ...] = ()
    employers_without_enrolment: tuple[EmployerRef, ...] = ()
    children: tuple[Node, ...] = ()

    def as_dict(self, children: bool = True) -> dict[str, Any]:
        c = self.counts
        out: dict[str, Any] = {
            "kind": self.kind,
            "code": self.code,
            "name": self.name,
            "workers": c.workers,
            "enrolled": c.enrolled,
            "coverage": float(c.coverage) if c.coverage is not None else None,
            "units": c.units,
            "units_enrolled": c.units_enrolled,
            "units_by_group": {g: {"units": n, "enrolled": e} for g, (n, e) in sorted(c.groups.items())},
            "programs": {p: c.programs.get(p, 0) for p in PROGRAMS},
            "bpu": c.bpu,
            "with_kpj": c.with_kpj,
            "units_without_enrolment": [
                {"employer": u.employer, "code": u.code, "name": u.name} for u in self.units_without_enrolment
            ],
            "employers_without_enrolment": [{"code": e.code, "name": e.name} for e in self.employers_without_enrolment],
        }
        if children:
            out["children"] = [child.as_dict(children=False) for child in self.children]
        return out


@dataclass
class _Scope:
    """The employers under a node, with their units and their counts on the day."""

    employers: list[tuple[int, str, str]]  # pk, region code, name
    units: dict[int, list[tuple[int, str, str, str]]] = field(default_factory=dict)  # employer pk -> units
    per_unit: dict[int, Counts] = field(default_factory=dict)
    per_employer: dict[int, Counts] = field(default_factory=dict)
    nodes: dict[int, Node] = field(default_factory=dict)

    def _node_of(self, employer: tuple[int, str, str]) -> Node:
        """Each employer's node once, however many groups it belongs to."""
        if employer[0] not in self.nodes:
            self.nodes[employer[0]] = self.employer_node(*employer)
        return self.nodes[employer[0]]

    def employer_node(self, pk: int, code: str, name: str, kind: str = "pemda") -> Node:
        counts = self.per_employer[pk]
        without = tuple(
            UnitRef(code, u_code, u_name, u_kind)
            for u_id, u_code, u_name, u_kind in self.units.get(pk, [])
            if self.per_unit[u_id].units_enrolled == 0
        )
        nobody = (EmployerRef(code, name),) if counts.enrolled == 0 else ()
        return Node(kind, code, name, counts, without, nobody)

    def group(self, kind: str, code: str, name: str, pks: Iterable[int]) -> Node:
        wanted = set(pks)
        nodes = [self._node_of(e) for e in self.employers if e[0] in wanted]
        return Node(
            kind,
            code,
            name,
            total(n.counts for n in nodes),
            tuple(u for n in nodes for u in n.units_without_enrolment),
            tuple(e for n in nodes for e in n.employers_without_enrolment),
        )


_UNITS_SQL = "SELECT id, employer_id, code, name, kind FROM registry_workunit WHERE {where} ORDER BY employer_id, code"


def _load(day: dt.date, employers: list[tuple[int, str, str]], *, from_rows: bool, everyone: bool) -> _Scope:
    scope = _Scope(employers)
    ids = None if everyone else [pk for pk, _, _ in employers]
    measures = aggregates.unit_measures(day, ids, from_rows=from_rows)
    with connection.cursor() as cursor:
        cursor.execute(_UNITS_SQL.format(where=aggregates._in("employer_id", ids)))
        rows = cursor.fetchall()
    for unit_id, employer_id, code, name, kind in rows:
        scope.units.setdefault(employer_id, []).append((unit_id, code, name, kind))
        scope.per_unit[unit_id] = unit_counts(kind, measures.get(unit_id, {}))
    empty = Counts(programs=dict.fromkeys(PROGRAMS, 0), groups={g: (0, 0) for g in UNIT_GROUPS})
    for pk, _, _ in employers:
        scope.per_employer[pk] = total([empty, *(scope.per_unit[u[0]] for u in scope.units.get(pk, []))])
    return scope


def _employers(where: dict[str, Any] | None = None) -> list[tuple[int, str, str]]:
    query = Employer.objects.all() if where is None else Employer.objects.filter(**where)
    return [(pk, code, name) for pk, code, name in query.order_by("region_id").values_list("id", "region_id", "name")]


def _regions(**where: Any) -> list[tuple[str, str]]:
    return list(Region.objects.filter(current=True, **where).order_by("code").values_list("code", "name"))


def _under(code: str, employers: list[tuple[int, str, str]]) -> list[int]:
    return [pk for pk, region, _ in employers if region == code or region.startswith(code + ".")]


def _within(code: str, regions: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [r for r in regions if r[0] == code or r[0].startswith(code + ".")]


def _absent(node: Node, regions: list[tuple[str, str]], employers: list[tuple[int, str, str]]) -> Node:
    """`node` with the Pemda of these regions that lindung does not know yet added to those with nobody
    enrolled: a Pemda that has not even sent its roster has enrolled nobody."""
    known = {code for _, code, _ in employers}
    missing = tuple(EmployerRef(code, f"Pemerintah {name}") for code, name in regions if code not in known)
    if not missing:
        return node
    return Node(**{**node.__dict__, "employers_without_enrolment": node.employers_without_enrolment + missing})


def coverage_tree(
    on: dt.date,
    *,
    region: str | None = None,
    employer: str | None = None,
    unit: str | None = None,
    branch: str | None = None,
    from_rows: bool = False,
) -> Node:
    """The node asked for on `on`, with its children: provinces of the nation, the Pemprov and the kab/kota
    of a province, the units of a kab/kota's or any employer's Pemda, the kab/kota of a branch's territory.

    `region` is a Kemendagri code (none: the nation); `employer` names the Pemda of that region and lists
    its units (the way to a Pemprov's own units); `unit` narrows an employer to one unit."""
    if branch is not None:
        return _branch_tree(on, branch, from_rows)
    if employer is not None or unit is not None:
        return _employer_tree(on, employer or region or "", unit, from_rows)
    if region is None:
        employers = _employers()
        scope = _load(on, employers, from_rows=from_rows, everyone=True)
        pemda = [r for r in _regions(level__lte=2) if not r[0].startswith("31.")]  # DKI's kota are not Pemda
        provinces = [
            _absent(scope.group("provinsi", c, n, _under(c, employers)), _within(c, pemda), employers)
            for c, n in _regions(level=1)
        ]
        top = _absent(scope.group("nation", "", "Indonesia", [e[0] for e in employers]), pemda, employers)
        return Node(**{**top.__dict__, "children": tuple(provinces)})
    place = Region.objects.filter(code=region).first()
    if place is None:
        raise NotFound(f"Kode wilayah {region} tidak dikenal")
    if place.level == Region.Level.PROVINSI:
        employers = [e for e in _employers() if e[1] == region or e[1].startswith(region + ".")]
        scope = _load(on, employers, from_rows=from_rows, everyone=False)
        kabkota = [] if region == "31" else _regions(parent_id=region)  # DKI's kota are not Pemda
        children = [scope.employer_node(*e) for e in employers if e[1] == region]
        children += [
            _absent(scope.group("kabkota", c, n, _under(c, employers)), [(c, n)], employers) for c, n in kabkota
        ]
        top = scope.group("provinsi", region, place.name, [e[0] for e in employers])
        top = _absent(top, [(region, place.name), *kabkota], employers)
        return Node(**{**top.__dict__, "children": tuple(children)})
    if place.level == Region.Level.KABKOTA:
        return _employer_tree(on, region, None, from_rows, kind="kabkota", name=place.name)
    raise NotFound(f"{region} {place.name} bukan provinsi atau kab/kota; cakupan dihitung per Pemda")


def _employer_tree(
    on: dt.date, code: str, unit: str | None, from_rows: bool, kind: str = "pemda", name: str | None = None
) -> Node:
    employers = _employers({"region_id": code})
    if not employers:
        if name is not None:  # a kab/kota without a Pemda in lindung yet: nothing on the roster
            return Node(kind, code, name, total([]))
        raise NotFound(f"Pemda {code} belum terdaftar di lindung")
    pk, region, employer_name = employers[0]
    scope = _load(on, employers, from_rows=from_rows, everyone=False)
    units = scope.units.get(pk, [])
    if unit is not None:
        match = [u for u in units if u[1] == unit]
        if not match:
            raise NotFound(f"Unit {unit} tidak ada di {employer_name}")
        u_id, u_code, u_name, u_kind = match[0]
        counts = scope.per_unit[u_id]
        without = (UnitRef(region, u_code, u_name, u_kind),) if counts.units_enrolled == 0 else ()
        return Node("unit", u_code, u_name, counts, without)
    top = scope.employer_node(pk, region, name or employer_name, kind)
    children = tuple(
        Node(
            "unit",
            u_code,
            u_name,
            scope.per_unit[u_id],
            (UnitRef(region, u_code, u_name, u_kind),) if scope.per_unit[u_id].units_enrolled == 0 else (),
        )
        for u_id, u_code, u_name, u_kind in units
    )
    return Node(**{**top.__dict__, "children": children})


def _branch_tree(on: dt.date, code: str, from_rows: bool) -> Node:
    office = BranchOffice.objects.filter(code=code).first()
    if office is None:
        raise NotFound(f"Kantor cabang {code} tidak dikenal")
    territory = list(office.territory.order_by("code").values_list("code", "name"))
    employers = _employers({"region_id__in": [c for c, _ in territory]})
    scope = _load(on, employers, from_rows=from_rows, everyone=False)
    children = [_absent(scope.group("kabkota", c, n, _under(c, employers)), [(c, n)], employers) for c, n in territory]
    top = _absent(scope.group("branch", office.code, office.name, [e[0] for e in employers]), territory, employers)
    return Node(**{**top.__dict__, "children": tuple(children)})


def employer_counts(
    on: dt.date, employer_ids: Sequence[int] | None = None, *, from_rows: bool = False
) -> dict[int, Counts]:
    """The counts of every employer (or these) on `on`: for targets, compliance and exports."""
    employers = _employers() if employer_ids is None else _employers({"id__in": list(employer_ids)})
    scope = _load(on, employers, from_rows=from_rows, everyone=employer_ids is None)
    return scope.per_employer


def scope_employer_ids(*, region: str | None = None, branch: str | None = None) -> list[int]:
    """The employers under a region code (itself and below) or in a branch's territory; all when neither."""
    if branch is not None:
        office = BranchOffice.objects.filter(code=branch).first()
        if office is None:
            raise NotFound(f"Kantor cabang {branch} tidak dikenal")
        return list(Employer.objects.filter(region__in=office.territory.all()).values_list("id", flat=True))
    employers = _employers()
    return [e[0] for e in employers] if region is None else _under(region, employers)


@dataclass(frozen=True)
class TrendPoint:
    month: dt.date  # the first day of the month; the figures are those of its last day (or of `on`)
    workers: int
    enrolled: int
    units_enrolled: int

    @property
    def coverage(self) -> Decimal | None:
        return percent(self.enrolled, self.workers)


def trend(on: dt.date, months: int = 12, employer_ids: Sequence[int] | None = None) -> list[TrendPoint]:
    """Month by month up to `on`: each past month at its last day, the month of `on` at `on` itself."""
    current = month_start(on)
    past = [add_months(current, -i) for i in range(months - 1, 0, -1)]
    sums = aggregates.month_end_totals(past, employer_ids)
    points = [TrendPoint(m, sums[m]["workers"], sums[m]["enrolled"], sums[m]["units_enrolled"]) for m in past]
    today = aggregates.unit_measures(on, employer_ids)
    points.append(
        TrendPoint(
            current,
            sum(u["workers"] for u in today.values()),
            sum(u["enrolled"] for u in today.values()),
            sum(1 for u in today.values() if u["enrolled"] > 0),
        )
    )
    return points


@dataclass(frozen=True)
class Overdue:
    """An employer whose invoices are past due on a day, with what it owes by age of the debt."""

    code: str
    name: str
    buckets: dict[str, int]  # ageing label -> rupiah still owed
    invoices: int
    late_fee: int

    @property
    def balance(self) -> int:
        return sum(self.buckets.values())


def overdue(on: dt.date, employer_ids: Sequence[int] | None = None) -> list[Overdue]:
    """The employers in scope with overdue invoices on `on`, largest debt first (three queries)."""
    owed: dict[str, dict[str, int]] = {}
    count: dict[str, int] = {}
    fee: dict[str, int] = {}
    names: dict[str, str] = {}
    wanted = None if employer_ids is None else set(employer_ids)
    for s in arrears(on):
        employer = s.invoice.employer
        if wanted is not None and employer.pk not in wanted:
            continue
        code = employer.region_id
        names[code] = employer.name
        buckets = owed.setdefault(code, dict.fromkeys((label for _, _, label in AGEING_BUCKETS), 0))
        buckets[s.bucket] += s.balance
        count[code] = count.get(code, 0) + 1
        fee[code] = fee.get(code, 0) + s.late_fee
    found = [Overdue(code, names[code], owed[code], count[code], fee[code]) for code in owed]
    return sorted(found, key=lambda o: (-o.balance, o.code))
