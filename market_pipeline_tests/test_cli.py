"""The `market-pipeline` console script, run as a user runs it."""

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import text

from market_pipeline.db.engine import make_engine
from market_pipeline_tests.databases import fresh_database


def _cli(*args: str, database_url: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": database_url}
    return subprocess.run(
        [sys.executable, "-m", "market_pipeline.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=120,
    )


def test_upgrade_then_validate(backend: str, tmp_path: Path) -> None:
    with fresh_database(backend, tmp_path) as url:
        upgraded = _cli("db", "upgrade", database_url=url, cwd=tmp_path)
        assert upgraded.returncode == 0, upgraded.stderr
        validated = _cli("db", "validate", database_url=url, cwd=tmp_path)
        assert validated.returncode == 0, validated.stderr
        assert "matches the models" in validated.stdout

        engine = make_engine(url)
        with engine.begin() as connection:
            connection.execute(text("ALTER TABLE instrument DROP COLUMN industry"))
        engine.dispose()
        broken = _cli("db", "validate", database_url=url, cwd=tmp_path)
    assert broken.returncode == 1
    assert "instrument: missing column: industry" in broken.stderr


def test_default_database_created_in_working_directory(tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    result = subprocess.run(
        [sys.executable, "-m", "market_pipeline.cli", "db", "upgrade"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "data" / "market_pipeline.sqlite").exists()


def test_unreachable_database_message(tmp_path: Path) -> None:
    result = _cli(
        "db", "validate", database_url="postgres://me:topsecret@127.0.0.1:1/x", cwd=tmp_path
    )
    assert result.returncode == 2
    assert "topsecret" not in result.stderr
    assert "cannot connect to the database at postgresql+psycopg://me:***@127.0.0.1:1/x" in (
        result.stderr
    )


def test_dotenv_file_read(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("DATABASE_URL=sqlite:///from_dotenv.sqlite\n", encoding="utf-8")
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}

    result = subprocess.run(
        [sys.executable, "-m", "market_pipeline.cli", "db", "upgrade"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    assert (tmp_path / "from_dotenv.sqlite").exists()
