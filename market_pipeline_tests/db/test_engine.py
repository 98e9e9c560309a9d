from pathlib import Path

import pytest
from sqlalchemy import text

from market_pipeline.db.engine import DatabaseUnavailableError, check_connection, make_engine


def test_sqlite_pragmas(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path}/sub/dir/w.sqlite")
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    assert (tmp_path / "sub" / "dir" / "w.sqlite").exists()


def test_postgres_pool_settings() -> None:
    engine = make_engine("postgres://u:pw@127.0.0.1:5432/db")
    assert engine.dialect.driver == "psycopg"
    assert engine.pool._pre_ping is True  # type: ignore[attr-defined]
    assert engine.pool.size() == 5  # type: ignore[attr-defined]


def test_unreachable_database_hides_password() -> None:
    engine = make_engine("postgresql://user:hunter2@127.0.0.1:1/nowhere")
    with pytest.raises(DatabaseUnavailableError) as caught:
        check_connection(engine)
    message = str(caught.value)
    assert "hunter2" not in message
    assert "postgresql+psycopg://user:***@127.0.0.1:1/nowhere" in message
