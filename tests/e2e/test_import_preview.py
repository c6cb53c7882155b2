"""The import preview in the browser: a 5,000-character cell is cut so that the Masalah column stays on the
screen, and every problem row says whose row it is. The file is only checked, never saved."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.e2e.conftest import screenshot
from tests.e2e.test_browser import roster_file

OpenAs = Callable[..., Page]
MASALAH_MIN_PX = 200

# The Masalah header's right edge and width, the window's width and the page's.
_GEOMETRY = """() => {
  const table = document.querySelector('table[aria-labelledby=masalah]');
  const header = [...table.tHead.rows[0].cells].find(c => c.textContent.trim() === 'Masalah');
  const box = header.getBoundingClientRect();
  return {right: box.right, width: box.width, viewport: window.innerWidth,
          page: document.documentElement.scrollWidth};
}"""


def test_a_huge_cell_leaves_the_masalah_column_in_view_and_rows_show_the_name(open_as: OpenAs, tmp_path: Path) -> None:
    page = open_as("opd.okutimur.dlh")
    huge = "PenyapuJalan" * 420  # 5,040 characters without a place to break, in the Jabatan cell
    rows = [
        ["1608011203859911", "Bambang Pamungkas Uji", "L", "DLH", "THL", huge.strip(), "2500000", "02/01/2026"],
        ["16080112038599", "Dewi Lestari Uji", "P", "DLH", "THL", "Penjaga malam", "2500000", "02/01/2026"],
    ]
    page.goto("/impor/")
    page.get_by_label("Berkas daftar pekerja (.xlsx atau .csv)").set_input_files(
        str(roster_file(tmp_path / "sel-panjang.csv", rows))
    )
    page.get_by_role("button", name="Unggah dan periksa").click()
    problems = page.locator("table[aria-labelledby=masalah]")
    expect(problems).to_be_visible()
    expect(problems).to_contain_text("Bambang Pamungkas Uji")
    expect(problems).to_contain_text("Dewi Lestari Uji")
    geometry = page.evaluate(_GEOMETRY)
    assert geometry["right"] <= geometry["viewport"], geometry
    assert geometry["page"] <= geometry["viewport"], geometry
    assert geometry["width"] >= MASALAH_MIN_PX, geometry  # the reasons are readable, not squeezed to a word a line
    screenshot(page, "impor-sel-panjang")
