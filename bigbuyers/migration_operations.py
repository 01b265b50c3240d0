"""Migration operations that only PostgreSQL runs (SQLite, for `make run`, skips them)."""

from __future__ import annotations

from typing import Any

from django.db import migrations


def trigram_indexes(*indexes: tuple[str, str, str]) -> list[migrations.operations.base.Operation]:
    """GIN trigram indexes on ``UPPER(column)`` for (index name, table, column), PostgreSQL only.

    ``UPPER(column::text) LIKE UPPER('%term%')`` is what the admin's search (``icontains``) asks
    PostgreSQL; with a trigram index on the same expression it is an index scan instead of reading
    every row (250,000 organisations). The pg_trgm extension ships with PostgreSQL and is "trusted"
    (PostgreSQL 13+), so the database owner may create it.
    """

    def create(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for name, table, column in indexes:
            schema_editor.execute(
                f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
            )

    def drop(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        for name, _table, _column in indexes:
            schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')

    return [migrations.RunPython(create, drop, elidable=False)]
