"""Reading an uploaded sheet (.csv or .xlsx) into a frame of text, one column per canonical field.

Every cell is read as text: the rules decide what it means. Row numbers are the ones a spreadsheet
shows (the header is row 1). Blank rows and the template's example row ("Contoh: ...") are skipped.
"""

from __future__ import annotations

import csv
import dataclasses
import html
import logging
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

import fastexcel
import polars as pl

from lindung.domain.errors import Issue, NotFound, ValidationFailed
from lindung.domain.formats import thousands
from lindung.domain.messages import Lang, render
from lindung.domain.sheets import ISSUE_SCHEMA, Field, HeaderMap, map_headers

log = logging.getLogger(__name__)

PREFERRED_SHEETS = ("Daftar Pekerja", "Daftar Unit")
MAX_UNKNOWN_LISTED = 10  # more unknown columns than this are one warning
EXAMPLE_PREFIX = "contoh"
ROW = "__baris__"  # the row number column in `Sheet.raw`


@dataclass(frozen=True)
class Sheet:
    frame: pl.DataFrame  # `row` plus one String column per mapped field
    raw: pl.DataFrame  # the same rows as submitted: columns c0, c1, ... under `raw_headers`, plus ROW
    raw_headers: list[str]  # the header row as written, duplicates kept
    headers: HeaderMap
    file_issues: tuple[Issue, ...]  # warnings about the header row
    cell_issues: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=ISSUE_SCHEMA))
    # what the workbook's cells say beyond their text (formulas, merged ranges), as `find_issues` rows


@dataclass(frozen=True)
class _Table:
    """A sheet as read: the header row as written (duplicates kept) and the data as text."""

    headers: list[str]
    frame: pl.DataFrame  # one String column per header, named c0, c1, ...
    header_row: int  # the spreadsheet row of the header (1 for a sheet that starts at A1)
    first_column: int  # 0-based column index of the first column (0 for column A)
    sheet_name: str | None
    xml: str = ""  # the worksheet's XML, for what fastexcel does not say: cell types, formulas, merges


def _columns(count: int) -> list[str]:
    return [f"c{i}" for i in range(count)]


# The byte-order marks people's tools write (Excel's "CSV UTF-8", Notepad's "Unicode"), longest first.
_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))
# What a file that is not text at all starts with, and what to tell its sender.
_NOT_TEXT = (
    (b"PK\x03\x04", "xlsx"),
    (b"\xd0\xcf\x11\xe0", "xls"),
    (b"%PDF", "pdf"),
)
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x19\x1b-\x1f\x7f]")  # not \x1a, DOS's end of file
_WHY = {
    "xlsx": (
        "berkas ini sebenarnya buku kerja Excel (.xlsx) yang namanya diakhiri .csv",
        "this is an Excel workbook (.xlsx) named .csv",
    ),
    "xls": (
        "berkas ini sebenarnya buku kerja Excel lama (.xls) atau dokumen Office",
        "this is an old Excel workbook (.xls) or an Office document",
    ),
    "pdf": ("berkas ini sebenarnya PDF", "this is a PDF"),
    "encoding": ("pengodean teksnya tidak dikenali (bait ke-{at})", "its text encoding is not recognised (byte {at})"),
    "binary": (
        "isinya bukan teks (ada karakter kendali atau bait nol)",
        "it is not text (control characters or zero bytes)",
    ),
}


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 saved without a byte-order mark: mostly-ASCII text has a zero in every other byte."""
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.9 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.9 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None


def text_encoding(head: bytes) -> str:
    """The encoding a CSV's first bytes announce (a BOM, or UTF-16's zero bytes); UTF-8 otherwise."""
    bom = next((enc for mark, enc in _BOMS if head.startswith(mark)), None)
    return bom or _utf16_without_bom(head) or "utf-8"


def _decode(data: bytes, name: str, lang: Lang) -> tuple[str, bytes]:
    """The text and its UTF-8 bytes (the input itself when it already was UTF-8)."""

    def refuse(why: str, at: str = "") -> ValidationFailed:
        detail = _WHY[why][0 if lang == "id" else 1].format(at=at)
        return ValidationFailed(render("FILE_ENCODING", lang, value=name, detail=detail))

    for magic, why in _NOT_TEXT:
        if data.startswith(magic):
            raise refuse(why)
    bom = next(((mark, enc) for mark, enc in _BOMS if data.startswith(mark)), None)
    encoding = bom[1] if bom else _utf16_without_bom(data)
    if bom:
        data = data[len(bom[0]) :]
    try:
        if encoding == "utf-8" or encoding is None:
            try:
                text, encoded = data.decode("utf-8"), data
            except UnicodeDecodeError:
                if encoding == "utf-8":
                    raise
                # Latin-1 text is Windows-1252 text wherever it holds letters; the five bytes Windows-1252
                # leaves undefined are control codes in Latin-1, never in a roster, and are refused.
                text = data.decode("cp1252")
                encoded = text.encode("utf-8")
        else:
            text = data.decode(encoding)
            encoded = text.encode("utf-8")
    except UnicodeDecodeError as exc:
        raise refuse("encoding", thousands(exc.start + 1)) from exc
    # A binary file shows control codes in its first kilobytes; a NUL anywhere is never text.
    if "\x00" in text or _CONTROL.search(text, 0, 65536):
        raise refuse("binary")
    return text, encoded


def decode_text(data: bytes, name: str, lang: Lang) -> str:
    """A CSV's text: UTF-8 (with or without BOM), UTF-16 LE/BE, or Windows-1252/Latin-1 (Excel's "CSV").

    Anything else (another encoding, a binary file with a .csv name) is ValidationFailed with a sentence.
    """
    return _decode(data, name, lang)[0]


def _read_csv(path: Path, lang: Lang) -> _Table:
    """The text of `decode_text`, split at the separator the header row uses most."""
    text, encoded = _decode(path.read_bytes(), path.name, lang)
    first = text.split("\n", 1)[0].rstrip("\r")
    separator = max((";", ",", "\t", "|"), key=first.count)
    try:
        headers = next(csv.reader([first], delimiter=separator)) if first else []
    except csv.Error as exc:
        raise ValidationFailed(render("FILE_CSV_SHAPE", lang, value=path.name, detail=separator)) from exc
    if not any(h.strip() for h in headers):
        raise ValidationFailed(render("FILE_EMPTY", lang, value=path.name))
    try:
        frame = pl.read_csv(
            encoded,
            separator=separator,
            has_header=False,
            skip_rows=1,
            schema=dict.fromkeys(_columns(len(headers)), pl.String),
        )
    except pl.exceptions.PolarsError as exc:
        raise ValidationFailed(render("FILE_CSV_SHAPE", lang, value=path.name, detail=separator)) from exc
    return _Table(headers, frame, 1, 0, None)


def _origin(archive: zipfile.ZipFile, member: str) -> tuple[int, int]:
    """The row (1-based) and column (0-based) where the sheet's used range starts."""
    head = archive.open(member).read(4096).decode("utf-8", errors="replace")
    match = re.search(r'<dimension ref="([A-Z]+)(\d+)', head)
    if match is None:
        return 1, 0
    letters, row = match.groups()
    return int(row), _column_index(letters)


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


def _column_index(letters: str) -> int:
    column = 0
    for ch in letters:
        column = column * 26 + ord(ch) - 64
    return column - 1


def numeric_cell_rows(xml: str, column_index: int) -> set[int]:
    """Rows whose cell in this column is stored as a number, read from the sheet's XML.

    A NIK typed into a General cell becomes a number that Excel keeps to 15 digits; fastexcel returns
    both kinds as text, so the cell type is read here.
    """
    letter = _column_letter(column_index)
    rows = set()
    for match in re.finditer(rf'<c r="{letter}(\d+)"([^>]*?)(/?)>', xml):
        attrs = match.group(2)
        if match.group(3) == "/":
            continue  # an empty cell
        kind = re.search(r'\bt="(\w+)"', attrs)
        if kind is None or kind.group(1) == "n":
            rows.add(int(match.group(1)))
    return rows


_PREFIX = r"(?:\w+:)?"  # writers such as the OpenXML SDK name the elements x:c, x:f
_FORMULA_CELL = re.compile(rf'<{_PREFIX}c r="([A-Z]+)(\d+)"[^>]*>\s*<{_PREFIX}f\b[^>]*?(?:/>|>([^<]*)</{_PREFIX}f>)')
_MERGED = re.compile(rf'<{_PREFIX}mergeCell ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')


def formula_cells(xml: str) -> list[tuple[int, int, str]]:
    """(row, 0-based column, formula text) of every cell holding a formula; text is "" for a shared one."""
    if not any(tag in xml for tag in ("<f>", "<f ", ":f>", ":f ")):
        return []  # the common case costs a substring search, not a regular expression over every cell
    return [(int(m[2]), _column_index(m[1]), html.unescape(m[3] or "")) for m in _FORMULA_CELL.finditer(xml)]


def merged_ranges(xml: str) -> list[tuple[int, int, int, int]]:
    """(first row, first column, last row, last column) of every merged range, rows 1-based, columns 0-based."""
    start = xml.rfind("sheetData>")
    if "mergeCell" not in xml[start:]:
        return []
    return [
        (int(m[2]), _column_index(m[1]), int(m[4]), _column_index(m[3])) for m in _MERGED.finditer(xml, max(start, 0))
    ]


def _sheet_xml(path: Path, sheet_name: str) -> str:
    with zipfile.ZipFile(path) as archive:
        member = _sheet_xml_path(archive, sheet_name)
        return "" if member is None else archive.read(member).decode("utf-8", errors="replace")


def _damaged(path: Path, lang: Lang) -> str:
    """Why a workbook could not be opened, in words (never the library's text)."""
    with path.open("rb") as fh:
        head = fh.read(4)
    if head == b"\xd0\xcf\x11\xe0":
        why = (
            "berkasnya berformat Excel lama (.xls) atau dilindungi kata sandi",
            "it is an old Excel file (.xls) or protected by a password",
        )
    elif not zipfile.is_zipfile(path):
        why = (
            "berkasnya rusak, terpotong saat dikirim, atau bukan buku kerja Excel",
            "it is damaged, cut short in transit, or not an Excel workbook",
        )
    else:
        why = ("isi buku kerjanya rusak atau tidak lengkap", "the workbook inside is damaged or incomplete")
    return why[0 if lang == "id" else 1]


# What fastexcel, zipfile and the XML parser raise for a file that is not a whole workbook.
_UNREADABLE = (
    fastexcel.FastExcelError,
    OSError,
    EOFError,
    zipfile.BadZipFile,
    KeyError,
    ValueError,
    ElementTree.ParseError,
)


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
        if chosen is None:
            raise ValidationFailed(render("FILE_NO_SHEET", lang, value=path.name))
        name, headers, frame = chosen
        with zipfile.ZipFile(path) as archive:
            member = _sheet_xml_path(archive, name)
            header_row, first_column = _origin(archive, member) if member else (1, 0)
        xml = _sheet_xml(path, name)
    except ValidationFailed:
        raise
    except _UNREADABLE as exc:
        # The library's text may quote cells (personal data): only its kind is logged.
        log.debug("buku kerja tidak dapat dibaca (%s)", type(exc).__name__)
        raise ValidationFailed(render("FILE_XLSX_DAMAGED", lang, value=path.name, detail=_damaged(path, lang))) from exc
    return _Table(headers, frame, header_row, first_column, name, xml)


def _expand_merges(table: _Table, mapped: dict[int, str]) -> tuple[_Table, list[dict[str, object]]]:
    """Each merged range's value copied down every row it covers (fastexcel leaves them empty), and a
    warning on each of those rows for the mapped columns. Ranges on or above the header row are titles."""
    first_data_row = table.header_row + 1
    by_column: dict[int, list[tuple[int, int, int, int]]] = {}
    for top, left, bottom, right in merged_ranges(table.xml):
        column = left - table.first_column
        if top >= first_data_row and bottom > top and 0 <= column < table.frame.width:
            by_column.setdefault(column, []).append((top, left, bottom, right))
    issues: list[dict[str, object]] = []
    replaced = []
    for column, ranges in by_column.items():
        name = f"c{column}"
        values = table.frame.get_column(name).to_list()
        for top, left, bottom, right in ranges:
            first = top - first_data_row
            if first >= len(values):
                continue
            value = values[first]
            last = min(bottom - first_data_row, len(values) - 1)
            values[first + 1 : last + 1] = [value] * (last - first)
            if column in mapped:
                where = f"{_column_letter(left)}{top}:{_column_letter(right)}{bottom}"
                for r in range(top, top + last - first + 1):
                    issues.append(
                        {"row": r, "column": mapped[column], "value": value, "code": "CELL_MERGED", "detail": where}
                    )
        replaced.append(pl.Series(name, values, pl.String))
    if replaced:
        table = dataclasses.replace(table, frame=table.frame.with_columns(replaced))
    return table, issues


def _formula_issues(table: _Table, mapped: dict[int, str]) -> list[dict[str, object]]:
    issues = []
    for row, column, formula in formula_cells(table.xml):
        position = column - table.first_column
        if row > table.header_row and position in mapped:
            shown = f"={formula[:60]}" if formula else "rumus bersama"
            issues.append(
                {"row": row, "column": mapped[position], "value": None, "code": "CELL_FORMULA", "detail": shown}
            )
    return issues


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
    if len(warnings) > MAX_UNKNOWN_LISTED:
        # One issue, not one per column: a sheet with thousands of stray columns must stay readable.
        named = ", ".join(f'"{h[:40]}"' for h in headers.unknown[:5]) + ", …"
        count = thousands(len(headers.unknown))
        warnings = [
            Issue(
                table.header_row,
                None,
                "HEADER_UNKNOWN_MANY",
                render("HEADER_UNKNOWN_MANY", lang, value=named, detail=count),
                None,
                "warning",
            )
        ]
    first_data_row = table.header_row + 1
    mapped = {position: name for name, position in headers.positions.items()}
    # A row that is blank as submitted stays blank, even where a merged range runs past it.
    blank = table.frame.select(
        pl.all_horizontal([pl.col(f"c{p}").is_null() | (pl.col(f"c{p}").str.strip_chars() == "") for p in mapped])
    ).to_series()
    cell_issues = _formula_issues(table, mapped)
    table, merged = _expand_merges(table, mapped)
    cell_issues += merged
    raw = table.frame.with_columns(pl.int_range(first_data_row, pl.len() + first_data_row, dtype=pl.Int64).alias(ROW))
    frame = raw.select(
        pl.col(ROW).alias("row"),
        *[pl.col(f"c{position}").alias(name) for name, position in headers.positions.items()],
    )
    numeric: set[int] = set()
    if table.xml and "nik" in headers.positions:
        numeric = numeric_cell_rows(table.xml, table.first_column + headers.positions["nik"])
    frame = frame.with_columns(pl.col("row").is_in(list(numeric)).alias("_nik_numeric"))
    example = pl.lit(False)
    for name in ("nama", "kode"):
        if name in headers.positions:
            example = pl.col(name).str.strip_chars().str.to_lowercase().str.starts_with(EXAMPLE_PREFIX).fill_null(False)
            break
    keep = ~blank & frame.select(~example).to_series()
    frame, raw = frame.filter(keep), raw.filter(keep)
    if frame.height == 0:
        raise ValidationFailed(
            "Berkas tidak berisi baris data",
            [Issue(first_data_row, None, "FILE_NO_ROWS", render("FILE_NO_ROWS", lang))],
        )
    found = pl.DataFrame(
        [{**i, "severity": "warning" if i["code"] == "CELL_MERGED" else "error"} for i in cell_issues],
        schema=ISSUE_SCHEMA,
    ).filter(pl.col("row").is_in(frame.get_column("row").implode()))
    return Sheet(frame, raw, table.headers, headers, tuple(warnings), found.sort("row", "column"))
