"""Fixtures for the production instance: `deploy/dagster.yaml` on fresh PostgreSQL databases."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from dagster import DagsterInstance
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

import market_pipeline
from market_pipeline.db.migrations import upgrade
from market_pipeline_tests.databases import engine_for, fresh_database

PRODUCTION_YAML = Path(market_pipeline.__file__).parent / "deploy" / "dagster.yaml"


def storage_environment(url: str) -> dict[str, str]:
    """Return the DAGSTER_PG_* variables that point `deploy/dagster.yaml` at database `url`."""
    parsed = make_url(url)
    return {
        "DAGSTER_PG_USERNAME": parsed.username or "",
        "DAGSTER_PG_PASSWORD": parsed.password or "",
        "DAGSTER_PG_HOST": parsed.host or "127.0.0.1",
        "DAGSTER_PG_PORT": str(parsed.port or 5432),
        "DAGSTER_PG_DB": parsed.database or "",
    }


@pytest.fixture
def dagster_storage_url(tmp_path: Path) -> Iterator[str]:
    """The URL of an empty PostgreSQL database for Dagster's own tables."""
    with fresh_database("postgres", tmp_path) as url:
        yield url


@pytest.fixture
def production_home(
    tmp_path: Path, dagster_storage_url: str, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """A DAGSTER_HOME containing a copy of `deploy/dagster.yaml`, with its variables set."""
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copyfile(PRODUCTION_YAML, home / "dagster.yaml")
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    for name, value in storage_environment(dagster_storage_url).items():
        monkeypatch.setenv(name, value)
    return home


@pytest.fixture
def production_instance(production_home: Path) -> Iterator[DagsterInstance]:
    """The Dagster instance that `deploy/dagster.yaml` configures."""
    instance = DagsterInstance.from_config(str(production_home))
    try:
        yield instance
    finally:
        instance.dispose()


@pytest.fixture
def warehouse_engine(tmp_path: Path) -> Iterator[Engine]:
    """A migrated warehouse on its own PostgreSQL database, beside Dagster's."""
    with fresh_database("postgres", tmp_path) as url:
        engine = engine_for(url)
        upgrade(engine)
        try:
            yield engine
        finally:
            engine.dispose()
