"""The roster list, a worker's page and the roster export, for every persona that may (or may not) see them."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lindung.accounts.models import AccessLog
from lindung.enrolment.roster import differences
from lindung.intake.services import import_roster
from lindung.registry.models import ChangeSet, Employment, Worker
from tests.integration.factories import row, write_csv
from tests.web.conftest import DINKES_NIKS, SATPOL_NIK, SOLOK_NIK, TODAY, World

SITI, DEWI = DINKES_NIKS


def names(response: object) -> set[str]:
    text = response.content.decode()  # type: ignore[attr-defined]
    return {n for n in ("Siti Rahma", "Dewi Kartika", "Budi Santoso", "Andi Wijaya") if n in text}


def add_workers(tmp_path: Path, count: int, unit: str = "DINKES", category: str = "THL") -> None:
    """`count` more workers in Solok Selatan (serials from 0100), committed by an import."""
    rows = [row(f"131101120385{100 + i:04d}", f"Pegawai Tambahan {chr(65 + i % 26)}", unit=unit, category=category)
            for i in range(count)]  # fmt: skip
    import_roster(write_csv(tmp_path / f"more-{count}.csv", rows), "13.11", mode="commit", actor="test", today=TODAY)


def test_a_clerk_sees_only_the_workers_of_their_own_unit_with_nik_masked(personas: dict[str, Client]) -> None:
    response = personas["clerk"].get(reverse("roster"))
    assert response.status_code == 200
    assert names(response) == {"Siti Rahma", "Dewi Kartika"}
    text = response.content.decode()
    assert "1311********0001" in text
    assert SITI not in text


def test_another_units_clerk_sees_only_theirs_and_an_admin_sees_the_whole_pemda(personas: dict[str, Client]) -> None:
    assert names(personas["other_clerk"].get(reverse("roster"))) == {"Budi Santoso"}
    assert names(personas["admin"].get(reverse("roster"))) == {"Siti Rahma", "Dewi Kartika", "Budi Santoso"}
    assert names(personas["branch"].get(reverse("roster"))) == {"Siti Rahma", "Dewi Kartika", "Budi Santoso"}
    assert names(personas["other_admin"].get(reverse("roster"))) == {"Andi Wijaya"}


def test_a_worker_outside_the_scope_is_not_found(world: World, personas: dict[str, Client]) -> None:
    siti = world.worker(SITI)
    assert personas["other_admin"].get(reverse("worker", args=[siti.pk])).status_code == 404
    assert personas["other_clerk"].get(reverse("worker", args=[siti.pk])).status_code == 404
    assert personas["clerk"].get(reverse("worker", args=[world.worker(SATPOL_NIK).pk])).status_code == 404
    assert personas["admin"].get(reverse("worker", args=[world.worker(SOLOK_NIK).pk])).status_code == 404
    assert personas["clerk"].get(reverse("worker", args=[siti.pk])).status_code == 200


def test_a_monitor_cannot_open_the_roster_and_anonymous_users_are_sent_to_login(
    world: World, personas: dict[str, Client]
) -> None:
    siti = world.worker(SITI)
    for url in (reverse("roster"), reverse("roster_export"), reverse("worker", args=[siti.pk])):
        assert personas["monitor"].get(url).status_code == 403
        response = personas["anonymous"].get(url)
        assert response.status_code == 302 and reverse("login") in response["Location"]


def test_search_finds_workers_by_name_and_by_the_digits_of_a_masked_nik(personas: dict[str, Client]) -> None:
    admin = personas["admin"]
    assert names(admin.get(reverse("roster"), {"q": "dewi"})) == {"Dewi Kartika"}
    assert names(admin.get(reverse("roster"), {"q": "0003"})) == {"Budi Santoso"}
    assert names(admin.get(reverse("roster"), {"q": "1311********0001"})) == {"Siti Rahma"}
    assert names(admin.get(reverse("roster"), {"q": "1311 0155 0790 0002"})) == {"Dewi Kartika"}
    assert names(admin.get(reverse("roster"), {"q": SOLOK_NIK})) == set()  # another Pemda's worker


def test_filters_narrow_by_unit_category_and_status(world: World, personas: dict[str, Client], tmp_path: Path) -> None:
    add_workers(tmp_path, 1, unit="NGR-PT", category="Honorer")  # not enrolled
    Employment.objects.filter(worker__nik=SATPOL_NIK).update(end_date=dt.date(2025, 1, 31))
    admin, url = personas["admin"], reverse("roster")
    assert names(admin.get(url, {"unit": world.satpol.pk})) == {"Budi Santoso"}
    assert names(admin.get(url, {"unit": world.solok_unit.pk})) == {"Siti Rahma", "Dewi Kartika", "Budi Santoso"}
    assert "Pegawai Tambahan A" in admin.get(url, {"category": "honorer"}).content.decode()
    assert names(admin.get(url, {"category": "honorer"})) == set()
    assert names(admin.get(url, {"status": "berhenti"})) == {"Budi Santoso"}
    assert names(admin.get(url, {"status": "aktif"})) == {"Siti Rahma", "Dewi Kartika"}
    assert names(admin.get(url, {"status": "terdaftar"})) == {"Siti Rahma", "Dewi Kartika", "Budi Santoso"}
    belum = admin.get(url, {"status": "belum"}).content.decode()
    assert "Pegawai Tambahan A" in belum and "Siti Rahma" not in belum
    assert names(admin.get(url, {"unit": world.dinkes.pk, "status": "berhenti"})) == set()


def test_the_filter_form_updates_only_the_results_over_htmx_and_works_without_it(personas: dict[str, Client]) -> None:
    page = personas["admin"].get(reverse("roster"), {"q": "siti"}).content.decode()
    assert "<html" in page and 'hx-target="#hasil"' in page and 'hx-push-url="true"' in page
    assert 'for="f-q"' in page and 'for="f-unit"' in page and 'for="f-status"' in page
    part = personas["admin"].get(reverse("roster"), {"q": "siti"}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in part and "<form" not in part
    assert "Siti Rahma" in part and "Dewi Kartika" not in part
    assert f"{reverse('roster_export')}?q=siti" in part


def test_the_list_pages_fifty_workers_at_a_time_and_shows_the_total(
    personas: dict[str, Client], tmp_path: Path
) -> None:
    add_workers(tmp_path, 60)
    admin = personas["admin"]
    first = admin.get(reverse("roster"))
    assert first.context["page"].paginator.count == 63
    assert len(first.context["rows"]) == 50
    assert "<strong>63</strong>" in first.content.decode()
    second = admin.get(reverse("roster"), {"page": 2})
    assert len(second.context["rows"]) == 13
    shown = {r.worker.pk for r in first.context["rows"]} | {r.worker.pk for r in second.context["rows"]}
    assert len(shown) == 63


def test_the_list_does_not_grow_one_query_per_worker(
    personas: dict[str, Client], tmp_path: Path, django_assert_max_num_queries: Any
) -> None:
    add_workers(tmp_path, 2)  # 5 workers
    with CaptureQueriesContext(connection) as five:
        assert len(personas["admin"].get(reverse("roster")).context["rows"]) == 5
    add_workers(tmp_path, 57)  # the same two again and 55 more: 60 workers
    with django_assert_max_num_queries(len(five)):
        response = personas["admin"].get(reverse("roster"))
    assert len(response.context["rows"]) == 50


def test_an_admin_sees_the_full_record_and_the_view_is_logged(world: World, personas: dict[str, Client]) -> None:
    siti = world.worker(SITI)
    before = AccessLog.objects.filter(worker=siti).count()
    page = personas["admin"].get(reverse("worker", args=[siti.pk])).content.decode()
    assert SITI in page
    assert "12 Maret 1985" in page or "12 March 1985" in page
    assert AccessLog.objects.filter(worker=siti, user=world.users["admin"], channel="web").count() == before + 1
    assert "Cleaning service" in page and "DINKES" in page
    assert "JKK,JKM" in page  # the membership
    assert "Impor daftar pekerja" in page  # the history: created by the import, in words


def test_the_history_shows_changes_readably(world: World, personas: dict[str, Client], tmp_path: Path) -> None:
    rows = [row(SITI, "Siti Rahma", unit="DINKES", job="Cleaning service", wage="3000000")]
    import_roster(write_csv(tmp_path / "raise.csv", rows), "13.11", mode="commit", actor="bkpsdm", today=TODAY)
    page = personas["clerk"].get(reverse("worker", args=[world.worker(SITI).pk])).content.decode()
    assert "Rp2.500.000 &rarr; Rp3.000.000" in page
    assert "bkpsdm" in page and "diubah" in page


def test_a_worker_page_shows_only_the_employments_the_scope_holds(world: World, personas: dict[str, Client]) -> None:
    siti = world.worker(SITI)
    Employment.objects.create(
        worker=siti,
        employer=world.solsel,
        unit=world.satpol,
        category="thl",
        job_title="Penjaga pos",
        wage=2_000_000,
        start_date=dt.date(2020, 1, 2),
        end_date=dt.date(2023, 12, 31),
        created_in=ChangeSet.objects.create(actor="test", source="test"),
    )
    clerk = personas["clerk"].get(reverse("worker", args=[siti.pk])).content.decode()
    assert "Cleaning service" in clerk and "Penjaga pos" not in clerk
    other = personas["other_clerk"].get(reverse("worker", args=[siti.pk])).content.decode()
    assert "Penjaga pos" in other and "Cleaning service" not in other


def test_personal_values_in_the_history_are_masked_for_roles_without_full_access() -> None:
    shown = differences({"nik": SITI, "phone": "081234567890"}, {"nik": DEWI, "phone": "081299998888"}, full=False)
    assert [(d.before, d.after) for d in shown] == [
        ("1311********0001", "1311********0002"),
        ("0812******90", "0812******88"),
    ]
    assert differences({"nik": SITI}, None, full=True)[0].before == SITI


def _export(client: Client, **query: str) -> list[tuple[object, ...]]:
    response = client.get(reverse("roster_export"), query)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    return list(book.active.iter_rows(values_only=True))


def test_the_export_masks_the_nik_unless_the_full_one_is_asked_and_then_logs_each_worker(
    world: World, personas: dict[str, Client]
) -> None:
    from lindung.accounts.models import AccessLog

    rows = _export(personas["admin"])
    assert {r[0] for r in rows[1:]} == {"1311********0001", "1311********0002", "1311********0003"}
    assert not AccessLog.objects.exists()
    rows = _export(personas["admin"], nik="lengkap")
    assert rows[0][:2] == ("NIK", "Nama Lengkap")
    niks = {r[0] for r in rows[1:]}
    assert niks == {SITI, DEWI, SATPOL_NIK}  # text, all 16 digits kept
    logged = AccessLog.objects.filter(user=world.users["admin"], channel="export")
    assert {a.worker.nik for a in logged} == niks


def test_a_clerks_export_holds_only_their_units_workers_and_follows_the_filter(personas: dict[str, Client]) -> None:
    rows = _export(personas["clerk"])
    assert {r[1] for r in rows[1:]} == {"Siti Rahma", "Dewi Kartika"}
    assert {r[5] for r in rows[1:]} == {"DINKES"}
    assert {r[1] for r in _export(personas["clerk"], q="dewi")[1:]} == {"Dewi Kartika"}


def test_worker_nik_masking_in_the_export_follows_the_role(
    world: World, personas: dict[str, Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    from lindung.accounts import scope as scope_module
    from lindung.accounts.models import Role

    monkeypatch.setitem(scope_module.ACTIONS, Role.BRANCH, scope_module.ACTIONS[Role.BRANCH] - {"personal.full"})
    assert personas["branch"].get(reverse("roster_export"), {"nik": "lengkap"}).status_code == 403
    rows = _export(personas["branch"])
    assert {r[0] for r in rows[1:]} == {"1311********0001", "1311********0002", "1311********0003"}
    assert all(r[2] in (None, "") for r in rows[1:])  # no birth dates
    assert Worker.objects.filter(nik=SITI).exists()


def test_the_fast_count_and_the_in_memory_roster_equal_the_database_list_for_every_filter(world: World) -> None:
    from lindung.accounts.scope import scope_of
    from lindung.enrolment.roster import RosterFilter, roster_count, roster_ids, roster_workers

    on = dt.date(2026, 11, 2)
    filters = [
        RosterFilter(),
        RosterFilter(unit=world.dinkes.pk),
        RosterFilter(category="thl"),
        RosterFilter(status="aktif"),
        RosterFilter(status="berhenti"),
        RosterFilter(status="terdaftar"),
        RosterFilter(status="belum"),
        RosterFilter(q="siti"),
        RosterFilter(employer=world.solok.pk, status="aktif"),
    ]
    for name in ("clerk", "admin", "other_admin", "branch", "superuser"):
        scope = scope_of(world.users[name])
        for f in [*filters, RosterFilter(q="SITI"), RosterFilter(q="a", unit=world.dinkes.pk)]:
            listed = list(roster_workers(scope, f, on).values_list("pk", flat=True))
            assert roster_count(scope, f, on) == len(listed), (name, f)
            ids = roster_ids(scope, f, on)  # the in-memory roster: the same workers in the same order
            assert ids is None if name == "superuser" else list(ids or []) == listed, (name, f)
