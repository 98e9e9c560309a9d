"""An asset backfill of `ohlcv_bar_pg` launched through `dagster dev`'s GraphQL API. Its
single-run backfill policy makes it one run that fetches each symbol once."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import unquote

import pytest
from sqlalchemy import select

from market_pipeline.models import Instrument, OhlcvBar
from market_pipeline.offline import OFFLINE_MACRO_SERIES, OFFLINE_SYMBOLS
from market_pipeline.partitions import partition_keys_between
from market_pipeline_tests.ui.conftest import DagsterUI
from market_pipeline_tests.ui.dagster_dev import (
    launch_asset_backfill,
    launch_run,
    run_failures,
    wait_for_backfill,
    wait_for_run,
)

pytestmark = pytest.mark.slow

UNIVERSE = {*OFFLINE_SYMBOLS, *OFFLINE_MACRO_SERIES}
CHART_PATH = "/v8/finance/chart/"
BACKFILL_KEYS = partition_keys_between(date(2025, 8, 4), date(2025, 8, 15))

BACKFILL_RUNS_QUERY = """
query BackfillRuns($filter: RunsFilter!) {
  runsOrError(filter: $filter) {
    __typename
    ... on Runs { results { runId status tags { key value } } }
    ... on Error { message }
  }
}
"""

MATERIALIZATIONS_QUERY = """
query Materializations($assetKey: AssetKeyInput!, $partitions: [String!]) {
  assetNodeOrError(assetKey: $assetKey) {
    ... on AssetNode { assetMaterializations(partitions: $partitions) { runId partition } }
  }
}
"""


def _backfill_runs(dagster_ui: DagsterUI, backfill_id: str) -> list[dict[str, Any]]:
    tag_filter = {"tags": [{"key": "dagster/backfill", "value": backfill_id}]}
    data = dagster_ui.dagster.query(BACKFILL_RUNS_QUERY, {"filter": tag_filter})
    runs = data["runsOrError"]
    assert runs["__typename"] == "Runs", runs
    return list(runs["results"])


def _materialized_partitions(dagster_ui: DagsterUI, run_id: str) -> set[str]:
    variables = {"assetKey": {"path": ["ohlcv_bar_pg"]}, "partitions": BACKFILL_KEYS}
    data = dagster_ui.dagster.query(MATERIALIZATIONS_QUERY, variables)
    events = data["assetNodeOrError"]["assetMaterializations"]
    return {event["partition"] for event in events if event["runId"] == run_id}


def _symbols_by_session(dagster_ui: DagsterUI) -> dict[str, set[str]]:
    sessions = [date.fromisoformat(key) for key in BACKFILL_KEYS]
    query = (
        select(OhlcvBar.ts, Instrument.symbol)
        .join(Instrument, Instrument.id == OhlcvBar.instrument_id)
        .where(OhlcvBar.ts.in_(sessions))
    )
    found: dict[str, set[str]] = {key: set() for key in BACKFILL_KEYS}
    with dagster_ui.warehouse.connect() as connection:
        for session, symbol in connection.execute(query):
            found[session.isoformat()].add(symbol)
    return found


def _charted_symbols(yahoo_server: Any) -> list[str]:
    paths = [request.path for request in yahoo_server.requests if CHART_PATH in request.path]
    return sorted(unquote(path.split(CHART_PATH, 1)[1]) for path in paths)


def test_bar_backfill_single_run(dagster_ui: DagsterUI, yahoo_server: Any) -> None:
    universe_run = launch_run(dagster_ui.dagster, "refresh_universe")
    universe_status = wait_for_run(dagster_ui.dagster, universe_run)
    assert universe_status == "SUCCESS", run_failures(dagster_ui.dagster, universe_run)
    assert len(BACKFILL_KEYS) == 10
    yahoo_server.clear()

    backfill_id = launch_asset_backfill(dagster_ui.dagster, ["ohlcv_bar_pg"], BACKFILL_KEYS)
    status, error = wait_for_backfill(dagster_ui.dagster, backfill_id)
    runs = _backfill_runs(dagster_ui, backfill_id)

    failures = "\n".join(run_failures(dagster_ui.dagster, run["runId"]) for run in runs)
    assert status in {"COMPLETED", "COMPLETED_SUCCESS"}, f"{status}: {error}\n{failures}"
    assert len(runs) == 1, [run["runId"] for run in runs]

    run = runs[0]
    assert run["status"] == "SUCCESS", failures
    tags = {tag["key"]: tag["value"] for tag in run["tags"]}
    assert tags["dagster/asset_partition_range_start"] == BACKFILL_KEYS[0]
    assert tags["dagster/asset_partition_range_end"] == BACKFILL_KEYS[-1]

    assert yahoo_server.count(CHART_PATH) == len(UNIVERSE)
    assert _charted_symbols(yahoo_server) == sorted(UNIVERSE)
    assert _materialized_partitions(dagster_ui, run["runId"]) == set(BACKFILL_KEYS)
    assert _symbols_by_session(dagster_ui) == {key: UNIVERSE for key in BACKFILL_KEYS}
