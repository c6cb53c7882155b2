"""Every page of the web application. Each area's module lists its own paths; each view names the action
it needs (`lindung.web.access.needs`), and the permission grid test walks this list."""

from django.urls import include, path

from lindung.web.views import (
    agreements,
    auth,
    budget,
    cards,
    claims,
    compliance,
    dashboard,
    documents,
    imports,
    invoices,
    reconcile,
    roster,
    targets,
    users,
    verification,
)

urlpatterns = [
    path("", include(dashboard)),
    path("", include(targets)),
    path("", include(compliance)),
    path("", include(auth)),
    path("", include(roster)),
    path("", include(imports)),
    path("", include(agreements)),
    path("", include(invoices)),
    path("", include(budget)),
    path("", include(users)),
    path("", include(documents)),
    path("", include(cards)),
    path("", include(verification)),
    path("", include(claims)),
    path("", include(reconcile)),
]
