"""Fuzzing the roster check with real .csv and .xlsx bytes: random encodings, separators, formulas, merged
ranges, huge, empty and control-character cells, and trailing garbage. The property: `check_roster` either
judges the file (issues or none) or refuses it with a LindungError that is a sentence; it never raises
anything else, so neither the command line nor the upload page can answer with a traceback or a 500."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lindung.domain.errors import LindungError
from lindung.intake.services import check_roster
from lindung.registry.models import Employer
from tests.integration.factories import HEADER, solok_selatan

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 23)

HOSTILE = [
    "=cmd|' /C calc'!A0",
    "@SUM(A1)",
    "+62812",
    "-1",
    "\t=1",
    "\r",
    "<script>x</script>",
    '"',
    '""',
    ";",
    ",",
    "\n",
    "'1311015507900001",
    "1,31E+15",
    "1311015507900001",
    "DINKES",
    "THL",
    "02/01/2024",
    "2.500.000",
    "x" * 5000,
    "",
    " ",
    "\x00",
    "\x1a",
    "\ufeff",
    "ﾃｽﾄ",
    "Désiré",
]
cell = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=30))
header_cell = st.one_of(st.sampled_from(HEADER), st.sampled_from(HOSTILE), st.text(max_size=12))
headers = st.one_of(
    st.just(HEADER),
    st.lists(header_cell, min_size=0, max_size=12),
    st.builds(lambda extra: [*HEADER, *extra], st.lists(header_cell, max_size=30)),
)
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "cp1252", "latin-1", "shift_jis", "utf-32"]
FUZZ = settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@pytest.fixture
def employer() -> Employer:
    return solok_selatan()


def judged_or_refused(path: Path, employer: Employer) -> None:
    try:
        checked = check_roster(path, employer, None, TODAY, "id")
    except LindungError as exc:
        message = str(exc)
        assert message and "Traceback" not in message and "calamine" not in message
    else:
        assert checked.issues.height >= 0 and checked.sheet.frame.height > 0


@FUZZ
@given(
    header=headers,
    rows=st.lists(st.lists(cell, max_size=12), max_size=8),
    separator=st.sampled_from([";", ",", "\t", "|"]),
    encoding=st.sampled_from(ENCODINGS),
    garbage=st.one_of(st.just(b""), st.binary(max_size=40)),
)
def test_any_csv_is_judged_or_refused_with_a_sentence(
    employer: Employer, header: list[str], rows: list[list[str]], separator: str, encoding: str, garbage: bytes
) -> None:
    text = "\n".join(separator.join(line) for line in [header, *rows])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.csv"
        path.write_bytes(text.encode(encoding, errors="replace") + garbage)
        judged_or_refused(path, employer)


merge = st.tuples(st.integers(0, 7), st.integers(0, 9), st.integers(0, 3), st.integers(0, 2))


@FUZZ
@given(
    header=headers,
    rows=st.lists(
        st.lists(st.one_of(cell, st.integers(-10, 10**16), st.floats(allow_nan=True)), max_size=10), max_size=8
    ),
    formulas=st.lists(
        st.tuples(st.integers(1, 8), st.integers(0, 9), st.sampled_from(["=1+1", "=A1", '="x"&B2'])), max_size=3
    ),
    merges=st.lists(merge, max_size=3),
    origin=st.tuples(st.integers(0, 3), st.integers(0, 3)),
    cut=st.one_of(st.none(), st.integers(10, 4000)),
)
def test_any_workbook_is_judged_or_refused_with_a_sentence(
    employer: Employer,
    header: list[str],
    rows: list[list[object]],
    formulas: list[tuple[int, int, str]],
    merges: list[tuple[int, int, int, int]],
    origin: tuple[int, int],
    cut: int | None,
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.xlsx"
        book = xlsxwriter.Workbook(str(path), {"nan_inf_to_errors": True})
        sheet = book.add_worksheet("Daftar Pekerja")
        top, left = origin
        taken: set[tuple[int, int]] = set()
        for first_row, first_col, down, across in merges:
            cells = {
                (r, c) for r in range(first_row, first_row + down + 1) for c in range(first_col, first_col + across + 1)
            }
            if (down or across) and not cells & taken:  # xlsxwriter refuses overlapping ranges, as Excel does
                taken |= cells
                sheet.merge_range(
                    top + first_row, left + first_col, top + first_row + down, left + first_col + across, ""
                )
        for c, value in enumerate(header):
            sheet.write_string(top, left + c, value)
        for r, values in enumerate(rows, start=1):
            for c, value in enumerate(values):
                if isinstance(value, str):
                    sheet.write_string(top + r, left + c, value)
                else:
                    sheet.write_number(top + r, left + c, value)
        for r, c, formula in formulas:
            sheet.write_formula(top + r, left + c, formula)
        book.close()
        if cut is not None:
            path.write_bytes(path.read_bytes()[:cut])  # a file cut short in transit
        judged_or_refused(path, employer)
