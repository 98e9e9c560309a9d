"""The code location through `dagster dev`'s GraphQL API: its assets, checks, partitions and
schedules, and runs launched there that write the warehouse."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from market_pipeline.checks.bars import BAR_CHECKS
from market_pipeline.checks.instrument import INSTRUMENT_CHECKS
from market_pipeline.models import Instrument, OhlcvBar
from market_pipeline.offline import OFFLINE_MACRO_SERIES, OFFLINE_SYMBOLS
from market_pipeline_tests.ui.conftest import DagsterUI
from market_pipeline_tests.ui.dagster_dev import (
    LOCATION_NAME,
    REPOSITORY_NAME,
    launch_run,
    run_failures,
    wait_for_run,
)

pytestmark = pytest.mark.slow

UNIVERSE_SIZE = len(OFFLINE_SYMBOLS) + len(OFFLINE_MACRO_SERIES)

ASSET_NODES_QUERY = """
{
  assetNodes {
    assetKey { path }
    isPartitioned
    assetChecksOrError { ... on AssetChecks { checks { name } } }
  }
}
"""

PARTITIONS_QUERY = """
query Partitions($assetKey: AssetKeyInput!) {
  assetNodeOrError(assetKey: $assetKey) { ... on AssetNode { partitionKeys } }
}
"""

MATERIALIZATIONS_QUERY = """
query Materializations($assetKey: AssetKeyInput!, $partitions: [String!]) {
  assetNodeOrError(assetKey: $assetKey) {
    ... on AssetNode { assetMaterializations(partitions: $partitions) { runId partition } }
  }
}
"""

SCHEDULES_QUERY = """
query Schedules($selector: RepositorySelector!) {
  repositoryOrError(repositorySelector: $selector) {
    ... on Repository { schedules { name pipelineName } }
  }
}
"""


def _asset_nodes(dagster_ui: DagsterUI) -> dict[str, dict]:
    nodes = dagster_ui.dagster.query(ASSET_NODES_QUERY)["assetNodes"]
    return {"/".join(node["assetKey"]["path"]): node for node in nodes}


def _check_names(node: dict) -> set[str]:
    return {check["name"] for check in node["assetChecksOrError"].get("checks") or []}


def _defined_check_names(asset: str) -> set[str]:
    return {
        spec.name
        for checks in (*INSTRUMENT_CHECKS, *BAR_CHECKS)
        for spec in checks.check_specs
        if spec.asset_key.to_user_string() == asset
    }


def _bars_on(dagster_ui: DagsterUI, session: date) -> int:
    query = select(func.count()).select_from(OhlcvBar).where(OhlcvBar.ts == session)
    with dagster_ui.warehouse.connect() as connection:
        return int(connection.execute(query).scalar_one())


def _run_to_end(dagster_ui: DagsterUI, run_id: str) -> None:
    status = wait_for_run(dagster_ui.dagster, run_id)
    assert status == "SUCCESS", run_failures(dagster_ui.dagster, run_id)


@pytest.fixture(scope="module")
def universe_run(dagster_ui: DagsterUI) -> str:
    """The id of a finished `refresh_universe` run; the bar runs need its instruments."""
    run_id = launch_run(dagster_ui.dagster, "refresh_universe")
    _run_to_end(dagster_ui, run_id)
    return run_id


def test_asset_nodes_listed(dagster_ui: DagsterUI) -> None:
    nodes = _asset_nodes(dagster_ui)

    assert {"data_source", "instrument", "ohlcv_bar_pg"} <= set(nodes)
    assert nodes["ohlcv_bar_pg"]["isPartitioned"] is True
    assert nodes["instrument"]["isPartitioned"] is False


def test_asset_checks_listed(dagster_ui: DagsterUI) -> None:
    nodes = _asset_nodes(dagster_ui)

    for asset in ("instrument", "ohlcv_bar_pg"):
        expected = _defined_check_names(asset)
        assert expected, asset
        assert _check_names(nodes[asset]) == expected, asset


def test_bar_partitions_listed(dagster_ui: DagsterUI) -> None:
    data = dagster_ui.dagster.query(PARTITIONS_QUERY, {"assetKey": {"path": ["ohlcv_bar_pg"]}})
    keys = set(data["assetNodeOrError"]["partitionKeys"])

    assert {"2025-08-14", "2025-08-15", "2025-08-18"} <= keys
    assert "2025-08-16" not in keys  # a Saturday
    assert "2025-07-04" not in keys  # Independence Day


def test_schedules_listed(dagster_ui: DagsterUI) -> None:
    selector = {"repositoryLocationName": LOCATION_NAME, "repositoryName": REPOSITORY_NAME}
    data = dagster_ui.dagster.query(SCHEDULES_QUERY, {"selector": selector})
    schedules = {
        schedule["name"]: schedule["pipelineName"]
        for schedule in data["repositoryOrError"]["schedules"]
    }

    assert schedules["daily_after_close"] == "daily_market_data"
    assert schedules["weekly_universe"] == "refresh_universe"


def test_universe_run_writes_instruments(dagster_ui: DagsterUI, universe_run: str) -> None:
    with dagster_ui.warehouse.connect() as connection:
        symbols = set(connection.execute(select(Instrument.symbol)).scalars())

    assert len(symbols) == UNIVERSE_SIZE
    assert set(OFFLINE_SYMBOLS) <= symbols


def test_bar_asset_launch(dagster_ui: DagsterUI, universe_run: str) -> None:
    run_id = launch_run(
        dagster_ui.dagster,
        "daily_market_data",
        partition_key="2025-08-15",
        asset_keys=["ohlcv_bar_pg"],
    )
    _run_to_end(dagster_ui, run_id)

    assert _bars_on(dagster_ui, date(2025, 8, 15)) == UNIVERSE_SIZE
    variables = {"assetKey": {"path": ["ohlcv_bar_pg"]}, "partitions": ["2025-08-15"]}
    data = dagster_ui.dagster.query(MATERIALIZATIONS_QUERY, variables)
    materializations = data["assetNodeOrError"]["assetMaterializations"]
    assert {"runId": run_id, "partition": "2025-08-15"} in materializations


def test_daily_job_launch(dagster_ui: DagsterUI, universe_run: str) -> None:
    # 2025-08-22 lies outside the sessions the 2025-08-15 run re-fetches (08-08..08-15).
    assert _bars_on(dagster_ui, date(2025, 8, 22)) == 0

    run_id = launch_run(dagster_ui.dagster, "daily_market_data", partition_key="2025-08-22")
    _run_to_end(dagster_ui, run_id)

    assert _bars_on(dagster_ui, date(2025, 8, 22)) == UNIVERSE_SIZE
