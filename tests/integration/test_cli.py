"""The `lindung` command as a Pemda IT officer runs it: real processes, exit codes, JSON on stdout."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from tests.integration.factories import row, write_csv


def own_database(tmp_path_factory: pytest.TempPathFactory, label: str = "cli") -> Iterator[str]:
    """A database of their own for the subprocesses (they commit; the tests' database rolls back)."""
    settings = connection.settings_dict
    if connection.vendor != "postgresql":
        yield f"sqlite:///{tmp_path_factory.mktemp(label + '-db') / (label + '.sqlite3')}"
        return
    server = f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}"
    name = f"lindung_{label}_{os.getpid()}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    yield f"{server}/{name}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from own_database(tmp_path_factory)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory, database_url: str) -> Path:
    cwd = tmp_path_factory.mktemp("cli")
    (cwd / ".database_url").write_text(database_url)
    init = lindung("init", cwd=cwd)
    assert init.returncode == 0, init.stderr
    return cwd


def lindung(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the real console command, as `lindung ...`, against the module's database."""
    env = dict(os.environ, LINDUNG_ALLOW_DEV_KEY="1", LINDUNG_DATABASE_URL=(cwd / ".database_url").read_text())
    return subprocess.run(
        [sys.executable, "-m", "lindung", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_nik_check_prints_json_per_nik_and_exits_1_when_one_is_rejected(workdir: Path) -> None:
    done = lindung("nik", "check", "1311015507900001", "1311013102900001", "--format", "json", cwd=workdir)
    assert done.returncode == 1
    first, second = json.loads(done.stdout)
    assert first["valid"] and first["birth_date"] == "1990-07-15" and first["sex"] == "P"
    assert (first["province_code"], first["regency_code"], first["district_code"]) == (
        "13",
        "13.11",
        "13.11.01",
    )
    assert not second["valid"] and second["errors"][0]["code"] == "NIK_DATE"
    assert "tidak mungkin" in second["errors"][0]["message"]
    ok = lindung("nik", "check", "1311015507900001", cwd=workdir)
    assert ok.returncode == 0 and "SAH" in ok.stdout


def test_usage_errors_exit_2(workdir: Path) -> None:
    assert lindung("nik", "check", cwd=workdir).returncode == 2
    assert lindung("roster", "import", "x.csv", cwd=workdir).returncode == 2  # --employer missing
    unknown = lindung("roster", "import", "x.csv", "--employer", "99.99", cwd=workdir)
    assert unknown.returncode == 2 and "belum terdaftar" in unknown.stderr


def test_setting_up_a_pemda_and_importing_its_roster_from_the_command_line(workdir: Path) -> None:
    assert lindung("employer", "add", "--region", "13.11", cwd=workdir).returncode == 0
    again = lindung("employer", "add", "--region", "13.11", "--format", "json", cwd=workdir)
    assert json.loads(again.stdout)["outcome"] == "unchanged"
    units = workdir / "unit.csv"
    units.write_text("Kode Unit,Nama Unit,Jenis\nDINKES,Dinas Kesehatan,Dinas\nNGR-PT,Nagari Pasir Talang,Nagari\n")
    assert lindung("units", "import", str(units), "--employer", "13.11", "--commit", cwd=workdir).returncode == 0
    units_again = lindung("units", "import", str(units), "--employer", "13.11", "--format", "json", cwd=workdir)
    assert json.loads(units_again.stdout)["unchanged"] == 2

    roster = write_csv(
        workdir / "r.csv",
        [row("1311015507900001", "Siti Aminah"), row("1311011203850002", "Budi", unit="XXX")],
    )
    dry = lindung("roster", "import", str(roster), "--employer", "13.11", "--format", "json", cwd=workdir)
    assert dry.returncode == 1
    report = json.loads(dry.stdout)
    assert {k: report[k] for k in ("rows", "new", "changed", "unchanged", "rejected", "warned")} == {
        "rows": 2,
        "new": 1,
        "changed": 0,
        "unchanged": 0,
        "rejected": 1,
        "warned": 0,
    }
    assert report["issues"] == [
        {
            "row": 3,
            "column": "Kode Unit",
            "value": "XXX",
            "code": "UNIT_UNKNOWN",
            "message": 'Unit kerja "XXX" tidak terdaftar pada Pemda ini.',
            "severity": "error",
        }
    ]
    partial = lindung(
        "roster",
        "import",
        str(roster),
        "--employer",
        "13.11",
        "--partial",
        "--lang",
        "en",
        "--errors",
        str(workdir / "galat.xlsx"),
        cwd=workdir,
    )
    assert partial.returncode == 1 and "1 new" in partial.stdout and (workdir / "galat.xlsx").is_file()
    clean = write_csv(workdir / "ok.csv", [row("1311015507900001", "Siti Aminah")])
    assert lindung("roster", "import", str(clean), "--employer", "13.11", "--commit", cwd=workdir).returncode == 0


def test_the_template_command_refuses_to_overwrite_without_force(workdir: Path) -> None:
    out = workdir / "templat.xlsx"
    assert lindung("roster", "template", "--out", str(out), cwd=workdir).returncode == 0
    refused = lindung("roster", "template", "--out", str(out), cwd=workdir)
    assert refused.returncode == 2 and "--force" in refused.stderr
    assert lindung("roster", "template", "--out", str(out), "--force", cwd=workdir).returncode == 0


def test_errors_are_json_when_json_is_asked_and_english_when_english_is(workdir: Path) -> None:
    missing = lindung("roster", "import", "hilang.csv", "--employer", "99.99", "--format", "json", cwd=workdir)
    assert missing.returncode == 2
    assert json.loads(missing.stdout)["error"] == "NotFound"
    bad = workdir / "bad.csv"
    bad.write_text("NIK;Nama\n1311015507900001;Siti\n")
    assert lindung("employer", "add", "--region", "13.11", cwd=workdir).returncode == 0
    english = lindung("roster", "import", str(bad), "--employer", "13.11", "--lang", "en", cwd=workdir)
    assert english.returncode == 1
    assert "row 1, column Kode Unit" in english.stderr and "ERROR HEADER_MISSING" in english.stderr
    assert "The header row is incomplete." in english.stderr


def test_a_hostile_file_on_the_command_line_is_one_sentence_and_exit_2(workdir: Path) -> None:
    assert lindung("employer", "add", "--region", "13.11", cwd=workdir).returncode == 0
    cases = {
        "jepang.csv": "NIK;Nama Lengkap;Catatan、\n".encode("shift_jis"),
        "biner.csv": b"NIK;Nama\x00\x01\n",
        "rusak.xlsx": b"PK\x03\x04" + b"\x00" * 64,
    }
    for name, content in cases.items():
        (workdir / name).write_bytes(content)
        for lang, words in (("id", "Berkas " + name), ("en", "File " + name)):
            done = lindung("roster", "import", name, "--employer", "13.11", "--lang", lang, cwd=workdir)
            assert done.returncode in (1, 2), done.stderr
            assert words in done.stderr and "Traceback" not in done.stderr, done.stderr
            assert "calamine" not in done.stderr and "Error" not in done.stderr, done.stderr
    utf16 = write_csv(workdir / "unicode.csv", [row("1311015507900001", "Siti Aminah")])
    utf16.write_bytes(utf16.read_text(encoding="utf-8").encode("utf-16"))
    read = lindung("roster", "import", str(utf16), "--employer", "13.11", "--format", "json", cwd=workdir)
    assert json.loads(read.stdout)["rows"] == 1, read.stdout
