"""Reading the workbooks a command wrote, without leaving a file open.

openpyxl's read-only mode keeps the file open until the workbook is closed; a test that forgets fails later,
in whichever test runs when the garbage collector finds it (filterwarnings = error). Reading the bytes first
leaves nothing open."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
from openpyxl.workbook import Workbook


def read_book(path: Path, **options: bool) -> Workbook:
    return openpyxl.load_workbook(io.BytesIO(Path(path).read_bytes()), **options)
