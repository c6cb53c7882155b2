"""API tokens for integrations: create one for a user (shown once), list a user's tokens, revoke one.

Only the token's digest is stored; nothing secret is written to a log."""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import CommandParser

from lindung.accounts.models import ApiToken
from lindung.accounts.scope import Scope
from lindung.accounts.services import create_token, revoke_token
from lindung.cli import LindungCommand, add_format
from lindung.domain.errors import NotFound, ValidationFailed


def _when(value: Any) -> str | None:
    return value.isoformat(timespec="seconds") if value is not None else None


class Command(LindungCommand):
    help = "Token API (Authorization: Bearer) untuk integrasi: buat, daftar, cabut."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="membuat token; token ditampilkan sekali saja")
        create.add_argument("--user", required=True, help="nama pengguna (harus ada dan aktif)")
        create.add_argument("--name", required=True, help="nama token, mis. nama sistem yang memakainya")
        add_format(create)
        listing = sub.add_parser("list", help="daftar token seorang pengguna (tanpa rahasianya)")
        listing.add_argument("--user", required=True, help="nama pengguna")
        add_format(listing)
        revoke = sub.add_parser("revoke", help="mencabut token menurut nomornya (lihat `token list`)")
        revoke.add_argument("id", type=int, help="nomor token")
        add_format(revoke)

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "create":
            self._create(options)
        elif action == "list":
            self._list(options)
        else:
            self._revoke(options)

    def _json(self, data: Any) -> None:
        self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))

    def _user(self, username: str) -> User:
        user = User.objects.filter(username=username.strip()).first()
        if user is None:
            raise NotFound(f"Pengguna {username} tidak ditemukan")
        return user

    def _create(self, options: dict[str, Any]) -> None:
        user = self._user(options["user"])
        if not user.is_active:
            raise ValidationFailed(f"Pengguna {user.username} nonaktif; token tidak dibuat")
        name = options["name"].strip()
        if not name:
            raise ValidationFailed("Nama token wajib diisi")
        new = create_token(user, name)
        if options["format"] == "json":
            self._json({"id": new.token.pk, "user": user.username, "name": new.token.name, "token": new.secret})
            return
        self.stdout.write(f"Token {new.token.pk} ({new.token.name}) untuk {user.username}:")
        self.stdout.write(new.secret)
        self.stderr.write("Simpan token ini sekarang: lindung tidak dapat menampilkannya lagi.")

    def _list(self, options: dict[str, Any]) -> None:
        user = self._user(options["user"])
        tokens = ApiToken.objects.filter(user=user).order_by("id")
        rows = [
            {
                "id": t.pk,
                "name": t.name,
                "prefix": t.prefix,
                "created_at": _when(t.created_at),
                "last_used": _when(t.last_used),
                "revoked_at": _when(t.revoked_at),
            }
            for t in tokens
        ]
        if options["format"] == "json":
            self._json(rows)
            return
        if not rows:
            self.stdout.write(f"{user.username} belum punya token")
        for r in rows:
            state = f"dicabut {r['revoked_at']}" if r["revoked_at"] else f"terakhir dipakai {r['last_used'] or '-'}"
            self.stdout.write(f"{r['id']:>5}  {r['name']:<30} lnd_{r['prefix']}…  dibuat {r['created_at']}  {state}")

    def _revoke(self, options: dict[str, Any]) -> None:
        token = ApiToken.objects.select_related("user").filter(pk=options["id"]).first()
        if token is None:
            raise NotFound(f"Token {options['id']} tidak ditemukan")
        if token.revoked_at is None:
            # An operator at the console acts for the owner (who may be inactive): revoke_token checks ownership.
            revoke_token(Scope(user_id=token.user_id, role=None, employer_ids=frozenset()), token.pk)
        if options["format"] == "json":
            self._json({"id": token.pk, "revoked": True})
            return
        self.stdout.write(f"Token {token.pk} ({token.name}) milik {token.user.username} dicabut")
