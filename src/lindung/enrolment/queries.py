"""The agreements (kesepakatan) a scope may read, and the Pemda whose workers it may enrol under them. The
agreements page asks here with the user's scope, so it cannot list another Pemda's agreement."""

from __future__ import annotations

from django.db.models import QuerySet

from lindung.accounts.scope import Scope
from lindung.enrolment.models import Agreement
from lindung.registry.models import Employer

# The choices of an agreement's form, and the defaults of a form left blank.
SEGMENTS = Agreement.Segment.choices
BASES = Agreement.Basis.choices
PAYERS = Agreement.Payer.choices
DEFAULT_SEGMENT = Agreement.Segment.PPU
DEFAULT_PAYER = Agreement.Payer.EMPLOYER


def agreements(scope: Scope) -> QuerySet[Agreement]:
    """The scope's agreements with their Pemda and funders, by Pemda, segment and newest first."""
    found = Agreement.objects.select_related("employer").prefetch_related("funders")
    return scope.restrict(found).order_by("employer__region_id", "segment", "-effective_from")


def enrollable_employers(scope: Scope) -> QuerySet[Employer]:
    """The scope's Pemda that have at least one agreement (their workers can be enrolled)."""
    return scope.employers().filter(agreements__isnull=False).distinct()
