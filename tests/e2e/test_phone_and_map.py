"""What a clerk, an admin, a branch officer and a monitor see on a 360-px phone: the Pekerja page and the dashboard
fit the screen, the coverage table keeps its Cakupan column in view, the trend chart's labels are inside the
chart and big enough to read. On the desktop map 0% has a strong colour of its own and every area its border."""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise
from typing import Any

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect

from tests.e2e.conftest import screenshot

OpenAs = Callable[..., Page]
PHONE_WIDTH = 360
ZERO_PERCENT = "rgb(178, 24, 43)"  # .cz in lindung.css
LEGIBLE_PX = 10


def _width(page: Page) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth"))


def _csp_complaints(page: Page) -> list[str]:
    seen: list[str] = []

    def listen(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            seen.append(message.text)

    page.on("console", listen)
    return seen


@pytest.mark.parametrize(
    ("username", "paths"),
    [
        ("pemda.okutimur", ["/pekerja/", "/"]),
        ("opd.okutimur.dinkes", ["/pekerja/", "/"]),
        ("cabang.baturaja", ["/pekerja/", "/"]),
        ("monitor.sultra", ["/"]),
        ("monitor.nasional", ["/"]),
    ],
)
def test_the_pekerja_page_and_the_dashboard_fit_a_phone(open_as: OpenAs, username: str, paths: list[str]) -> None:
    page = open_as(username, phone=True)
    csp = _csp_complaints(page)
    for path in paths:
        page.goto(path)
        expect(page.locator("h1")).to_be_visible()
        assert _width(page) <= PHONE_WIDTH, f"{username}: {path} is {_width(page)} px wide on a {PHONE_WIDTH}-px phone"
        if (username, path) == ("pemda.okutimur", "/pekerja/"):
            screenshot(page, "ponsel-pekerja")
    assert csp == []


# Where each cell of the breakdown's Cakupan column sits, and the part of its scrolling box a reader sees.
CAKUPAN_CELLS = """() => {
  const table = document.querySelector('table.parts');
  const wrap = table.parentElement.getBoundingClientRect();
  const column = [...table.tHead.rows[0].cells].findIndex(c => c.textContent.trim() === 'Cakupan');
  return {
    column,
    seen: [wrap.left, Math.min(wrap.right, document.documentElement.clientWidth)],
    cells: [...table.rows].map(r => { const b = r.cells[column].getBoundingClientRect(); return [b.left, b.right]; }),
  };
}"""


@pytest.mark.parametrize("username", ["monitor.sultra", "monitor.nasional", "pemda.okutimur", "cabang.baturaja"])
def test_the_coverage_table_keeps_cakupan_in_view_on_a_phone(open_as: OpenAs, username: str) -> None:
    page = open_as(username, phone=True)
    page.goto("/")
    table = page.locator("table.parts")
    expect(table.locator("th", has_text="Cakupan")).to_be_visible()
    found: dict[str, Any] = page.evaluate(CAKUPAN_CELLS)
    left, right = found["seen"]
    assert found["column"] >= 0 and len(found["cells"]) > 1
    for cell_left, cell_right in found["cells"]:  # the header and every row, without scrolling the table
        assert left - 0.5 <= cell_left and cell_right <= right + 0.5, (username, found)
    assert _width(page) <= PHONE_WIDTH
    if username == "monitor.sultra":
        table.evaluate("t => t.scrollIntoView()")  # the caption at the top of the screen
        screenshot(page, "ponsel-cakupan", full_page=False)


# Each shown label of the trend chart: its box, and its type size as drawn on the screen.
CHART_LABELS = """svg => {
  const scale = svg.getScreenCTM().a;
  return [...svg.querySelectorAll('text')].filter(t => getComputedStyle(t).display !== 'none').map(t => {
    const b = t.getBoundingClientRect();
    return {text: t.textContent, month: t.classList.contains('month'), left: b.left, right: b.right, top: b.top,
            bottom: b.bottom, px: parseFloat(getComputedStyle(t).fontSize) * scale};
  });
}"""


@pytest.mark.parametrize("username", ["pemda.okutimur", "opd.okutimur.dinkes", "monitor.nasional"])
def test_the_trend_chart_labels_are_inside_the_chart_and_legible_on_a_phone(open_as: OpenAs, username: str) -> None:
    page = open_as(username, phone=True)
    page.goto("/")
    chart = page.locator(".chart svg").first
    chart.scroll_into_view_if_needed()
    frame = chart.bounding_box()
    assert frame is not None
    labels: list[dict[str, Any]] = chart.evaluate(CHART_LABELS)
    for label in labels:
        assert frame["x"] - 0.5 <= label["left"] and label["right"] <= frame["x"] + frame["width"] + 0.5, label
        assert frame["y"] - 0.5 <= label["top"] and label["bottom"] <= frame["y"] + frame["height"] + 0.5, label
        assert label["px"] >= LEGIBLE_PX, f"{label['text']!r} is drawn {label['px']:.1f} px high"
    months = [label for label in labels if label["month"]]
    assert 4 <= len(months) <= 7, [m["text"] for m in months]  # every other month of the twelve
    assert months[-1]["text"] == chart.locator("text.month").last.text_content()  # the newest month keeps its label
    for before, after in pairwise(months):
        assert before["right"] < after["left"], f"{before['text']} and {after['text']} touch"
    assert len(labels) - len(months) == 5  # the scale: 0% to 100%
    if username == "pemda.okutimur":
        screenshot(page, "ponsel-dasbor")


def test_zero_percent_is_a_strong_colour_of_its_own_and_every_area_keeps_its_border(open_as: OpenAs) -> None:
    page = open_as("monitor.sultra")
    csp = _csp_complaints(page)
    page.goto("/")
    legend = page.locator(".legend")
    expect(legend).to_contain_text("0%: belum ada yang terdaftar")
    expect(legend).to_contain_text("tanpa data")
    swatches = legend.locator(".sw").evaluate_all(
        "sws => sws.map(s => [s.classList[1], getComputedStyle(s).backgroundColor])"
    )
    colours = dict(swatches)
    assert colours["cz"] == ZERO_PERCENT
    assert len(set(colours.values())) == len(colours) == 7  # 0%, five bands and no data: seven colours
    zero = page.locator(".map svg path.cz")
    assert zero.count() >= 5  # Sulawesi Tenggara's kab/kota with workers on the roster and nobody enrolled
    expect(zero.first.locator("title")).to_contain_text("0,0%")
    areas = page.locator(".map svg path").evaluate_all(
        "ps => ps.map(p => { const s = getComputedStyle(p); return [p.getAttribute('class'), s.fill, s.stroke,"
        " parseFloat(s.strokeWidth)]; })"
    )
    for css, fill, stroke, stroke_width in areas:
        if css == "cz":
            assert fill == ZERO_PERCENT
        else:
            assert fill != ZERO_PERCENT
        assert stroke not in ("none", "rgb(255, 255, 255)", fill) and stroke_width > 0, (css, fill, stroke)
    page.locator(".map").scroll_into_view_if_needed()
    screenshot(page, "peta-nol-persen", full_page=False)

    nation = open_as("monitor.nasional")  # mostly provinces without any roster: pale, and still outlined
    nation.goto("/")
    pale = nation.locator(".map svg path.c0").evaluate_all(
        "ps => ps.map(p => [getComputedStyle(p).fill, getComputedStyle(p).stroke])"
    )
    assert len(pale) > 10
    assert all(stroke not in ("none", "rgb(255, 255, 255)", fill) for fill, stroke in pale)
    assert csp == []
