"""The token in a document's QR code: a random id, signed with the server's secret.

A forged or altered token fails its signature before the database is asked, so guessing is useless; and since
the id is random, no token can be derived from a document's number."""

from __future__ import annotations

import secrets

from django.core import signing

SALT = "lindung.documents.verifikasi"


def new_token_id() -> str:
    """A random id that never begins with "-", so `lindung certificate verify TOKEN` never reads it as an option."""
    while (token_id := secrets.token_urlsafe(16)).startswith("-"):
        pass
    return token_id


def sign(token_id: str) -> str:
    return signing.Signer(salt=SALT).sign(token_id)


def unsign(token: str) -> str | None:
    """The id inside a genuine token; None for a forged or altered one."""
    try:
        return signing.Signer(salt=SALT).unsign(token)
    except signing.BadSignature:
        return None
