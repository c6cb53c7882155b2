"""Numbers written the Indonesian way: a dot between thousands, a comma before decimals."""

from __future__ import annotations


def thousands(count: int) -> str:
    """12345678 -> "12.345.678"."""
    return f"{count:,}".replace(",", ".")


def megabytes(size: int) -> str:
    """A file size in decimal megabytes, as file managers show it: 52_400_000 -> "52,4 MB", 50_000_000 -> "50 MB"."""
    return f"{size / 1_000_000:.1f}".replace(".", ",").removesuffix(",0") + " MB"


def too_big(name: str, size: int, limit: int) -> str:
    """The sentence for a file over a size limit, with its real size and the limit."""
    return f"Berkas {name} terlalu besar: {megabytes(size)} ({thousands(size)} bait); paling besar {megabytes(limit)}."
