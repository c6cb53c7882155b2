"""Masking personal data: moved to domain.formats (issue 21); this name goes once every caller reads it there."""

from __future__ import annotations

from lindung.domain.formats import mask_nik

__all__ = ["mask_nik"]
