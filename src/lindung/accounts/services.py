"""Use cases of accounts: login throttling (never a lockout), API tokens, the access log, managing users."""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth import password_validation
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, QuerySet
from django.utils import timezone

from lindung.accounts.models import AccessLog, ApiToken, Assignment, LoginFailure
from lindung.accounts.roles import Role
from lindung.accounts.scope import Scope
from lindung.domain.errors import Conflict, Issue, NotFound, PermissionDenied, ValidationFailed
from lindung.regions.models import Region
from lindung.registry.models import BranchOffice, Employer, Worker, WorkUnit

# Login throttling that an attacker cannot turn into a lockout. Counted over WINDOW, failures already lifted
# left out:
# - one address and one user name: PAIR_FREE failures, then a wait from the last one that doubles from
#   PAIR_FIRST_WAIT with every further failure, up to WINDOW;
# - one user name from every address: NAME_FREE failures, then a wait that doubles from one second up to
#   NAME_WAIT_MAX, so its owner, typing the right password elsewhere, is slowed but never locked out;
# - one address, any user names: IP_LIMIT failures, then it waits until the oldest of them leaves the window.
# A refused attempt is not a failure (no password is checked), so waiting attempts never lengthen the wait.
WINDOW = dt.timedelta(minutes=15)
PAIR_FREE = 5
PAIR_FIRST_WAIT = dt.timedelta(seconds=30)
NAME_FREE = 20
NAME_WAIT_MAX = dt.timedelta(seconds=60)
IP_LIMIT = 30


def _recent_failures(now: dt.datetime) -> QuerySet[LoginFailure]:
    return LoginFailure.objects.filter(at__gte=now - WINDOW, lifted_at=None)


def _doubling(count: int, free: int, first: dt.timedelta, cap: dt.timedelta) -> dt.timedelta:
    if count < free:
        return dt.timedelta(0)
    return min(first * (1 << min(count - free, 20)), cap)


def login_wait(username: str, ip: str | None) -> int:
    """Seconds before this user name may try again from this address (0: now)."""
    now = timezone.now()
    recent = _recent_failures(now)
    name = username.lower()
    pair = recent.filter(username=name, ip=ip) if ip is not None else recent.filter(username=name, ip=None)
    until = [now]
    for rows, free, first, cap in (
        (pair, PAIR_FREE, PAIR_FIRST_WAIT, WINDOW),
        (recent.filter(username=name), NAME_FREE, dt.timedelta(seconds=1), NAME_WAIT_MAX),
    ):
        facts = rows.aggregate(n=Count("id"), last=Max("at"))
        wait = _doubling(facts["n"], free, first, cap)
        if wait and facts["last"] is not None:
            until.append(facts["last"] + wait)
    if ip is not None:
        times = list(recent.filter(ip=ip).order_by("-at").values_list("at", flat=True)[:IP_LIMIT])
        if len(times) >= IP_LIMIT:
            until.append(times[-1] + WINDOW)
    return math.ceil((max(until) - now).total_seconds())


def login_locked(username: str, ip: str | None) -> bool:
    return login_wait(username, ip) > 0


def record_login_failure(username: str, ip: str | None) -> None:
    LoginFailure.objects.create(username=username.lower()[:150], ip=ip)


def clear_login_failures(username: str, ip: str | None) -> None:
    """The owner logged in from this address: its failures there stop counting (and stay recorded)."""
    rows = LoginFailure.objects.filter(username=username.lower(), lifted_at=None)
    rows = rows.filter(ip=ip) if ip is not None else rows.filter(ip=None)
    rows.update(lifted_at=timezone.now(), lifted_by=username.lower()[:150])


@dataclass(frozen=True)
class LoginThrottle:
    """A managed user whose failed logins count now: how many, from how many addresses, and the wait."""

    user_id: int
    username: str
    failures: int
    addresses: int
    last: dt.datetime
    wait_seconds: int  # the longest wait any address has now


def login_throttles(scope: Scope) -> list[LoginThrottle]:
    """The users this scope manages whose failed logins are slowing them down or soon will."""
    names = {a.user.username.lower(): a.user for a in managed_users(scope)}
    now = timezone.now()
    rows = (
        _recent_failures(now)
        .filter(username__in=list(names))
        .values("username")
        .annotate(n=Count("id"), addresses=Count("ip", distinct=True), last=Max("at"))
        .order_by("-last")
    )
    found = []
    for row in rows:
        ips = _recent_failures(now).filter(username=row["username"]).values_list("ip", flat=True).distinct()
        wait = max((login_wait(row["username"], ip) for ip in ips), default=0)
        user = names[row["username"]]
        found.append(LoginThrottle(user.pk, user.username, row["n"], row["addresses"], row["last"], wait))
    return found


def lift_login_throttle(scope: Scope, user_id: int) -> int:
    """A Pemda admin (or superuser) lifts every wait on a user they manage; returns the failures lifted."""
    scope.require("users.manage")
    assignment = scope.get(Assignment.objects.select_related("user"), user_id=user_id)
    actor = "admin"
    if scope.user_id is not None:
        actor = User.objects.filter(pk=scope.user_id).values_list("username", flat=True).first() or actor
    return LoginFailure.objects.filter(username=assignment.user.username.lower(), lifted_at=None).update(
        lifted_at=timezone.now(), lifted_by=actor[:150]
    )


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


def tokens_of(user_id: int | None) -> list[ApiToken]:
    """A user's own API tokens, newest first (only their digests are stored)."""
    return list(ApiToken.objects.filter(user=user_id).order_by("-created_at"))


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
