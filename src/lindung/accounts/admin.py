"""Django's admin (superusers only) for roles, tokens, failed logins and the access log. The logs are read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from lindung.accounts.models import AccessLog, ApiToken, Assignment, LoginFailure


class ReadOnly(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("user", "role", "employer", "unit", "branch", "region", "created_at")
    list_filter = ("role",)
    search_fields = ("user__username",)
    raw_id_fields = ("employer", "unit", "region")


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnly):
    list_display = ("at", "user", "worker_id", "channel", "path")
    list_filter = ("channel",)
    search_fields = ("user__username",)
    date_hierarchy = "at"


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnly):
    list_display = ("name", "user", "prefix", "created_at", "last_used", "revoked_at")
    exclude = ("digest",)


@admin.register(LoginFailure)
class LoginFailureAdmin(ReadOnly):
    list_display = ("at", "username", "ip")
    search_fields = ("username",)
