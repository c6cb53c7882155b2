"""Small things a clerk notices in the first hour: formula cells in the CSV error file, times in the log."""

from __future__ import annotations

import csv
import datetime as dt
import logging
import re
from pathlib import Path
from typing import Any

import pytest

from lindung.intake.services import import_roster
from tests.integration.factories import row, solok_selatan, write_csv

HOSTILE = ["=cmd|' /C calc'!A0", "@SUM(A1)", "+62812", "-1", '=HYPERLINK("http://x","klik")']


@pytest.mark.django_db
def test_the_csv_error_file_writes_formula_cells_as_text(tmp_path: Path) -> None:
    solok_selatan()
    rows = [row("1311015507900001", name, wage=wage) for name, wage in zip(HOSTILE, HOSTILE, strict=True)]
    errors = tmp_path / "galat.csv"
    import_roster(
        write_csv(tmp_path / "r.csv", rows), "13.11", actor="test", today=dt.date(2026, 1, 5), errors_out=errors
    )
    with errors.open(encoding="utf-8-sig", newline="") as fh:
        written = list(csv.reader(fh))
    header, body = written[0], written[1:]
    names = [line[header.index("Nama Lengkap")] for line in body]
    wages = [line[header.index("Gaji")] for line in body]
    assert names == ["'" + h for h in HOSTILE]
    assert wages == ["'" + h for h in HOSTILE]
    # Nothing else is touched: NIKs and units stay as submitted.
    assert {line[header.index("NIK")] for line in body} == {"1311015507900001"}
    assert {line[header.index("Kode Unit")] for line in body} == {"DINKES"}
    # The explanation column, which starts with the column name, is never a formula either.
    assert not any(line[-1].startswith(("=", "+", "-", "@")) for line in body)


def test_log_lines_carry_the_utc_offset_of_jakarta(settings: Any) -> None:
    for name in ("stamped", "server"):
        spec = settings.LOGGING["formatters"][name]
        formatter = logging.Formatter(spec["format"], spec["datefmt"], spec["style"])
        record = logging.LogRecord("lindung", logging.INFO, __file__, 1, "siap", None, None)
        record.created = dt.datetime(2026, 12, 3, 2, 0, tzinfo=dt.UTC).timestamp()
        line = formatter.format(record)
        # 02:00 UTC is 09:00 in Jakarta (WIB, UTC+7): the line says both the local time and the offset.
        assert re.match(r"2026-12-03 09:00:00\+0700 ", line), line
    assert settings.LOGGING["loggers"]["django.server"]["handlers"] == ["server"]
