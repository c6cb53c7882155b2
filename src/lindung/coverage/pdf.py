"""Printable PDF reports: any report `Table` on A4 with fpdf2, and the coverage report for a Sekda or a governor.

fpdf2 is pure Python and embeds a subset of a TrueType font, so every Latin letter of an Indonesian name
prints. The font is DejaVu Sans from Debian's `fonts-dejavu-core` (`make system-packages` installs it).
Numbers are written as an Indonesian reader writes them: 1.135 and 10,2%.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from lindung.billing.exports import MONTH_NAMES, period_label
from lindung.coverage.exposure import LeftOut, exposure_table, sentence
from lindung.coverage.reports import GROUP_COLUMNS, coverage_tables
from lindung.coverage.services import Node, TrendPoint
from lindung.coverage.tables import Cell, Column, Table
from lindung.domain.errors import LindungError
from lindung.domain.formats import date_label, number, percent

__all__ = [
    "FONT_PACKAGE",
    "Chart",
    "FontNotInstalled",
    "date_label",
    "number",
    "percent",
    "write_coverage_pdf",
    "write_pdf",
]

FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
FONT_PACKAGE = "fonts-dejavu-core"
FONT = "DejaVu"

# Millimetres and points.
MARGIN = 15.0
FOOTER_SPACE = 16.0
PAD = 1.2  # inside a table cell, left and right
ROW = 5.0  # height of a table row of one line
LINE = 4.0  # height of each line of a table cell
HEADER_LINE = 3.8  # height of one line of a wrapped column header
TEXT_MAX = 75.0  # the widest a text column gets before its cells are cut with "…"
TEXT_MIN = 30.0  # a text column narrower than this would wrap a name into many lines: landscape instead
NUMBER_MIN = 15.0  # room for a two-line header over a short number
PORTRAIT, LANDSCAPE = 210.0 - 2 * MARGIN, 297.0 - 2 * MARGIN
HEADER_FILL = (221, 235, 247)  # as the .xlsx header
STRIPE_FILL = (246, 246, 246)
RULE = (190, 190, 190)
GREY = (90, 90, 90)
BAR = (46, 117, 182)

# Reports longer than this print the first rows of a list and point to the .xlsx for the rest.
LIST_LIMIT = 1000


class FontNotInstalled(LindungError):
    """The TrueType font for PDF reports is not on this machine (`missing`: the files not found)."""

    def __init__(self, message: str, missing: list[str]) -> None:
        super().__init__(message)
        self.missing = missing


def cell_text(column: Column, value: Cell) -> str:
    if value is None:
        return "-" if column.kind == "percent" else ""  # a percent of nothing
    if isinstance(value, dt.date):
        return date_label(value)
    if column.kind == "percent" and isinstance(value, int | Decimal):
        return percent(Decimal(value))
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        return number(value)
    return str(value)


# --- the document ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Chart:
    """A bar chart: one bar per label, its value printed above it (as a percent when `percent`)."""

    title: str
    labels: Sequence[str]
    values: Sequence[Decimal | None]  # None: nothing to show (no workers that month)
    percent: bool = True
    note: str = ""
    height: float = 58.0


def font_paths() -> dict[str, Path]:
    """The regular and bold DejaVu Sans files in LINDUNG_FONT_DIR; FontNotInstalled names the Debian package
    when one is missing."""
    folder = Path(settings.FONT_DIR)
    paths = {style: folder / name for style, name in FONT_FILES.items()}
    missing = [str(p) for p in paths.values() if not p.is_file()]
    if missing:
        raise FontNotInstalled(
            f"Fon untuk laporan PDF tidak ditemukan: {', '.join(missing)}. Pasang paket Debian {FONT_PACKAGE} "
            f"(`make system-packages`, atau `apt-get install {FONT_PACKAGE}`), lalu ulangi.",
            missing,
        )
    return paths


class _Document(FPDF):
    def __init__(self, footer_text: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.footer_text = footer_text
        for style, path in font_paths().items():
            self.add_font(FONT, style, str(path))
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, margin=FOOTER_SPACE)
        self.set_creator("lindung")
        self.set_author("lindung")
        self.set_lang("id")

    def footer(self) -> None:
        self.set_y(-FOOTER_SPACE + 5)
        self.set_font(FONT, "", 7.5)
        self.set_text_color(*GREY)
        self.cell(0, 4, self.footer_text, align="L")
        self.set_x(self.l_margin)
        self.cell(0, 4, f"Halaman {self.page_no()} dari {{nb}}", align="R")
        self.set_text_color(0, 0, 0)


@dataclass(frozen=True)
class _Layout:
    table: Table
    widths: list[float]
    header: list[list[str]]  # every column label, as wrapped lines
    rows: list[list[list[str]]]  # every cell as printed, as wrapped lines
    total_first: bool = False  # the first row is the total of the rows below it: printed bold

    @property
    def header_height(self) -> float:
        return max(len(h) for h in self.header) * HEADER_LINE + 1.4

    def row_height(self, n: int) -> float:
        return max(len(cell) for cell in self.rows[n]) * LINE + (ROW - LINE)


def _natural_widths(pdf: _Document, table: Table, texts: list[list[str]]) -> list[float]:
    """Each column as wide as its widest cell and its label (text columns at most TEXT_MAX); a number column's
    label may wrap at its spaces."""
    pdf.set_font(FONT, "", 8)
    widest = [max((pdf.get_string_width(r[i]) for r in texts), default=0.0) for i in range(len(table.columns))]
    pdf.set_font(FONT, "B", 8)
    widths = []
    for i, col in enumerate(table.columns):
        word = max(pdf.get_string_width(w) for w in col.label.split() or [""])
        if col.kind == "text":  # room for the whole label: text columns are narrowed later if need be
            widths.append(min(max(widest[i], pdf.get_string_width(col.label)) + 2 * PAD, TEXT_MAX))
        else:
            widths.append(max(widest[i] + 2 * PAD, word + 2 * PAD, NUMBER_MIN))
    return widths


def _narrowest(table: Table, widths: Sequence[float]) -> float:
    """The width the table needs when its text columns wrap down to TEXT_MIN."""
    return sum(w if c.kind != "text" else min(w, TEXT_MIN) for w, c in zip(widths, table.columns, strict=True))


def _fit(table: Table, widths: list[float], room: float) -> list[float]:
    """Narrow the text columns, in proportion to what each has above TEXT_MIN, until the table fits `room`;
    when that is not enough every column gives up its share."""
    over = sum(widths) - room
    spare = sum(max(w - TEXT_MIN, 0) for w, c in zip(widths, table.columns, strict=True) if c.kind == "text")
    if over > 0 and spare > 0:
        cut = min(over, spare)
        widths = [
            w - cut * max(w - TEXT_MIN, 0) / spare if c.kind == "text" else w
            for w, c in zip(widths, table.columns, strict=True)
        ]
    if sum(widths) > room:
        widths = [w * room / sum(widths) for w in widths]
    return widths


def _layout(pdf: _Document, table: Table, texts: list[list[str]], widths: list[float], total_first: bool) -> _Layout:
    pdf.set_font(FONT, "B", 8)
    header = [_wrap(pdf, c.label, w - 2 * PAD) for w, c in zip(widths, table.columns, strict=True)]
    pdf.set_font(FONT, "", 8)
    rows = [
        [
            _wrap(pdf, text, w - 2 * PAD) if c.kind == "text" and pdf.get_string_width(text) > w - 2 * PAD else [text]
            for text, w, c in zip(row, widths, table.columns, strict=True)
        ]
        for row in texts
    ]
    return _Layout(table, widths, header, rows, total_first)


def _wrap(pdf: FPDF, text: str, width: float) -> list[str]:
    """Words on as few lines as fit `width`; a word wider than that is broken where it reaches the edge."""
    lines: list[str] = []
    width += 0.01  # a column made as wide as its widest word keeps that word whole
    for word in text.split():
        if lines and pdf.get_string_width(f"{lines[-1]} {word}") <= width:
            lines[-1] = f"{lines[-1]} {word}"
            continue
        while len(word) > 1 and pdf.get_string_width(word) > width:
            cut = len(word) - 1
            while cut > 1 and pdf.get_string_width(word[:cut]) > width:
                cut -= 1
            lines.append(word[:cut])
            word = word[cut:]
        lines.append(word)
    return lines or [""]


def _header(pdf: _Document, layout: _Layout) -> None:
    pdf.set_font(FONT, "B", 8)
    pdf.set_fill_color(*HEADER_FILL)
    lines = max(len(h) for h in layout.header)
    x, y = pdf.l_margin, pdf.get_y()
    for width, label, column in zip(layout.widths, layout.header, layout.table.columns, strict=True):
        pdf.rect(x, y, width, layout.header_height, style="DF")
        align = "L" if column.kind == "text" else "R"
        for n, line in enumerate(label):  # labels sit on the header's bottom line
            pdf.set_xy(x, y + 0.7 + (lines - len(label) + n) * HEADER_LINE)
            pdf.cell(width, HEADER_LINE, line, align=align)
        x += width
    pdf.set_xy(pdf.l_margin, y + layout.header_height)


def _table(pdf: _Document, layout: _Layout) -> None:
    table = layout.table
    first_rows = sum(layout.row_height(n) for n in range(min(len(layout.rows), 3)))
    if pdf.will_page_break(8 + (4.5 if table.note else 0) + layout.header_height + first_rows):
        pdf.add_page(same=True)  # a title never stands alone at the foot of a page
    pdf.set_font(FONT, "B", 10.5)
    pdf.cell(0, 7, table.title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if table.note:
        pdf.set_font(FONT, "", 8)
        pdf.set_text_color(*GREY)
        pdf.multi_cell(0, 4, table.note, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_text_color(0, 0, 0)
    pdf.ln(1)
    pdf.set_draw_color(*RULE)
    pdf.set_line_width(0.15)
    _header(pdf, layout)
    if not layout.rows:
        pdf.set_font(FONT, "", 8)
        pdf.cell(0, ROW, "Tidak ada.", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_fill_color(*STRIPE_FILL)
    for n, row in enumerate(layout.rows):
        height = layout.row_height(n)
        if pdf.will_page_break(height):
            pdf.add_page(same=True)
            _header(pdf, layout)
            pdf.set_fill_color(*STRIPE_FILL)
        pdf.set_font(FONT, "B" if n == 0 and layout.total_first else "", 8)
        x, y = pdf.l_margin, pdf.get_y()
        for width, lines, column in zip(layout.widths, row, table.columns, strict=True):
            pdf.rect(x, y, width, height, style="DF" if n % 2 else "D")
            for i, line in enumerate(lines):
                pdf.set_xy(x, y + (ROW - LINE) / 2 + i * LINE)
                pdf.cell(width, LINE, line, align="L" if column.kind == "text" else "R")
            x += width
        pdf.set_xy(pdf.l_margin, y + height)
    pdf.ln(4)


def _chart(pdf: _Document, chart: Chart, room: float) -> None:
    if pdf.will_page_break(chart.height + 16):
        pdf.add_page(same=True)
    pdf.set_font(FONT, "B", 10.5)
    pdf.cell(0, 7, chart.title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if chart.note:
        pdf.set_font(FONT, "", 8)
        pdf.set_text_color(*GREY)
        pdf.multi_cell(0, 4, chart.note, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_text_color(0, 0, 0)
    known = [float(v) for v in chart.values if v is not None]
    top = 100.0 if chart.percent else max(known, default=0.0) or 1.0

    def label(value: Decimal) -> str:
        return percent(value) if chart.percent else number(value)

    axis = 12.0  # room for the scale on the left
    plot_w = min(room, 190.0) - axis
    plot_h = chart.height - 14
    base = pdf.get_y() + 5 + plot_h  # the plot's bottom line
    x0 = pdf.l_margin + axis
    pdf.set_font(FONT, "", 7)
    pdf.set_draw_color(*RULE)
    pdf.set_line_width(0.1)
    for step in range(5):  # gridlines at 0, 25, 50, 75 and 100% of the scale
        y = base - plot_h * step / 4
        pdf.line(x0, y, x0 + plot_w, y)
        pdf.set_xy(pdf.l_margin, y - 2)
        pdf.cell(axis - 1.5, 4, label(Decimal(round(step * top / 4))), align="R")
    slot = plot_w / max(len(chart.values), 1)
    bar = slot * 0.62
    widest = max((pdf.get_string_width(t) for t in chart.labels), default=0.0)
    pdf.set_font(FONT, "", 7 * min(1.0, slot / (widest + 1)) if widest else 7)  # many bars: smaller labels
    pdf.set_fill_color(*BAR)
    for i, (name, value) in enumerate(zip(chart.labels, chart.values, strict=True)):
        x = x0 + i * slot
        if value is not None:
            h = plot_h * min(float(value), top) / top
            if h > 0:
                pdf.rect(x + (slot - bar) / 2, base - h, bar, h, style="F")
            pdf.set_xy(x, base - h - 4)
            pdf.cell(slot, 4, label(value), align="C")
        pdf.set_xy(x, base + 0.8)
        pdf.cell(slot, 4, name, align="C")
    pdf.set_xy(pdf.l_margin, base + 9)


def write_pdf(
    path: Path,
    *,
    title: str,
    subtitle: str,
    paragraphs: Sequence[str],
    tables: Sequence[Table],
    chart: Chart | None = None,
    totals: Collection[str] = (),
    generated: dt.date | None = None,
) -> Path:
    """An A4 report: the title, the subtitle, the paragraphs, the chart, then every table (its header repeated on
    every page it runs onto). Portrait unless a table needs landscape's width; "Halaman x dari y" at the foot.

    `totals` names the tables whose first row is the total of the others (printed bold)."""
    day = generated or timezone.localdate()
    pdf = _Document(f"Dibuat {date_label(day)} oleh lindung")
    pdf.set_title(title)
    pdf.set_subject(subtitle)
    texts = [[[cell_text(c, v) for c, v in zip(t.columns, row, strict=True)] for row in t.rows] for t in tables]
    natural = [_natural_widths(pdf, t, cells) for t, cells in zip(tables, texts, strict=True)]
    landscape = any(_narrowest(t, w) > PORTRAIT for t, w in zip(tables, natural, strict=True))
    room = LANDSCAPE if landscape else PORTRAIT
    layouts = [
        _layout(pdf, t, cells, _fit(t, w, room), t.title in totals)
        for t, cells, w in zip(tables, texts, natural, strict=True)
    ]
    pdf.add_page(orientation="L" if landscape else "P")
    pdf.set_font(FONT, "B", 15)
    pdf.multi_cell(0, 7, title, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if subtitle:
        pdf.set_font(FONT, "", 11)
        pdf.multi_cell(0, 6, subtitle, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)
    pdf.set_font(FONT, "", 10)
    for paragraph in paragraphs:
        pdf.multi_cell(0, 5, paragraph, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(2)
    if chart is not None:
        pdf.ln(1)
        _chart(pdf, chart, room)
    for layout in layouts:
        _table(pdf, layout)
    pdf.output(str(path))
    return path


# --- the coverage report -------------------------------------------------------------------------------

TITLE = "Laporan Cakupan Kepesertaan BPJS Ketenagakerjaan Pekerja Non-ASN"


def place_name(node: Node) -> str:
    """How the report names its place: "Provinsi Sulawesi Tenggara", "Kabupaten Kolaka", "KC Palembang"."""
    if node.kind == "provinsi" and not node.name.lower().startswith("provinsi"):
        return f"Provinsi {node.name}"
    if node.kind == "branch":
        return f"wilayah kerja {node.name}"
    return node.name


def summary(node: Node, on: dt.date, trend: Sequence[TrendPoint] | None = None) -> list[str]:
    """The report's opening paragraphs: the figures a reader acts on, in Bahasa Indonesia."""
    c = node.counts
    where = place_name(node)
    coverage = f" ({percent(c.coverage)})" if c.coverage is not None else ""
    first = (
        f"Per {date_label(on)}, {number(c.enrolled)} dari {number(c.workers)} pekerja non-ASN{coverage} "
        f"di {where} terdaftar sebagai peserta BPJS Ketenagakerjaan"
    )
    if node.kind in ("nation", "provinsi", "branch"):
        nobody = len(node.employers_without_enrolment)
        first += (
            f"; {number(nobody)} Pemda belum mendaftarkan siapa pun."
            if nobody
            else "; semua Pemda sudah mendaftarkan pekerjanya."
        )
    else:
        first += "."
    groups = []
    for group, label in (("opd", "OPD"), ("desa", "nagari/desa")):
        units, enrolled = c.groups.get(group, (0, 0))
        if units:
            groups.append(f"{label} {number(enrolled)} dari {number(units)}")
    second = (
        f"{number(c.units_enrolled)} dari {number(c.units)} unit kerja sudah mendaftarkan pekerjanya"
        + (f" ({'; '.join(groups)})" if groups else "")
        + f"; {number(len(node.units_without_enrolment))} unit belum mendaftarkan siapa pun."
    )
    extra = []
    if c.bpu:
        extra.append(f"{number(c.bpu)} pekerja rentan (BPU) ditanggung Pemda")
    if c.enrolled:
        extra.append(f"{number(c.with_kpj)} peserta ({percent(c.kpj_share)}) sudah bernomor KPJ")
    paragraphs = [first, second]
    if extra:
        paragraphs.append("; ".join(extra) + ".")
    before, now = (trend[0].coverage, trend[-1].coverage) if trend and len(trend) > 1 else (None, None)
    if trend and before is not None and now is not None:
        since = f"Sejak akhir {period_label(trend[0].month)} cakupan"
        if now == before:
            paragraphs.append(f"{since} tetap {percent(now)}.")
        else:
            verb = "naik" if now > before else "turun"
            paragraphs.append(f"{since} {verb} dari {percent(before)} menjadi {percent(now)}.")
    follow = []
    if node.employers_without_enrolment and node.kind in ("nation", "provinsi", "branch"):
        follow.append("Pemda")
    if node.units_without_enrolment:
        follow.append("unit kerja")
    if follow:
        paragraphs.append(
            f"Daftar {' dan '.join(follow)} yang belum mendaftarkan pekerjanya ada di akhir laporan "
            "untuk ditindaklanjuti."
        )
    return paragraphs


def trend_chart(trend: Sequence[TrendPoint]) -> Chart:
    short = [f"{MONTH_NAMES[p.month.month - 1][:3]} {p.month:%y}" for p in trend]
    return Chart(
        "Tren cakupan bulanan",
        short,
        [p.coverage for p in trend],
        note="Peserta aktif dibanding pekerja di daftar, pada akhir tiap bulan (bulan terakhir: per tanggal laporan).",
    )


def write_coverage_pdf(
    path: Path,
    node: Node,
    on: dt.date,
    trend: Sequence[TrendPoint] | None = None,
    unprotected: LeftOut | None = None,
) -> Path:
    """The printable coverage report of a node for a Sekda or a governor: figures, children, programs, the Pemda and
    units to follow up, what leaving workers out costs the Pemda (PP 44/2015), and the monthly trend."""
    by_title = {t.title: t for t in coverage_tables(node, on, trend)}
    summary_table = by_title["Ringkasan"]
    if not node.counts.groups.get("desa", (0, 0))[0]:  # no nagari/desa: every unit is an OPD, say it once
        summary_table = without_columns(summary_table, GROUP_COLUMNS)
    tables = [summary_table, by_title["Per program"]]
    if "Tren bulanan" in by_title:
        tables.append(by_title["Tren bulanan"])
    follow_up = {
        "Pemda tanpa peserta": "Pemda yang belum mendaftarkan siapa pun, untuk ditindaklanjuti",
        "Unit tanpa peserta": "Unit kerja yang belum mendaftarkan siapa pun, untuk ditindaklanjuti",
    }
    for key, heading in follow_up.items():
        table = by_title.get(key)
        if table is None or not table.rows:
            continue
        note = table.note
        if len(table.rows) > LIST_LIMIT:
            note = (
                f"{number(LIST_LIMIT)} pertama dari {number(len(table.rows))}; "
                "daftar lengkapnya ada di berkas .xlsx. " + note
            )
        tables.append(dataclasses.replace(table, title=heading, rows=table.rows[:LIST_LIMIT], note=note))
    paragraphs = summary(node, on, trend)
    liability = exposure_table(unprotected, on) if unprotected is not None else None
    if unprotected is not None and unprotected.whole is not None and unprotected.whole.workers and liability:
        paragraphs.append(sentence(unprotected.whole))
        tables.append(dataclasses.replace(liability, rows=liability.rows[:LIST_LIMIT]))
    return write_pdf(
        path,
        title=TITLE,
        subtitle=f"{place_name(node)[:1].upper()}{place_name(node)[1:]}, per {date_label(on)}",
        paragraphs=paragraphs,
        tables=tables,
        chart=trend_chart(trend) if trend else None,
        totals=("Ringkasan", "Per program"),
    )


def without_columns(table: Table, labels: Collection[str]) -> Table:
    keep = [i for i, c in enumerate(table.columns) if c.label not in labels]
    return dataclasses.replace(
        table, columns=[table.columns[i] for i in keep], rows=[[row[i] for i in keep] for row in table.rows]
    )
