"""The language of the pages: Bahasa Indonesia by default, whatever the browser asks for, and English after the
switch; and the English catalogue translates every message."""

from __future__ import annotations

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.test import Client

import lindung

ENGLISH_BROWSER = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}
CATALOGUE = Path(lindung.__file__).parent / "locale" / "en" / "LC_MESSAGES"

# Page, the persona that opens it, the Indonesian texts and their English translations.
PAGES = [
    (
        "/",
        "admin",
        [
            "Beranda",
            "Pekerja",
            "Tunggakan",
            "Keluar",
            "Unduh laporan cakupan:",
            "Per tanggal",
            "Cakupan Pemerintah Kabupaten Solok Selatan per",
        ],
        [
            "Home",
            "Workers",
            "Arrears",
            "Log out",
            "Download coverage report:",
            "As of",
            "Coverage of Pemerintah Kabupaten Solok Selatan as of",
        ],
    ),
    (
        "/pekerja/",
        "clerk",
        ["Daftar pekerja", "Nama atau NIK", "Menu utama", "Cari", "Semua"],
        ["Worker roster", "Name or NIK", "Main menu", "Search", "All"],
    ),
    (
        "/klaim/",
        "admin",
        ["Klaim santunan JKK dan JKM", "Laporkan kejadian", "Belum ada klaim."],
        ["JKK and JKM benefit claims", "Report an event", "No claims yet."],
    ),
    (
        "/rekonsiliasi/",
        "monitor",
        ["Temuan yang masih terbuka", "Rekonsiliasi: daftar OPD"],
        ["Findings still open", "Reconciliation: OPD rosters"],
    ),
    (
        "/klaim/status/",
        "anonymous",
        ["Status klaim untuk ahli waris", "Nomor klaim", "Periksa"],
        ["Claim status for heirs", "Claim number", "Check"],
    ),
    (
        "/masuk/",
        "anonymous",
        ["Masuk ke lindung", "Nama pengguna", "Kata sandi"],
        ["Log in to lindung", "Username", "Password"],
    ),
]


def page_text(client: Client, url: str) -> str:
    response = client.get(url, **ENGLISH_BROWSER)
    assert response.status_code == 200
    return response.content.decode()


def switch_to_english(client: Client) -> None:
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, **ENGLISH_BROWSER)
    assert response.status_code == 302
    assert client.cookies["django_language"].value == "en"


@pytest.mark.parametrize(("url", "persona", "indonesian", "english"), PAGES)
def test_pages_are_indonesian_even_for_an_english_browser(
    personas: dict[str, Client], url: str, persona: str, indonesian: list[str], english: list[str]
) -> None:
    client = personas[persona]
    response = client.get(url, **ENGLISH_BROWSER)
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "id"
    text = response.content.decode()
    assert '<html lang="id">' in text
    for phrase in indonesian:
        assert phrase in text, phrase
    for phrase in ("Log out", "Main menu", "Worker roster", "Log in to lindung", "Username"):
        assert phrase not in text, phrase


@pytest.mark.parametrize(("url", "persona", "indonesian", "english"), PAGES)
def test_the_switch_turns_pages_to_english(
    personas: dict[str, Client], url: str, persona: str, indonesian: list[str], english: list[str]
) -> None:
    client = personas[persona]
    switch_to_english(client)
    response = client.get(url, **ENGLISH_BROWSER)
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "en"
    text = response.content.decode()
    assert '<html lang="en">' in text
    for phrase in english:
        assert phrase in text, phrase
    for phrase in ("Masuk ke lindung", "Nama pengguna", "Daftar pekerja", "Menu utama", "Keluar", "Beranda"):
        assert phrase not in text, phrase
    assert "Bahasa Indonesia" in text  # the switch back


def test_switching_back_to_indonesian(personas: dict[str, Client]) -> None:
    client = personas["admin"]
    switch_to_english(client)
    assert "Log out" in page_text(client, "/")
    response = client.post("/i18n/setlang/", {"language": "id", "next": "/"})
    assert response.status_code == 302
    text = page_text(client, "/")
    assert "Keluar" in text and "Log out" not in text


def read_po(path: Path) -> list[tuple[str, list[str], list[str]]]:
    """(msgid, msgstr values, flags) of every live entry of a .po file; the header is left out."""
    entries: list[tuple[str, list[str], list[str]]] = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        fields: dict[str, str] = {}
        flags: list[str] = []
        current = None
        for line in block.splitlines():
            if line.startswith("#~"):
                fields = {}
                break
            if line.startswith("#,"):
                flags += [flag.strip() for flag in line[2:].split(",")]
            elif line.startswith("#") or not line.strip():
                continue
            elif line.startswith('"'):
                assert current is not None, line
                fields[current] += ast.literal_eval(line)
            else:
                keyword, _, literal = line.partition(" ")
                current = keyword
                fields[current] = ast.literal_eval(literal)
        if fields.get("msgid"):
            values = [value for keyword, value in fields.items() if keyword.startswith("msgstr")]
            entries.append((fields["msgid"], values, flags))
    return entries


# Messages whose English is the same text: names, acronyms and words both languages share.
SAME_IN_ENGLISH = {"NIK", "KPJ", "BPJS TK", "Pemda", "Inpres 2/2021", "Unit", "Status", "Data", "Unit %(code)s"}
SAME_IN_ENGLISH |= {"KPJ %(k)s/%(e)s", "Superuser"}


def test_every_message_has_an_english_translation() -> None:
    entries = read_po(CATALOGUE / "django.po")
    assert len(entries) > 300
    header = (CATALOGUE / "django.po").read_text(encoding="utf-8")
    assert '"Language: en\\n"' in header
    assert '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"' in header
    assert "charset=UTF-8" in header
    untranslated = [msgid for msgid, values, _ in entries if not values or not all(values)]
    assert untranslated == []
    assert [msgid for msgid, _, flags in entries if "fuzzy" in flags] == []

    with (CATALOGUE / "django.mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    unchanged = [msgid for msgid, _, _ in entries if compiled.gettext(msgid) == msgid]
    assert sorted(set(unchanged) - SAME_IN_ENGLISH) == [], "not in django.mo: recompile with msgfmt"


def test_placeholders_survive_translation() -> None:
    placeholder = re.compile(r"%\(\w+\)s|%%|%s|\{\w*\}|</?\w+>")
    for msgid, values, _ in read_po(CATALOGUE / "django.po"):
        for value in values:
            assert sorted(placeholder.findall(value)) == sorted(placeholder.findall(msgid)), msgid
