"""Compare a live database with the models and list every difference."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect

import market_pipeline.models  # noqa: F401 - registers every table on the metadata
from market_pipeline.db.migrations import render_item
from market_pipeline.models.base import metadata

ALEMBIC_VERSION_TABLE = "alembic_version"


@dataclass(frozen=True)
class SchemaDifference:
    """One way the live database differs from the models."""

    table: str
    kind: str
    detail: str

    def __str__(self) -> str:
        return f"{self.table}: {self.kind}: {self.detail}"


def validate_schema(engine: Engine) -> list[SchemaDifference]:
    """Return every difference between the database behind `engine` and the models.

    Tables, columns, types, nullability, indexes, unique keys and foreign keys come from
    Alembic's autogenerate comparison; CHECK constraints are compared by name here because
    autogenerate does not compare them.
    """
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={"compare_type": True, "render_item": render_item, "target_metadata": metadata},
        )
        differences = [_describe(diff) for diff in _flatten(compare_metadata(context, metadata))]
        differences.extend(_check_constraint_differences(connection))
    return [difference for difference in differences if difference.table != ALEMBIC_VERSION_TABLE]


def _flatten(diffs: list[Any]) -> list[tuple[Any, ...]]:
    flat: list[tuple[Any, ...]] = []
    for diff in diffs:
        if isinstance(diff, list):  # column modifications come grouped per column
            flat.extend(diff)
        else:
            flat.append(diff)
    return flat


def _describe(diff: tuple[Any, ...]) -> SchemaDifference:
    kind = diff[0]
    if kind in ("add_table", "remove_table"):
        table = diff[1].name
        what = "missing table" if kind == "add_table" else "table not in the models"
        return SchemaDifference(table, what, table)
    if kind in ("add_column", "remove_column"):
        table, column = diff[2], diff[3]
        what = "missing column" if kind == "add_column" else "column not in the models"
        return SchemaDifference(table, what, column.name)
    if kind in ("add_index", "remove_index"):
        index = diff[1]
        what = "missing index" if kind == "add_index" else "index not in the models"
        return SchemaDifference(index.table.name, what, index.name or str(index))
    if kind in ("add_constraint", "remove_constraint", "add_fk", "remove_fk"):
        constraint = diff[1]
        missing = kind.startswith("add")
        what = "missing constraint" if missing else "constraint not in the models"
        return SchemaDifference(constraint.table.name, what, constraint.name or str(constraint))
    if kind.startswith("modify_"):
        table, column = diff[2], diff[3]
        live, model = diff[-2], diff[-1]
        attribute = kind.removeprefix("modify_")
        return SchemaDifference(
            table, f"column {attribute} differs", f"{column}: database {live!r}, models {model!r}"
        )
    return SchemaDifference("?", kind, repr(diff[1:]))


def _check_constraint_differences(connection: Any) -> list[SchemaDifference]:
    inspector = inspect(connection)
    live_tables = set(inspector.get_table_names())
    differences: list[SchemaDifference] = []
    for table in metadata.sorted_tables:
        if table.name not in live_tables:
            continue
        expected = {
            str(constraint.name)
            for constraint in table.constraints
            if constraint.__class__.__name__ == "CheckConstraint"
        }
        live = {str(item["name"]) for item in inspector.get_check_constraints(table.name)}
        for name in sorted(expected - live):
            differences.append(SchemaDifference(table.name, "missing check constraint", name))
        for name in sorted(live - expected):
            differences.append(
                SchemaDifference(table.name, "check constraint not in the models", name)
            )
    return differences
