"""Reconciliation rules: the kinds of finding, tolerant name matching, birth dates, months unpaid.

Three lists disagree in every Pemda: the OPD rosters, BPJS TK's participant data for the Pemda's NPP and
BKN's 2022 census of non-ASN. The services join them (DuckDB over Parquet); what a difference *means* is
decided here, in plain functions fed plain values:

- `names_match(a, b)`: the same person written two ways? Case, accents, punctuation, titles and degrees
  ("Hj.", "Dr.", "S.Pd", "A.Md.Keb"), old spelling ("Djoko"/"Joko", "Soekarno"/"Sukarno", "Tjahjo"/"Cahyo",
  "Achmad"/"Ahmad"), the many ways of writing Muhammad, initials ("M. Ridwan", "Siti A."), a typo in a long
  word, one name missing at the end, words run together ("Nur Aini"/"Nuraini").
- `birth_date_difference(a, b)`: None when they agree (or one is unknown), else why they differ.
- `months_unpaid(last_paid, on)`: contributions due by `on` (the 15th of the next month) and not paid.
  It and `months_paid_after` are also written as SQL in `reconcile/engine.py`, which counts them for the
  whole nation at once; `test_the_engine_counts_months_as_the_domain_rules_do` holds the two together.
- `finding_key(...)`: the stable key that lets the next run say new, still open or resolved.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

# The finding kinds, in the order reports show them, with their Indonesian label.
KINDS: dict[str, str] = {
    "tidak_terlindungi": "Tidak terlindungi",
    "bayar_tanpa_orang": "Bayar tanpa orang",
    "ganda": "Ganda",
    "upah_tidak_sesuai": "Upah tidak sesuai",
    "belum_didata": "Belum didata",
    "identitas_berbeda": "Identitas berbeda",
}
DESCRIPTIONS: dict[str, str] = {
    "tidak_terlindungi": "di daftar OPD dan aktif, tetapi bukan peserta aktif BPJS TK (atau iurannya menunggak)",
    "bayar_tanpa_orang": "peserta aktif BPJS TK atas NPP Pemda, tetapi tidak ada (lagi) di daftar mana pun",
    "ganda": "NIK yang sama aktif di dua Pemda atau dua unit, atau dua KPJ untuk satu NIK",
    "upah_tidak_sesuai": "upah yang dilaporkan ke BPJS TK berbeda dari upah di daftar",
    "belum_didata": "ada di pendataan non-ASN BKN tetapi tidak di daftar, atau sebaliknya",
    "identitas_berbeda": "NIK sama, nama atau tanggal lahir berbeda",
}

# How a person resolves a finding, and the words for it.
RESOLUTIONS: dict[str, str] = {
    "enrol": "didaftarkan ke BPJS TK",
    "end_employment": "penugasan diakhiri",
    "correct_wage": "upah dibetulkan",
    "explained": "dijelaskan (bukan kesalahan)",
}
# The states a finding is in after a run or a person's action.
STATES: dict[str, str] = {
    "new": "baru",
    "open": "masih terbuka",
    "resolved": "selesai",
    "explained": "dijelaskan",
}

# Contributions unpaid for this many months make an active participant unprotected in practice (a claim
# for a worker in arrears is paid only after the arrears: reference/bpjs-tk.md, §4.5). A run may set another.
UNPAID_MONTHS = 3
# The day of the next month by which a month's contribution is due (reference/bpjs-tk.md §4.5).
DUE_DAY = 15

# Leading words that are titles, not names (with or without their dot).
_PREFIX_TITLES = frozenset(
    {
        "h", "hj", "haji", "hajah", "hajjah", "dr", "drs", "dra", "drg", "ir", "prof", "ns", "kh", "ust",
        "ustadz", "ustazah", "bpk", "bapak", "ibu", "ny", "nyonya", "tn", "tuan", "sdr", "sdri", "an",
    }
)  # fmt: skip
# Degrees written without dots at the end of a name ("Siti Aminah SPd").
_DEGREES = frozenset(
    {
        "spd", "spdi", "skom", "se", "sh", "st", "ssos", "sip", "skep", "skm", "sag", "shi", "sst", "str",
        "sfarm", "ssi", "sap", "sik", "sikom", "sked", "spsi", "sds", "amd", "amdkeb", "amdkep", "amk", "ama",
        "amkeb", "mpd", "msi", "mm", "mkes", "mag", "mh", "mt", "mkom", "msc", "bsc", "lc", "ak", "cpa",
    }
)  # fmt: skip
# Ways of writing Muhammad, all read as the initial M.
_MUHAMMAD = frozenset(
    {
        "muhammad", "muhamad", "muhammmad", "mohammad", "mohamad", "mohammed", "muhammed", "mochammad",
        "mochamad", "mokhammad", "mohd", "moch", "moh", "mhd", "muh", "md", "mu",
    }
)  # fmt: skip
# Old (pre-1972) spelling and common variants, applied in order to both names.
_SPELLING = (
    ("oe", "u"),
    ("dj", "j"),
    ("tj", "c"),
    ("ch", "kh"),
    ("kh", "h"),
    ("sj", "sy"),
    ("y", "j"),
    ("ph", "f"),
    ("v", "f"),
    ("q", "k"),
)


def _plain(text: str) -> str:
    """Lower case, accents off, apostrophes dropped (Ma'ruf = Maruf)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower().replace("'", "").replace("`", "")


def name_tokens(name: str) -> list[str]:
    """The words of a name that identify the person: titles, degrees and punctuation removed."""
    text = _plain(name)
    # Everything after the first comma is degrees: "Siti Aminah, S.Pd., M.Pd".
    text = text.split(",", 1)[0]
    words = text.split()
    kept: list[str] = []
    for i, word in enumerate(words):
        bare = re.sub(r"[^a-z0-9]", "", word)
        if not bare:
            continue
        if i > 0 and "." in word and bare in _DEGREES:  # S.Pd, S.Pd.I, A.Md.Keb, M.Si, S.E.
            continue
        if not kept and bare in _PREFIX_TITLES and i < len(words) - 1 and ("." in word or len(words) > 2):
            continue
        # "M.Ridwan": an initial written against the name.
        kept.extend(p for p in re.split(r"[^a-z0-9]+", word) if p)
    # Dotless degrees at the end, while at least two words remain.
    while len(kept) > 2 and kept[-1] in _DEGREES:
        kept.pop()
    return kept


def _spelling(token: str) -> str:
    if token in _MUHAMMAD:
        return "m"
    for old, new in _SPELLING:
        token = token.replace(old, new)
    return re.sub(r"(.)\1+", r"\1", token)  # doubled letters: Muhammmad, Anna / Ana


def normalize_name(name: str) -> str:
    """The key two spellings of one name share when nothing else differs."""
    return " ".join(_spelling(t) for t in name_tokens(name))


def _edit_distance(a: str, b: str) -> int:
    if abs(len(a) - len(b)) > 2:
        return 3
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def _tokens_match(a: str, b: str) -> bool:
    if a == b:
        return True
    if len(a) == 1 or len(b) == 1:  # an initial
        return a[0] == b[0]
    shorter = min(len(a), len(b))
    allowed = 2 if shorter >= 8 else 1 if shorter >= 4 else 0
    return allowed > 0 and _edit_distance(a, b) <= allowed


def _full(token: str) -> bool:
    return len(token) > 1


def _align(a: Sequence[str], b: Sequence[str]) -> int | None:
    """Words matched in order, when every word of the shorter name is matched and at most one word of the
    longer is left over; None otherwise. Returns how many full words (not initials) matched both ways."""
    if len(a) > len(b):
        a, b = b, a
    if len(b) - len(a) > 1:
        return None
    j = 0
    full = 0
    skipped = 0
    for token in a:
        while j < len(b) and not _tokens_match(token, b[j]):
            j += 1
            skipped += 1
        if j == len(b):
            return None
        if _full(token) and _full(b[j]):
            full += 1
        j += 1
    skipped += len(b) - j
    if skipped > 1:
        return None
    if skipped == 1 and (len(a) < 2 or full < 2):
        return None  # a dropped word is forgiven only beside two full words that agree
    return full


@lru_cache(maxsize=1 << 16)
def _spelled(name: str) -> tuple[str, ...]:
    return tuple(_spelling(t) for t in name_tokens(name))


def names_match(a: str, b: str) -> bool:
    """Whether two written names are the same person's name, as tolerantly as a clerk reads them."""
    ta, tb = _spelled(a), _spelled(b)
    if not ta or not tb:
        return False
    if ta == tb or "".join(ta) == "".join(tb):
        return True
    if sorted(ta) == sorted(tb):  # the order of the words changed (family name first)
        return True
    full = _align(ta, tb)
    return full is not None and full >= 1


def birth_date_difference(a: dt.date | None, b: dt.date | None) -> str | None:
    """None when the dates agree or one side does not know; else why they differ, in words."""
    if a is None or b is None or a == b:
        return None
    if a.year == b.year and a.day == b.month and a.month == b.day:
        return "hari dan bulan tertukar"
    if a.month == b.month and a.day == b.day:
        return "tahun lahir berbeda"
    return "tanggal lahir berbeda"


@dataclass(frozen=True)
class IdentityDifference:
    name: bool  # the names differ beyond a tolerant match
    birth: str | None  # why the birth dates differ, or None

    @property
    def any(self) -> bool:
        return self.name or self.birth is not None

    def reasons(self) -> list[str]:
        out = ["nama berbeda"] if self.name else []
        return [*out, self.birth] if self.birth else out


def identity_difference(
    name_a: str, birth_a: dt.date | None, name_b: str | None, birth_b: dt.date | None
) -> IdentityDifference:
    """How the same NIK's identity differs between two lists (a missing name on one side is no difference)."""
    name_differs = bool(name_b and name_b.strip()) and not names_match(name_a, name_b or "")
    return IdentityDifference(name_differs, birth_date_difference(birth_a, birth_b))


def _month_index(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def last_month_due(on: dt.date) -> dt.date:
    """The last month whose contribution must have been paid by `on`: month M is due the 15th of M+1."""
    index = _month_index(on) - (1 if on.day > DUE_DAY else 2)
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, 1)


def months_unpaid(last_paid: dt.date | None, on: dt.date, since: dt.date | None = None) -> int:
    """Months due by `on` and not paid, counting from the month after `last_paid` (or from `since`, the
    first month of participation, when nothing was ever paid)."""
    due = _month_index(last_month_due(on))
    if last_paid is not None:
        return max(0, due - _month_index(last_paid))
    if since is None:
        return 0
    return max(0, due - _month_index(since) + 1)


def months_paid_after(left: dt.date | None, first: dt.date | None, last_paid: dt.date | None) -> int:
    """Months paid for a person who is not (or no longer) on any roster: from the month after `left` (the
    end of the employment) or from `first` (the first month of participation) to `last_paid`."""
    if last_paid is None:
        return 0
    if left is not None:
        return max(0, _month_index(last_paid) - _month_index(left))
    if first is None:
        return 0
    return max(0, _month_index(last_paid) - _month_index(first) + 1)


def finding_key(kind: str, employer: str, nik: str, qualifier: str = "") -> str:
    """The stable key of a finding: the same difference found by the next run has the same key. A digest,
    so the key carries no NIK into a URL or a log."""
    if kind not in KINDS:
        raise ValueError(f"unknown finding kind {kind!r}")
    return hashlib.sha256(f"{kind}|{employer}|{nik}|{qualifier}".encode()).hexdigest()[:40]


def next_state(previous: str | None, found: bool) -> str | None:
    """A finding's state after a run: `previous` is its state before (None: never seen), `found` whether
    this run found it again. None: nothing to record (not found and never seen)."""
    if previous is None:
        return "new" if found else None
    if previous == "explained":
        return "explained"  # a person said why; the run does not reopen it while the difference stays
    if found:
        return "open"  # seen again, including after a person said they fixed it
    return "resolved"
