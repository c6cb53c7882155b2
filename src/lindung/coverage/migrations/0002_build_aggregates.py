"""Build the coverage aggregates of a database that already held rosters and memberships before them."""

from __future__ import annotations

from typing import Any

from django.db import migrations


def build(apps: Any, schema_editor: Any) -> None:
    from lindung.coverage import aggregates

    aggregates.rebuild()


class Migration(migrations.Migration):
    dependencies = [("coverage", "0001_aggregates_targets_compliance")]

    operations = [migrations.RunPython(build, migrations.RunPython.noop)]
