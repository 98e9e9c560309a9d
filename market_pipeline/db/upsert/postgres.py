"""PostgreSQL write path: multi-row INSERT for small inputs, COPY into a staging table otherwise."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator
from itertools import chain, islice
from typing import Any

from psycopg import Connection as PsycopgConnection
from psycopg.types.json import Jsonb
from sqlalchemy import Connection
from sqlalchemy.dialects import postgresql

from market_pipeline.db.types import UTCDateTime
from market_pipeline.db.upsert.dedupe import dedupe_sorted
from market_pipeline.db.upsert.keys import ColumnLayout
from market_pipeline.db.upsert.result import UpsertResult
from market_pipeline.db.upsert.statements import TARGET, StatementBuilder

logger = logging.getLogger(__name__)

# Inputs shorter than this go through one multi-row INSERT, which spares creating a
# staging table; longer ones are staged with COPY.
COPY_MIN_ROWS = 1_000
# Rows per COPY statement into the staging table. Rows stream straight from the input,
# so this bounds the work per statement, not Python memory.
COPY_BATCH_ROWS = 50_000
# PostgreSQL accepts at most 65,535 bound parameters per statement.
MAX_PARAMETERS = 65_535
INSERTED = "(updated_at IS NULL)"  # only updates set updated_at, so NULL means inserted


def upsert_postgres(
    connection: Connection,
    layout: ColumnLayout,
    rows: Iterator[tuple[Any, ...]],
    batch_size: int | None,
) -> UpsertResult:
    """Write `rows` inside the transaction already open on `connection`."""
    driver = connection.connection.driver_connection
    if not isinstance(driver, PsycopgConnection):
        raise TypeError(
            f"the PostgreSQL upsert needs the psycopg 3 driver, not {type(driver).__name__}; "
            "use a postgresql+psycopg:// URL."
        )
    head = list(islice(rows, COPY_MIN_ROWS))
    builder = StatementBuilder(layout, postgresql.dialect())
    if len(head) < COPY_MIN_ROWS:
        unique = dedupe_sorted(layout, head)
        return _upsert_values(driver, builder, list(_convert(layout, iter(unique))), batch_size)
    staged = _convert(layout, chain(head, rows))
    return _upsert_staged(driver, builder, staged, batch_size or COPY_BATCH_ROWS)


def _convert(layout: ColumnLayout, rows: Iterator[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
    """Wrap JSON documents for psycopg and check timestamps the way the ORM does.

    NOTE: prices go to NUMERIC(12,4) unquantized, so PostgreSQL rounds a fifth decimal of
    exactly 5 away from zero, where the ORM's `Price` (and the SQLite path) rounds half to even.
    """
    converters: dict[int, Callable[[Any], Any]] = {}
    for position, name in enumerate(layout.columns):
        column_type = layout.column(name).type
        if layout.is_json(name):
            converters[position] = _jsonb
        elif isinstance(column_type, UTCDateTime):
            converters[position] = _utc_converter(column_type)
    if not converters:
        return rows
    return (
        tuple(converters[i](value) if i in converters else value for i, value in enumerate(row))
        for row in rows
    )


def _jsonb(value: Any) -> Any:
    return None if value is None else Jsonb(value)


def _utc_converter(column_type: UTCDateTime) -> Callable[[Any], Any]:
    dialect = postgresql.dialect()
    return lambda value: column_type.process_bind_param(value, dialect)


def _upsert_values(
    driver: PsycopgConnection,
    builder: StatementBuilder,
    unique: list[tuple[Any, ...]],
    batch_size: int | None,
) -> UpsertResult:
    """Write rows that are already de-duplicated and sorted by key."""
    layout = builder.layout
    width = len(layout.columns)
    per_statement = min(batch_size or len(unique) or 1, MAX_PARAMETERS // width)
    placeholders = "(gen_random_uuid(), " + ", ".join(["%s"] * width) + ")"
    inserted = written = 0
    with driver.cursor() as cursor:
        for start in range(0, len(unique), per_statement):
            batch = unique[start : start + per_statement]
            sql = (
                f"INSERT INTO {builder.table} AS {TARGET} (id, {builder.names(layout.columns)}) "
                f"VALUES {', '.join([placeholders] * len(batch))} "
                f"{builder.conflict_action('now()')} RETURNING {INSERTED}"
            )
            cursor.execute(sql, [value for row in batch for value in row])
            flags = [flag for (flag,) in cursor.fetchall()]
            inserted += sum(flags)
            written += len(flags)
    return UpsertResult(inserted, written - inserted, len(unique) - written)


def _upsert_staged(
    driver: PsycopgConnection,
    builder: StatementBuilder,
    rows: Iterable[tuple[Any, ...]],
    batch_size: int,
) -> UpsertResult:
    layout = builder.layout
    stage = builder.quote(f"upsert_stage_{layout.table.name}")
    columns = builder.names(layout.columns)
    definitions = ", ".join(
        f"{builder.quote(name)} {layout.column(name).type.compile(dialect=postgresql.dialect())}"
        for name in layout.columns
    )
    with driver.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS pg_temp.{stage}")
        cursor.execute(
            f"CREATE TEMP TABLE {stage} ({definitions}, "
            "upsert_seq bigint GENERATED ALWAYS AS IDENTITY) ON COMMIT DROP"
        )
        started = time.perf_counter()
        staged = _copy_batches(cursor, f"COPY {stage} ({columns}) FROM STDIN", rows, batch_size)
        logger.debug(
            "staged %d rows for %s in %.2f s",
            staged,
            layout.table.name,
            time.perf_counter() - started,
        )
        started = time.perf_counter()

        key = builder.names(layout.key)
        # DISTINCT ON keeps, per key, the first row in this order: rows with data before
        # all-empty rows, then the latest. The INSERT then runs in key order.
        cursor.execute(
            f"WITH source AS MATERIALIZED ("
            f"  SELECT DISTINCT ON ({key}) {columns} FROM {stage} AS staged"
            f"  ORDER BY {key}, ({builder.all_null('staged')}), upsert_seq DESC"
            f"), written AS ("
            f"  INSERT INTO {builder.table} AS {TARGET} (id, {columns})"
            f"  SELECT gen_random_uuid(), {columns} FROM source ORDER BY {key}"
            f"  {builder.conflict_action('now()')} RETURNING {INSERTED} AS inserted"
            f") SELECT (SELECT count(*) FROM source),"
            f" count(*) FILTER (WHERE inserted), count(*) FROM written"
        )
        row = cursor.fetchone()
        assert row is not None
        unique, inserted, written = row
        cursor.execute(f"DROP TABLE {stage}")
        logger.debug("merged %s in %.2f s", layout.table.name, time.perf_counter() - started)
    return UpsertResult(inserted, written - inserted, unique - written)


def _copy_batches(cursor: Any, statement: str, rows: Iterable[tuple[Any, ...]], size: int) -> int:
    """COPY `rows` with one statement per `size` rows; return the number of rows sent."""
    iterator = iter(rows)
    total = 0
    while True:
        sent = 0
        with cursor.copy(statement) as copy:
            for row in islice(iterator, size):
                copy.write_row(row)
                sent += 1
        total += sent
        if sent < size:
            return total
