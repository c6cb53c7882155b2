"""Closed vocabularies of the glossary (DESIGN.md §2) with the words people write for them."""

from __future__ import annotations

# Worker categories (status kepegawaian): code -> (label, other ways people write it).
WORKER_CATEGORIES: dict[str, tuple[str, tuple[str, ...]]] = {
    "honorer": ("Honorer", ("tenaga honorer", "honor", "pegawai honorer", "guru honorer")),
    "kontrak": ("Tenaga Kontrak Daerah", ("tenaga kontrak", "kontrak", "tkd", "pegawai kontrak")),
    "thl": ("Tenaga Harian Lepas (THL)", ("tenaga harian lepas", "harian lepas", "pekerja harian")),
    "ptt": ("PTT / PPNPN", ("ptt", "ppnpn", "pegawai tidak tetap", "ptt ppnpn")),
    "pppk_paruh_waktu": ("PPPK Paruh Waktu", ("pppk paruh waktu", "pppk pw")),
    "perangkat_desa": (
        "Perangkat Desa/Nagari",
        (
            "perangkat desa",
            "perangkat nagari",
            "aparatur desa",
            "aparatur nagari",
            "perangkat desa nagari",
            "wali nagari",
            "kepala desa",
            "sekretaris desa",
            "kaur",
            "kasi",
        ),
    ),
    "bpd": ("BPD / Bamus", ("bpd", "badan permusyawaratan desa", "bamus", "bamus nagari")),
    "pendamping_desa": ("Pendamping Desa", ("pendamping desa", "pendamping lokal desa", "pld")),
    "penyelenggara_pemilu": (
        "Penyelenggara Pemilu",
        ("penyelenggara pemilu", "kpps", "pps", "ppk", "panwascam", "pantarlih", "pengawas tps", "ptps"),
    ),
    "pekerja_rentan": (
        "Pekerja Rentan (BPU)",
        ("pekerja rentan", "bpu", "pekerja rentan bpu", "pekerja informal"),
    ),
}

# Work unit kinds: code -> (label, other ways people write it).
UNIT_KINDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "dinas": ("Dinas", ("dinas", "opd")),
    "badan": ("Badan", ("badan",)),
    "sekretariat": ("Sekretariat", ("sekretariat", "setda", "setwan", "sekretariat daerah", "inspektorat")),
    "kecamatan": ("Kecamatan", ("kecamatan", "kantor camat")),
    "kelurahan": ("Kelurahan", ("kelurahan",)),
    "rsud": ("RSUD", ("rsud", "rumah sakit", "rumah sakit umum daerah")),
    "puskesmas": ("Puskesmas", ("puskesmas",)),
    "sekolah": ("Sekolah", ("sekolah", "sd", "smp", "sma", "smk")),
    "desa": ("Nagari/Desa", ("nagari", "desa", "nagari desa", "desa nagari", "gampong", "kampung")),
    "lainnya": ("Lainnya", ("lain", "lain lain", "lainnya", "other")),
}


def _lookup(vocabulary: dict[str, tuple[str, tuple[str, ...]]]) -> dict[str, str]:
    """Normalised word (lower case, punctuation as spaces) -> code."""
    table: dict[str, str] = {}
    for code, (label, words) in vocabulary.items():
        for word in (code, code.replace("_", " "), label, *words):
            key = " ".join("".join(c if c.isalnum() else " " for c in word.lower()).split())
            table[key] = code
    return table


CATEGORY_LOOKUP = _lookup(WORKER_CATEGORIES)
UNIT_KIND_LOOKUP = _lookup(UNIT_KINDS)
CATEGORY_CHOICES = [(code, label) for code, (label, _) in WORKER_CATEGORIES.items()]
UNIT_KIND_CHOICES = [(code, label) for code, (label, _) in UNIT_KINDS.items()]
