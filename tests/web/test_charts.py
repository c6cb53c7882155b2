"""The server-drawn trend chart: a point per month, labels that a narrow screen can thin out, room for the scale."""

from __future__ import annotations

import re
from decimal import Decimal

from lindung.web import charts
from lindung.web.charts import ChartPoint

MONTHS = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")


def _points(count: int) -> list[ChartPoint]:
    return [ChartPoint(f"{MONTHS[i % 12]} 26", f"bulan {i}", Decimal(i * 5) if i else None) for i in range(count)]


def test_every_other_month_label_can_give_way_and_the_newest_always_stays() -> None:
    for count in (12, 11, 2, 1):
        svg = str(charts.line_chart(_points(count), "Tren"))
        classes = re.findall(r'<text class="(month(?: minor)?)"', svg)
        assert len(classes) == count
        assert classes[-1] == "month"  # the newest month keeps its label on a phone too
        assert classes[::-1][1::2] == ["month minor"] * (count // 2)
        assert classes[::-1][::2] == ["month"] * ((count + 1) // 2)
    assert svg.count("<circle") == 1 and "style=" not in svg


def test_the_labels_have_room_at_the_type_size_of_a_phone() -> None:
    # On a phone the text is set at 24 chart units (dashboard.css); a character of DejaVu Sans is at most about
    # 0.7 of that wide, so "100%" needs some 67 units left of the plot and half of "Des 26" about 50 right of it.
    phone_type, widest = 24, 0.7
    scale_room, month_room = len("100%") * phone_type * widest, len("Des 26") * phone_type * widest / 2
    assert scale_room <= charts.LEFT - 8 and month_room <= charts.RIGHT
    assert phone_type / 2 <= charts.TOP and phone_type * 1.3 <= charts.BOTTOM
    svg = str(charts.line_chart(_points(12), "Tren"))
    scale = re.findall(r'<text class="scale" x="(\d+)" y="[\d.]+" text-anchor="end" dominant-baseline="middle">', svg)
    assert scale == [str(charts.LEFT - 8)] * 5
    xs = [float(x) for x in re.findall(r'<text class="month[^"]*" x="([\d.]+)"', svg)]
    assert xs[0] == charts.LEFT and xs[-1] == charts.WIDTH - charts.RIGHT
