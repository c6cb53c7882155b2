"""Where a roster upload goes: the wizard's form and `POST /api/v1/imports` give every persona the same answer
for the same Pemda and unit, because both ask `intake.services.import_target`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from lindung.intake.models import ImportJob
from tests.integration.factories import row, write_csv
from tests.web.conftest import PERSONAS, World

# (employer, unit) as the form and the API receive them; None leaves the field out.
TARGETS = [
    (None, None),
    ("13.11", None),
    ("13.11", "DINKES"),
    ("13.11", "SATPOLPP"),
    ("13.11", "TIDAK-ADA"),
    (None, "DINKES"),
    (None, "SATPOLPP"),
    ("13.02", None),
    ("13.02", "DISDIK"),
    ("99.99", None),
]

# What each persona gets: a job for (employer, unit), or the refusal's status; a target left out is 404 (outside
# the scope, or not registered).
EXPECTED: dict[str, dict[tuple[str | None, str | None], object]] = {
    "clerk": {
        (None, None): ("13.11", "DINKES"),
        ("13.11", None): ("13.11", "DINKES"),
        ("13.11", "DINKES"): ("13.11", "DINKES"),
        (None, "DINKES"): ("13.11", "DINKES"),
    },
    "other_clerk": {
        (None, None): ("13.11", "SATPOLPP"),
        ("13.11", None): ("13.11", "SATPOLPP"),
        ("13.11", "SATPOLPP"): ("13.11", "SATPOLPP"),
        (None, "SATPOLPP"): ("13.11", "SATPOLPP"),
    },
    "admin": {
        (None, None): ("13.11", None),
        ("13.11", None): ("13.11", None),
        ("13.11", "DINKES"): ("13.11", "DINKES"),
        ("13.11", "SATPOLPP"): ("13.11", "SATPOLPP"),
        (None, "DINKES"): ("13.11", "DINKES"),
        (None, "SATPOLPP"): ("13.11", "SATPOLPP"),
    },
    "other_admin": {
        (None, None): ("13.02", None),
        ("13.02", None): ("13.02", None),
        ("13.02", "DISDIK"): ("13.02", "DISDIK"),
    },
    "superuser": {
        (None, None): 400,  # two Pemda: name one
        (None, "DINKES"): 400,
        (None, "SATPOLPP"): 400,
        ("13.11", None): ("13.11", None),
        ("13.11", "DINKES"): ("13.11", "DINKES"),
        ("13.11", "SATPOLPP"): ("13.11", "SATPOLPP"),
        ("13.02", None): ("13.02", None),
        ("13.02", "DISDIK"): ("13.02", "DISDIK"),
    },
    "branch": dict.fromkeys(TARGETS, 403),
    "monitor": dict.fromkeys(TARGETS, 403),
    "anonymous": dict.fromkeys(TARGETS, 401),
}


@pytest.fixture(autouse=True)
def data_dir(settings: Any, tmp_path: Path) -> Path:
    settings.DATA_DIR = tmp_path / "data"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "cache"),
        }
    }
    return tmp_path / "data"


def _place(job_id: str) -> tuple[str, str | None]:
    job = ImportJob.objects.select_related("employer", "unit").get(pk=job_id)
    return job.employer.region_id, job.unit.code if job.unit else None


def _web(client: Client, path: Path, fields: dict[str, str]) -> object:
    with path.open("rb") as fh:
        answer = client.post(reverse("import_start"), {"file": fh, **fields})
    if answer.status_code == 302:
        location = answer["Location"]
        if location.startswith(reverse("login")):
            return 401
        return _place(location.rstrip("/").split("/")[-1])
    return answer.status_code


def _api(client: Client, path: Path, fields: dict[str, str]) -> object:
    with path.open("rb") as fh:
        answer = client.post("/api/v1/imports", {"file": fh, **fields})
    if answer.status_code == 201:
        return _place(json.loads(answer.content)["id"])
    return answer.status_code


def test_the_form_and_the_api_send_every_persona_s_upload_to_the_same_place(
    world: World, personas: dict[str, Client], tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "r.csv", [row("1311014404920005", "Rina Marlina")])
    superuser = Client()
    superuser.force_login(world.users["superuser"])
    clients = personas | {"superuser": superuser}
    wrong = []
    for persona in [*PERSONAS, "superuser"]:
        for employer, unit in TARGETS:
            fields = {k: v for k, v in (("employer", employer), ("unit", unit)) if v is not None}
            expected = EXPECTED[persona].get((employer, unit), 404)
            web, api = _web(clients[persona], path, fields), _api(clients[persona], path, fields)
            if not web == api == expected:
                wrong.append(f"{persona} {fields}: page {web}, API {api}, expected {expected}")
    assert wrong == [], "\n".join(wrong)
