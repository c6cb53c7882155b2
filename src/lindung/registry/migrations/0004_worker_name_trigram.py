"""A trigram index for the roster's name search on PostgreSQL (`name ILIKE '%siti%'` over a national table).

SQLite has no such index; its databases hold one Pemda and scan its workers quickly. pg_trgm ships with
PostgreSQL and is a trusted extension (13+): the database owner may create it."""

from __future__ import annotations

from typing import Any

from django.db import migrations


def create(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS worker_name_trgm ON registry_worker USING gin (upper(name::text) gin_trgm_ops)"
        )


def drop(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS worker_name_trgm")


class Migration(migrations.Migration):
    dependencies = [("registry", "0003_worker_name_index")]
    operations = [migrations.RunPython(create, drop, elidable=False)]
