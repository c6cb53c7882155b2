"""The family card (KK) as a CSV file: `hubungan, nik, nama, tanggal_lahir, menikah, bekerja`."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from lindung.domain.errors import Issue, ValidationFailed
from lindung.domain.heirs import RELATIONS, FamilyMember
from lindung.domain.parsing import one_date
from lindung.domain.sheets import normalize_header

COLUMNS = ("hubungan", "nik", "nama", "tanggal_lahir", "menikah", "bekerja")
YES, NO = {"ya", "y", "yes", "1", "true"}, {"tidak", "t", "no", "n", "0", "false", ""}


def read_family(path: Path, today: dt.date) -> list[FamilyMember]:
    """Every row of the file, or every problem by row and column (the header is row 1); nothing half-read."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ValidationFailed(f"Berkas {path} tidak ditemukan") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ValidationFailed(f"Berkas {path} tidak dapat dibaca sebagai teks UTF-8: {exc}") from None
    dialect = csv.Sniffer().sniff(text.splitlines()[0] if text else ",", delimiters=",;\t")
    rows = list(csv.reader(text.splitlines(), dialect))
    if not rows:
        raise ValidationFailed(f"Berkas {path} kosong; kolomnya: {', '.join(COLUMNS)}")
    header = [normalize_header(h).replace(" ", "_") for h in rows[0]]
    missing = [c for c in COLUMNS[:3] if c not in header]
    if missing:
        raise ValidationFailed(f"Berkas {path} tidak berkolom {', '.join(missing)}; kolomnya: {', '.join(COLUMNS)}")
    issues: list[Issue] = []
    family: list[FamilyMember] = []
    for number, values in enumerate(rows[1:], start=2):
        if not any(v.strip() for v in values):
            continue
        cell = dict(zip(header, (v.strip() for v in values), strict=False))
        relation = " ".join(cell.get("hubungan", "").lower().split())
        if relation not in RELATIONS:
            issues.append(
                Issue(
                    number, "hubungan", "HEIR_RELATION", f"pakai salah satu: {', '.join(sorted(RELATIONS))}", relation
                )
            )
        nik = "".join(ch for ch in cell.get("nik", "") if ch.isdigit())
        if len(nik) != 16:
            issues.append(Issue(number, "nik", "NIK_LENGTH", "NIK harus 16 angka", cell.get("nik", "")))
        born = one_date(cell.get("tanggal_lahir") or None, today)
        if cell.get("tanggal_lahir") and born is None:
            issues.append(Issue(number, "tanggal_lahir", "DATE", "tanggal tidak terbaca", cell["tanggal_lahir"]))
        flags = {}
        for name in ("menikah", "bekerja"):
            word = cell.get(name, "").lower()
            if word not in YES | NO:
                issues.append(Issue(number, name, "YES_NO", "tulis ya atau tidak", word))
            flags[name] = word in YES
        family.append(FamilyMember(relation, nik, cell.get("nama", ""), born, flags["menikah"], flags["bekerja"]))
    if issues:
        raise ValidationFailed(f"{len(issues)} masalah di {path}", issues)
    return family
