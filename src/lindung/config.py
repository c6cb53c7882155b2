"""Where the settings come from: the environment first, then `lindung.toml` in the working directory.

`make run` writes `lindung.toml` beside the demo's SQLite file with a generated development key, so that
every `lindung` command typed in that folder (the README's examples) finds the same key without an
`export`. A real server sets `LINDUNG_*` variables instead; a variable always wins over the file.

The file holds the same names as the variables, in lower case and without the prefix:

    secret_key = "..."
    database_url = "postgres://lindung:rahasia@127.0.0.1:5432/lindung"
    data_dir = "/var/lib/lindung"

`LINDUNG_CONFIG` names another file; set it empty to read none. `python -m lindung.config` prints a new
development file (the Makefile writes it once, never over an existing one).

Every problem found here is a `ConfigProblem`: a sentence in Bahasa Indonesia and in English saying what
is wrong and what to do, which the command line prints instead of a traceback.
"""

from __future__ import annotations

import os
import secrets
import tomllib
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

DEFAULT_FILE = "lindung.toml"
KEYS = (
    "database_url",
    "secret_key",
    "debug",
    "https",
    "data_dir",
    "allowed_hosts",
    "public_url",
    "static_root",
    "font_dir",
)


class ConfigProblem(ImproperlyConfigured):
    """A setting that stops lindung from starting, told in both languages with the command that fixes it."""

    def __init__(self, message: str, english: str) -> None:
        super().__init__(message)
        self.message = message
        self.english = english

    def text(self, lang: str = "id") -> str:
        return self.english if lang == "en" else self.message


def config_file() -> Path | None:
    named = os.environ.get("LINDUNG_CONFIG")
    if named is not None:
        return Path(named) if named else None
    path = Path.cwd() / DEFAULT_FILE
    return path if path.is_file() else None


def _read(path: Path | None) -> dict[str, object]:
    if path is None:
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigProblem(
            f"Berkas konfigurasi {path} (LINDUNG_CONFIG) tidak ada: perbaiki LINDUNG_CONFIG atau kosongkan.",
            f"The configuration file {path} (LINDUNG_CONFIG) does not exist: correct LINDUNG_CONFIG or empty it.",
        ) from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigProblem(
            f"Berkas konfigurasi {path} tidak bisa dibaca ({exc}): perbaiki atau hapus berkas itu.",
            f"The configuration file {path} cannot be read ({exc}): correct or delete it.",
        ) from None
    unknown = sorted(set(data) - set(KEYS))
    if unknown:
        raise ConfigProblem(
            f"{path}: nama tidak dikenal {', '.join(unknown)}; yang dikenal: {', '.join(KEYS)}.",
            f"{path}: unknown names {', '.join(unknown)}; known: {', '.join(KEYS)}.",
        )
    return data


class Config:
    """Settings by name: `LINDUNG_<NAME>` from the environment, else the file, else None."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._file = _read(path)

    def get(self, name: str) -> str | None:
        value = os.environ.get(f"LINDUNG_{name.upper()}")
        if value:
            return value
        found = self._file.get(name)
        if found is None:
            return None
        if isinstance(found, bool):
            return "1" if found else "0"
        return str(found)


def development_file() -> str:
    return (
        "# Written by `make run` for this folder: every `lindung` command run here reads it.\n"
        "# A development key only; a real server sets LINDUNG_SECRET_KEY itself (README, Configuration).\n"
        f'secret_key = "{secrets.token_urlsafe(50)}"\n'
    )


if __name__ == "__main__":
    print(development_file(), end="")
