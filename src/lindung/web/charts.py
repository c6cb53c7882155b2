"""The monthly coverage trend as an SVG line chart drawn on the server: classes only (the CSP forbids inline
styles), a `<title>` for the chart and for every point, and one point per month (a month with nobody on the
roster sits on the axis with class `empty`). The page shows the same figures in a table beside it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

WIDTH, HEIGHT = 640, 240
# Room for the scale ("100%") and the month labels, also at the larger type of a narrow screen: on a 360-px
# phone the 640-unit chart is drawn about 300 px wide, so dashboard.css sets its text at 24 units (about 11 px)
# there and hides the labels of class `minor`: every other month, counted back from the newest, which keeps its.
LEFT, RIGHT, TOP, BOTTOM = 84, 52, 20, 34


@dataclass(frozen=True)
class ChartPoint:
    label: str  # under the axis: "Jan 26"
    title: str  # the tooltip: "Januari 2026: 45,2% (452 dari 1.000 pekerja)"
    value: Decimal | None  # percent, 0-100; None: nothing to divide by


def line_chart(points: Sequence[ChartPoint], title: str, scale_label: str = "%") -> SafeString:
    """A 0-100% line chart of `points`, evenly spaced left to right."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(points) - 1, 1)
    base = TOP + plot_h

    def x_of(i: int) -> float:
        return round(LEFT + (i * step if len(points) > 1 else plot_w / 2), 1)

    def y_of(value: Decimal | None) -> float:
        share = 0.0 if value is None else min(max(float(value), 0.0), 100.0) / 100
        return round(base - share * plot_h, 1)

    grid = format_html_join(
        "",
        '<line class="grid" x1="{}" y1="{}" x2="{}" y2="{}"></line>'
        '<text class="scale" x="{}" y="{}" text-anchor="end" dominant-baseline="middle">{}{}</text>',
        (
            (LEFT, y_of(Decimal(v)), WIDTH - RIGHT, y_of(Decimal(v)), LEFT - 8, y_of(Decimal(v)), v, scale_label)
            for v in (0, 25, 50, 75, 100)
        ),
    )
    known = [(x_of(i), y_of(p.value)) for i, p in enumerate(points) if p.value is not None]
    line = (
        format_html('<polyline class="line" points="{}"></polyline>', " ".join(f"{x},{y}" for x, y in known))
        if len(known) > 1
        else ""
    )
    dots = format_html_join(
        "",
        '<circle class="{}" cx="{}" cy="{}" r="4"><title>{}</title></circle>',
        (("pt" if p.value is not None else "pt empty", x_of(i), y_of(p.value), p.title) for i, p in enumerate(points)),
    )
    labels = format_html_join(
        "",
        '<text class="{}" x="{}" y="{}" text-anchor="middle">{}</text>',
        (
            ("month minor" if (len(points) - 1 - i) % 2 else "month", x_of(i), base + 24, p.label)
            for i, p in enumerate(points)
        ),
    )
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" role="img" aria-labelledby="tren-judul">'
        '<title id="tren-judul">{}</title>{}{}{}{}{}</svg>',
        WIDTH,
        HEIGHT,
        title,
        grid,
        format_html('<line class="axis" x1="{}" y1="{}" x2="{}" y2="{}"></line>', LEFT, base, WIDTH - RIGHT, base),
        line,
        dots,
        labels,
    )
