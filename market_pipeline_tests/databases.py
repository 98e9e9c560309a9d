"""Fresh test databases on SQLite and on the PostgreSQL server named by TEST_POSTGRES_URL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import URL, make_url

from market_pipeline.db.engine import make_engine
from market_pipeline.settings import normalise_database_url, redact_url

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
BACKENDS = ("sqlite", "postgres")
# The nine warehouse tables as the schema specifies them, written out rather than read from the
# models so that a table missing from the models fails the tests.
WAREHOUSE_TABLES = frozenset(
    {
        "data_source",
        "instrument",
        "ohlcv_bar_pg",
        "financial_statement",
        "company_snapshot",
        "earnings_event",
        "analyst_estimate",
        "sector_snapshot",
        "macro_snapshot",
    }
)


def postgres_server_url() -> URL:
    """Return the maintenance-database URL; fail under CI=true, skip elsewhere, if unreachable."""
    url = make_url(
        normalise_database_url(os.environ.get("TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL))
    )
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as error:  # every driver raises its own class
        message = (
            f"PostgreSQL at {redact_url(url)} is unreachable ({type(error).__name__}). "
            "Start it or set TEST_POSTGRES_URL."
        )
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    finally:
        engine.dispose()
    return url


@contextmanager
def fresh_database(backend: str, tmp_dir: Path) -> Iterator[str]:
    """Create an empty database for `backend`, yield its URL, and drop it afterwards."""
    if backend == "sqlite":
        path = tmp_dir / f"mp_{uuid.uuid4().hex[:8]}.sqlite"
        yield f"sqlite:///{path}"
        return
    server = postgres_server_url()
    name = f"mp_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def delete_all_rows(engine: Engine) -> None:
    """Empty every warehouse table, children first."""
    from market_pipeline.models import metadata

    with engine.begin() as connection:
        for table in reversed(metadata.sorted_tables):
            connection.execute(table.delete())


def engine_for(url: str) -> Engine:
    return make_engine(url, echo=False)
