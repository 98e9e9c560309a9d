"""The one write path: bulk, idempotent upserts keyed on each table's natural key.

`upsert` inserts new rows, updates changed rows in place (keeping `id` and `created_at`,
setting `updated_at`) and leaves unchanged rows unwritten, in one transaction per call.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from itertools import chain
from typing import Any

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError
from sqlmodel import SQLModel

from market_pipeline.db.upsert.keys import UpsertInputError, layout_for, natural_key, row_tuples
from market_pipeline.db.upsert.postgres import upsert_postgres
from market_pipeline.db.upsert.result import UpsertResult
from market_pipeline.db.upsert.sqlite import upsert_sqlite

__all__ = ["UpsertInputError", "UpsertResult", "natural_key", "upsert"]

logger = logging.getLogger(__name__)


def upsert(
    bind: Engine | Connection,
    model: type[SQLModel],
    rows: Iterable[Mapping[str, Any]],
    *,
    batch_size: int | None = None,
) -> UpsertResult:
    """Insert or update `rows` of `model`'s table, matched on its natural key.

    Rows are mappings of column values without `id`, `created_at` and `updated_at`. Every
    row must have the same columns, including the whole natural key. Columns left out are
    not written. Within one call the later row per key wins, but a row whose data values
    (non-key columns other than foreign keys) are all empty (None, "", {}, []) never replaces
    data, in the call or in the table. `rows` is consumed as a stream.
    `batch_size` sets the rows per statement (per COPY on PostgreSQL).

    With an `Engine` the call runs in its own transaction. With a `Connection` it joins the
    connection's open transaction (or begins and commits one), so the caller can combine it
    with other statements. Raises `UpsertInputError` on rows that do not fit the table.
    """
    if batch_size is not None and batch_size < 1:
        raise UpsertInputError(f"batch_size must be at least 1, got {batch_size}.")
    iterator = iter(rows)
    first = next(iterator, None)
    if first is None:
        return UpsertResult(0, 0, 0)
    layout = layout_for(model, first)
    values = row_tuples(layout, chain([first], iterator))

    started = time.perf_counter()
    with _transaction(bind) as connection:
        write = _dispatch(connection, layout.table.name)
        dbapi_error = connection.dialect.loaded_dbapi.Error
        try:
            result = write(connection, layout, values, batch_size)
        except dbapi_error as error:
            # The write paths use the driver's cursor; raise what SQLAlchemy would raise
            # (IntegrityError for a constraint violation, and so on).
            raise DBAPIError.instance(
                f"upsert into {layout.table.name}", None, error, dbapi_error
            ) from error
    logger.info(
        "upserted %s: %d inserted, %d updated, %d unchanged in %.2f s",
        layout.table.name,
        result.inserted,
        result.updated,
        result.unchanged,
        time.perf_counter() - started,
    )
    return result


def _dispatch(connection: Connection, table: str) -> Any:
    name = connection.dialect.name
    if name == "postgresql":
        return upsert_postgres
    if name == "sqlite":
        return upsert_sqlite
    raise UpsertInputError(
        f"upsert into {table} supports PostgreSQL and SQLite, not {name}. "
        "Point DATABASE_URL at one of them."
    )


@contextmanager
def _transaction(bind: Engine | Connection) -> Iterator[Connection]:
    if isinstance(bind, Engine):
        with bind.begin() as connection:
            yield connection
    elif bind.in_transaction():
        yield bind
    else:
        with bind.begin():
            yield bind
