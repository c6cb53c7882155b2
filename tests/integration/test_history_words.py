"""A ChangeSet's who and from where, in words (registry/history.py), for every source the worker page shows."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from lindung.registry.history import actor_words, source_words


@pytest.mark.parametrize(
    ("source", "words"),
    [
        ("roster import dinkes.xlsx sha256:0123abcd4567ef89", "Impor daftar pekerja dinkes.xlsx"),
        ("units import unit-16.08.csv", "Impor daftar unit unit-16.08.csv"),
        ("kpj import kpj-16.08.csv 16.08", "Impor nomor KPJ kpj-16.08.csv"),
        ("enrol 16.08 --on 2026-08-01", "Pendaftaran ke BPJS TK per 1 Agustus 2026"),
        ("agreement add 16.08 ppu JKK,JKM", "Perjanjian kerja sama ditambahkan"),
        ("worker correct name", "Koreksi nama di halaman pekerja"),
        ("employment correct", "Koreksi upah/jabatan di halaman pekerja"),
        ("employment end", "Penugasan diakhiri di halaman pekerja"),
        ("demo", "Data demo"),
        ("something new", "something new"),  # an unknown source is shown as recorded
    ],
)
def test_sources_in_words(source: str, words: str) -> None:
    assert source_words(source) == words


@pytest.mark.django_db
def test_actors_in_words() -> None:
    User.objects.create(username="pemda.okutimur", first_name="Admin BKPSDM OKU Timur")
    User.objects.create(username="tanpa.nama")
    assert actor_words(["pemda.okutimur", "tanpa.nama", "cli:root", "cli", "demo", "hilang"]) == {
        "pemda.okutimur": "Admin BKPSDM OKU Timur (pemda.okutimur)",
        "tanpa.nama": "tanpa.nama",
        "cli:root": "baris perintah server (akun root)",
        "cli": "baris perintah server (akun ?)",
        "demo": "data demo",
        "hilang": "hilang",
    }
