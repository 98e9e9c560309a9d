"""Natural keys and the column layout of one upsert call, with input validation."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from sqlalchemy import JSON, Column, String, Table, Text, UniqueConstraint
from sqlmodel import SQLModel

# Columns the write path fills itself: `id` (UUID v4) and `created_at` for new rows,
# `updated_at` when a row changes.
MANAGED_COLUMNS = ("id", "created_at", "updated_at")


class UpsertInputError(ValueError):
    """Rows given to `upsert` do not fit the table; the message names the column and table."""


def table_of(model: type[SQLModel]) -> Table:
    table = getattr(model, "__table__", None)
    if not isinstance(table, Table):
        raise UpsertInputError(f"{model!r} is not a SQLModel table class (declare it table=True).")
    return table


def natural_key(model: type[SQLModel]) -> tuple[str, ...]:
    """Return the columns of the table's one unique constraint or unique index besides the PK."""
    table = table_of(model)
    primary = {column.name for column in table.primary_key.columns}
    candidates: list[tuple[str, ...]] = []
    for constraint in table.constraints:
        if isinstance(constraint, UniqueConstraint):
            candidates.append(tuple(column.name for column in constraint.columns))
    for index in table.indexes:
        if index.unique:
            candidates.append(tuple(column.name for column in index.columns))
    keys = [key for key in dict.fromkeys(candidates) if key and set(key) != primary]
    if len(keys) != 1:
        raise UpsertInputError(
            f"table {table.name} has {len(keys)} unique keys besides the primary key "
            f"({keys}), but upsert needs exactly one to match rows on."
        )
    return keys[0]


@dataclass(frozen=True)
class ColumnLayout:
    """The columns one upsert call writes, in table order, with the natural key among them."""

    table: Table
    key: tuple[str, ...]
    columns: tuple[str, ...]

    @property
    def values(self) -> tuple[str, ...]:
        """The written columns outside the natural key: the ones an update may change."""
        return tuple(name for name in self.columns if name not in self.key)

    @property
    def data(self) -> tuple[str, ...]:
        """The value columns that carry data: foreign keys such as `data_source_id` do not."""
        return tuple(name for name in self.values if not self.column(name).foreign_keys)

    @property
    def key_positions(self) -> tuple[int, ...]:
        return tuple(self.columns.index(name) for name in self.key)

    @property
    def data_positions(self) -> tuple[int, ...]:
        return tuple(self.columns.index(name) for name in self.data)

    def column(self, name: str) -> Column[Any]:
        return self.table.c[name]

    def is_json(self, name: str) -> bool:
        return isinstance(self.column(name).type, JSON)

    def is_text(self, name: str) -> bool:
        return isinstance(self.column(name).type, (String, Text))


def layout_for(model: type[SQLModel], first_row: Mapping[str, Any]) -> ColumnLayout:
    """Validate the column names of the first row and return the layout every row must match."""
    table = table_of(model)
    given = set(first_row.keys())
    managed = sorted(given & set(MANAGED_COLUMNS))
    if managed:
        raise UpsertInputError(
            f"column {managed[0]!r} of table {table.name} is filled by the write path. "
            f"Remove {', '.join(managed)} from the rows."
        )
    names = [column.name for column in table.columns]
    unknown = sorted(given - set(names))
    if unknown:
        raise UpsertInputError(
            f"unknown column {unknown[0]!r} for table {table.name} (all unknown: "
            f"{', '.join(unknown)}). Valid columns are {', '.join(names)}."
        )
    key = natural_key(model)
    missing = [name for name in key if name not in given]
    if missing:
        raise UpsertInputError(
            f"key column {missing[0]!r} of table {table.name} is missing. Every row needs "
            f"the natural key {', '.join(key)}."
        )
    columns = tuple(name for name in names if name in given)
    return ColumnLayout(table=table, key=key, columns=columns)


def row_tuples(
    layout: ColumnLayout, rows: Iterable[Mapping[str, Any]]
) -> Iterator[tuple[Any, ...]]:
    """Yield each row's values in layout order; raise `UpsertInputError` on other column names."""
    expected = set(layout.columns)
    getter = _tuple_getter(layout.columns)
    for number, row in enumerate(rows, start=1):
        if row.keys() != expected:
            raise UpsertInputError(_describe_mismatch(layout, row, number))
        yield getter(row)


def _tuple_getter(columns: tuple[str, ...]) -> Callable[[Mapping[str, Any]], tuple[Any, ...]]:
    if len(columns) == 1:
        name = columns[0]
        return lambda row: (row[name],)
    return itemgetter(*columns)


def _describe_mismatch(layout: ColumnLayout, row: Mapping[str, Any], number: int) -> str:
    given = set(row.keys())
    extra = sorted(given - set(layout.columns))
    absent = sorted(set(layout.columns) - given)
    table = layout.table.name
    if extra:
        return (
            f"row {number} for table {table} has column {extra[0]!r} that the first row lacks. "
            "Every row of one call must have the same columns."
        )
    return (
        f"row {number} for table {table} lacks column {absent[0]!r} that the first row has. "
        "Every row of one call must have the same columns."
    )
