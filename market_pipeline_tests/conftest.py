"""Shared fixtures: a migrated database per backend for the whole run, emptied after each test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from market_pipeline.db.migrations import upgrade
from market_pipeline_tests.databases import BACKENDS, delete_all_rows, engine_for, fresh_database


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """The database kind a test runs on: every database test runs on both."""
    return str(request.param)


@pytest.fixture(scope="session")
def migrated_engine(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """An engine on a fresh database of `backend` with all migrations applied."""
    with fresh_database(backend, tmp_path_factory.mktemp(backend)) as url:
        engine = engine_for(url)
        upgrade(engine)
        yield engine
        engine.dispose()


@pytest.fixture
def engine(migrated_engine: Engine) -> Iterator[Engine]:
    """The migrated engine; every table is emptied when the test ends."""
    yield migrated_engine
    delete_all_rows(migrated_engine)
