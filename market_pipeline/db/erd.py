"""Render the entity-relationship diagram of the models as Mermaid inside `docs/schema.md`."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Column, Table
from sqlalchemy.engine import Dialect

import market_pipeline.models  # noqa: F401 - registers every table on the metadata
from market_pipeline.models.base import metadata

DEFAULT_ERD_PATH = Path("docs") / "schema.md"
HEADER = """# Warehouse schema

Generated from the models by `market-pipeline db erd`; do not edit by hand.
A test fails when this file no longer matches the models.
"""


def _column_line(table: Table, column: Column) -> str:
    type_name = column.type.compile(dialect=_postgres_dialect()).split("(")[0]
    type_name = type_name.replace(" ", "_").lower()
    keys = []
    if column.primary_key:
        keys.append("PK")
    if column.foreign_keys:
        keys.append("FK")
    unique_columns = {
        col.name for index in table.indexes if index.unique for col in index.columns
    } | {
        col.name
        for constraint in table.constraints
        if constraint.__class__.__name__ == "UniqueConstraint"
        for col in constraint.columns  # type: ignore[attr-defined]
    }
    if column.name in unique_columns and not column.primary_key:
        keys.append("UK")
    null = "NULL" if column.nullable else "NOT NULL"
    key_text = f" {','.join(keys)}" if keys else ""
    return f'        {type_name} {column.name}{key_text} "{null}"'


def _postgres_dialect() -> Dialect:
    from sqlalchemy.dialects import postgresql

    return postgresql.dialect()


def render_mermaid() -> str:
    """Return the Mermaid `erDiagram` of every table and foreign key."""
    lines = ["erDiagram"]
    for table in metadata.sorted_tables:
        for column in table.columns:
            for foreign_key in sorted(column.foreign_keys, key=lambda fk: fk.target_fullname):
                parent = foreign_key.column.table.name
                lines.append(f'    {parent} ||--o{{ {table.name} : "{column.name}"')
    for table in metadata.sorted_tables:
        lines.append(f"    {table.name} {{")
        lines.extend(_column_line(table, column) for column in table.columns)
        lines.append("    }")
    return "\n".join(lines) + "\n"


def render_schema_markdown() -> str:
    """Return the whole `docs/schema.md` text."""
    indexes = []
    for table in metadata.sorted_tables:
        for index in sorted(table.indexes, key=lambda item: str(item.name)):
            columns = ", ".join(str(expression) for expression in index.expressions)
            unique = "unique " if index.unique else ""
            indexes.append(f"| `{table.name}` | `{index.name}` | {unique}({columns}) |")
    return (
        HEADER
        + "\n```mermaid\n"
        + render_mermaid()
        + "```\n\n## Indexes\n\n| table | index | columns |\n|---|---|---|\n"
        + "\n".join(indexes)
        + "\n"
    )


def write_erd(path: Path = DEFAULT_ERD_PATH) -> Path:
    """Write the schema page to `path` and return the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_schema_markdown(), encoding="utf-8")
    return path
