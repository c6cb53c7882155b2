"""One demo login for each role, documented in the README. The password is for the demo only."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction

from lindung.accounts.models import Assignment
from lindung.accounts.roles import Role
from lindung.regions.models import Region
from lindung.registry.models import BranchOffice, Employer, WorkUnit

DEMO_PASSWORD = "lindung-demo-2026"


@dataclass(frozen=True)
class DemoUser:
    username: str
    full_name: str
    role: str
    employer: str | None = None
    unit: str | None = None
    branch: str | None = None
    region: str | None = None


DEMO_USERS = [
    DemoUser("admin", "Superuser demo", Role.SUPERUSER),
    DemoUser("pemda.okutimur", "Admin BKPSDM OKU Timur", Role.ADMIN, employer="16.08"),
    DemoUser("opd.okutimur.dlh", "Admin OPD DLH OKU Timur", Role.CLERK, employer="16.08", unit="DLH"),
    DemoUser("opd.okutimur.dinkes", "Admin OPD Dinkes OKU Timur", Role.CLERK, employer="16.08", unit="DINKES"),
    DemoUser("cabang.palembang", "Petugas KC Palembang", Role.BRANCH, branch="KC-PLG"),
    DemoUser("cabang.baturaja", "Petugas KC Baturaja", Role.BRANCH, branch="KC-BTA"),
    DemoUser("monitor.sultra", "Pemantau Provinsi Sulawesi Tenggara", Role.MONITOR, region="74"),
    DemoUser("monitor.nasional", "Pemantau nasional", Role.MONITOR),
]


def run_users_demo(actor: str) -> int:
    """Create the demo logins that do not exist yet; returns how many were created. Existing users (and
    passwords someone changed) are left as they are."""
    created = 0
    with transaction.atomic():
        for d in DEMO_USERS:
            if User.objects.filter(username=d.username).exists():
                continue
            superuser = d.role == Role.SUPERUSER
            user = User(username=d.username, first_name=d.full_name, is_superuser=superuser, is_staff=superuser)
            user.set_password(DEMO_PASSWORD)
            user.save()
            created += 1
            if superuser:
                continue
            employer = Employer.objects.get(region_id=d.employer) if d.employer else None
            Assignment.objects.create(
                user=user,
                role=d.role,
                employer=employer,
                unit=WorkUnit.objects.get(employer=employer, code=d.unit) if d.unit else None,
                branch=BranchOffice.objects.get(code=d.branch) if d.branch else None,
                region=Region.objects.get(code=d.region) if d.region else None,
                created_by=actor,
            )
    return created
