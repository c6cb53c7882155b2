"""Use cases of accounts: login throttling, API tokens, the access log, and managing users within a scope."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth import password_validation
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from lindung.accounts.models import AccessLog, ApiToken, Assignment, LoginFailure, Role
from lindung.accounts.scope import Scope
from lindung.domain.errors import Conflict, Issue, NotFound, PermissionDenied, ValidationFailed
from lindung.regions.models import Region
from lindung.registry.models import BranchOffice, Employer, Worker, WorkUnit

# Login throttling: after LOCK_AFTER failures for one username within WINDOW the username is locked until
# the window has passed since the last failure; one address may fail IP_LIMIT times per window.
WINDOW = dt.timedelta(minutes=15)
LOCK_AFTER = 5
IP_LIMIT = 30


def login_locked(username: str, ip: str | None) -> bool:
    since = timezone.now() - WINDOW
    recent = LoginFailure.objects.filter(at__gte=since)
    if recent.filter(username=username.lower()).count() >= LOCK_AFTER:
        return True
    return ip is not None and recent.filter(ip=ip).count() >= IP_LIMIT


def record_login_failure(username: str, ip: str | None) -> None:
    LoginFailure.objects.create(username=username.lower()[:150], ip=ip)


def clear_login_failures(username: str) -> None:
    LoginFailure.objects.filter(username=username.lower()).delete()


def log_full_record(user_id: int, worker: Worker, channel: str, path: str) -> None:
    """Record that a user saw a worker's full NIK, phone and birth date."""
    AccessLog.objects.create(user_id=user_id, worker=worker, channel=channel, path=path[:300])


def log_full_records(user_id: int | None, worker_ids: Iterable[int], channel: str, path: str) -> int:
    """Record that a user received these workers' full records in a file (an export, an upload file)."""
    if user_id is None:
        raise PermissionDenied("Hanya pengguna yang masuk yang boleh menerima data pribadi lengkap")
    rows = [AccessLog(user_id=user_id, worker_id=w, channel=channel, path=path[:300]) for w in worker_ids]
    AccessLog.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    secret: str  # shown once


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(user: User, name: str) -> NewToken:
    secret = "lnd_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name[:100], prefix=secret[4:12], digest=_digest(secret))
    return NewToken(token, secret)


def user_for_token(secret: str) -> User | None:
    token = ApiToken.objects.select_related("user").filter(digest=_digest(secret), revoked_at=None).first()
    if token is None or not token.user.is_active:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used=timezone.now())
    return token.user


def revoke_token(scope: Scope, token_id: int) -> None:
    if scope.user_id is None:
        raise NotFound("Token tidak ditemukan")
    updated = ApiToken.objects.filter(pk=token_id, user_id=scope.user_id, revoked_at=None).update(
        revoked_at=timezone.now()
    )
    if not updated:
        raise NotFound("Token tidak ditemukan")


# Which roles each role may hand out, and where.
_GRANTS: dict[str, frozenset[str]] = {
    Role.ADMIN: frozenset({Role.CLERK, Role.ADMIN}),
    Role.SUPERUSER: frozenset({Role.CLERK, Role.ADMIN, Role.BRANCH, Role.MONITOR}),
}


@dataclass(frozen=True)
class Place:
    """Where a new user's role applies: the code of a unit (with its Pemda), a Pemda, a branch or a region."""

    employer: str | None = None
    unit: str | None = None
    branch: str | None = None
    region: str | None = None


def grantable_roles(scope: Scope) -> list[tuple[str, str]]:
    allowed = _GRANTS.get(scope.role or "", frozenset())
    return [(value, str(label)) for value, label in Role.choices if value in allowed]


def _assignment_for(scope: Scope, role: str, place: Place) -> Assignment:
    if role not in _GRANTS.get(scope.role or "", frozenset()):
        raise PermissionDenied("Anda tidak boleh memberi peran ini")
    a = Assignment(role=role)
    if role in (Role.CLERK, Role.ADMIN):
        code = place.employer or scope.employer_code
        employer = Employer.objects.filter(region_id=code).first() if code else None
        if employer is None or not scope.holds_employer(employer.pk):
            raise NotFound(f"Pemda {code or '-'} tidak ditemukan")
        a.employer = employer
        if role == Role.CLERK:
            unit = WorkUnit.objects.filter(employer=employer, code=place.unit or "").first()
            if unit is None:
                raise NotFound(f"Unit {place.unit or '-'} tidak ditemukan pada {employer.name}")
            a.unit = unit
    elif role == Role.BRANCH:
        branch = BranchOffice.objects.filter(code=place.branch or "").first()
        if branch is None:
            raise NotFound(f"Kantor cabang {place.branch or '-'} tidak ditemukan")
        a.branch = branch
    elif role == Role.MONITOR and place.region:
        region = Region.objects.filter(code=place.region, level=Region.Level.PROVINSI).first()
        if region is None:
            raise NotFound(f"Provinsi {place.region} tidak ditemukan")
        a.region = region
    return a


def create_user(scope: Scope, *, username: str, password: str, role: str, place: Place, full_name: str = "") -> User:
    """A new user with one role, placed within what `scope` may hand out. The password must pass the policy."""
    scope.require("users.manage")
    username = username.strip()
    if not username:
        raise ValidationFailed("Nama pengguna wajib diisi", [Issue(None, "username", "required", "wajib diisi")])
    assignment = _assignment_for(scope, role, place)
    candidate = User(username=username, first_name=full_name[:150])
    try:
        password_validation.validate_password(password, candidate)
    except ValidationError as exc:
        raise ValidationFailed(
            "Kata sandi belum memenuhi kebijakan", [Issue(None, "password", "password", m) for m in exc.messages]
        ) from None
    with transaction.atomic():
        if User.objects.filter(username__iexact=username).exists():
            raise Conflict(f"Nama pengguna {username} sudah dipakai")
        candidate.set_password(password)
        candidate.save()
        assignment.user = candidate
        assignment.created_by = str(scope.user_id or "")
        assignment.save()
    return candidate


def managed_users(scope: Scope) -> list[Assignment]:
    """The users whose roles this scope hands out: a Pemda admin's own Pemda, a superuser's everyone."""
    scope.require("users.manage")
    rows = Assignment.objects.select_related("user", "employer", "unit", "branch", "region")
    return list(scope.restrict(rows).order_by("role", "user__username"))


def set_active(scope: Scope, user_id: int, active: bool) -> None:
    scope.require("users.manage")
    assignment = scope.get(Assignment.objects.select_related("user"), user_id=user_id)
    if assignment.user_id == scope.user_id:
        raise Conflict("Anda tidak dapat menonaktifkan akun sendiri")
    User.objects.filter(pk=user_id).update(is_active=active)
