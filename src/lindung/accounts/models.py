"""Who may do what: a user's role and scope, API tokens, failed logins, and the log of full-record views."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from lindung.accounts.roles import Role
from lindung.regions.models import Region
from lindung.registry.models import BranchOffice, Employer, Worker, WorkUnit


class Assignment(models.Model):
    """A user's one role and the place it covers: a unit, a Pemda, a branch, or a region (none: the nation)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignment")
    role = models.CharField(max_length=10, choices=Role.choices)
    employer = models.ForeignKey(Employer, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(WorkUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    branch = models.ForeignKey(BranchOffice, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_by = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.user_id} {self.role}"


class ApiToken(models.Model):
    """A bearer token for an integration. Only its SHA-256 digest is stored; the token is shown once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=8)  # the first characters, to tell tokens apart in a list
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class LoginFailure(models.Model):
    """One failed login, for throttling. The username is what was typed; no password is kept."""

    username = models.CharField(max_length=150, db_index=True)
    ip = models.GenericIPAddressField(null=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    # Set when the failure stops counting: its owner logged in from that address, or an admin lifted the wait.
    # The row stays: failed logins are history.
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.CharField(max_length=150, blank=True)

    def __str__(self) -> str:
        return f"{self.username} {self.at:%Y-%m-%d %H:%M}"


class AccessLog(models.Model):
    """Who opened which worker's full personal record (NIK, phone, birth date), and where from."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    worker = models.ForeignKey(Worker, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    channel = models.CharField(max_length=10)  # web, api
    path = models.CharField(max_length=300)

    def __str__(self) -> str:
        return f"{self.user_id} {self.worker_id} {self.at:%Y-%m-%d %H:%M}"
