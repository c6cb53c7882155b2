"""A machine that is not ready gets one sentence with the command that fixes it: exit 2, no traceback.

Each case runs the real `lindung` console command (and the web server's start) in a folder of its own with
no LINDUNG_* variable but the ones the case sets, as someone who has never seen lindung would.
"""

from __future__ import annotations

import os
import shutil
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

BIN = Path(sys.executable).parent
ON_POSTGRES = os.environ.get("LINDUNG_DATABASE_URL", "").startswith("postgres")
sqlite_only = pytest.mark.skipif(ON_POSTGRES, reason="SQLite files of its own: run once, in the SQLite half")
postgres_only = pytest.mark.skipif(not ON_POSTGRES, reason="needs the test run's PostgreSQL server")
KEY = {"LINDUNG_SECRET_KEY": "a-test-key-that-is-long-enough-for-the-test-run-only-0123456789"}


def lindung(*args: str, cwd: Path, env: dict[str, str] | None = None, program: str = "lindung") -> tuple[int, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("LINDUNG_", "DJANGO_"))}
    done = subprocess.run(
        [str(BIN / program), *args], cwd=cwd, env=clean | (env or {}), capture_output=True, text=True, timeout=120
    )
    return done.returncode, done.stdout + done.stderr


def one_sentence(output: str) -> str:
    assert "Traceback" not in output, output
    lines = [line for line in output.splitlines() if line.strip()]
    assert len(lines) == 1, output
    return lines[0]


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database with every table but no regions (`lindung migrate`: quicker than `init`)."""
    folder = tmp_path_factory.mktemp("migrated")
    status, output = lindung("migrate", "--verbosity", "0", cwd=folder, env=KEY)
    assert status == 0, output
    return folder / "lindung.sqlite3"


def copy_of(database: Path, folder: Path) -> str:
    shutil.copy(database, folder / "lindung.sqlite3")
    return f"sqlite:///{folder / 'lindung.sqlite3'}"


@sqlite_only
def test_no_secret_key_says_how_to_get_one_in_both_languages(tmp_path: Path) -> None:
    status, output = lindung("nik", "check", "1311015507900001", cwd=tmp_path)
    assert status == 2
    assert "LINDUNG_SECRET_KEY belum diatur" in one_sentence(output)
    assert "make run" in output
    status, output = lindung("nik", "check", "1311015507900001", "--lang", "en", cwd=tmp_path)
    assert status == 2
    assert "LINDUNG_SECRET_KEY is not set" in one_sentence(output)


@sqlite_only
def test_the_key_comes_from_lindung_toml_in_the_folder(tmp_path: Path) -> None:
    (tmp_path / "lindung.toml").write_text(f'secret_key = "{KEY["LINDUNG_SECRET_KEY"]}"\n')
    status, output = lindung("nik", "check", "1311015507900001", cwd=tmp_path)
    assert status == 2
    assert "LINDUNG_SECRET_KEY" not in output  # the key was found; the database is what is missing now
    assert "belum ada" in one_sentence(output)


@sqlite_only
def test_an_unknown_name_in_lindung_toml_is_named(tmp_path: Path) -> None:
    (tmp_path / "lindung.toml").write_text('secret = "x"\n')
    status, output = lindung("nik", "check", "1311015507900001", cwd=tmp_path)
    assert status == 2
    assert "secret" in one_sentence(output)
    assert "secret_key" in output


@sqlite_only
def test_a_missing_database_is_not_created_and_names_lindung_init(tmp_path: Path) -> None:
    status, output = lindung("nik", "check", "1311015507900001", cwd=tmp_path, env=KEY)
    assert status == 2
    sentence = one_sentence(output)
    assert "belum ada" in sentence
    assert "lindung init" in sentence
    assert not (tmp_path / "lindung.sqlite3").exists()
    status, output = lindung("coverage", "--lang", "en", cwd=tmp_path, env=KEY)
    assert status == 2
    assert "does not exist: run `lindung init`" in one_sentence(output)


@sqlite_only
def test_an_empty_database_asks_for_lindung_init(tmp_path: Path) -> None:
    (tmp_path / "lindung.sqlite3").touch()
    status, output = lindung("nik", "check", "1311015507900001", cwd=tmp_path, env=KEY)
    assert status == 2
    assert "belum disiapkan: jalankan `lindung init`" in one_sentence(output)


@sqlite_only
def test_a_missing_migration_asks_for_the_upgrade(tmp_path: Path, migrated: Path) -> None:
    url = copy_of(migrated, tmp_path)
    with sqlite3.connect(tmp_path / "lindung.sqlite3") as db:
        (latest,) = db.execute("SELECT max(name) FROM django_migrations WHERE app = 'billing'").fetchone()
        db.execute("DELETE FROM django_migrations WHERE app = 'billing' AND name = ?", (latest,))
    status, output = lindung("coverage", cwd=tmp_path, env=KEY | {"LINDUNG_DATABASE_URL": url})
    assert status == 2
    sentence = one_sentence(output)
    assert "perlu diperbarui" in sentence
    assert f"billing.{latest}" in sentence
    assert "lindung init" in sentence


@sqlite_only
def test_a_migrated_database_passes_the_checks(tmp_path: Path, migrated: Path) -> None:
    """The control case: the same database with nothing missing runs the command."""
    url = copy_of(migrated, tmp_path)
    status, output = lindung("arrears", cwd=tmp_path, env=KEY | {"LINDUNG_DATABASE_URL": url})
    assert status == 0, output


@sqlite_only
def test_a_data_folder_that_cannot_be_written_is_named(tmp_path: Path, migrated: Path) -> None:
    url = copy_of(migrated, tmp_path)
    # /proc refuses new folders even to root, who may write everywhere else.
    env = KEY | {"LINDUNG_DATABASE_URL": url, "LINDUNG_DATA_DIR": "/proc/lindung-data"}
    status, output = lindung("arrears", cwd=tmp_path, env=env)
    assert status == 2
    sentence = one_sentence(output)
    assert "/proc/lindung-data tidak bisa ditulis" in sentence
    assert "LINDUNG_DATA_DIR" in sentence


@sqlite_only
def test_a_missing_font_stops_the_pdf_commands_and_the_web_server(tmp_path: Path, migrated: Path) -> None:
    url = copy_of(migrated, tmp_path)
    env = KEY | {"LINDUNG_DATABASE_URL": url, "LINDUNG_FONT_DIR": str(tmp_path / "no-fonts")}
    for args in (("coverage", "--pdf", "laporan.pdf"), ("serve", "--port", str(free_port()))):
        status, output = lindung(*args, cwd=tmp_path, env=env)
        assert status == 2, args
        assert "apt-get install fonts-dejavu-core" in one_sentence(output)
    assert not (tmp_path / "laporan.pdf").exists()


@sqlite_only
def test_the_web_server_does_not_start_on_an_uninitialised_database(tmp_path: Path) -> None:
    (tmp_path / "lindung.sqlite3").touch()
    status, output = lindung("serve", "--port", str(free_port()), cwd=tmp_path, env=KEY)
    assert status == 2
    assert "lindung init" in one_sentence(output)
    # gunicorn: the worker stops the start with the same sentence, and gunicorn stops instead of retrying.
    status, output = lindung(
        "lindung.wsgi:application", "-b", f"127.0.0.1:{free_port()}", cwd=tmp_path, env=KEY, program="gunicorn"
    )
    assert status == 3
    assert "belum disiapkan: jalankan `lindung init`" in output
    assert "Traceback" not in output


@sqlite_only
def test_a_wrong_database_url_says_what_to_write(tmp_path: Path) -> None:
    status, output = lindung("coverage", cwd=tmp_path, env=KEY | {"LINDUNG_DATABASE_URL": "mysql://x@h/db"})
    assert status == 2
    assert "postgres://" in one_sentence(output)


@sqlite_only
def test_an_unreachable_postgresql_names_the_address(tmp_path: Path) -> None:
    url = f"postgres://lindung@127.0.0.1:{free_port()}/lindung"
    status, output = lindung("coverage", cwd=tmp_path, env=KEY | {"LINDUNG_DATABASE_URL": url})
    assert status == 2
    sentence = one_sentence(output)
    assert "tidak dapat dihubungi" in sentence
    assert "127.0.0.1" in sentence


@sqlite_only
def test_traceback_shows_the_trace_for_a_bug_report(tmp_path: Path) -> None:
    (tmp_path / "lindung.sqlite3").touch()
    status, output = lindung("nik", "check", "1311015507900001", "--traceback", cwd=tmp_path, env=KEY)
    assert status != 0
    assert "Traceback (most recent call last)" in output
    assert "ConfigProblem" in output


@postgres_only
@pytest.mark.django_db
def test_a_postgresql_database_that_does_not_exist_names_createdb(tmp_path: Path) -> None:
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/lindung_tidak_ada"
    status, output = lindung("coverage", cwd=tmp_path, env=KEY | {"LINDUNG_DATABASE_URL": url})
    assert status == 2
    assert "createdb lindung_tidak_ada" in one_sentence(output)


@postgres_only
@pytest.mark.django_db
def test_an_uninitialised_postgresql_database_asks_for_lindung_init(tmp_path: Path) -> None:
    import psycopg

    db = connection.settings_dict
    server = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}"
    name = f"lindung_kosong_{os.getpid()}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        env = KEY | {"LINDUNG_DATABASE_URL": f"{server}/{name}"}
        status, output = lindung("coverage", "--lang", "en", cwd=tmp_path, env=env)
        assert status == 2
        assert "is not initialised: run `lindung init`" in one_sentence(output)
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
