"""The JSON API under /api/v1/: authentication, scope per persona, errors as JSON, paging and the endpoints."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lindung.accounts.models import AccessLog
from lindung.accounts.scope import scope_of
from lindung.accounts.services import create_token, revoke_token
from lindung.billing.services import issue_invoice
from lindung.coverage.services import coverage_tree
from lindung.domain.formats import mask_nik
from lindung.intake.models import ImportJob
from lindung.intake.services import import_roster
from tests.integration.factories import row, write_csv
from tests.web.conftest import DINKES_NIKS, SATPOL_NIK, SOLOK_NIK, TODAY, World

API = "/api/v1"
PATHS = {
    "/api/v1/workers",
    "/api/v1/workers/{worker_id}",
    "/api/v1/employments",
    "/api/v1/memberships",
    "/api/v1/imports",
    "/api/v1/imports/{job_id}",
    "/api/v1/invoices",
    "/api/v1/invoices/{number}",
    "/api/v1/invoices/{number}/payments",
    "/api/v1/payments",
    "/api/v1/coverage",
    "/api/v1/claims",
    "/api/v1/claims/{number}",
}
INVOICE = "TAG-13.11-202406-PPU"


def body(response: Any) -> Any:
    assert response["Content-Type"].startswith("application/json"), response.content[:200]
    return json.loads(response.content)


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def invoice(world: World) -> str:
    return issue_invoice("13.11", dt.date(2024, 6, 1), actor="test").invoice.number


@pytest.fixture
def data_dir(settings: Any, tmp_path: Path) -> Path:
    settings.DATA_DIR = tmp_path / "data"
    return Path(settings.DATA_DIR)


# --- OpenAPI and authentication -----------------------------------------------------------------


def test_the_openapi_schema_is_served_and_lists_every_endpoint(db: None) -> None:
    response = Client().get(f"{API}/openapi.json")
    assert response.status_code == 200
    schema = body(response)
    assert schema["info"]["title"] == "lindung API"
    assert set(schema["paths"]) == PATHS
    actions = {p: op["x-lindung-action"] for p, ops in schema["paths"].items() for op in ops.values()}
    assert actions["/api/v1/invoices/{number}/payments"] == "payment.record"


def test_there_is_no_docs_page_that_would_load_a_cdn(db: None) -> None:
    response = Client().get(f"{API}/docs")
    assert response.status_code == 404
    assert body(response)["code"] == "not_found"


def test_every_list_answers_401_json_without_authentication(db: None) -> None:
    for path in sorted(p for p in PATHS if "{" not in p):
        response = Client().get(path)
        assert response.status_code == 401, path
        answer = body(response)
        assert answer["code"] == "unauthenticated"
        assert answer["message"]


def test_a_wrong_or_revoked_token_is_refused_with_401(world: World) -> None:
    new = create_token(world.users["admin"], "sipd")
    assert Client().get(f"{API}/workers", headers=bearer(new.secret)).status_code == 200
    wrong = Client().get(f"{API}/workers", headers=bearer(new.secret + "x"))
    assert wrong.status_code == 401
    assert body(wrong)["code"] == "unauthenticated"
    assert "Token" in body(wrong)["message"]
    revoke_token(scope_of(world.users["admin"]), new.token.pk)
    revoked = Client().get(f"{API}/workers", headers=bearer(new.secret))
    assert revoked.status_code == 401
    assert body(revoked)["code"] == "unauthenticated"


def test_a_token_of_a_deactivated_user_is_refused(world: World) -> None:
    new = create_token(world.users["admin"], "sipd")
    User.objects.filter(pk=world.users["admin"].pk).update(is_active=False)
    assert Client().get(f"{API}/workers", headers=bearer(new.secret)).status_code == 401


def test_a_token_authenticates_as_its_user_with_their_scope(world: World) -> None:
    new = create_token(world.users["clerk"], "absensi")
    response = Client().get(f"{API}/workers", headers=bearer(new.secret))
    assert response.status_code == 200
    assert sorted(w["name"] for w in body(response)["items"]) == ["Dewi Kartika", "Siti Rahma"]


def test_a_token_may_post_without_a_csrf_token(world: World, invoice: str) -> None:
    new = create_token(world.users["admin"], "bank")
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        f"{API}/invoices/{invoice}/payments",
        {"billing_code": "KB-1", "paid_on": "2024-07-10", "amount": 1000},
        content_type="application/json",
        headers=bearer(new.secret),
    )
    assert response.status_code == 201, response.content


def test_the_browser_session_works_and_a_post_needs_the_csrf_token(world: World, invoice: str) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["admin"])
    assert client.get(f"{API}/invoices").status_code == 200
    payload = {"billing_code": "KB-1", "paid_on": "2024-07-10", "amount": 1000}
    url = f"{API}/invoices/{invoice}/payments"
    refused = client.post(url, payload, content_type="application/json")
    assert refused.status_code == 403
    assert body(refused)["code"] == "forbidden"
    assert "CSRF" in body(refused)["message"]
    secret = _get_new_csrf_string()
    client.cookies[settings.CSRF_COOKIE_NAME] = secret
    accepted = client.post(url, payload, content_type="application/json", headers={"X-CSRFToken": secret})
    assert accepted.status_code == 201, accepted.content


# --- scope ---------------------------------------------------------------------------------------

# persona -> expected count (an int) or status (a string) per list endpoint.
GRID: dict[str, dict[str, int | str]] = {
    "/workers": {"clerk": 2, "other_clerk": 1, "admin": 3, "other_admin": 1, "branch": 3, "monitor": "403"},
    "/employments": {"clerk": 2, "other_clerk": 1, "admin": 3, "other_admin": 1, "branch": 3, "monitor": "403"},
    "/memberships": {"clerk": 2, "other_clerk": 1, "admin": 3, "other_admin": 0, "branch": 3, "monitor": "403"},
    "/imports": {"clerk": 1, "other_clerk": 0, "admin": 1, "other_admin": 1, "branch": 1, "monitor": "403"},
    "/invoices": {"clerk": "403", "other_clerk": "403", "admin": 1, "other_admin": 0, "branch": 1, "monitor": "403"},
    "/payments": {"clerk": "403", "other_clerk": "403", "admin": 1, "other_admin": 0, "branch": 1, "monitor": "403"},
}


def test_every_list_is_narrowed_to_the_personas_scope(personas: dict[str, Client], world: World, invoice: str) -> None:
    for unit, employer in ((world.dinkes, world.solsel), (world.solok_unit, world.solok)):
        ImportJob.objects.create(
            employer=employer, unit=unit, created_by=world.users["admin"], file_name="a.csv", size=1, sha256="0"
        )
    personas["admin"].post(
        f"{API}/invoices/{invoice}/payments",
        {"billing_code": "KB-1", "paid_on": "2024-07-10", "amount": 1000},
        content_type="application/json",
    )
    for path, persona, expected in [(p, who, e) for p, answers in GRID.items() for who, e in answers.items()]:
        response = personas[persona].get(API + path)
        if isinstance(expected, str):
            assert response.status_code == int(expected), (persona, path)
            assert body(response)["code"] == "forbidden"
        else:
            assert response.status_code == 200, (persona, path, response.content)
            assert body(response)["count"] == expected, (persona, path)
            assert len(body(response)["items"]) == expected


def test_a_worker_of_another_pemda_answers_404_json_and_is_logged(
    personas: dict[str, Client], world: World, caplog: pytest.LogCaptureFixture
) -> None:
    other = world.worker(SOLOK_NIK)
    response = personas["admin"].get(f"{API}/workers/{other.pk}")
    assert response.status_code == 404
    assert body(response) == {"code": "not_found", "message": "Data tidak ditemukan"}
    assert any("out of scope" in r.getMessage() for r in caplog.records)
    assert SOLOK_NIK not in caplog.text
    assert personas["other_admin"].get(f"{API}/workers/{other.pk}").status_code == 200


def test_a_clerk_cannot_read_a_worker_of_another_unit(personas: dict[str, Client], world: World) -> None:
    satpol = world.worker(SATPOL_NIK)
    assert personas["clerk"].get(f"{API}/workers/{satpol.pk}").status_code == 404
    assert personas["other_clerk"].get(f"{API}/workers/{satpol.pk}").status_code == 200


def test_a_monitor_gets_403_json_on_worker_records(personas: dict[str, Client], world: World) -> None:
    response = personas["monitor"].get(f"{API}/workers/{world.worker(SATPOL_NIK).pk}")
    assert response.status_code == 403
    assert body(response)["code"] == "forbidden"


def test_an_unknown_address_under_the_api_is_404_json(db: None) -> None:
    response = Client().get(f"{API}/nothing-here")
    assert response.status_code == 404
    assert body(response)["code"] == "not_found"


# --- workers -------------------------------------------------------------------------------------


def test_a_worker_page_shows_the_full_record_and_writes_the_access_log(
    personas: dict[str, Client], world: World
) -> None:
    worker = world.worker(DINKES_NIKS[0])
    response = personas["admin"].get(f"{API}/workers/{worker.pk}")
    assert response.status_code == 200
    answer = body(response)
    assert answer["full"] is True
    assert answer["nik"] == DINKES_NIKS[0]
    assert answer["birth_date"] == worker.birth_date.isoformat()
    assert [e["unit"] for e in answer["employments"]] == ["DINKES"]
    assert [m["segment"] for m in answer["memberships"]] == ["ppu"]
    log = AccessLog.objects.get()
    assert (log.user_id, log.worker_id, log.channel) == (world.users["admin"].pk, worker.pk, "api")
    assert log.path == f"{API}/workers/{worker.pk}"


def test_lists_show_the_nik_masked_only(personas: dict[str, Client], world: World) -> None:
    for path in ("/workers", "/employments", "/memberships"):
        items = body(personas["admin"].get(API + path))["items"]
        assert {i["nik"] for i in items} == {mask_nik(n) for n in [*DINKES_NIKS, SATPOL_NIK]}
        assert not any(n in json.dumps(items) for n in [*DINKES_NIKS, SATPOL_NIK])
    assert not AccessLog.objects.exists()


def test_workers_are_searched_by_name_and_nik_suffix_and_filtered(personas: dict[str, Client], world: World) -> None:
    def names(query: str) -> list[str]:
        response = personas["admin"].get(f"{API}/workers?{query}")
        assert response.status_code == 200, response.content
        return [w["name"] for w in body(response)["items"]]

    assert names("q=dewi") == ["Dewi Kartika"]
    assert names("q=0003") == ["Budi Santoso"]
    assert names("unit=SATPOLPP") == ["Budi Santoso"]
    assert names("category=thl&unit=DINKES") == ["Dewi Kartika", "Siti Rahma"]
    assert names("category=honorer") == []
    assert names("active=true") == ["Budi Santoso", "Dewi Kartika", "Siti Rahma"]
    assert names("active=false") == []


def test_paging_counts_the_whole_list_and_keeps_a_stable_order(personas: dict[str, Client], world: World) -> None:
    client = personas["admin"]
    first = body(client.get(f"{API}/workers?limit=2"))
    rest = body(client.get(f"{API}/workers?limit=2&offset=2"))
    assert first["count"] == rest["count"] == 3
    assert [w["name"] for w in first["items"] + rest["items"]] == ["Budi Santoso", "Dewi Kartika", "Siti Rahma"]
    assert body(client.get(f"{API}/workers?offset=10"))["items"] == []
    too_many = client.get(f"{API}/workers?limit=501")
    assert too_many.status_code == 422
    assert body(too_many)["code"] == "invalid"
    assert body(too_many)["issues"][0]["column"] == "limit"


def test_the_worker_list_does_not_grow_one_query_per_row(
    personas: dict[str, Client], world: World, tmp_path: Path, django_assert_max_num_queries: Any
) -> None:
    client = personas["admin"]
    with CaptureQueriesContext(connection) as few:
        assert body(client.get(f"{API}/workers"))["count"] == 3
    rows = [row(f"131101{day:02d}0390{day:04d}", f"Pekerja {day}", unit="SATPOLPP") for day in range(1, 29)]
    import_roster(write_csv(tmp_path / "more.csv", rows), "13.11", mode="commit", actor="test", today=TODAY)
    with django_assert_max_num_queries(len(few)):
        answer = body(client.get(f"{API}/workers?limit=100"))
    assert answer["count"] == 31
    assert all(len(w["employments"]) == 1 for w in answer["items"])


def test_employments_are_filtered_by_unit_with_integer_wages(personas: dict[str, Client], world: World) -> None:
    items = body(personas["admin"].get(f"{API}/employments?unit=DINKES&active=true"))["items"]
    assert {i["worker_name"] for i in items} == {"Siti Rahma", "Dewi Kartika"}
    assert all(i["wage"] == 2500000 and i["employer"] == "13.11" for i in items)


def test_memberships_are_filtered_by_status_and_kpj(personas: dict[str, Client], world: World) -> None:
    client = personas["admin"]
    assert body(client.get(f"{API}/memberships?has_kpj=true"))["count"] == 0
    assert body(client.get(f"{API}/memberships?has_kpj=false"))["count"] == 3
    statuses = {m["status"] for m in body(client.get(f"{API}/memberships"))["items"]}
    assert len(statuses) == 1
    assert body(client.get(f"{API}/memberships?status={statuses.pop()}"))["count"] == 3
    assert body(client.get(f"{API}/memberships?status=ended"))["count"] == 0


# --- billing -------------------------------------------------------------------------------------


def test_an_invoice_shows_its_subtotals_and_statement(personas: dict[str, Client], invoice: str) -> None:
    listed = body(personas["branch"].get(f"{API}/invoices?period=2024-06&employer=13.11"))
    assert [i["number"] for i in listed["items"]] == [invoice] == [INVOICE]
    assert body(personas["admin"].get(f"{API}/invoices?period=2024-07"))["count"] == 0
    bad = personas["admin"].get(f"{API}/invoices?period=2024-13")
    assert bad.status_code == 422
    answer = body(personas["admin"].get(f"{API}/invoices/{invoice}"))
    assert isinstance(answer["total"], int) and answer["total"] > 0
    assert sum(s["employer_amount"] + s["worker_amount"] for s in answer["subtotals"]) == answer["total"]
    assert {s["unit"] for s in answer["subtotals"]} == {"DINKES", "SATPOLPP"}
    # By hand: every worker earns Rp2,500,000 (JKK class 1 + JKM): 0.24% = 6,000 and 0.30% = 7,500.
    # DINKES has two workers (JKK 12,000, JKM 15,000), SATPOLPP one (6,000, 7,500); 27,000 + 13,500 = 40,500.
    assert sorted((s["unit"], s["program"], s["employer_amount"], s["worker_amount"]) for s in answer["subtotals"]) == [
        ("DINKES", "JKK", 12_000, 0),
        ("DINKES", "JKM", 15_000, 0),
        ("SATPOLPP", "JKK", 6_000, 0),
        ("SATPOLPP", "JKM", 7_500, 0),
    ]
    assert answer["total"] == 40_500
    assert answer["statement"]["balance"] == answer["total"]
    assert answer["payments"] == []
    assert personas["other_admin"].get(f"{API}/invoices/{invoice}").status_code == 404


def test_a_payment_is_recorded_once_and_a_conflicting_repeat_is_409(personas: dict[str, Client], invoice: str) -> None:
    client = personas["branch"]
    url = f"{API}/invoices/{invoice}/payments"
    payload = {"billing_code": "KB-2024-06", "paid_on": "2024-07-10", "amount": 5000}
    created = client.post(url, payload, content_type="application/json")
    assert created.status_code == 201
    assert body(created) | {"id": 0} == payload | {"id": 0, "invoice": invoice, "created": True}
    again = client.post(url, payload, content_type="application/json")
    assert again.status_code == 200
    assert body(again)["created"] is False
    conflict = client.post(url, payload | {"amount": 6000}, content_type="application/json")
    assert conflict.status_code == 409
    assert body(conflict)["code"] == "conflict"
    assert "KB-2024-06" in body(conflict)["message"]
    paid = body(client.get(f"{API}/invoices/{invoice}"))
    assert paid["statement"]["paid"] == 5000
    assert [p["billing_code"] for p in body(client.get(f"{API}/payments?invoice={invoice}"))["items"]] == ["KB-2024-06"]


def test_payments_need_the_role_and_the_scope(personas: dict[str, Client], invoice: str) -> None:
    payload = {"billing_code": "X", "paid_on": "2024-07-10", "amount": 5000}
    url = f"{API}/invoices/{invoice}/payments"
    assert personas["clerk"].post(url, payload, content_type="application/json").status_code == 403
    assert personas["other_admin"].post(url, payload, content_type="application/json").status_code == 404
    assert personas["anonymous"].post(url, payload, content_type="application/json").status_code == 401


def test_a_payment_with_a_bad_body_lists_the_fields(personas: dict[str, Client], invoice: str) -> None:
    response = personas["admin"].post(
        f"{API}/invoices/{invoice}/payments",
        {"billing_code": "X", "paid_on": "10/07/2024", "amount": "lima"},
        content_type="application/json",
    )
    assert response.status_code == 422
    answer = body(response)
    assert answer["code"] == "invalid"
    assert {i["column"] for i in answer["issues"]} == {"body.paid_on", "body.amount"}
    early = personas["admin"].post(
        f"{API}/invoices/{invoice}/payments",
        {"billing_code": "X", "paid_on": "2024-05-01", "amount": 10},
        content_type="application/json",
    )
    assert early.status_code == 400
    assert body(early)["code"] == "invalid"


# --- imports -------------------------------------------------------------------------------------


def test_an_uploaded_roster_is_checked_and_its_bad_row_reported(
    personas: dict[str, Client], world: World, tmp_path: Path, data_dir: Path
) -> None:
    path = write_csv(
        tmp_path / "dinkes baru.csv",
        [row("1311014101950005", "Rina Marlina"), row("13110199", "Salah NIK")],
    )
    with path.open("rb") as fh:
        response = personas["clerk"].post(f"{API}/imports", {"file": fh})
    assert response.status_code == 201, response.content
    job = body(response)
    assert job["status"] == "checked"
    assert job["unit"] == "DINKES"
    assert job["counts"] | {} == {"rows": 2, "new": 1, "changed": 0, "unchanged": 0, "rejected": 1, "warned": 0}
    bad = [i for i in job["issues"] if i["severity"] == "error"]
    assert bad and bad[0]["row"] == 3 and bad[0]["column"] == "NIK"
    stored = data_dir / "imports" / job["id"]
    assert (stored / "dinkes_baru.csv").read_bytes() == path.read_bytes()
    assert (stored / "kesalahan.xlsx").is_file()
    assert not world.solsel.employments.filter(worker__name="Rina Marlina").exists()  # a dry check writes nothing
    again = body(personas["admin"].get(f"{API}/imports/{job['id']}"))
    assert again["issues"] == job["issues"]
    assert personas["other_admin"].get(f"{API}/imports/{job['id']}").status_code == 404
    assert personas["other_clerk"].get(f"{API}/imports/{job['id']}").status_code == 404


def test_an_upload_stays_within_the_callers_units(
    personas: dict[str, Client], world: World, tmp_path: Path, data_dir: Path
) -> None:
    path = write_csv(tmp_path / "r.csv", [row("1311014101950005", "Rina Marlina")])
    with path.open("rb") as fh:
        assert personas["clerk"].post(f"{API}/imports", {"file": fh, "unit": "SATPOLPP"}).status_code == 404
    with path.open("rb") as fh:
        assert personas["other_admin"].post(f"{API}/imports", {"file": fh, "employer": "13.11"}).status_code == 404
    with path.open("rb") as fh:
        assert personas["branch"].post(f"{API}/imports", {"file": fh}).status_code == 403
    for name, content in (("r.txt", "x"), ("kosong.csv", "")):
        (tmp_path / name).write_text(content)
        with (tmp_path / name).open("rb") as fh:
            refused = personas["admin"].post(f"{API}/imports", {"file": fh})
        assert refused.status_code == 400, name
        assert body(refused)["code"] == "invalid"
    assert not ImportJob.objects.exists()


def test_an_unreadable_upload_is_kept_as_a_failed_job(
    personas: dict[str, Client], world: World, tmp_path: Path, data_dir: Path
) -> None:
    broken = tmp_path / "rusak.xlsx"
    broken.write_text("ini bukan buku kerja Excel")
    with broken.open("rb") as fh:
        response = personas["admin"].post(f"{API}/imports", {"file": fh})
    assert response.status_code == 201
    assert body(response)["status"] == "failed"
    assert body(response)["message"]


# --- coverage ------------------------------------------------------------------------------------


def test_coverage_defaults_to_the_callers_own_node(personas: dict[str, Client], world: World) -> None:
    today = timezone.localdate()
    clerk = body(personas["clerk"].get(f"{API}/coverage"))
    assert clerk == {"on": today.isoformat()} | coverage_tree(today, employer="13.11", unit="DINKES").as_dict()
    # By hand: DINKES holds Siti and Dewi, both employed since 2 January 2024 and enrolled in JKK and JKM
    # from the agreement of 1 January 2024, none with a KPJ yet: 2 of 2, 100%, one OPD with someone enrolled.
    assert {k: clerk[k] for k in ("code", "workers", "enrolled", "coverage", "units", "units_enrolled")} == {
        "code": "DINKES",
        "workers": 2,
        "enrolled": 2,
        "coverage": 100.0,
        "units": 1,
        "units_enrolled": 1,
    }
    assert clerk["programs"] == {"JKK": 2, "JKM": 2, "JHT": 0, "JP": 0, "JKP": 0}
    assert (clerk["bpu"], clerk["with_kpj"], clerk["units_without_enrolment"]) == (0, 0, [])
    admin = body(personas["admin"].get(f"{API}/coverage"))
    assert admin["kind"] == "pemda"
    # Solok Selatan: DINKES 2 + SATPOLPP 1 = 3 workers, all enrolled; NGR-PT has nobody on its roster.
    assert (admin["code"], admin["workers"], admin["enrolled"], admin["coverage"]) == ("13.11", 3, 3, 100.0)
    assert admin["units_by_group"] == {"desa": {"units": 1, "enrolled": 0}, "opd": {"units": 2, "enrolled": 2}}
    assert body(personas["branch"].get(f"{API}/coverage"))["code"] == "KC-SLK"
    monitor = body(personas["monitor"].get(f"{API}/coverage?on=2025-01-01"))
    assert (monitor["kind"], monitor["code"], monitor["on"]) == ("provinsi", "13", "2025-01-01")


def test_coverage_refuses_a_node_outside_the_scope_with_404(personas: dict[str, Client], world: World) -> None:
    refused = {
        "clerk": ["employer=13.11", "employer=13.11&unit=SATPOLPP", "region=13"],
        "admin": ["region=13", "employer=13.02"],
        "other_admin": ["employer=13.11&unit=DINKES"],
        "branch": ["employer=13.02", "region=13"],
        "monitor": ["region=14"],
    }
    for persona, queries in refused.items():
        for query in queries:
            response = personas[persona].get(f"{API}/coverage?{query}")
            assert response.status_code == 404, (persona, query)
            assert body(response)["code"] == "not_found"
    allowed = [
        ("admin", "employer=13.11&unit=SATPOLPP"),
        ("admin", "branch=KC-SLK"),  # the branch's territory holds only the admin's own Pemda
        ("branch", "employer=13.11"),
        ("monitor", "employer=13.02"),
    ]
    for persona, query in allowed:
        assert personas[persona].get(f"{API}/coverage?{query}").status_code == 200, (persona, query)
    assert personas["clerk"].get(f"{API}/coverage?unit=DINKES").status_code == 400
