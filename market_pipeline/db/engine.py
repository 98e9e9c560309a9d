"""Engine and session setup for PostgreSQL (psycopg 3) and the embedded SQLite default."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlmodel import Session

from market_pipeline.settings import get_settings, normalise_database_url, redact_url


class DatabaseUnavailableError(RuntimeError):
    """The configured database cannot be reached; the message shows the URL without password."""


def _enable_sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def make_engine(url: str | None = None, *, echo: bool | None = None) -> Engine:
    """Create an engine for `url` (default: the `DATABASE_URL` setting).

    PostgreSQL gets pre-ping and a bounded pool; SQLite gets foreign keys, WAL and a busy
    timeout on every connection, and its parent folder is created on first use.
    """
    settings = get_settings()
    raw = normalise_database_url(url or settings.database_url)
    parsed = make_url(raw)
    echo = settings.database_echo if echo is None else echo

    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            parsed, echo=echo, connect_args={"check_same_thread": False, "timeout": 30}
        )
        event.listen(engine, "connect", _enable_sqlite_pragmas)
        return engine

    return create_engine(
        parsed,
        echo=echo,
        pool_pre_ping=True,
        pool_size=5,
        max_overflow=5,
        pool_recycle=1800,
    )


def check_connection(engine: Engine) -> None:
    """Open one connection, or raise `DatabaseUnavailableError` naming the redacted URL."""
    try:
        with engine.connect():
            pass
    except Exception as error:  # every driver raises its own class
        detail = str(getattr(error, "orig", error)).splitlines()[0] if str(error) else ""
        raise DatabaseUnavailableError(
            f"cannot connect to the database at {redact_url(engine.url)}: {detail}. "
            "Check that the server is running and DATABASE_URL is right."
        ) from None


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """Yield a session that commits on success and rolls back on any error."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
