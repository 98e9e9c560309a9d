"""SQL fragments shared by the PostgreSQL and SQLite write paths."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.engine import Dialect

from market_pipeline.db.upsert.keys import ColumnLayout

TARGET = "target"


class StatementBuilder:
    """Quoted column lists and the conditions that keep unchanged rows untouched."""

    def __init__(self, layout: ColumnLayout, dialect: Dialect) -> None:
        self.layout = layout
        self.quote: Callable[[str], str] = dialect.identifier_preparer.quote
        self.postgres = dialect.name == "postgresql"

    @property
    def table(self) -> str:
        return self.quote(self.layout.table.name)

    def names(self, columns: tuple[str, ...], prefix: str = "") -> str:
        return ", ".join(prefix + self.quote(name) for name in columns)

    def comparable(self, alias: str, name: str) -> str:
        """Return the column as compared for change detection: JSON as a document."""
        column = f"{alias}.{self.quote(name)}"
        if not self.layout.is_json(name):
            return column
        if self.postgres:
            return column  # jsonb equality ignores key order and whitespace
        return f"upsert_canonical_json({column})"

    def empty(self, alias: str, name: str) -> str:
        """Return SQL that is true when the column holds no data (None, '', {} or [])."""
        column = f"{alias}.{self.quote(name)}"
        if self.layout.is_json(name):
            if self.postgres:
                return f"({column} IS NULL OR {column} IN ('{{}}'::jsonb, '[]'::jsonb))"
            return f"({column} IS NULL OR json({column}) IN ('{{}}', '[]'))"
        if self.layout.is_text(name):
            return f"({column} IS NULL OR {column} = '')"
        return f"{column} IS NULL"

    def all_null(self, alias: str) -> str:
        """Return SQL that is true when every data column of `alias` is empty.

        Data columns are the non-key columns other than foreign keys (see `dedupe.is_all_null`).
        """
        if not self.layout.data:
            return "true"
        return " AND ".join(self.empty(alias, name) for name in self.layout.data)

    def conflict_action(self, updated_at: str) -> str:
        """Return the ON CONFLICT clause: update only rows with data that differ.

        A row whose values are all empty inserts when its key is new and never overwrites.
        """
        key = self.names(self.layout.key)
        values = self.layout.values
        if not values:
            return f"ON CONFLICT ({key}) DO NOTHING"
        assignments = ", ".join(
            f"{self.quote(name)} = excluded.{self.quote(name)}" for name in values
        )
        distinct = "IS DISTINCT FROM" if self.postgres else "IS NOT"
        current = ", ".join(self.comparable(TARGET, name) for name in values)
        proposed = ", ".join(self.comparable("excluded", name) for name in values)
        return (
            f"ON CONFLICT ({key}) DO UPDATE SET {assignments}, "
            f"{self.quote('updated_at')} = {updated_at} "
            f"WHERE NOT ({self.all_null('excluded')}) AND ({current}) {distinct} ({proposed})"
        )
