"""Reading an uploaded sheet (.csv or .xlsx) into a frame of text, one column per canonical field.

Every cell is read as text: the rules decide what it means. Row numbers are the ones a spreadsheet
shows (the header is row 1). Blank rows and the template's example row ("Contoh: ...") are skipped.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

import fastexcel
import polars as pl

from lindung.domain.errors import Issue, ValidationFailed
from lindung.domain.messages import Lang, render
from lindung.domain.sheets import Field, HeaderMap, map_headers

PREFERRED_SHEETS = ("Daftar Pekerja", "Daftar Unit")
EXAMPLE_PREFIX = "contoh"
ROW = "__baris__"  # the row number column in `Sheet.raw`


@dataclass(frozen=True)
class Sheet:
    frame: pl.DataFrame  # `row` plus one String column per mapped field
    raw: pl.DataFrame  # the same rows as submitted: every column under its own header, plus `row`
    headers: HeaderMap
    file_issues: tuple[Issue, ...]  # warnings about the header row


def _read_csv(path: Path) -> pl.DataFrame:
    """UTF-8 (with or without BOM) is read as it is; anything else is taken as Windows-1252 (Excel's)."""
    data = path.read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    first = data[: data.find(b"\n")] if b"\n" in data else data
    separator = max((";", ",", "\t", "|"), key=lambda sep: first.count(sep.encode()))
    options = {"separator": separator, "infer_schema": False, "has_header": True, "truncate_ragged_lines": True}
    try:
        return pl.read_csv(data, **options)  # type: ignore[arg-type]
    except pl.exceptions.ComputeError:
        return pl.read_csv(data.decode("cp1252", errors="replace").encode("utf-8"), **options)  # type: ignore[arg-type]


def _sheet_xml_path(archive: zipfile.ZipFile, sheet_name: str) -> str | None:
    ns = {
        "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
        "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    }
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {rel.get("Id"): rel.get("Target") for rel in rels}
    for sheet in workbook.iterfind("m:sheets/m:sheet", ns):
        if sheet.get("name") == sheet_name:
            target = targets.get(sheet.get(f"{{{ns['r']}}}id"))
            if target:
                return target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return None


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def numeric_cell_rows(path: Path, sheet_name: str, column_index: int) -> set[int]:
    """Rows whose cell in this column is stored as a number, read from the sheet's XML.

    A NIK typed into a General cell becomes a number that Excel keeps to 15 digits; fastexcel returns
    both kinds as text, so the cell type is read here.
    """
    letter = _column_letter(column_index)
    with zipfile.ZipFile(path) as archive:
        member = _sheet_xml_path(archive, sheet_name)
        if member is None:
            return set()
        xml = archive.read(member).decode("utf-8", errors="replace")
    rows = set()
    for match in re.finditer(rf'<c r="{letter}(\d+)"([^>]*?)(/?)>', xml):
        attrs = match.group(2)
        if match.group(3) == "/":
            continue  # an empty cell
        kind = re.search(r'\bt="(\w+)"', attrs)
        if kind is None or kind.group(1) == "n":
            rows.add(int(match.group(1)))
    return rows


def _read_xlsx(path: Path) -> tuple[pl.DataFrame, str]:
    try:
        reader = fastexcel.read_excel(str(path))
    except Exception as exc:  # fastexcel raises its own error types for unreadable files
        raise ValidationFailed(f"Berkas {path.name} bukan berkas Excel (.xlsx) yang dapat dibaca: {exc}") from exc
    names = list(reader.sheet_names)
    name = next((n for n in PREFERRED_SHEETS if n in names), names[0])
    frame = reader.load_sheet(name, dtypes="string", header_row=0).to_polars()
    return frame, name


def read_sheet(path: Path, fields: Sequence[Field], lang: Lang, optional: frozenset[str] = frozenset()) -> Sheet:
    """The sheet's data rows with canonical column names, or ValidationFailed for an unusable file."""
    if not path.is_file():
        raise ValidationFailed(f"Berkas {path} tidak ditemukan")
    suffix = path.suffix.lower()
    sheet_name = None
    try:
        if suffix == ".csv":
            raw = _read_csv(path)
        elif suffix in (".xlsx", ".xlsm"):
            raw, sheet_name = _read_xlsx(path)
        else:
            raise ValidationFailed(
                f"Jenis berkas {suffix or '(tanpa akhiran)'} tidak didukung; gunakan .xlsx atau .csv"
            )
    except pl.exceptions.PolarsError as exc:
        raise ValidationFailed(f"Berkas {path.name} tidak dapat dibaca: {exc}") from exc
    headers = map_headers([str(c) for c in raw.columns], fields, optional)
    issues: list[Issue] = []
    for label in headers.missing:
        issues.append(Issue(1, label, "HEADER_MISSING", render("HEADER_MISSING", lang, value=label), label))
    for header, other in headers.duplicates:
        issues.append(
            Issue(
                1,
                header,
                "HEADER_DUPLICATE",
                render("HEADER_DUPLICATE", lang, value=header, detail=other),
                header,
            )
        )
    if issues:
        raise ValidationFailed("Baris judul tidak lengkap", issues)
    warnings = [
        Issue(1, h, "HEADER_UNKNOWN", render("HEADER_UNKNOWN", lang, value=h), h, "warning") for h in headers.unknown
    ]
    raw = raw.with_columns(pl.int_range(2, pl.len() + 2, dtype=pl.Int64).alias(ROW))
    frame = raw.select(
        pl.col(ROW).alias("row"),
        *[pl.col(header).cast(pl.String).alias(name) for name, header in headers.columns.items()],
    )
    if sheet_name is not None and "nik" in headers.columns:
        numeric = numeric_cell_rows(path, sheet_name, list(raw.columns).index(headers.columns["nik"]))
        frame = frame.with_columns(pl.col("row").is_in(list(numeric)).alias("_nik_numeric"))
    else:
        frame = frame.with_columns(pl.lit(False).alias("_nik_numeric"))
    blank = pl.all_horizontal([pl.col(c).is_null() | (pl.col(c).str.strip_chars() == "") for c in headers.columns])
    example = pl.lit(False)
    for name in ("nama", "name", "kode"):
        if name in headers.columns:
            example = pl.col(name).str.strip_chars().str.to_lowercase().str.starts_with(EXAMPLE_PREFIX).fill_null(False)
            break
    keep = frame.select(~blank & ~example).to_series()
    frame, raw = frame.filter(keep), raw.filter(keep)
    if frame.height == 0:
        raise ValidationFailed(
            "Berkas tidak berisi baris data", [Issue(2, None, "FILE_NO_ROWS", render("FILE_NO_ROWS", lang))]
        )
    return Sheet(frame, raw, headers, tuple(warnings))
