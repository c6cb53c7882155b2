"""The dashboard, the targets page and the Inpres compliance page, for every persona."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lindung.coverage.models import Target
from lindung.intake.services import import_roster
from lindung.regions.services import load_boundaries
from lindung.registry.models import WorkUnit
from lindung.web.templatetags.lindung import tanggal
from tests.conftest import KABKOTA_GEOJSON
from tests.integration.factories import row, write_csv
from tests.web.conftest import TODAY, World

SUMBAR_KABKOTA = 19  # kab/kota of Sumatera Barat (13)


def figure(page: Any, label: str) -> str:
    """The number shown beside a label in the figures at the top of the page."""
    found = re.search(rf'<span class="n">([^<]+)</span> <span class="l">{label}</span>', page.content.decode())
    assert found, f"no figure {label!r}"
    return found.group(1)


@pytest.mark.parametrize(
    ("persona", "workers", "enrolled", "seen", "unseen"),
    [
        ("clerk", "2", "2", ["Dinas Kesehatan"], ["Satpol", "13.02", "Dinas Pendidikan"]),
        ("other_clerk", "1", "1", ["Satpol PP"], ["Dinas Kesehatan", "13.02"]),
        ("admin", "3", "3", ["Dinas Kesehatan", "Satpol PP", "Nagari Pasir Talang"], ["13.02", "Dinas Pendidikan"]),
        ("other_admin", "1", "0", ["Dinas Pendidikan"], ["Solok Selatan", "Dinas Kesehatan", "13.11"]),
        ("branch", "3", "3", ["Kabupaten Solok Selatan"], ["13.02", "Dinas Pendidikan"]),
        ("monitor", "4", "3", ["Kabupaten Solok Selatan", "Kabupaten Solok<"], ["Sumatera Selatan"]),
    ],
)
def test_every_persona_sees_the_figures_of_its_own_scope_and_nothing_else(
    personas: dict[str, Client], persona: str, workers: str, enrolled: str, seen: list[str], unseen: list[str]
) -> None:
    page = personas[persona].get("/")
    assert page.status_code == 200
    assert figure(page, "pekerja di daftar") == workers
    assert figure(page, "peserta aktif") == enrolled
    text = page.content.decode()
    for name in seen:
        assert name in text
    for name in unseen:
        assert name not in text


def test_the_superuser_sees_the_nation_and_anonymous_users_are_sent_to_log_in(
    world: World, personas: dict[str, Client]
) -> None:
    admin = Client()
    admin.force_login(world.users["superuser"])
    page = admin.get("/")
    assert "Cakupan Indonesia" in page.content.decode()
    assert figure(page, "pekerja di daftar") == "4"
    assert figure(page, "Pemda tanpa peserta") == "545"  # of 546 autonomous Pemda only 13.11 enrolled anyone
    anonymous = personas["anonymous"].get("/")
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/masuk/")


def test_the_monitor_map_has_one_path_per_kabkota_coloured_by_its_coverage(personas: dict[str, Client]) -> None:
    load_boundaries(KABKOTA_GEOJSON)
    text = personas["monitor"].get("/").content.decode()
    svg = text[text.index("<svg") : text.index("</svg>")]
    assert svg.count("<path ") == SUMBAR_KABKOTA
    assert re.search(r'<a href="/\?region=13\.11"><path class="c5" d="M[^"]+"><title>Kabupaten Solok Selatan: 100', svg)
    # Kabupaten Solok has a worker and nobody enrolled: 0%, in its own strong colour, not the no-data grey
    assert re.search(r'<a href="/\?region=13\.02"><path class="cz" d="M[^"]+"><title>Kabupaten Solok: 0,0%', svg)
    assert svg.count('class="cz"') == 1
    assert svg.count('class="c0"') == SUMBAR_KABKOTA - 2  # no roster anywhere else: no data
    assert "Batas wilayah belum dimuat" not in text
    assert 'class="legend"' in text
    assert '<span class="sw cz"></span>0%: belum ada yang terdaftar' in text
    assert '<span class="sw c0"></span>tanpa data' in text


def test_the_breakdown_shows_cakupan_beside_the_name_so_a_phone_sees_it(personas: dict[str, Client]) -> None:
    text = personas["monitor"].get("/").content.decode()
    table = text[text.index('<table class="parts">') :]
    table = table[: table.index("</table>")]
    headings = re.findall(r'<th scope="col"[^>]*>([^<]+)</th>', table)
    assert headings == ["Kode", "Nama", "Cakupan", "Pekerja", "Peserta"]  # dashboard.css hides Kode on a phone
    assert re.search(r'>Kabupaten Solok(?:</a>)?</td>\s*<td class="n"><span class="sw cz"></span> 0,0%</td>', table)


def test_dashboard_dates_are_written_out_in_the_pages_language(personas: dict[str, Client]) -> None:
    admin = personas["admin"]
    text = admin.get("/?on=2026-06-30").content.decode()
    assert "per 30 Juni 2026" in text and "<td>Juni 2026</td>" in text and ">Jun 26</text>" in text
    assert admin.post("/i18n/setlang/", {"language": "en", "next": "/"}).status_code == 302
    english = admin.get("/?on=2026-06-30").content.decode()
    assert "30 June 2026" in english and "<td>June 2026</td>" in english and ">Aug 25</text>" in english
    assert "Juni" not in english
    compliance = admin.get("/inpres/?on=2026-06-30").content.decode()
    assert "30 June 2026" in compliance
    visible = re.sub(r'<[^>]+>|value="[^"]*"', "", text + english + compliance)
    assert not re.search(r"\b20\d\d-\d\d-\d\d\b", visible)


def test_without_boundaries_the_page_says_so_and_shows_the_table(personas: dict[str, Client]) -> None:
    text = personas["monitor"].get("/").content.decode()
    assert "Batas wilayah belum dimuat" in text
    assert "<path" not in text
    assert re.search(r'<td>13\.11</td><td><a href="/\?region=13\.11">Kabupaten Solok Selatan</a></td>', text)
    assert text.count("<tr><td>13.") == SUMBAR_KABKOTA


def test_drilling_down_stays_inside_the_scope(personas: dict[str, Client]) -> None:
    monitor = personas["monitor"]
    inside = monitor.get("/?region=13.11")
    assert inside.status_code == 200
    assert "Dinas Kesehatan" in inside.content.decode() and figure(inside, "pekerja di daftar") == "3"
    assert monitor.get("/?region=16").status_code == 404  # another province
    assert monitor.get("/?region=16.08").status_code == 404  # a kab/kota of another province
    assert monitor.get("/?pemda=13.02").status_code == 200
    assert personas["branch"].get("/?region=13.11").status_code == 200
    assert personas["branch"].get("/?region=13.02").status_code == 404  # outside the branch's territory
    assert personas["admin"].get("/?region=13.02").status_code == 404
    assert personas["admin"].get("/?region=13").status_code == 404  # a Pemda admin does not go up either
    assert personas["clerk"].get("/?pemda=13.11").status_code == 404  # a clerk sees no more than the unit
    assert personas["monitor"].get("/?on=2026-13-01").status_code == 400


def add_units(world: World, tmp_path: Path, count: int) -> None:
    """`count` more units in Solok Selatan, each with one worker on the roster."""
    rows = []
    for n in range(count):
        WorkUnit.objects.create(employer=world.solsel, code=f"UPT{n:02d}", name=f"UPT Puskesmas {n:02d}", kind="dinas")
        rows.append(row(f"131101120385{n + 10:04d}", f"Pekerja {n:02d}", unit=f"UPT{n:02d}"))
    result = import_roster(write_csv(tmp_path / "upt.csv", rows), "13.11", mode="commit", actor="test", today=TODAY)
    assert result.committed and result.new == count


@pytest.mark.parametrize("persona", ["admin", "monitor", "branch"])
def test_the_dashboard_does_not_ask_one_query_per_unit(
    world: World,
    personas: dict[str, Client],
    persona: str,
    tmp_path: Path,
    django_assert_max_num_queries: Callable[..., Any],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    load_boundaries(KABKOTA_GEOJSON)
    client = personas[persona]
    url = "/?region=13.11" if persona != "admin" else "/"
    with CaptureQueriesContext(connection) as before:
        assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        add_units(world, tmp_path, 25)
    with django_assert_max_num_queries(len(before.captured_queries)):
        page = client.get(url)  # a new version after the import: computed again, not from the cache
    assert figure(page, "pekerja di daftar") == "28"
    assert page.content.decode().count("UPT Puskesmas") >= 25


def test_a_roster_import_shows_on_the_dashboard_at_once(
    world: World,
    personas: dict[str, Client],
    tmp_path: Path,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    admin = personas["admin"]
    with CaptureQueriesContext(connection) as first:
        assert figure(admin.get("/"), "pekerja di daftar") == "3"
    with CaptureQueriesContext(connection) as cached:
        assert figure(admin.get("/"), "pekerja di daftar") == "3"
    assert len(cached.captured_queries) < len(first.captured_queries) - 3  # the tree and trend came from the cache
    with django_capture_on_commit_callbacks(execute=True):
        path = write_csv(tmp_path / "baru.csv", [row("1311014404920005", "Rina Marlina", unit="SATPOLPP")])
        import_roster(path, "13.11", mode="commit", actor="test", today=TODAY)
    page = admin.get("/")
    assert figure(page, "pekerja di daftar") == "4"
    assert figure(page, "unit tanpa peserta") == "1"  # the nagari still has nobody


def test_the_trend_chart_has_one_point_per_month_and_a_table(personas: dict[str, Client]) -> None:
    text = personas["admin"].get("/").content.decode()
    chart = text[text.index('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 640') :]
    chart = chart[: chart.index("</svg>")]
    assert chart.count('<circle class="pt') == 12
    assert '<title id="tren-judul">' in chart
    table = text[text.index("Tabel tren") :]
    assert table[: table.index("</table>")].count("<tr><td>") == 12
    assert "style=" not in text  # the CSP allows no inline style


def test_the_clerk_sees_the_trend_of_the_unit(personas: dict[str, Client]) -> None:
    text = personas["clerk"].get("/").content.decode()
    assert text.count('<circle class="pt"') == 12
    assert "2 dari 2 pekerja" in text  # the unit's figures, not the Pemda's three


def test_an_htmx_request_gets_only_the_dashboard_fragment(personas: dict[str, Client]) -> None:
    page = personas["admin"].get("/?on=2026-06-30", headers={"HX-Request": "true"})
    text = page.content.decode()
    assert page.status_code == 200 and "<html" not in text
    assert "30 Juni 2026" in text


def test_the_downloads_hold_the_node_shown_and_nothing_outside_the_scope(personas: dict[str, Client]) -> None:
    sheet = personas["admin"].get("/cakupan/unduh.xlsx")
    assert sheet.status_code == 200
    assert sheet["Content-Disposition"].startswith('attachment; filename="cakupan-1311-')
    book = openpyxl.load_workbook(io.BytesIO(sheet.content), read_only=True)
    cells = [str(c) for r in book["Ringkasan"].iter_rows(values_only=True) for c in r if c is not None]
    assert "13.11" in cells and "DINKES" in cells and "13.02" not in cells
    pdf = personas["clerk"].get("/cakupan/unduh.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert personas["monitor"].get("/cakupan/unduh.xlsx?region=16").status_code == 404


def test_arrears_and_targets_show_only_to_roles_that_may_see_them(personas: dict[str, Client]) -> None:
    admin = personas["admin"].get("/").content.decode()
    assert "Tunggakan iuran" in admin and "Target 20" in admin
    monitor = personas["monitor"].get("/").content.decode()
    assert "Tunggakan iuran" not in monitor and "Target 20" in monitor
    clerk = personas["clerk"].get("/").content.decode()
    assert "Tunggakan iuran" not in clerk and "Target 20" not in clerk


def test_an_admin_sets_a_target_and_sees_it_with_its_history(world: World, personas: dict[str, Client]) -> None:
    admin = personas["admin"]
    answer = admin.post("/target/tetapkan/", {"year": "2026", "count": "10", "unit": "DINKES", "note": "awal"})
    assert answer.status_code == 302 and answer["Location"] == "/target/?year=2026"
    admin.post("/target/tetapkan/", {"year": "2026", "count": "12", "unit": "DINKES"})
    target = Target.objects.get(year=2026, unit=world.dinkes)
    assert target.count == 12 and target.employer == world.solsel
    text = admin.get("/target/?year=2026").content.decode()
    assert "DINKES · Dinas Kesehatan" in text
    assert re.search(
        r'<td class="n">12</td>\s*<td class="n">2</td><td class="n">2</td>', text
    )  # target, roster, enrolled
    history = text[text.index("Riwayat perubahan target") :]
    assert re.search(r'<td class="n">10</td>\s*<td class="n">12</td>', history)  # before and after
    assert re.search(r'<td class="n">-</td>\s*<td class="n">10</td>', history)  # created
    assert re.search(rf"<td>{tanggal(timezone.localdate())} \d\d\.\d\d</td>", history)  # "2 November 2026 09.15"
    assert not re.search(r"\d{4}-\d\d-\d\d", history)


def test_the_target_form_refuses_what_is_not_the_users(world: World, personas: dict[str, Client]) -> None:
    assert personas["monitor"].post("/target/tetapkan/", {"year": "2026", "count": "5"}).status_code == 403
    assert personas["monitor"].get("/target/").status_code == 200
    assert "Tetapkan target" not in personas["monitor"].get("/target/").content.decode()
    assert personas["clerk"].get("/target/").status_code == 403
    other = personas["other_admin"].post("/target/tetapkan/", {"year": "2026", "count": "5", "unit": "DINKES"})
    assert other.status_code == 400  # DINKES is not a unit of Kabupaten Solok
    bad = personas["admin"].post("/target/tetapkan/", {"year": "2026", "count": "banyak"})
    assert bad.status_code == 400 and "bilangan bulat" in bad.content.decode()
    assert not Target.objects.exists()


def test_the_compliance_page_lists_solok_selatan_with_its_four_pillars(personas: dict[str, Client]) -> None:
    text = personas["monitor"].get("/inpres/").content.decode()
    row_13_11 = text[text.index("13.11 Pemerintah Kabupaten Solok Selatan") :]
    row_13_11 = row_13_11[: row_13_11.index("</tr>")]
    for pillar in ("non-ASN 3/3", "alokasi Rp0", "KPJ 0/3", "belum ada"):
        assert pillar in row_13_11
    assert "Belum ada tindakan" not in row_13_11
    assert text.index("Belum ada tindakan</span>") < text.index("13.11 Pemerintah")  # the idle Pemda first
    for heading in ("Regulasi", "Cakupan", "Anggaran", "Integrasi"):
        assert f'<th scope="col">{heading}' in text
    admin = personas["admin"].get("/inpres/").content.decode()
    assert "13.11 Pemerintah" in admin and "13.02" not in admin
    assert figure(personas["admin"].get("/inpres/"), "Pemda dinilai") == "1"
    assert figure(personas["monitor"].get("/inpres/"), "Pemda dinilai") == "20"  # Pemprov and 19 kab/kota
    assert personas["clerk"].get("/inpres/").status_code == 403


def test_the_national_compliance_list_is_paged(world: World) -> None:
    client = Client()
    client.force_login(world.users["superuser"])
    first = client.get("/inpres/").content.decode()
    assert "Halaman 1 dari 11" in first  # 546 Pemda, 50 a page
    assert first.count('<tr><td class="n">') == 50
    last = client.get("/inpres/?page=11").content.decode()
    assert last.count('<tr><td class="n">') == 46
    assert "13.11 Pemerintah" in last  # the only Pemda that acted comes after the 545 idle ones


def test_the_dashboard_shows_what_leaving_workers_out_costs_the_pemda(personas: dict[str, Client]) -> None:
    # Kabupaten Solok's one worker (Dinas Pendidikan, Rp2.500.000) has no membership: if he dies at work the Pemda
    # pays 48 x 2.500.000 + 12.000.000 + 10.000.000 itself; JKK 0,24% (6.000) + JKM 0,30% (7.500) would cover him.
    text = " ".join(personas["other_admin"].get("/").content.decode().split())
    assert "1 pekerja di daftar tanpa perlindungan" in text
    assert "untuk mereka semua Rp142.000.000" in text and "Rp13.500 sebulan" in text
    assert '<td class="kode">DISDIK</td><td>Dinas Pendidikan</td>' in text  # per unit inside one Pemda
    assert "Semua pekerja di daftar terlindungi" in personas["admin"].get("/").content.decode()
    monitor = " ".join(personas["monitor"].get("/").content.decode().split())
    assert '<td class="kode">13.02</td><td>Pemerintah Kabupaten Solok</td>' in monitor  # per Pemda above one
    assert "Rp142.000.000" in monitor
