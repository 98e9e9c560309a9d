"""Resolve duplicate natural keys inside one call before rows reach the database."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from market_pipeline.db.upsert.keys import ColumnLayout, UpsertInputError


def is_empty(value: Any) -> bool:
    """Return whether a value carries no data: None, `""`, `{}` or `[]`."""
    if value is None:
        return True
    return isinstance(value, (str, dict, list)) and not value


def is_all_null(row: tuple[Any, ...], data_positions: tuple[int, ...]) -> bool:
    """Return whether every data value of `row` is empty, so the row must never win."""
    return all(is_empty(row[position]) for position in data_positions)


def dedupe_sorted(layout: ColumnLayout, rows: Iterable[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Keep one row per natural key, sorted by key.

    The later row wins, except that a row whose data values (non-key columns other than
    foreign keys) are all empty never replaces a row with data. Sorting by key makes
    concurrent writers lock rows in the same order.

    NOTE: Python sorts text keys by code point, while the COPY path sorts them by the
    database collation, so two writers on different paths may lock text keys in other orders.
    """
    key_positions = layout.key_positions
    data_positions = layout.data_positions
    chosen: dict[tuple[Any, ...], tuple[Any, ...]] = {}
    for row in rows:
        key = tuple(row[position] for position in key_positions)
        if None in key:
            name = layout.key[key.index(None)]
            raise UpsertInputError(
                f"key column {name!r} of table {layout.table.name} is None in row {row!r}. "
                "every key column needs a value."
            )
        previous = chosen.get(key)
        if (
            previous is not None
            and is_all_null(row, data_positions)
            and not is_all_null(previous, data_positions)
        ):
            continue
        chosen[key] = row
    return [chosen[key] for key in sorted(chosen)]
