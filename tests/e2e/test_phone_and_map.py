"""On a 360-px phone the Pekerja page fits; on the map, 0% has its own strong colour."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests.e2e.conftest import screenshot

OpenAs = Callable[..., Page]
PHONE_WIDTH = 360


def _width(page: Page) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth"))


def test_the_roster_fits_a_phone_for_an_admin_and_a_clerk(open_as: OpenAs) -> None:
    for username in ("pemda.okutimur", "opd.okutimur.dinkes"):
        page = open_as(username, phone=True)
        page.goto("/pekerja/")
        expect(page.locator("h1")).to_be_visible()
        assert _width(page) <= PHONE_WIDTH, f"{username}: /pekerja/ is {_width(page)} px wide"
        if username == "pemda.okutimur":
            screenshot(page, "ponsel-pekerja")


def test_zero_percent_is_a_strong_colour_distinct_from_no_data_with_borders(open_as: OpenAs) -> None:
    page = open_as("monitor.nasional")
    page.goto("/")
    expect(page.locator(".legend")).to_contain_text("0%: belum ada yang terdaftar")
    expect(page.locator(".legend")).to_contain_text("tanpa data")
    fill = page.locator(".legend .sw.cz").evaluate("e => getComputedStyle(e).backgroundColor")
    grey = page.locator(".legend .sw.c0").evaluate("e => getComputedStyle(e).backgroundColor")
    assert fill == "rgb(178, 24, 43)" and fill != grey
    path = page.locator(".map svg path").first
    assert path.evaluate("e => getComputedStyle(e).stroke") not in ("none", "rgb(255, 255, 255)")
    screenshot(page, "peta-nol-persen")
