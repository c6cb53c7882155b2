"""A Pemda admin types a payment of 23 nines, then one dated tomorrow, in Chromium: each is refused with a
sentence that says why, and nothing is recorded."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

from playwright.sync_api import Page, expect

from tests.e2e.conftest import screenshot

OpenAs = Callable[..., Page]


def test_a_pemda_admin_sees_why_a_huge_or_future_payment_is_refused(open_as: OpenAs) -> None:
    today = dt.datetime.now(ZoneInfo("Asia/Jakarta")).date()  # the server's day (TIME_ZONE Asia/Jakarta)
    page = open_as("pemda.okutimur")
    page.goto("/tagihan/")
    page.get_by_role("link", name="TAG-16.08-202609-PPU").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tagihan")
    problem = page.locator(".problem[role=alert]")

    page.get_by_label("Kode iuran (kode billing)").fill("E2E-BATAS")
    page.get_by_label("Tanggal bayar").fill(today.isoformat())
    page.get_by_label("Jumlah (rupiah, mis. 1.234.567)").fill("99999999999999999999999")
    page.get_by_role("button", name="Catat pembayaran").click()
    expect(problem).to_contain_text("lebih dari Rp1.000.000.000.000, batas satu pembayaran")
    expect(page.locator("body")).not_to_contain_text("Server Error")

    page.get_by_label("Tanggal bayar").fill((today + dt.timedelta(days=1)).isoformat())
    page.get_by_label("Jumlah (rupiah, mis. 1.234.567)").fill("1.000.000")
    page.get_by_role("button", name="Catat pembayaran").click()
    expect(problem).to_contain_text("belum terjadi")
    expect(problem).to_contain_text("catat pembayaran setelah uangnya diterima")
    payments = page.locator("section", has=page.get_by_role("heading", name="Pembayaran"))
    expect(payments).not_to_contain_text("E2E-BATAS")
    problem.scroll_into_view_if_needed()
    screenshot(page, "pembayaran-ditolak", full_page=False)
