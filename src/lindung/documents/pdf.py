"""The documents as PDF (fpdf2, DejaVu Sans as the coverage reports): the certificate on A4, the cards on
ID-1 pages (85.6 x 54 mm), many cards in one file. The QR code is drawn as vector squares (one rectangle per
run of dark modules), so it prints sharp at any size and costs no image.

The certificate and the award end with the issuing office and a signature block: place and date
("Palembang, 4 Desember 2026"), the office, the signer's title, the space to sign, the name (or a dotted line
to write it by hand) and the NIP/NPK, all from the document's `content["issuer"]`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import segno
from fpdf import FPDF

from lindung.coverage.pdf import font_paths
from lindung.documents.models import Document
from lindung.documents.services import BPJS_TK, verification_url
from lindung.domain.formats import date_label, number

FONT = "DejaVu"
CARD = (85.6, 54.0)
BLUE = (31, 78, 120)
MASK = 0  # the QR mask pattern; any of the eight is valid and they draw about as many runs
NAME_LINE = "(" + "." * 44 + ")"  # where the signer writes their name when the document has none


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
    return date_label(dt.date.fromisoformat(text))


def _issuer(c: dict[str, Any]) -> dict[str, Any]:
    """The document's issuer; documents issued before it was recorded name BPJS TK alone."""
    return c.get("issuer") or {"office": BPJS_TK, "branch": "", "place": "", "signer": {}}


def _fit(pdf: FPDF, text: str, width: float) -> str:
    """`text` cut with an ellipsis to fit `width` mm in the current font."""
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + "…") > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _line(pdf: FPDF, x: float, y: float, width: float, height: float, text: str, style: str = "") -> float:
    """`text` centred in the column from `x`, wrapped; returns where the next line starts."""
    pdf.set_font(FONT, style, 10)
    pdf.set_xy(x, y)
    pdf.multi_cell(width, height, text, align="C")
    return pdf.get_y()


def signature_block(pdf: FPDF, c: dict[str, Any], x: float, y: float, width: float) -> float:
    """Place and date, the issuing office, the signer's title, space to sign, the name and NIP/NPK."""
    issuer = _issuer(c)
    signer = issuer.get("signer") or {}
    day = _date(c["on"])
    y = _line(pdf, x, y, width, 5, f"{issuer['place']}, {day}" if issuer.get("place") else day)
    office = issuer["office"]
    if office.startswith(BPJS_TK + " "):  # "BPJS Ketenagakerjaan" over "Kantor Cabang Palembang", as letterheads
        office = BPJS_TK + "\n" + office.removeprefix(BPJS_TK + " ")
    y = _line(pdf, x, y, width, 5, office, "B")
    if signer.get("title"):
        y = _line(pdf, x, y, width, 5, signer["title"] + ",")
    y += 20  # the space to sign (and stamp)
    if signer.get("name"):
        y = _line(pdf, x, y, width, 5, signer["name"], "BU")
    else:
        y = _line(pdf, x, y, width, 5, NAME_LINE)
    if signer.get("number"):
        y = _line(pdf, x, y, width, 5, signer["number"])
    return y


def _issued_by(c: dict[str, Any]) -> str:
    return f"Diterbitkan oleh {_issuer(c)['office']} untuk {c['employer']} pada {_date(c['on'])}."


def _units(pdf: FPDF, units: list[dict[str, Any]], y: float, bottom: float) -> None:
    """The enrolled units from `y` down to `bottom`: one column, or two when they do not fit in one."""
    rows = int((bottom - y - 7) // 4.5)
    columns = 1 if len(units) <= rows else 2
    shown = units[: rows * columns]
    width = 150 if columns == 1 else 72
    pdf.set_font(FONT, "B", 10)
    for col in range(columns):
        pdf.set_xy(30 + col * 78, y)
        pdf.cell(width - 18, 6, "Unit kerja")
        pdf.cell(18, 6, "Peserta", align="R")
    pdf.set_font(FONT, "", 9)
    for i, unit in enumerate(shown):
        col, row = divmod(i, rows)
        pdf.set_xy(30 + col * 78, y + 7 + row * 4.5)
        pdf.cell(width - 18, 4.5, _fit(pdf, unit["name"], width - 20))
        pdf.cell(18, 4.5, number(unit["enrolled"]), align="R")
    if len(units) > len(shown):
        pdf.set_xy(30, y + 7 + rows * 4.5)
        pdf.cell(150, 4.5, f"dan {len(units) - len(shown)} unit lain")


def write_certificate(document: Document, path: Path) -> Path:
    """The sertifikat kepesertaan of a Pemda, A4 portrait: the facts, the enrolled units, then the QR code and
    the signature block side by side at the foot."""
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
        ("Peserta terdaftar", f"{number(c['enrolled'])} pekerja per {_date(c['on'])}"),
    ]
    y = max(90.0, pdf.get_y() + 6)
    for label, value in facts:
        pdf.set_xy(30, y)
        pdf.cell(45, 6, label)
        pdf.multi_cell(105, 6, value, align="L")
        y = max(y + 7, pdf.get_y() + 1)
    _units(pdf, c["units"], y + 3, 200)
    signature_block(pdf, c, 112, 208, 80)
    draw_qr(pdf, verification_url(document), 25, 208, 36)
    pdf.set_font(FONT, "", 8)
    pdf.set_xy(20, 247)
    pdf.multi_cell(
        88,
        4,
        f"{_issued_by(c)} Periksa keaslian dokumen ini dengan memindai kode QR "
        f"atau di halaman verifikasi lindung dengan nomor {c['number']}.",
        align="L",
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
        f"atas perlindungan jaminan sosial ketenagakerjaan bagi pekerja non-ASN: {number(c['enrolled'])} dari "
        f"{number(c['workers'])} pekerja terdaftar (cakupan {coverage}%), dan {c['units_enrolled']} dari "
        f"{c['units']} unit kerja telah mendaftarkan pekerjanya, per {_date(c['on'])}."
    )
    pdf.set_xy(40, 88)
    pdf.multi_cell(217, 7, text, align="C")
    signature_block(pdf, c, 150, max(122.0, pdf.get_y() + 8), 80)
    draw_qr(pdf, verification_url(document), 237, 150, 40)
    pdf.set_font(FONT, "", 8.5)
    pdf.set_xy(20, 176)
    pdf.multi_cell(
        125,
        4.5,
        f"{_issued_by(c)} Periksa keaslian piagam ini dengan memindai kode QR (nomor {c['number']}).",
        align="L",
    )
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
