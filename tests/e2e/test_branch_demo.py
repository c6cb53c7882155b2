"""The demo's branch officer of KC Palembang has something to do: enrolled Pemda beside ones that enrolled nobody,
on the figures and the map, and a certificate to issue whose PDF names the office and leaves a block to sign."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect
from pypdf import PdfReader

from tests.e2e.conftest import screenshot

OpenAs = Callable[..., Page]


def test_the_palembang_officer_sees_enrolment_on_the_map_and_issues_a_signed_certificate(open_as: OpenAs) -> None:
    page = open_as("cabang.palembang")
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("KC Palembang")
    enrolled = page.locator("ul.figures li", has_text="peserta aktif").locator(".n").first.inner_text()
    assert int(enrolled.replace(".", "")) > 0, enrolled
    regions = page.locator(".map svg path")
    expect(regions.first).to_be_visible()
    assert regions.count() == 5  # the five kab/kota of the branch
    classes = [regions.nth(i).get_attribute("class") for i in range(5)]
    coloured = [c for c in classes if c in ("c1", "c2", "c3", "c4", "c5")]
    assert len(set(coloured)) >= 2 and "cz" in classes, classes  # enrolled at different shares; 0% (cz) too
    screenshot(page, "cabang-palembang")

    page.goto("/dokumen/")
    issue = page.locator("section", has=page.get_by_role("heading", name="Terbitkan sertifikat atau piagam"))
    issue.get_by_label("Pemda").select_option("16.02")  # Ogan Komering Ilir: no agreement yet
    issue.get_by_label("Jenis").select_option("employer")
    issue.get_by_role("button", name="Terbitkan").click()
    expect(page.locator("main")).to_contain_text("belum punya perjanjian")
    issue.get_by_label("Pemda").select_option("16.71")  # Kota Palembang: everyone enrolled
    issue.get_by_label("Jenis").select_option("employer")
    expect(issue.get_by_label("Jabatan")).to_have_value("Kepala Kantor Cabang")
    issue.get_by_label("Nama", exact=True).fill("Hendra Saputra, S.E.")
    issue.get_by_label("NIP/NPK").fill("NPK 19800101")
    issue.get_by_role("button", name="Terbitkan").click()
    expect(page.locator("main")).to_contain_text("dokumen diterbitkan: SERT-16.71-")
    number = page.locator("table a", has_text=re.compile(r"^SERT-16\.71-")).first.inner_text()
    with page.expect_download() as download:
        page.get_by_role("link", name=number).click()
    text = " ".join(PdfReader(Path(download.value.path())).pages[0].extract_text().split())
    assert "Pemerintah Kota Palembang" in text and "950 pekerja" in text
    assert re.search(r"Palembang, \d{1,2} (Januari|Februari|Maret|April|Mei|Juni|Juli|Agustus|September|Oktober"
                     r"|November|Desember) \d{4} BPJS Ketenagakerjaan Kantor Cabang Palembang", text), text  # fmt: skip
    assert "Kepala Kantor Cabang, Hendra Saputra, S.E. NPK 19800101" in text, text
