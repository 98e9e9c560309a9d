"""`deploy/dagster.yaml`: Dagster's runs, event log and pools on PostgreSQL, with a real run."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from dagster import AssetKey, DagsterInstance, DagsterRunStatus, materialize
from dagster._core.instance.config import PoolGranularity
from dagster_postgres import PostgresEventLogStorage, PostgresRunStorage, PostgresScheduleStorage
from sqlalchemy import Engine, create_engine, inspect, select, text

from market_pipeline.assets.bars import ohlcv_bar_pg
from market_pipeline.assets.catalog import data_source_asset, instrument_asset
from market_pipeline.checks.bars import BAR_CHECKS
from market_pipeline.checks.instrument import INSTRUMENT_CHECKS
from market_pipeline.definitions import defs
from market_pipeline.models import OhlcvBar
from market_pipeline_tests.deploy.conftest import PRODUCTION_YAML
from market_pipeline_tests.harness import test_resources

pytestmark = pytest.mark.postgres

PARTITION = "2025-08-15"
ASSETS = [data_source_asset, instrument_asset, ohlcv_bar_pg, *INSTRUMENT_CHECKS, *BAR_CHECKS]
# The commands that `deploy/dagster.yaml` documents in its comments for per-pool limits.
POOL_COMMAND = re.compile(r"^\s*#\s+dagster instance concurrency set (\S+) (\d+)\s*$", re.MULTILINE)
DAGSTER_TABLES = {"runs", "event_logs", "jobs", "job_ticks", "instigators", "concurrency_limits"}


def _production_settings() -> dict[str, Any]:
    return yaml.safe_load(PRODUCTION_YAML.read_text(encoding="utf-8"))


def _documented_pool_limits() -> dict[str, int]:
    commands = POOL_COMMAND.findall(PRODUCTION_YAML.read_text(encoding="utf-8"))
    return {pool: int(limit) for pool, limit in commands}


def _pools_in_definitions() -> set[str]:
    graph = defs.resolve_asset_graph()
    return {pool for key in graph.get_all_asset_keys() for pool in graph.get(key).pools or ()}


def _bar_sessions(engine: Engine) -> set[date]:
    with engine.connect() as connection:
        return set(connection.execute(select(OhlcvBar.ts).distinct()).scalars())


def test_storage_is_postgres(production_instance: DagsterInstance) -> None:
    assert isinstance(production_instance.run_storage, PostgresRunStorage)
    assert isinstance(production_instance.event_log_storage, PostgresEventLogStorage)
    assert isinstance(production_instance.schedule_storage, PostgresScheduleStorage)


def test_run_limits_match_yaml(production_instance: DagsterInstance) -> None:
    settings = _production_settings()
    runs = settings["concurrency"]["runs"]
    queue = production_instance.get_concurrency_config().run_queue_config

    assert queue is not None, "deploy/dagster.yaml must keep the QueuedRunCoordinator"
    assert queue.max_concurrent_runs == runs["max_concurrent_runs"]
    assert list(queue.tag_concurrency_limits) == runs["tag_concurrency_limits"]
    retries = settings["run_queue"]["max_user_code_failure_retries"]
    assert queue.max_user_code_failure_retries == retries
    delay = settings["run_queue"]["user_code_failure_retry_delay"]
    assert queue.user_code_failure_retry_delay == delay


def test_run_monitoring_matches_yaml(production_instance: DagsterInstance) -> None:
    monitoring = _production_settings()["run_monitoring"]

    assert production_instance.run_monitoring_enabled is monitoring["enabled"]
    timeout = monitoring["start_timeout_seconds"]
    assert production_instance.run_monitoring_start_timeout_seconds == timeout


def test_pool_defaults_match_yaml(production_instance: DagsterInstance) -> None:
    pools = _production_settings()["concurrency"]["pools"]
    config = production_instance.get_concurrency_config().pool_config

    assert config.default_pool_limit == pools["default_limit"]
    assert config.pool_granularity == PoolGranularity(pools["granularity"])


def test_every_pool_documented() -> None:
    documented = _documented_pool_limits()

    assert set(documented) >= {"yahoo", "saxo", "llm"}
    missing = _pools_in_definitions() - set(documented)
    assert not missing, f"add `dagster instance concurrency set` lines for {sorted(missing)}"


def test_pool_commands_set_limits(
    production_home: Path, production_instance: DagsterInstance
) -> None:
    documented = _documented_pool_limits()
    dagster_cli = Path(sys.executable).parent / "dagster"

    for pool, limit in documented.items():
        completed = subprocess.run(
            [str(dagster_cli), "instance", "concurrency", "set", pool, str(limit)],
            env=os.environ.copy(),
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert completed.returncode == 0, completed.stderr

    for pool, limit in documented.items():
        info = production_instance.event_log_storage.get_concurrency_info(pool)
        assert info.slot_count == limit, pool


def test_materialization_stored(
    production_instance: DagsterInstance,
    dagster_storage_url: str,
    warehouse_engine: Engine,
    yahoo_replay: Any,
) -> None:
    result = materialize(
        ASSETS,
        resources=test_resources(warehouse_engine, yahoo_replay.base_url),
        partition_key=PARTITION,
        instance=production_instance,
        raise_on_error=False,
    )

    assert result.success
    assert date(2025, 8, 15) in _bar_sessions(warehouse_engine)

    runs = production_instance.get_runs()
    assert [run.run_id for run in runs] == [result.run_id]
    assert runs[0].status == DagsterRunStatus.SUCCESS
    assert runs[0].tags["dagster/partition"] == PARTITION

    bars = production_instance.fetch_materializations(AssetKey("ohlcv_bar_pg"), limit=10)
    assert [record.partition_key for record in bars.records] == [PARTITION]
    for key in ("data_source", "instrument"):
        records = production_instance.fetch_materializations(AssetKey(key), limit=10).records
        assert [record.run_id for record in records] == [result.run_id], key

    # The yahoo pool had no limit, so its first step gave it the yaml's default limit.
    yahoo_pool = production_instance.event_log_storage.get_concurrency_info("yahoo")
    assert yahoo_pool.slot_count == _production_settings()["concurrency"]["pools"]["default_limit"]

    storage = create_engine(dagster_storage_url)
    try:
        assert set(inspect(storage).get_table_names()) >= DAGSTER_TABLES
        with storage.connect() as connection:
            stored = connection.execute(text("SELECT run_id, status FROM runs")).all()
            materialized = connection.execute(
                text(
                    "SELECT asset_key, partition FROM event_logs "
                    "WHERE dagster_event_type = 'ASSET_MATERIALIZATION'"
                )
            ).all()
    finally:
        storage.dispose()
    assert stored == [(result.run_id, "SUCCESS")]
    assert ('["ohlcv_bar_pg"]', PARTITION) in materialized
    assert ('["instrument"]', None) in materialized
