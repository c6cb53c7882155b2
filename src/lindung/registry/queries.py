"""The registry's reads that pages and the API ask for: the Pemda of a region, a branch's territory, the branch
list. None holds people's data; what does is narrowed by `accounts.scope.Scope`, which sits above the registry."""

from __future__ import annotations

from lindung.registry.models import BranchOffice, Employer


def pemda_ids(region_code: str) -> list[int]:
    """The ids of the Pemda seated in this region (a kab/kota or a province's own government)."""
    return list(Employer.objects.filter(region_id=region_code).values_list("id", flat=True))


def branch_territory(branch_code: str | None) -> frozenset[str]:
    """The kab/kota codes a branch office covers (none for an unknown branch)."""
    office = BranchOffice.objects.filter(code=branch_code).first() if branch_code else None
    return frozenset(office.territory.values_list("code", flat=True)) if office else frozenset()


def branches() -> list[BranchOffice]:
    return list(BranchOffice.objects.order_by("code"))
