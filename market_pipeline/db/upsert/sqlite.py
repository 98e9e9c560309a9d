"""SQLite write path: rows staged in a temporary table, then one guarded INSERT ... ON CONFLICT."""

from __future__ import annotations

import json
import logging
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from itertools import islice
from typing import Any

from sqlalchemy import Connection

from market_pipeline.db.upsert.keys import ColumnLayout
from market_pipeline.db.upsert.result import UpsertResult
from market_pipeline.db.upsert.statements import TARGET, StatementBuilder

logger = logging.getLogger(__name__)

# Rows per executemany into the staging table.
STAGE_BATCH_ROWS = 5_000
# Only updates set updated_at, so NULL means inserted. NOTE: SQLite 3.40.1 evaluates
# `updated_at IS NULL` in this RETURNING clause as false for NULL values; typeof() is right.
INSERTED = "(typeof(updated_at) = 'null')"


def upsert_sqlite(
    connection: Connection,
    layout: ColumnLayout,
    rows: Iterator[tuple[Any, ...]],
    batch_size: int | None,
) -> UpsertResult:
    """Write `rows` inside the transaction already open on `connection`."""
    driver = connection.connection.driver_connection
    if not isinstance(driver, sqlite3.Connection):
        raise TypeError(f"the SQLite upsert needs the sqlite3 driver, not {type(driver).__name__}")
    driver.create_function("upsert_canonical_json", 1, canonical_json, deterministic=True)
    builder = StatementBuilder(layout, connection.dialect)
    processors = _bind_processors(connection, layout)
    stage = builder.quote(f"upsert_stage_{layout.table.name}")
    columns = builder.names(layout.columns)
    key = builder.names(layout.key)
    cursor = driver.cursor()
    try:
        cursor.execute(f"DROP TABLE IF EXISTS temp.{stage}")
        # The staging columns copy the target's declared types, so values get the same affinity.
        cursor.execute(
            f"CREATE TEMP TABLE {stage} AS SELECT id, {columns} FROM main.{builder.table} WHERE 0"
        )
        insert_stage = (
            f"INSERT INTO temp.{stage} (id, {columns}) "
            f"VALUES ({', '.join(['?'] * (len(layout.columns) + 1))})"
        )
        size = batch_size or STAGE_BATCH_ROWS
        while batch := [_bind(row, processors) for row in islice(rows, size)]:
            cursor.executemany(insert_stage, batch)

        cursor.execute(f"SELECT count(*) FROM (SELECT DISTINCT {key} FROM temp.{stage})")
        (unique,) = cursor.fetchone()
        now = processors_now(connection, layout)
        # Per key, the first row in this order wins: rows with data before all-empty rows,
        # then the latest (highest rowid). `WHERE rank = 1` also settles SQLite's
        # INSERT ... SELECT ... ON CONFLICT parsing ambiguity.
        cursor.execute(
            f"INSERT INTO main.{builder.table} AS {TARGET} (id, {columns}) "
            f"SELECT id, {columns} FROM ("
            f"  SELECT staged.*, row_number() OVER ("
            f"    PARTITION BY {key} ORDER BY ({builder.all_null('staged')}), staged.rowid DESC"
            f"  ) AS upsert_rank FROM temp.{stage} AS staged"
            f") WHERE upsert_rank = 1 ORDER BY {key} "
            f"{builder.conflict_action('?')} RETURNING {INSERTED}",
            (now,) if layout.values else (),
        )
        inserted = written = 0
        for (flag,) in cursor:
            inserted += flag
            written += 1
        cursor.execute(f"DROP TABLE temp.{stage}")
    finally:
        cursor.close()
    return UpsertResult(inserted, written - inserted, unique - written)


def canonical_json(text: str | None) -> str | None:
    """Return a JSON text with sorted keys and no spaces, so equal documents compare equal."""
    if text is None:
        return None
    return json.dumps(json.loads(text), sort_keys=True, separators=(",", ":"))


def _bind_processors(connection: Connection, layout: ColumnLayout) -> list[Callable[[Any], Any]]:
    """Return one converter per column plus the id: the ones the ORM applies on SQLite."""
    dialect = connection.dialect
    processors: list[Callable[[Any], Any]] = [lambda _: uuid.uuid4().hex]
    for name in layout.columns:
        processor = layout.column(name).type.dialect_impl(dialect).bind_processor(dialect)
        processors.append(_skip_none(processor) if processor else _identity)
    return processors


def processors_now(connection: Connection, layout: ColumnLayout) -> Any:
    """Return the current UTC time as the `updated_at` column stores it."""
    dialect = connection.dialect
    column_type = layout.table.c["updated_at"].type
    processor = column_type.dialect_impl(dialect).bind_processor(dialect)
    now = datetime.now(UTC)
    return processor(now) if processor else now


def _bind(row: tuple[Any, ...], processors: list[Callable[[Any], Any]]) -> tuple[Any, ...]:
    return (processors[0](None), *(processors[i + 1](value) for i, value in enumerate(row)))


def _identity(value: Any) -> Any:
    return value


def _skip_none(processor: Callable[[Any], Any]) -> Callable[[Any], Any]:
    # None stays SQL NULL, as on PostgreSQL; the JSON processor would store the text 'null'.
    return lambda value: None if value is None else processor(value)
