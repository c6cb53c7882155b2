"""Masking personal data (UU 27/2022 PDP) where a role does not need the full value."""

from __future__ import annotations


def mask_nik(nik: str | None) -> str:
    """3201011507900001 -> 3201********0001: the kab/kota and the serial, never the birth date."""
    if not nik:
        return ""
    if len(nik) != 16:
        return "*" * len(nik)
    return f"{nik[:4]}{'*' * 8}{nik[12:]}"
