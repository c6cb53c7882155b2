"""The pages and the API read the roster through one module (enrolment.roster): for every persona they list the
same workers for the same search, with the NIK masked the same way, and one rule decides a full-NIK search."""

from __future__ import annotations

import json
import re

import pytest
from django.db.models import Q
from django.test import Client

from lindung.domain.formats import mask_nik
from lindung.enrolment.roster import mask_phone, nik_search
from lindung.registry.models import Worker
from tests.web.conftest import DINKES_NIKS, SATPOL_NIK, World

API = "/api/v1"
READERS = ["clerk", "other_clerk", "admin", "other_admin", "branch"]
SEARCHES = ["", "dewi", "SANTOSO", "0003", "0001", SATPOL_NIK, mask_nik(DINKES_NIKS[0]), "1311"]
ROW = re.compile(r'<td><a href="/pekerja/(\d+)/">[^<]*</a></td>\s*<td>([^<]*)</td>')


def _page(client: Client, q: str) -> list[tuple[int, str]]:
    response = client.get("/pekerja/", {"q": q} if q else {})
    assert response.status_code == 200
    return [(int(pk), nik) for pk, nik in ROW.findall(response.content.decode())]


def _api(client: Client, q: str) -> list[tuple[int, str]]:
    response = client.get(f"{API}/workers", {"q": q, "limit": 500} if q else {"limit": 500})
    assert response.status_code == 200, response.content
    return [(w["id"], w["nik"]) for w in json.loads(response.content)["items"]]


@pytest.mark.parametrize("persona", READERS)
def test_pages_and_api_list_the_same_workers_masked_alike(personas: dict[str, Client], persona: str) -> None:
    client = personas[persona]
    seen = 0
    for q in SEARCHES:
        page, api = _page(client, q), _api(client, q)
        assert page == api, f"{persona} q={q!r}: page {page} != api {api}"
        assert all("*" in nik for _, nik in api)  # lists never show a NIK in full
        seen += len(api)
    assert seen > 0  # each persona holds someone, so an empty answer on both sides cannot pass unnoticed


def test_a_worker_page_and_the_api_show_the_same_phone(personas: dict[str, Client], world: World) -> None:
    """Every persona that reads the roster today may see personal data, so both show it in full; the masked
    form is one function for both (`test_one_phone_mask`)."""
    worker = world.worker(SATPOL_NIK)
    Worker.objects.filter(pk=worker.pk).update(phone="081234567890")
    for persona in READERS:
        response = personas[persona].get(f"{API}/workers/{worker.pk}")
        if response.status_code == 404:  # outside this persona's scope: the page answers 404 too
            assert personas[persona].get(f"/pekerja/{worker.pk}/").status_code == 404
            continue
        phone = json.loads(response.content)["phone"]
        assert phone in ("081234567890", mask_phone("081234567890"))
        assert f"<dd>{phone}</dd>" in personas[persona].get(f"/pekerja/{worker.pk}/").content.decode()


def test_one_phone_mask() -> None:
    assert mask_phone("081234567890") == "0812******90"
    assert mask_phone("0812") == "****"
    assert mask_phone(None) == ""


def test_a_full_nik_search_needs_personal_data_rights() -> None:
    nik = "3201011507900001"
    assert nik_search(nik, full=True) == Q(nik=nik)
    assert nik_search(nik, full=False) == Q(nik__endswith="0001")  # only what the mask shows
    assert nik_search("3201********0001", full=False) == Q(nik__startswith="3201", nik__endswith="0001")
    assert nik_search("3201011507******", full=False) == Q(nik__startswith="3201", nik__endswith="")
    assert nik_search("dewi", full=True) is None
