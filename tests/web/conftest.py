"""Personas for the web and API tests: two Pemda in Sumatera Barat, a branch, monitors, and their users.

Kabupaten Solok Selatan (13.11) has three units and workers in two of them; Kabupaten Solok (13.02) has one
unit and one worker. `personas` maps a name to a logged-in test client (or an anonymous one)."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.test import Client

from lindung.accounts.models import Assignment
from lindung.accounts.roles import Role
from lindung.enrolment.services import add_agreement, enrol
from lindung.intake.services import import_roster
from lindung.regions.models import Region
from lindung.registry.models import BranchOffice, Employer, Worker, WorkUnit
from lindung.registry.services import add_employer
from tests.integration.factories import row, solok_selatan, write_csv

TODAY = dt.date(2026, 11, 2)
PASSWORD = "kata-sandi-uji-2026"
PERSONAS = ["clerk", "other_clerk", "admin", "other_admin", "branch", "monitor", "anonymous"]

# NIKs registered in Solok Selatan: two at DINKES, one at SATPOLPP; one in Kabupaten Solok.
DINKES_NIKS = ["1311011203850001", "1311015507900002"]
SATPOL_NIK = "1311012208880003"
SOLOK_NIK = "1302011203850004"


@dataclass(frozen=True)
class World:
    solsel: Employer
    solok: Employer
    dinkes: WorkUnit
    satpol: WorkUnit
    solok_unit: WorkUnit
    branch: BranchOffice
    users: dict[str, User]

    def worker(self, nik: str) -> Worker:
        return Worker.objects.get(nik=nik)


@functools.cache
def password_hash() -> str:
    """The test password hashed once (argon2 takes ~0.3 s by design; seven users per test would take 2 s)."""
    return make_password(PASSWORD)


def make_user(username: str, role: str | None, **place: object) -> User:
    user = User.objects.create(username=username, password=password_hash(), is_superuser=role == Role.SUPERUSER)
    if role is not None and role != Role.SUPERUSER:
        Assignment.objects.create(user=user, role=role, **place)  # type: ignore[misc]
    return user


@pytest.fixture
def world(db: None, tmp_path: Path) -> World:
    solsel = solok_selatan()
    solok = add_employer("13.02", None, "test").employer
    solok_unit, _ = WorkUnit.objects.get_or_create(
        employer=solok, code="DISDIK", defaults={"name": "Dinas Pendidikan", "kind": "dinas"}
    )
    rows = [
        row(DINKES_NIKS[0], "Siti Rahma", unit="DINKES", job="Cleaning service"),
        row(DINKES_NIKS[1], "Dewi Kartika", unit="DINKES", job="Perawat"),
        row(SATPOL_NIK, "Budi Santoso", unit="SATPOLPP", job="Penjaga malam"),
    ]
    import_roster(write_csv(tmp_path / "solsel.csv", rows), "13.11", mode="commit", actor="test", today=TODAY)
    import_roster(
        write_csv(tmp_path / "solok.csv", [row(SOLOK_NIK, "Andi Wijaya", unit="DISDIK")]),
        "13.02",
        mode="commit",
        actor="test",
        today=TODAY,
    )
    add_agreement("13.11", programs="JKK,JKM", effective_from=dt.date(2024, 1, 1), actor="test")
    enrol("13.11", actor="test", on=dt.date(2024, 5, 2))
    branch = BranchOffice.objects.create(code="KC-SLK", name="KC Solok")
    branch.territory.add(Region.objects.get(code="13.11"))
    dinkes = WorkUnit.objects.get(employer=solsel, code="DINKES")
    satpol = WorkUnit.objects.get(employer=solsel, code="SATPOLPP")
    users = {
        "clerk": make_user("clerk", Role.CLERK, employer=solsel, unit=dinkes),
        "other_clerk": make_user("other_clerk", Role.CLERK, employer=solsel, unit=satpol),
        "admin": make_user("admin", Role.ADMIN, employer=solsel),
        "other_admin": make_user("other_admin", Role.ADMIN, employer=solok),
        "branch": make_user("branch", Role.BRANCH, branch=branch),
        "monitor": make_user("monitor", Role.MONITOR, region=Region.objects.get(code="13")),
        "superuser": make_user("superuser", Role.SUPERUSER),
    }
    return World(solsel, solok, dinkes, satpol, solok_unit, branch, users)


@pytest.fixture
def personas(world: World) -> dict[str, Client]:
    clients = {}
    for name in PERSONAS:
        client = Client()
        if name != "anonymous":
            client.force_login(world.users[name])
        clients[name] = client
    return clients


def read_and_close(answer: Any) -> bytes:
    """The body of an answer. A streamed download (a file) is read to its end, which is when the test client
    closes it: closing it by hand would signal the end of a request again, and that signal closes the
    database connection holding the test's transaction."""
    return b"".join(answer.streaming_content) if answer.streaming else bytes(answer.content)
