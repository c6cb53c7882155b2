"""The API's permission grid: every endpoint of /api/v1/openapi.json × every persona, with its answer.

The endpoints come from the OpenAPI schema, so a new endpoint without a row here fails
`test_every_endpoint_is_in_the_grid`."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from lindung.accounts.scope import Scope, scope_of
from lindung.api.urls import api
from lindung.billing.models import Payment
from lindung.billing.services import issue_invoice
from lindung.claims.services import report_claim
from lindung.intake import jobs
from lindung.intake.models import ImportJob
from tests.web.conftest import DINKES_NIKS, PERSONAS, World

# Personas: clerk (DINKES of 13.11), other_clerk (SATPOLPP of 13.11), admin (13.11), other_admin (13.02),
# branch (territory 13.11), monitor (province 13), anonymous. Objects named in paths belong to 13.11 DINKES.
GRID: dict[str, tuple[int, int, int, int, int, int, int]] = {
    # GET path:                      clerk oclerk admin oadmin branch monitor anon
    "/api/v1/workers": (200, 200, 200, 200, 200, 403, 401),
    "/api/v1/workers/{worker_id}": (200, 404, 200, 404, 200, 403, 401),
    "/api/v1/employments": (200, 200, 200, 200, 200, 403, 401),
    "/api/v1/memberships": (200, 200, 200, 200, 200, 403, 401),
    "/api/v1/imports": (200, 200, 200, 200, 200, 403, 401),
    "/api/v1/imports/{job_id}": (200, 404, 200, 404, 200, 403, 401),
    "/api/v1/invoices": (403, 403, 200, 200, 200, 403, 401),
    "/api/v1/invoices/{number}": (403, 403, 200, 404, 200, 403, 401),
    "/api/v1/payments": (403, 403, 200, 200, 200, 403, 401),
    "/api/v1/coverage": (200, 200, 200, 200, 200, 200, 401),
    "/api/v1/claims": (200, 200, 200, 200, 200, 403, 401),
    "/api/v1/claims/{number}": (200, 404, 200, 404, 200, 403, 401),  # a claim, not the invoice of that name
}
# POST endpoints: the personas that must be refused (the others would write).
POST_REFUSED: dict[str, dict[str, int]] = {
    "/api/v1/imports": {"branch": 403, "monitor": 403, "anonymous": 401},
    "/api/v1/invoices/{number}/payments": {
        "clerk": 403,
        "other_clerk": 403,
        "other_admin": 404,
        "monitor": 403,
        "anonymous": 401,
    },
}


def _endpoints() -> set[tuple[str, str]]:
    schema = api.get_openapi_schema()
    return {(method.upper(), path) for path, ops in schema["paths"].items() for method in ops}


def test_every_endpoint_is_in_the_grid() -> None:
    listed = {("GET", p) for p in GRID} | {("POST", p) for p in POST_REFUSED}
    assert _endpoints() == listed


@pytest.fixture
def paths(world: World) -> dict[str, str]:
    invoice = issue_invoice("13.11", dt.date(2024, 6, 1), actor="test").invoice
    csv = "NIK;Nama Lengkap;Kode Unit;Kategori;Gaji;TMT\n1311011203850009;Rusak;DINKES;THL;abc;02/01/2024\n"
    job = jobs.start_job(scope_of(world.users["clerk"]), [csv.encode()], "r.csv", len(csv), None, None)
    claim = report_claim(
        Scope(user_id=None, role="super", employer_ids=None), nik=DINKES_NIKS[0], kind="jkm", place="Rumah",
        event_at=timezone.make_aware(dt.datetime(2024, 6, 10, 9)), description="Meninggal", actor="test",
    )  # fmt: skip
    values = {"worker_id": str(world.worker(DINKES_NIKS[0]).pk), "job_id": str(job.id), "number": invoice.number}
    found = {p: p.format(**values) for p in [*GRID, *POST_REFUSED]}
    return found | {"/api/v1/claims/{number}": f"/api/v1/claims/{claim.number}"}


def test_every_persona_gets_the_expected_answer_from_every_endpoint(
    personas: dict[str, Client], paths: dict[str, str]
) -> None:
    wrong = []
    for path, expected in GRID.items():
        for persona, status in zip(PERSONAS, expected, strict=True):
            answer = personas[persona].get(paths[path])
            if answer.status_code != status:
                wrong.append(f"GET {path} {persona}: {answer.status_code}, expected {status}")
            elif status >= 400 and set(answer.json()) - {"issues"} != {"code", "message"}:
                wrong.append(f"GET {path} {persona}: not a JSON error: {answer.content[:80]!r}")
    assert wrong == [], "\n".join(wrong)


def test_refused_posts_answer_as_expected_and_write_nothing(
    personas: dict[str, Client], paths: dict[str, str], world: World
) -> None:
    bodies: dict[str, dict[str, Any]] = {
        "/api/v1/imports": {"data": {"file": _upload()}},
        "/api/v1/invoices/{number}/payments": {
            "data": {"billing_code": "X1", "paid_on": "2024-07-10", "amount": 1000},
            "content_type": "application/json",
        },
    }
    jobs_before = ImportJob.objects.count()
    wrong = []
    for path, refused in POST_REFUSED.items():
        for persona, status in refused.items():
            answer = personas[persona].post(paths[path], **bodies[path])
            if answer.status_code != status:
                wrong.append(f"POST {path} {persona}: {answer.status_code}, expected {status}")
    assert wrong == [], "\n".join(wrong)
    assert ImportJob.objects.count() == jobs_before and not Payment.objects.exists()


def _upload() -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("r.csv", b"NIK;Nama Lengkap\n", content_type="text/csv")
