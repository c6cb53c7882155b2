"""The claims' reads that pages and the API ask for, narrowed to the caller's scope."""

from __future__ import annotations

from django.db.models import QuerySet

from lindung.accounts.scope import Scope
from lindung.claims.models import Claim
from lindung.domain.claims import STATES


def claims(scope: Scope, state: str | None = None, employer: str | None = None) -> QuerySet[Claim]:
    """The claims this scope holds, newest report first; `state` (a known one) and `employer` (a Pemda's region
    code) narrow it, anything else is ignored."""
    found = scope.restrict(Claim.objects.select_related("employer", "unit", "worker"))
    if state in STATES:
        found = found.filter(state=state)
    if employer:
        found = found.filter(employer__region_id=employer)
    return found.order_by("-reported_at", "number")
