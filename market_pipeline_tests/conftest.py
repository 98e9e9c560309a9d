"""Shared fixtures: a migrated database per backend for the whole run, emptied after each test."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

# Dagster step retries wait 30 s and more; the tests assert the first failure instead.
os.environ.setdefault("MARKET_STEP_RETRIES", "0")
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


@pytest.fixture(scope="session")
def yahoo_server() -> Iterator[Any]:
    """One Yahoo replay server on 127.0.0.1 for the whole run."""
    from market_pipeline.replay.yahoo import YahooReplayServer

    server = YahooReplayServer().start()
    yield server
    server.stop()


@pytest.fixture
def yahoo_replay(yahoo_server: Any) -> Iterator[Any]:
    """The Yahoo replay server with no pending faults, an empty request log and fresh
    yfinance caches."""
    from market_pipeline.providers.yahoo.client import reset_yfinance_state

    yahoo_server.clear()
    reset_yfinance_state()
    yield yahoo_server
    yahoo_server.clear()
