"""Checks before a command or the web server starts, and the sentence for each way the machine can be wrong.

A database that does not exist, was never initialised or needs its upgrade, a PostgreSQL server that
cannot be reached or refuses the login, a data folder that cannot be written, a missing font: each is a
`ConfigProblem` with what is wrong and the command that fixes it, in Bahasa Indonesia and in English.
`explain` turns a database error met later (the server went away mid-way) into the same kind of sentence.

Some settings do not stop lindung but are wrong on a real server: `warnings()` names them (a `Notice`, also in
both languages), and `check_public_url` is the same as a Django system check, so `lindung check` and
`lindung serve` print it; gunicorn's start (wsgi.py) and `lindung certificate issue` print it too.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core import checks
from django.db import DatabaseError, connection

from lindung.config import ConfigProblem

INIT = "`lindung init`"


def check_database() -> None:
    """The database exists, answers, and holds every migration of this version of lindung."""
    if connection.vendor == "sqlite":
        _check_sqlite_file(Path(str(connection.settings_dict["NAME"])))
    try:
        connection.ensure_connection()
        tables = set(connection.introspection.table_names())
    except DatabaseError as exc:
        raise explain(exc) from exc
    if "django_migrations" not in tables or "regions_region" not in tables:
        raise ConfigProblem(
            f"Basis data {_where()} belum disiapkan: jalankan {INIT} dahulu (atau `make run` untuk demo).",
            f"The database {_where()} is not initialised: run {INIT} first (or `make run` for the demo).",
        )
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if pending:
        names = ", ".join(f"{m.app_label}.{m.name}" for m, _ in pending[:3]) + (" …" if len(pending) > 3 else "")
        raise ConfigProblem(
            f"Basis data {_where()} perlu diperbarui ke versi lindung ini ({len(pending)} migrasi belum "
            f"dijalankan: {names}): jalankan {INIT}.",
            f"The database {_where()} needs upgrading to this version of lindung ({len(pending)} migrations "
            f"not applied: {names}): run {INIT}.",
        )


def _check_sqlite_file(path: Path) -> None:
    if not path.is_file():
        raise ConfigProblem(
            f"Basis data {path} belum ada: jalankan {INIT} di folder ini (atau `make run` untuk demo), atau "
            "setel LINDUNG_DATABASE_URL ke basis data yang sudah ada.",
            f"The database {path} does not exist: run {INIT} in this folder (or `make run` for the demo), or "
            "set LINDUNG_DATABASE_URL to an existing database.",
        )


def check_data_dir() -> None:
    """LINDUNG_DATA_DIR can be created and written (uploads, error workbooks, card files, the cache)."""
    folder = Path(settings.DATA_DIR)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".write-check-"):
            pass
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise ConfigProblem(
            f"Folder data {folder} tidak bisa ditulis ({reason}): beri izin tulis kepada pengguna yang "
            "menjalankan lindung (mis. `chown`), atau setel LINDUNG_DATA_DIR ke folder yang bisa ditulis.",
            f"The data folder {folder} cannot be written ({reason}): let the user who runs lindung write it "
            "(e.g. `chown`), or set LINDUNG_DATA_DIR to a writable folder.",
        ) from None


def check_fonts() -> None:
    """The DejaVu Sans files every PDF embeds."""
    from lindung.coverage.pdf import FONT_PACKAGE, FontNotInstalled, font_paths

    try:
        font_paths()
    except FontNotInstalled as exc:
        missing = ", ".join(exc.missing)
        raise ConfigProblem(
            f"Fon untuk PDF tidak ditemukan ({missing}): pasang dengan `apt-get install {FONT_PACKAGE}` "
            "(atau `make system-packages`), atau setel LINDUNG_FONT_DIR.",
            f"The font for PDFs is missing ({missing}): install it with `apt-get install {FONT_PACKAGE}` "
            "(or `make system-packages`), or set LINDUNG_FONT_DIR.",
        ) from None


def check_all(*, fonts: bool) -> None:
    check_database()
    check_data_dir()
    if fonts:
        check_fonts()


@dataclass(frozen=True)
class Notice:
    """A warning that lets lindung run: what is wrong and what to do, in Bahasa Indonesia and in English."""

    message: str
    english: str
    hint: str = ""
    english_hint: str = ""

    def text(self, lang: str = "id") -> str:
        message, hint = (self.english, self.english_hint) if lang == "en" else (self.message, self.hint)
        return f"{message} {hint}".strip()


def real_server() -> bool:
    """Not a development machine: LINDUNG_DEBUG is off and LINDUNG_ALLOW_DEV_KEY is not set (`make` and the tests
    set it). The development key is allowed only with one of the two, so a real server has a key of its own."""
    return not settings.DEBUG and os.environ.get("LINDUNG_ALLOW_DEV_KEY") != "1"


def public_url_is_default() -> bool:
    return str(settings.PUBLIC_URL).rstrip("/") == settings.DEFAULT_PUBLIC_URL


def public_url_notice() -> Notice | None:
    """On a real server without LINDUNG_PUBLIC_URL the QR codes point to this machine's loopback address."""
    if not real_server() or not public_url_is_default():
        return None
    url = settings.DEFAULT_PUBLIC_URL
    return Notice(
        f"Peringatan: LINDUNG_PUBLIC_URL belum diatur, jadi kode QR pada sertifikat, piagam dan kartu menunjuk ke "
        f"{url}, yang tidak bisa dibuka dari ponsel atau komputer lain.",
        f"Warning: LINDUNG_PUBLIC_URL is not set, so the QR codes of certificates, awards and cards point to {url}, "
        "which no other phone or computer can open.",
        "Atur alamat publik aplikasi ini: export LINDUNG_PUBLIC_URL=https://lindung.contoh.go.id, atau "
        'public_url = "https://lindung.contoh.go.id" di lindung.toml.',
        "Set the public address of this application: export LINDUNG_PUBLIC_URL=https://lindung.example.go.id, or "
        'public_url = "https://lindung.example.go.id" in lindung.toml.',
    )


def warnings() -> list[Notice]:
    notice = public_url_notice()
    return [notice] if notice else []


def check_public_url(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """`public_url_notice` as a Django system check (lindung.W001), for `lindung check` and `lindung serve`."""
    notice = public_url_notice()
    if notice is None:
        return []
    english = os.environ.get("LINDUNG_LANG", "id") == "en"
    return [
        checks.Warning(
            notice.english if english else notice.message,
            hint=notice.english_hint if english else notice.hint,
            id="lindung.W001",
        )
    ]


def _where() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return str(db["NAME"])
    return f"{db.get('NAME')} di {db.get('HOST') or 'localhost'}:{db.get('PORT') or 5432}"


def explain(exc: DatabaseError) -> ConfigProblem:
    """The sentence for a database error: what the server said, in words, and what to do."""
    text = str(exc)
    low = text.lower()
    db = connection.settings_dict
    host = f"{db.get('HOST') or 'localhost'}:{db.get('PORT') or 5432}"
    if "no such table" in low or ("relation" in low and "does not exist" in low):
        return ConfigProblem(
            f"Basis data {_where()} belum disiapkan atau belum diperbarui: jalankan {INIT}.",
            f"The database {_where()} is not initialised or not upgraded: run {INIT}.",
        )
    if "readonly database" in low or "read-only" in low or "unable to open database file" in low:
        return ConfigProblem(
            f"Basis data {_where()} tidak bisa ditulis (berkasnya atau foldernya hanya-baca): beri izin tulis "
            "kepada pengguna yang menjalankan lindung, atau setel LINDUNG_DATABASE_URL ke tempat lain.",
            f"The database {_where()} cannot be written (its file or folder is read-only): let the user who "
            "runs lindung write it, or set LINDUNG_DATABASE_URL elsewhere.",
        )
    if "database" in low and "does not exist" in low:
        return ConfigProblem(
            f"Basis data PostgreSQL {db.get('NAME')} belum ada di {host}: buat dengan `createdb {db.get('NAME')}`, "
            f"lalu jalankan {INIT}.",
            f"The PostgreSQL database {db.get('NAME')} does not exist on {host}: create it with "
            f"`createdb {db.get('NAME')}`, then run {INIT}.",
        )
    if "password authentication failed" in low or ("role" in low and "does not exist" in low):
        return ConfigProblem(
            f"PostgreSQL di {host} menolak login pengguna {db.get('USER')}: periksa nama pengguna dan kata sandi "
            "di LINDUNG_DATABASE_URL.",
            f"PostgreSQL on {host} refused the login of user {db.get('USER')}: check the user name and password "
            "in LINDUNG_DATABASE_URL.",
        )
    if "connection" in low or "could not connect" in low or "timeout" in low or "server closed" in low:
        return ConfigProblem(
            f"Server PostgreSQL di {host} tidak dapat dihubungi: pastikan server berjalan "
            "(`systemctl status postgresql`) dan LINDUNG_DATABASE_URL menunjuk ke alamat dan port yang benar.",
            f"The PostgreSQL server on {host} cannot be reached: make sure it runs "
            "(`systemctl status postgresql`) and that LINDUNG_DATABASE_URL names the right address and port.",
        )
    first = text.strip().splitlines()[0] if text.strip() else type(exc).__name__
    return ConfigProblem(
        f"Basis data {_where()} menjawab dengan galat: {first}. Bila basis data baru saja diperbarui, jalankan "
        f"{INIT}; bila masih gagal, ulangi dengan --traceback dan laporkan.",
        f"The database {_where()} answered with an error: {first}. If it was just upgraded, run {INIT}; if it "
        "still fails, repeat with --traceback and report it.",
    )
