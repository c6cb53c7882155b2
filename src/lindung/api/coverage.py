"""Coverage of a node on a day, the same figures as `lindung coverage --format json`.

Without a node the caller gets their own: a clerk's unit, an admin's Pemda, a branch's territory, a monitor's
province (or the nation). A node outside the caller's scope answers 404, as any other record would."""

from __future__ import annotations

import logging
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router

from lindung.accounts.roles import Role
from lindung.accounts.scope import Scope
from lindung.api.auth import scope_for
from lindung.api.schemas import CoverageQuery, Error
from lindung.coverage.services import coverage_tree, scope_employer_ids
from lindung.domain.errors import NotFound, ValidationFailed
from lindung.registry.queries import pemda_ids

router = Router(tags=["cakupan"])
ERRORS: dict[int, type[Error]] = {400: Error, 401: Error, 403: Error, 404: Error, 422: Error}
log = logging.getLogger("lindung.access")


def own_node(scope: Scope) -> dict[str, str | None]:
    """The coverage node a role looks at by default."""
    if scope.role == Role.CLERK:
        return {"employer": scope.employer_code, "unit": scope.unit_code}
    if scope.role == Role.ADMIN:
        return {"employer": scope.employer_code}
    if scope.role == Role.BRANCH:
        return {"branch": scope.branch_code}
    if scope.role == Role.MONITOR:
        return {"region": scope.region_code}
    return {}  # superuser: the nation


def _holds(scope: Scope, node: dict[str, str | None]) -> bool:
    """Whether every employer under `node` is in the scope (a clerk: only their own unit)."""
    if scope.everything:
        return True
    if scope.unit_id is not None:
        return node.get("employer") == scope.employer_code and node.get("unit") == scope.unit_code
    if node.get("branch"):
        wanted = scope_employer_ids(branch=node["branch"])
    elif employer := node.get("employer"):
        wanted = pemda_ids(employer)
    elif node.get("region"):
        wanted = scope_employer_ids(region=node["region"])
    else:
        return False  # the nation
    return bool(wanted) and set(wanted) <= set(scope.employer_ids or ())


@router.get("/coverage", response={200: dict[str, Any], **ERRORS}, openapi_extra={"x-lindung-action": "dashboard"})
def coverage(request: HttpRequest, query: Query[CoverageQuery]) -> dict[str, Any]:
    """Workers, enrolled, coverage percent, programs, and the units and Pemda that have enrolled nobody, with the
    node's children (provinces, kab/kota, units)."""
    scope = scope_for(request, "dashboard")
    if query.unit and not query.employer:
        raise ValidationFailed("Parameter unit perlu employer")
    asked = {k: v for k, v in query.dict().items() if k != "on" and v}
    if asked.get("branch"):
        node: dict[str, str | None] = {"branch": asked["branch"]}
    elif asked.get("employer"):
        node = {"employer": asked["employer"], "unit": asked.get("unit")}
    elif asked.get("region"):
        node = {"region": asked["region"]}
    else:
        node = own_node(scope)
    if not _holds(scope, node):
        log.warning("out of scope: user=%s role=%s coverage node=%s", scope.user_id, scope.role, node)
        raise NotFound("Wilayah, Pemda atau unit ini tidak ditemukan dalam cakupan Anda")
    on = query.on or timezone.localdate()
    tree = coverage_tree(
        on, region=node.get("region"), employer=node.get("employer"), unit=node.get("unit"), branch=node.get("branch")
    )
    return {"on": on.isoformat()} | tree.as_dict()
