"""The import jobs check the caller's scope themselves: starting, running and reading a job outside it is
refused whichever edge (page, API, a script) calls them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from lindung.accounts.roles import Role
from lindung.accounts.scope import Scope, scope_of
from lindung.domain.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from lindung.intake import jobs, queries
from lindung.intake.models import ImportJob
from lindung.intake.services import import_target
from tests.integration.factories import row, write_csv
from tests.web.conftest import World


@pytest.fixture(autouse=True)
def data_dir(settings: Any, tmp_path: Path) -> Path:
    settings.DATA_DIR = tmp_path / "data"
    return tmp_path / "data"


def _csv(tmp_path: Path) -> bytes:
    return write_csv(tmp_path / "dinkes.csv", [row("1311014404920005", "Rina Marlina")]).read_bytes()


def test_the_target_is_the_clerks_unit_the_admins_pemda_or_one_named_in_scope(world: World) -> None:
    clerk, admin = scope_of(world.users["clerk"]), scope_of(world.users["admin"])
    assert import_target(clerk, None, None) == (world.solsel, world.dinkes)
    assert import_target(clerk, " 13.11 ", "DINKES") == (world.solsel, world.dinkes)
    assert import_target(admin, None, " ") == (world.solsel, None)
    assert import_target(admin, None, "SATPOLPP") == (world.solsel, world.satpol)
    with pytest.raises(NotFound, match="Unit SATPOLPP tidak ditemukan"):
        import_target(clerk, None, "SATPOLPP")
    with pytest.raises(NotFound, match="Unit NOPE tidak terdaftar pada"):
        import_target(admin, None, "NOPE")
    with pytest.raises(NotFound):
        import_target(admin, "13.02", None)
    with pytest.raises(PermissionDenied):
        import_target(scope_of(world.users["branch"]), "13.11", None)
    superuser = scope_of(world.users["superuser"])
    with pytest.raises(ValidationFailed, match="Pilih Pemda tujuan impor"):
        import_target(superuser, None, None)  # two Pemda registered: name one
    assert import_target(superuser, "13.02", "DISDIK") == (world.solok, world.solok_unit)


def test_a_job_is_recorded_under_the_user_who_started_it(world: World, tmp_path: Path) -> None:
    data = _csv(tmp_path)
    job = jobs.start_job(scope_of(world.users["admin"]), [data], "dinkes.csv", len(data), None, None)
    assert (job.created_by_id, job.employer, job.unit) == (world.users["admin"].pk, world.solsel, None)
    nobody = Scope(user_id=None, role=Role.SUPERUSER, employer_ids=None)
    with pytest.raises(PermissionDenied):
        jobs.start_job(nobody, [data], "dinkes.csv", len(data), "13.11", None)
    assert ImportJob.objects.count() == 1


def test_a_job_of_another_unit_or_pemda_cannot_be_run_or_read(world: World, tmp_path: Path) -> None:
    data = _csv(tmp_path)
    clerk = scope_of(world.users["clerk"])
    job = jobs.start_job(clerk, [data], "dinkes.csv", len(data), None, None)
    for name in ("other_clerk", "other_admin"):
        other = scope_of(world.users[name])
        with pytest.raises(NotFound):
            jobs.submit(other, job, "dry", name)
        with pytest.raises(NotFound):
            queries.import_job(other, job.pk)
        with pytest.raises(NotFound):
            queries.error_workbook(other, job.pk)
        assert not queries.import_jobs(other).filter(pk=job.pk).exists()
    with pytest.raises(PermissionDenied):
        jobs.submit(scope_of(world.users["branch"]), job, "dry", "branch")
    assert ImportJob.objects.get(pk=job.pk).status == "queued"  # none of them touched it
    with pytest.raises(NotFound, match="Belum ada berkas kesalahan"):
        queries.error_workbook(clerk, job.pk)
    checked = jobs.submit(clerk, job, "dry", "clerk")
    assert checked.status == "checked"
    with pytest.raises(Conflict):
        jobs.submit(clerk, job, "dry", "clerk")  # checked once already
    admin = scope_of(world.users["admin"])
    assert queries.import_job(admin, job.pk) == job
    assert [j.pk for j in queries.import_jobs(admin)] == [job.pk]
