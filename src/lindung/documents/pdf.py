"""The documents as PDF (fpdf2, DejaVu Sans as the coverage reports): the certificate on A4, the cards on
ID-1 pages (85.6 x 54 mm), many cards in one file. The QR code is drawn as vector squares (one rectangle per
run of dark modules), so it prints sharp at any size and costs no image."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import segno
from fpdf import FPDF

from lindung.coverage.pdf import day_text, font_paths, number_text
from lindung.documents.models import Document
from lindung.documents.services import verification_url

FONT = "DejaVu"
CARD = (85.6, 54.0)
BLUE = (31, 78, 120)
MASK = 0  # the QR mask pattern; any of the eight is valid and they draw about as many runs


def _pdf(fmt: str | tuple[float, float]) -> FPDF:
    pdf = FPDF(unit="mm", format=fmt)
    for style, path in font_paths().items():
        pdf.add_font(FONT, style, str(path))
    pdf.set_creator("lindung")
    pdf.set_lang("id")
    pdf.set_auto_page_break(False)
    return pdf


def draw_qr(pdf: FPDF, text: str, x: float, y: float, size: float) -> None:
    """`text` as a QR code (error correction M, a quiet zone of 4 modules) in a `size` mm square at (x, y).

    The mask pattern is fixed: choosing the best of the eight takes most of a card's time, and any mask is
    valid QR that every reader decodes."""
    code = segno.make(text, error="m", micro=False, mask=MASK)
    rows = [list(r) for r in code.matrix]
    n = len(rows) + 8
    module = size / n
    pdf.set_fill_color(255, 255, 255)
    pdf.rect(x, y, size, size, style="F")
    pdf.set_fill_color(0, 0, 0)
    # One path of ~500 rectangles filled once: the operators `rect` writes, without its per-call checks,
    # which cost more than the rest of a card (fpdf2 is pinned; the tests decode every code they draw).
    k, top = pdf.k, pdf.h
    ops = []
    for r, row in enumerate(rows):
        c = 0
        while c < len(row):
            if row[c]:
                start = c
                while c < len(row) and row[c]:
                    c += 1
                left, upper = x + (start + 4) * module, y + (r + 4) * module
                ops.append(
                    f"{left * k:.2f} {(top - upper) * k:.2f} {(c - start) * module * k:.2f} {-module * k:.2f} re"
                )
            else:
                c += 1
    pdf._out(" ".join(ops) + " f")


def _centred(pdf: FPDF, y: float, width: float, height: float, text: str, size: float, style: str = "") -> None:
    """One line of `text` centred across the page's frame (from x = 15, `width` mm wide) at `y`."""
    pdf.set_font(FONT, style, size)
    pdf.set_xy(15, y)
    pdf.cell(width, height, text, align="C")


def _date(text: str) -> str:
    return day_text(dt.date.fromisoformat(text))


def write_certificate(document: Document, path: Path) -> Path:
    """The sertifikat kepesertaan of a Pemda, A4 portrait."""
    c = document.content
    pdf = _pdf("A4")
    pdf.add_page()
    pdf.set_draw_color(*BLUE)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, 190, 277)
    pdf.set_text_color(*BLUE)
    _centred(pdf, 28, 180, 12, "SERTIFIKAT KEPESERTAAN", 22, "B")
    _centred(pdf, 41, 180, 6, "Jaminan Sosial Ketenagakerjaan bagi Pekerja Non-ASN", 11)
    _centred(pdf, 48, 180, 6, f"Nomor {c['number']}", 11)
    pdf.set_text_color(0, 0, 0)
    _centred(pdf, 62, 180, 6, "diberikan kepada", 11)
    pdf.set_font(FONT, "B", 16)
    pdf.set_xy(15, 70)
    pdf.multi_cell(180, 8, c["employer"], align="C")
    pdf.set_font(FONT, "", 10.5)
    basis = c["basis"]
    legal = " ".join(p for p in (basis["kind"], basis["number"]) if p)
    if basis["date"]:
        legal += f" tanggal {_date(basis['date'])}"
    facts = [
        ("NPP", c["npp"] or "belum terdaftar"),
        ("Program", ", ".join(c["programs"])),
        ("Dasar hukum", legal or "-"),
        ("Berlaku sejak", _date(c["effective"])),
        ("Peserta terdaftar", f"{number_text(c['enrolled'])} pekerja per {_date(c['on'])}"),
    ]
    y = 90.0
    for label, value in facts:
        pdf.set_xy(30, y)
        pdf.cell(45, 6, label)
        pdf.multi_cell(105, 6, value)
        y = max(y + 7, pdf.get_y() + 1)
    pdf.set_font(FONT, "B", 10)
    pdf.set_xy(30, y + 3)
    pdf.cell(100, 6, "Unit kerja")
    pdf.cell(50, 6, "Peserta", align="R")
    pdf.set_font(FONT, "", 9.5)
    y += 10
    shown = c["units"][:28]
    for unit in shown:
        pdf.set_xy(30, y)
        pdf.cell(100, 5, unit["name"][:60])
        pdf.cell(50, 5, number_text(unit["enrolled"]), align="R")
        y += 5
    if len(c["units"]) > len(shown):
        pdf.set_xy(30, y)
        pdf.cell(150, 5, f"dan {len(c['units']) - len(shown)} unit lain")
    draw_qr(pdf, verification_url(document), 150, 232, 40)
    pdf.set_font(FONT, "", 8.5)
    pdf.set_xy(20, 240)
    pdf.multi_cell(
        125,
        4.5,
        f"Diterbitkan {_date(c['on'])}. Periksa keaslian dokumen ini dengan memindai kode QR "
        f"atau di halaman verifikasi lindung dengan nomor {c['number']}.",
    )
    pdf.output(str(path))
    return path


def write_award(document: Document, path: Path) -> Path:
    """The piagam penghargaan of a Pemda, A4 landscape, stating the achievement in figures."""
    c = document.content
    pdf = _pdf("A4")
    pdf.add_page(orientation="L")
    pdf.set_draw_color(*BLUE)
    pdf.set_line_width(1.5)
    pdf.rect(10, 10, 277, 190)
    pdf.set_text_color(*BLUE)
    _centred(pdf, 30, 267, 14, "PIAGAM PENGHARGAAN", 26, "B")
    _centred(pdf, 45, 267, 6, f"Nomor {c['number']}", 11)
    pdf.set_text_color(0, 0, 0)
    _centred(pdf, 60, 267, 7, "diberikan kepada", 12)
    _centred(pdf, 70, 267, 10, c["employer"], 18, "B")
    pdf.set_font(FONT, "", 12)
    coverage = c["coverage"].replace(".", ",")
    text = (
        f"atas perlindungan jaminan sosial ketenagakerjaan bagi pekerja non-ASN: {number_text(c['enrolled'])} dari "
        f"{number_text(c['workers'])} pekerja terdaftar (cakupan {coverage}%), dan {c['units_enrolled']} dari "
        f"{c['units']} unit kerja telah mendaftarkan pekerjanya, per {_date(c['on'])}."
    )
    pdf.set_xy(40, 88)
    pdf.multi_cell(217, 7, text, align="C")
    draw_qr(pdf, verification_url(document), 237, 150, 40)
    pdf.set_font(FONT, "", 8.5)
    pdf.set_xy(20, 178)
    pdf.cell(200, 5, f"Periksa keaslian piagam ini dengan memindai kode QR (nomor {c['number']}).")
    pdf.output(str(path))
    return path


def write_cards(documents: Sequence[Document], path: Path) -> Path:
    """Kartu peserta, one ID-1 card a page, in one PDF (one font load for the whole batch)."""
    pdf = _pdf(CARD)  # (width, height): fpdf2 takes a tuple as it is in portrait
    for document in documents:
        c = document.content
        pdf.add_page()
        pdf.set_fill_color(*BLUE)
        pdf.rect(0, 0, CARD[0], 9, style="F")
        pdf.set_text_color(255, 255, 255)
        pdf.set_font(FONT, "B", 8)
        pdf.set_xy(3, 2)
        pdf.cell(60, 5, "KARTU PESERTA BPJS KETENAGAKERJAAN")
        pdf.set_text_color(0, 0, 0)
        pdf.set_font(FONT, "B", 9)
        pdf.set_xy(3, 11)
        pdf.cell(56, 5, c["name"][:34])
        pdf.set_font(FONT, "", 6.8)
        lines = [
            f"NIK {c['nik']}",
            f"KPJ {c['kpj'] or '-'}",
            c["employer"][:44],
            c["unit"][:44],
            "Program " + ", ".join(c["programs"]),
            f"Berlaku sejak {_date(c['valid_from'])}",
        ]
        for i, line in enumerate(lines):
            pdf.set_xy(3, 17 + i * 4.2)
            pdf.cell(56, 4, line)
        pdf.set_font(FONT, "", 5.5)
        pdf.set_xy(3, 48)
        pdf.cell(56, 3, f"No. {c['number']}")
        draw_qr(pdf, verification_url(document), 60, 22, 24)
    pdf.output(str(path))
    return path
