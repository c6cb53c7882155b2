"""Which node of the coverage tree a page shows: the user's own (`home_of`), or a region or Pemda below it that
the user asked for (`?region=CODE`, `?pemda=CODE` for a Pemprov's own units) and may open (`Reach`).

What a user sees: an OPD clerk their unit, a Pemda admin their Pemda, a branch officer the branch's territory,
a monitor their province (or the nation), a superuser the nation. Anything asked for outside that is 404.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.http import HttpRequest
from django.utils.translation import gettext as _

from lindung.accounts.roles import Role
from lindung.accounts.scope import Scope
from lindung.coverage.services import Node, coverage_tree, scope_employer_ids
from lindung.domain.errors import NotFound
from lindung.registry import queries


@dataclass(frozen=True)
class Place:
    """A node as coverage_tree names it: the nation (nothing), a region, a Pemda (and a unit), a branch."""

    region: str | None = None
    employer: str | None = None
    unit: str | None = None
    branch: str | None = None

    @property
    def key(self) -> str:
        return "|".join(f"{k}={v}" for k, v in self.__dict__.items() if v is not None) or "nation"

    def tree(self, on: dt.date) -> Node:
        return coverage_tree(on, region=self.region, employer=self.employer, unit=self.unit, branch=self.branch)

    def employer_ids(self) -> list[int] | None:
        if self.branch is not None:
            return scope_employer_ids(branch=self.branch)
        if self.employer is not None:
            return queries.pemda_ids(self.employer)
        return None if self.region is None else scope_employer_ids(region=self.region)


def home_of(scope: Scope) -> Place:
    if scope.role == Role.CLERK:
        return Place(employer=scope.employer_code, unit=scope.unit_code)
    if scope.role == Role.ADMIN:
        return Place(employer=scope.employer_code)
    if scope.role == Role.BRANCH:
        return Place(branch=scope.branch_code)
    if scope.role == Role.MONITOR:
        return Place(region=scope.region_code)
    return Place()


class Reach:
    """Which region codes a user may open: a monitor's province and below, a branch's kab/kota, everything
    for the nation's monitor and the superuser, nothing further down for a Pemda admin or an OPD clerk."""

    def __init__(self, scope: Scope) -> None:
        self.scope = scope
        self.territory = queries.branch_territory(scope.branch_code) if scope.role == Role.BRANCH else frozenset()

    def region(self, code: str) -> bool:
        role, top = self.scope.role, self.scope.region_code
        if role == Role.SUPERUSER or (role == Role.MONITOR and top is None):
            return True
        if role == Role.MONITOR and top is not None:
            return code == top or code.startswith(top + ".")
        return role == Role.BRANCH and code in self.territory

    def pemda(self, code: str) -> bool:
        if self.scope.role in (Role.CLERK, Role.ADMIN):
            return False
        return self.region(code) and self.scope.holds_pemda(code)


def asked_place(request: HttpRequest, scope: Scope, reach: Reach) -> Place:
    region = request.GET.get("region", "").strip()[:13]
    pemda = request.GET.get("pemda", "").strip()[:13]
    home = home_of(scope)
    if (region and region == home.region) or (pemda and pemda == home.employer and home.unit is None):
        return home
    if region:
        if not reach.region(region):
            raise NotFound(_("Wilayah ini di luar cakupan Anda"))
        return Place(region=region)
    if pemda:
        if not reach.pemda(pemda):
            raise NotFound(_("Pemda ini di luar cakupan Anda"))
        return Place(employer=pemda)
    return home
