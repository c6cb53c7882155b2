"""Reading an uploaded sheet (.csv or .xlsx) into a frame of text, one column per canonical field.

Every cell is read as text: the rules decide what it means. Row numbers are the ones a spreadsheet
shows (the header is row 1). Blank rows and the template's example row ("Contoh: ...") are skipped.
"""

from __future__ import annotations

import csv
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

import fastexcel
import polars as pl

from lindung.domain.errors import Issue, NotFound, ValidationFailed
from lindung.domain.messages import Lang, render
from lindung.domain.sheets import Field, HeaderMap, map_headers

PREFERRED_SHEETS = ("Daftar Pekerja", "Daftar Unit")
EXAMPLE_PREFIX = "contoh"
ROW = "__baris__"  # the row number column in `Sheet.raw`


@dataclass(frozen=True)
class Sheet:
    frame: pl.DataFrame  # `row` plus one String column per mapped field
    raw: pl.DataFrame  # the same rows as submitted: columns c0, c1, ... under `raw_headers`, plus ROW
    raw_headers: list[str]  # the header row as written, duplicates kept
    headers: HeaderMap
    file_issues: tuple[Issue, ...]  # warnings about the header row


@dataclass(frozen=True)
class _Table:
    """A sheet as read: the header row as written (duplicates kept) and the data as text."""

    headers: list[str]
    frame: pl.DataFrame  # one String column per header, named c0, c1, ...
    header_row: int  # the spreadsheet row of the header (1 for a sheet that starts at A1)
    first_column: int  # 0-based column index of the first column (0 for column A)
    sheet_name: str | None


def _columns(count: int) -> list[str]:
    return [f"c{i}" for i in range(count)]


def _read_csv(path: Path, lang: Lang) -> _Table:
    """UTF-8 (with or without BOM) is read as it is; anything else is taken as Windows-1252 (Excel's)."""
    data = path.read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
        data = text.encode("utf-8")
    first = text.split("\n", 1)[0].rstrip("\r")
    separator = max((";", ",", "\t", "|"), key=first.count)
    headers = next(csv.reader([first], delimiter=separator)) if first else []
    if not any(h.strip() for h in headers):
        raise ValidationFailed(render("FILE_EMPTY", lang, value=path.name))
    try:
        frame = pl.read_csv(
            data,
            separator=separator,
            has_header=False,
            skip_rows=1,
            schema=dict.fromkeys(_columns(len(headers)), pl.String),
        )
    except pl.exceptions.PolarsError as exc:
        raise ValidationFailed(
            f"{render('FILE_CSV_SHAPE', lang, value=path.name, detail=separator)} ({str(exc).splitlines()[0]})"
        ) from exc
    return _Table(headers, frame, 1, 0, None)


def _origin(archive: zipfile.ZipFile, member: str) -> tuple[int, int]:
    """The row (1-based) and column (0-based) where the sheet's used range starts."""
    head = archive.open(member).read(4096).decode("utf-8", errors="replace")
    match = re.search(r'<dimension ref="([A-Z]+)(\d+)', head)
    if match is None:
        return 1, 0
    letters, row = match.groups()
    column = 0
    for ch in letters:
        column = column * 26 + ord(ch) - 64
    return int(row), column - 1


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


def _read_xlsx(path: Path, fields: Sequence[Field], optional: frozenset[str], lang: Lang) -> _Table:
    """The preferred sheet, else the first sheet whose header row has every required column, else the first."""
    chosen: tuple[str, list[str], pl.DataFrame] | None = None
    try:
        reader = fastexcel.read_excel(str(path))
        names = list(reader.sheet_names)
        for name in [n for n in PREFERRED_SHEETS if n in names] + names:
            raw = reader.load_sheet(name, header_row=None, dtypes="string").to_polars()
            if raw.height == 0:
                continue
            headers = ["" if v is None else str(v) for v in raw.row(0)]
            frame = raw.slice(1).rename(dict(zip(raw.columns, _columns(len(headers)), strict=True)))
            complete = not map_headers(headers, fields, optional).missing
            if chosen is None or complete:
                chosen = (name, headers, frame)
            if complete:
                break
    except (fastexcel.FastExcelError, OSError, zipfile.BadZipFile) as exc:
        raise ValidationFailed(f"{render('FILE_NOT_XLSX', lang, value=path.name)} ({exc})") from exc
    if chosen is None:
        raise ValidationFailed(render("FILE_NO_SHEET", lang, value=path.name))
    name, headers, frame = chosen
    with zipfile.ZipFile(path) as archive:
        member = _sheet_xml_path(archive, name)
        header_row, first_column = _origin(archive, member) if member else (1, 0)
    return _Table(headers, frame, header_row, first_column, name)


def read_sheet(path: Path, fields: Sequence[Field], lang: Lang, optional: frozenset[str] = frozenset()) -> Sheet:
    """The sheet's data rows with canonical column names, or ValidationFailed for an unusable file."""
    if not path.is_file():
        raise NotFound(render("FILE_NOT_FOUND", lang, value=str(path)))
    suffix = path.suffix.lower()
    if suffix == ".csv":
        table = _read_csv(path, lang)
    elif suffix in (".xlsx", ".xlsm"):
        table = _read_xlsx(path, fields, optional, lang)
    else:
        raise ValidationFailed(render("FILE_TYPE", lang, value=suffix or "(-)"))
    headers = map_headers(table.headers, fields, optional)
    sheet_word = "sheet" if lang == "en" else "lembar"
    where = f' ({sheet_word} "{table.sheet_name}")' if table.sheet_name else ""
    issues = [
        Issue(table.header_row, label, "HEADER_MISSING", render("HEADER_MISSING", lang, value=label) + where, label)
        for label in headers.missing
    ] + [
        Issue(
            table.header_row,
            header,
            "HEADER_DUPLICATE",
            render("HEADER_DUPLICATE", lang, value=header, detail=other),
            header,
        )
        for header, other in headers.duplicates
    ]
    if issues:
        raise ValidationFailed(render("HEADER_INCOMPLETE", lang, detail=where), issues)
    warnings = [
        Issue(table.header_row, h, "HEADER_UNKNOWN", render("HEADER_UNKNOWN", lang, value=h), h, "warning")
        for h in headers.unknown
    ]
    first_data_row = table.header_row + 1
    raw = table.frame.with_columns(pl.int_range(first_data_row, pl.len() + first_data_row, dtype=pl.Int64).alias(ROW))
    frame = raw.select(
        pl.col(ROW).alias("row"),
        *[pl.col(f"c{position}").alias(name) for name, position in headers.positions.items()],
    )
    numeric: set[int] = set()
    if table.sheet_name is not None and "nik" in headers.positions:
        numeric = numeric_cell_rows(path, table.sheet_name, table.first_column + headers.positions["nik"])
    frame = frame.with_columns(pl.col("row").is_in(list(numeric)).alias("_nik_numeric"))
    blank = pl.all_horizontal([pl.col(c).is_null() | (pl.col(c).str.strip_chars() == "") for c in headers.positions])
    example = pl.lit(False)
    for name in ("nama", "kode"):
        if name in headers.positions:
            example = pl.col(name).str.strip_chars().str.to_lowercase().str.starts_with(EXAMPLE_PREFIX).fill_null(False)
            break
    keep = frame.select(~blank & ~example).to_series()
    frame, raw = frame.filter(keep), raw.filter(keep)
    if frame.height == 0:
        raise ValidationFailed(
            "Berkas tidak berisi baris data",
            [Issue(first_data_row, None, "FILE_NO_ROWS", render("FILE_NO_ROWS", lang))],
        )
    return Sheet(frame, raw, table.headers, headers, tuple(warnings))
