"""The five roles of DESIGN.md §1, on their own so pages and the API can name a role without the models."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CLERK = "opd", _("Admin OPD")
    ADMIN = "pemda", _("Admin Pemda")
    BRANCH = "cabang", _("Petugas kantor cabang")
    MONITOR = "monitor", _("Pemantau")
    SUPERUSER = "super", _("Superuser")
