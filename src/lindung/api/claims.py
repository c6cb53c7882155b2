"""Claims in the caller's scope: the list and one claim with its coverage, benefit, heirs and history."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from lindung.api.auth import scope_for
from lindung.api.paging import page
from lindung.api.schemas import Error, Paging
from lindung.claims import queries, services

router = Router(tags=["klaim"])
ERRORS: dict[int, type[Error]] = {400: Error, 401: Error, 403: Error, 404: Error}


class ClaimFilters(Schema):
    state: str | None = None
    employer: str | None = None


class ClaimPage(Schema):
    count: int
    items: list[dict[str, Any]]


@router.get("/claims", response={200: ClaimPage, **ERRORS}, openapi_extra={"x-lindung-action": "claims.view"})
def claims(request: HttpRequest, filters: Query[ClaimFilters], paging: Query[Paging]) -> dict[str, Any]:
    scope = scope_for(request, "claims.view")
    return page(queries.claims(scope, filters.state, filters.employer), paging, services.as_dict)


@router.get(
    "/claims/{number}", response={200: dict[str, Any], **ERRORS}, openapi_extra={"x-lindung-action": "claims.view"}
)
def claim(request: HttpRequest, number: str) -> dict[str, Any]:
    return services.as_dict(services.get_claim(scope_for(request, "claims.view"), number))
