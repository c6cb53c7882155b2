from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lindung.accounts.roles import Role
from lindung.accounts.scope import Scope, scope_of

# The menu: (label, URL name, the action a role needs to see it). Each page's view asks for the same action.
MENU = [
    (_("Beranda"), "home", "dashboard"),
    (_("Pekerja"), "roster", "roster.view"),
    (_("Impor"), "import_start", "roster.edit"),
    (_("Kesepakatan"), "agreements", "agreement.view"),
    (_("Tagihan"), "invoices", "billing.view"),
    (_("Tunggakan"), "arrears", "billing.view"),
    (_("Anggaran"), "budget", "billing.edit"),
    (_("Target"), "targets", "targets.view"),
    (_("Inpres 2/2021"), "compliance", "compliance.view"),
    (_("Dokumen"), "documents", "documents.view"),
    (_("Klaim"), "claims", "claims.view"),
    (_("Rekonsiliasi"), "reconciliation", "dashboard"),
    (_("Pengguna"), "users", "users.manage"),
]


def scope(request: HttpRequest) -> dict[str, Any]:
    """Every template sees the user's scope and the menu entries the role may use."""
    current = current_scope(request)
    if current.role is None:
        return {"scope": current, "menu": []}
    menu = []
    for label, name, action in MENU:
        if current.can(action):
            url = reverse(name)
            here = request.path == url or (url != "/" and request.path.startswith(url))
            menu.append({"label": label, "url": url, "current": here})
    return {"scope": current, "menu": menu, "role_label": Role(current.role).label}


def current_scope(request: HttpRequest) -> Scope:
    cached: Scope | None = getattr(request, "_lindung_scope", None)
    if cached is None:
        cached = scope_of(getattr(request, "user", None))
        request._lindung_scope = cached  # type: ignore[attr-defined]
    return cached
