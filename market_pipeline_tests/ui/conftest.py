"""One `dagster dev` for the UI tests, on a migrated SQLite warehouse and the Yahoo replay."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from market_pipeline.db.migrations import upgrade
from market_pipeline.offline import OFFLINE_MACRO_SERIES, OFFLINE_SYMBOLS
from market_pipeline_tests.databases import engine_for, fresh_database
from market_pipeline_tests.ui.dagster_dev import DagsterDev, free_port

PROJECT_ROOT = Path(__file__).resolve().parents[2]
# Telemetry off keeps the runs offline, and nux off hides the first-visit dialog in screenshots.
INSTANCE_YAML = "telemetry:\n  enabled: false\nnux:\n  enabled: false\n"
# The UI tests run offline, so the variables that point a provider at a real service are dropped.
PROVIDER_VARIABLES = ("SAXO_TOKEN", "SAXO_BASE_URL", "LLM_BASE_URL", "LLM_API_KEY", "LLM_MODEL")


@dataclass(frozen=True)
class DagsterUI:
    """A running `dagster dev` and the warehouse its runs write to."""

    dagster: DagsterDev
    warehouse: Engine


def _dagster_env(home: Path, database_url: str, yahoo_url: str) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if name not in PROVIDER_VARIABLES}
    macro_series = ",".join(f"{symbol}:{kind}" for symbol, kind in OFFLINE_MACRO_SERIES.items())
    env.update(
        DAGSTER_HOME=str(home),
        DATABASE_URL=database_url,
        YAHOO_BASE_URL=yahoo_url,
        MARKET_SYMBOLS=",".join(OFFLINE_SYMBOLS),
        MARKET_MACRO_SERIES=macro_series,
        MARKET_STEP_RETRIES="0",
    )
    return env


@pytest.fixture(scope="package")
def dagster_ui(tmp_path_factory: pytest.TempPathFactory, yahoo_server: Any) -> Iterator[DagsterUI]:
    """`dagster dev -w workspace.yaml` on a free port, stopped by process group at the end."""
    tmp = tmp_path_factory.mktemp("dagster_ui")
    home = tmp / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text(INSTANCE_YAML, encoding="utf-8")
    yahoo_server.clear()

    with fresh_database("sqlite", tmp) as database_url:
        warehouse = engine_for(database_url)
        upgrade(warehouse)
        dagster = DagsterDev(
            project_root=PROJECT_ROOT,
            port=free_port(),
            env=_dagster_env(home, database_url, yahoo_server.base_url),
            log_path=tmp / "dagster_dev.log",
        )
        try:
            dagster.start()
            dagster.wait_until_loaded()
            yield DagsterUI(dagster=dagster, warehouse=warehouse)
        finally:
            dagster.stop()
            warehouse.dispose()
