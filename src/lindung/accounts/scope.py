"""The one scoping function. Pages, the API, exports and reports all ask `scope_of(user)` what a user may see
and do, and narrow every query with `Scope.restrict`, so no two of them can disagree.

A user has one role (`Assignment`):
- OPD clerk: one unit of one Pemda; keeps its roster and imports.
- Pemda admin: one Pemda and all its units; agreements, enrolment, invoices, payments, budget, targets, users.
- branch officer: the Pemda in the branch's territory; reads them, records payments and KPJ numbers.
- monitor: a province or the nation, read-only, aggregates only (no worker records).
- superuser: everything, and Django's admin.

Something outside the scope is `NotFound` (HTTP 404, logged); an action the role lacks is `PermissionDenied`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, TypeVar

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, Model, OuterRef, Q, QuerySet

from lindung.accounts.models import Assignment
from lindung.accounts.roles import Role
from lindung.domain.errors import NotFound, PermissionDenied
from lindung.registry.models import Employer, Employment, WorkUnit

log = logging.getLogger("lindung.access")

M = TypeVar("M", bound=Model)

# What each role may do. A page or endpoint names the action it needs.
ACTIONS: dict[str, frozenset[str]] = {
    Role.CLERK: frozenset({"dashboard", "roster.view", "roster.edit", "personal.full", "claims.view", "claims.report"}),
    Role.ADMIN: frozenset(
        {
            "dashboard",
            "roster.view",
            "roster.edit",
            "personal.full",
            "billing.view",
            "billing.edit",
            "payment.record",
            "agreement.view",
            "agreement.edit",
            "targets.view",
            "targets.edit",
            "compliance.view",
            "users.manage",
            "documents.view",
            "claims.view",
            "claims.report",
        }
    ),
    Role.BRANCH: frozenset(
        {
            "dashboard",
            "roster.view",
            "personal.full",
            "billing.view",
            "payment.record",
            "agreement.view",
            "targets.view",
            "compliance.view",
            "documents.view",
            "documents.issue",
            "claims.view",
        }
    ),
    Role.MONITOR: frozenset({"dashboard", "targets.view", "compliance.view"}),
}
ACTIONS[Role.SUPERUSER] = frozenset().union(*ACTIONS.values()) | {"admin"}

# How each model reaches its employer and unit, for `restrict`. Models not listed cannot be restricted.
_PATHS: dict[str, tuple[str, str | None]] = {
    "registry.employer": ("id", None),
    "registry.workunit": ("employer_id", "id"),
    "registry.employment": ("employer_id", "unit_id"),
    "enrolment.agreement": ("employer_id", None),
    "enrolment.membership": ("employer_id", "employment__unit_id"),
    "billing.invoice": ("employer_id", "unit_id"),
    "billing.payment": ("invoice__employer_id", "invoice__unit_id"),
    "intake.importjob": ("employer_id", "unit_id"),
    "coverage.target": ("employer_id", "unit_id"),
    "accounts.assignment": ("employer_id", "unit_id"),
    "documents.document": ("employer_id", None),
    "documents.cardjob": ("employer_id", None),
    "claims.claim": ("employer_id", "unit_id"),
}


@dataclass(frozen=True)
class Scope:
    user_id: int | None
    role: str | None  # None: anonymous or a user without an assignment (sees nothing)
    employer_ids: frozenset[int] | None  # None: every employer
    unit_id: int | None = None  # a clerk's unit
    employer_code: str | None = None  # a clerk's or admin's Pemda
    unit_code: str | None = None
    branch_code: str | None = None
    region_code: str | None = None  # a monitor's province (None: the nation)

    @property
    def actions(self) -> frozenset[str]:
        return ACTIONS.get(self.role or "", frozenset())

    def can(self, action: str) -> bool:
        return action in self.actions

    def require(self, action: str) -> None:
        if not self.can(action):
            raise PermissionDenied(f"Peran Anda tidak boleh melakukan ini ({action})")

    @property
    def everything(self) -> bool:
        return self.employer_ids is None

    def restrict(self, qs: QuerySet[M]) -> QuerySet[M]:
        """`qs` narrowed to what this scope holds. Workers are held through their employments."""
        if self.role is None:
            return qs.none()
        label = qs.model._meta.label_lower
        if label == "registry.worker":
            if self.everything:
                return qs
            return qs.filter(Exists(self.restrict(Employment.objects.filter(worker_id=OuterRef("pk")))))
        try:
            employer_path, unit_path = _PATHS[label]
        except KeyError:
            raise TypeError(f"{label} has no scope path") from None
        if self.unit_id is not None:
            if unit_path is None:  # an employer-wide record: a clerk sees their own Pemda's only
                return qs.filter(**{employer_path + "__in": self.employer_ids or ()})
            return qs.filter(**{unit_path: self.unit_id})
        if self.everything:
            return qs
        return qs.filter(**{employer_path + "__in": self.employer_ids})

    def get(self, qs: QuerySet[M], **lookup: Any) -> M:
        """The one object `lookup` names, if this scope holds it; otherwise NotFound, and the attempt logged."""
        found = self.restrict(qs).filter(**lookup).first()
        if found is None:
            if qs.filter(**lookup).exists():
                log.warning(
                    "out of scope: user=%s role=%s model=%s lookup=%s",
                    self.user_id,
                    self.role,
                    qs.model._meta.label_lower,
                    _safe(lookup),
                )
            raise NotFound("Data tidak ditemukan")
        return found

    def employers(self) -> QuerySet[Employer]:
        return self.restrict(Employer.objects.select_related("region")).order_by("region_id")

    def units(self) -> QuerySet[WorkUnit]:
        return self.restrict(WorkUnit.objects.all()).order_by("code")

    def holds_pemda(self, region_code: str) -> bool:
        """Whether this scope holds the Pemda seated in this region."""
        return self.restrict(Employer.objects.filter(region_id=region_code)).exists()

    def pemda(self, region_code: str) -> Employer:
        """The Pemda seated in this region, if this scope holds it; otherwise NotFound, and the attempt logged."""
        return self.get(Employer.objects.select_related("region"), region_id=region_code)

    def holds_employer(self, employer_id: int) -> bool:
        return self.role is not None and (self.everything or employer_id in (self.employer_ids or ()))


def _safe(lookup: dict[str, Any]) -> str:
    """The lookup for the log, with NIK-like values (long digit strings) masked."""
    parts = []
    for key, value in lookup.items():
        text = str(value)
        parts.append(f"{key}={'*' * len(text) if text.isdigit() and len(text) >= 10 else text}")
    return ",".join(parts)


NOBODY = Scope(user_id=None, role=None, employer_ids=frozenset())


def scope_of(user: AbstractBaseUser | AnonymousUser | None) -> Scope:
    """The scope of `user`: the one function every page, endpoint, export and report asks."""
    if user is None or not user.is_authenticated or not user.is_active:
        return NOBODY
    uid = user.pk
    if getattr(user, "is_superuser", False):
        return Scope(user_id=uid, role=Role.SUPERUSER, employer_ids=None)
    a = Assignment.objects.select_related("employer", "unit__employer", "branch").filter(user_id=uid).first()
    if a is None:
        return Scope(user_id=uid, role=None, employer_ids=frozenset())
    if a.role == Role.CLERK and a.unit is not None:
        return Scope(
            uid,
            a.role,
            frozenset({a.unit.employer_id}),
            unit_id=a.unit_id,
            employer_code=a.unit.employer.region_id,
            unit_code=a.unit.code,
        )
    if a.role == Role.ADMIN and a.employer is not None:
        return Scope(uid, a.role, frozenset({a.employer.pk}), employer_code=a.employer.region_id)
    if a.role == Role.BRANCH and a.branch is not None:
        ids = Employer.objects.filter(region__in=a.branch.territory.all()).values_list("id", flat=True)
        return Scope(uid, a.role, frozenset(ids), branch_code=a.branch.code)
    if a.role == Role.MONITOR:
        if a.region_id is None:
            return Scope(uid, a.role, None)
        code = a.region_id
        ids = Employer.objects.filter(Q(region__code=code) | Q(region__code__startswith=code + ".")).values_list(
            "id", flat=True
        )
        return Scope(uid, a.role, frozenset(ids), region_code=code)
    return Scope(user_id=uid, role=None, employer_ids=frozenset())  # an assignment missing its place
