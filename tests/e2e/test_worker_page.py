"""A Pemda admin corrects a worker's wage and name and records an exit on the worker's page, in Chromium, and
reads the history in words. Runs after the other browser tests (it ends one demo employment)."""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests.e2e.conftest import screenshot

OpenAs = Callable[..., Page]


def test_an_admin_corrects_a_worker_and_records_the_exit_with_its_history(open_as: OpenAs) -> None:
    page = open_as("pemda.okutimur")
    page.goto("/pekerja/?status=aktif")
    page.locator("table a[href^='/pekerja/']").first.click()
    assert re.search(r"/pekerja/\d+/$", page.url)
    name = page.locator("h1").inner_text()

    form = page.locator("form[id^='form-employment-']").first
    form.get_by_label("Upah sebulan (rupiah, mis. 2.500.000)").fill("3.100.000")
    form.get_by_label("Alasan koreksi").fill("SK kenaikan upah 2026")
    form.get_by_role("button", name="Simpan upah dan jabatan").click()
    expect(page.get_by_text("Penugasan dikoreksi; upah baru ditagihkan mulai bulan ini.")).to_be_visible()
    history = page.locator("table[aria-labelledby=riwayat]")
    expect(history).to_contain_text("Rp3.100.000")
    expect(history).to_contain_text("SK kenaikan upah 2026")
    expect(history).to_contain_text("Koreksi upah/jabatan di halaman pekerja")
    expect(history).to_contain_text("Admin BKPSDM OKU Timur (pemda.okutimur)")
    expect(history).not_to_contain_text("cli:")

    page.get_by_label("Nama (seperti di KTP)").fill("<b>" + name + "</b>")
    page.get_by_role("button", name="Simpan nama").click()
    expect(page.get_by_role("alert")).to_contain_text("tanda HTML")
    expect(page.locator("h1")).to_have_text(name)  # nothing changed

    page.get_by_text("Pekerja ini keluar? Akhiri penugasannya").first.click()
    end = page.locator("form[id^='form-end-']").first
    end.get_by_label("Hari terakhir bekerja (mis. 31/12/2026)").fill("30/11/2026")
    end.get_by_label("Alasan (mis. mengundurkan diri, kontrak selesai, meninggal dunia)").fill("kontrak selesai")
    end.get_by_role("checkbox").check()
    screenshot(page, "pekerja-koreksi")
    end.get_by_role("button", name="Akhiri penugasan").click()
    expect(page.get_by_text(re.compile(r"diakhiri pada 30 November 2026"))).to_be_visible()
    expect(page.locator("table[aria-labelledby=penugasan]")).to_contain_text("30 Nov")
    expect(history).to_contain_text("Penugasan diakhiri di halaman pekerja")
    expect(history).to_contain_text("kontrak selesai")
