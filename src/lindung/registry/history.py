"""A ChangeSet's who and from where, in words: "Siti Aminah (admin Pemda)", "Impor daftar pekerja dinkes.xlsx".

A ChangeSet records the actor as the web user name, `cli:<system user>` for the command line, or `demo`,
and the source as the command that wrote it ("roster import dinkes.xlsx sha256:…"). The worker's page says
both in words; the recorded text stays as it is (it is the audit trail)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable

from django.contrib.auth import get_user_model
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from lindung.domain.formats import date_label

_DATE = r"(\d{4}-\d{2}-\d{2})"


def _day(iso: str) -> str:
    return date_label(dt.date.fromisoformat(iso), get_language() or "id")


# Compiled once; each phrase is translated when it is said (the page's language).
_SOURCES: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = (
    (re.compile(r"roster import (.+?) sha256:\w+"), lambda m: _("Impor daftar pekerja %(file)s") % {"file": m[1]}),
    (re.compile(r"units import (.+)"), lambda m: _("Impor daftar unit %(file)s") % {"file": m[1]}),
    (re.compile(r"kpj import (.+) [\d.]+"), lambda m: _("Impor nomor KPJ %(file)s") % {"file": m[1]}),
    (
        re.compile(r"enrol [\d.]+ --on " + _DATE + r".*"),
        lambda m: _("Pendaftaran ke BPJS TK per %(day)s") % {"day": _day(m[1])},
    ),
    (re.compile(r"agreement add .*"), lambda m: _("Perjanjian kerja sama ditambahkan")),
    (re.compile(r"worker correct name"), lambda m: _("Koreksi nama di halaman pekerja")),
    (re.compile(r"employment correct"), lambda m: _("Koreksi upah/jabatan di halaman pekerja")),
    (re.compile(r"employment end"), lambda m: _("Penugasan diakhiri di halaman pekerja")),
    (re.compile(r"demo"), lambda m: _("Data demo")),
)


def source_words(source: str) -> str:
    """The command a ChangeSet came from, in words; an unknown one as recorded."""
    for pattern, words in _SOURCES:
        if (found := pattern.fullmatch(source)) is not None:
            return words(found)
    return source


def actor_words(actors: Iterable[str]) -> dict[str, str]:
    """Each recorded actor in words: a web user by full name (and user name), the command line by the
    system account it ran under, the demo as the demo."""
    actors = set(actors)
    names = {
        username: full.strip()
        for username, full in (
            (u.get_username(), u.get_full_name()) for u in get_user_model().objects.filter(username__in=actors)
        )
    }
    out = {}
    for actor in actors:
        if actor.startswith("cli:") or actor == "cli":
            account = actor.removeprefix("cli").removeprefix(":") or "?"
            out[actor] = _("baris perintah server (akun %(account)s)") % {"account": account}
        elif actor == "demo":
            out[actor] = _("data demo")
        elif actor in names:
            out[actor] = f"{names[actor]} ({actor})" if names[actor] else actor
        else:
            out[actor] = actor
    return out
