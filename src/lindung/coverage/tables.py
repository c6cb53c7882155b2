"""Report tables: one shape for every coverage, target, regional and compliance table, written to .xlsx
(one sheet each) and to the printable PDF report from the same rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Literal

import xlsxwriter

Kind = Literal["text", "int", "percent", "money", "date"]
Cell = str | int | Decimal | dt.date | None


@dataclass(frozen=True)
class Column:
    label: str
    kind: Kind = "text"
    width: int = 14


@dataclass(frozen=True)
class Table:
    title: str  # also the sheet name (cut to Excel's 31 characters)
    columns: Sequence[Column]
    rows: Sequence[Sequence[Cell]]
    note: str = ""  # printed under the title: the day, the source, the weights


def write_xlsx(path: Path, tables: Sequence[Table]) -> Path:
    """Every table on its own sheet, with a title row, a note, a header and typed cells.

    Percentages are stored as numbers (12.5 for 12.5%), money as whole rupiah, so they sum in a
    spreadsheet; codes stay text so leading zeros and dots survive."""
    book = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
    title = book.add_format({"bold": True, "font_size": 13})
    header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
    formats = {
        "text": book.add_format({"num_format": "@"}),
        "int": book.add_format({"num_format": "#,##0"}),
        "percent": book.add_format({"num_format": "0.0"}),
        "money": book.add_format({"num_format": "#,##0"}),
        "date": book.add_format({"num_format": "yyyy-mm-dd"}),
    }
    used: set[str] = set()
    for table in tables:
        name = table.title[:31]
        for ch in "[]:*?/\\":
            name = name.replace(ch, "-")
        base, n = name, 2
        while name.lower() in used:
            name = f"{base[:28]} {n}"
            n += 1
        used.add(name.lower())
        sheet = book.add_worksheet(name)
        sheet.write_string(0, 0, table.title, title)
        if table.note:
            sheet.write_string(1, 0, table.note)
        for col, column in enumerate(table.columns):
            sheet.set_column(col, col, column.width)
            sheet.write_string(3, col, column.label, header)
        for r, row in enumerate(table.rows, start=4):
            for col, (column, value) in enumerate(zip(table.columns, row, strict=True)):
                fmt = formats[column.kind]
                if value is None:
                    sheet.write_blank(r, col, None, fmt)
                elif isinstance(value, dt.date):
                    sheet.write_datetime(r, col, dt.datetime.combine(value, dt.time()), fmt)
                elif isinstance(value, int | Decimal) and not isinstance(value, bool):
                    sheet.write_number(r, col, float(value) if isinstance(value, Decimal) else value, fmt)
                else:
                    sheet.write_string(r, col, str(value), fmt)
        sheet.freeze_panes(4, 0)
        if table.rows:
            sheet.autofilter(3, 0, 3 + len(table.rows), len(table.columns) - 1)
    book.close()
    return path
