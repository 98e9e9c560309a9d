"""Statements, earnings, estimates and snapshots materialised through Dagster against the Yahoo
replay server, with the offline writer or the LLM replay server."""

from __future__ import annotations

from typing import Any

from dagster import AssetCheckSeverity, materialize
from sqlalchemy import Engine, func, select

from market_pipeline.assets.bars import ohlcv_bar_pg
from market_pipeline.assets.catalog import data_source_asset, instrument_asset
from market_pipeline.assets.earnings import earnings_event
from market_pipeline.assets.estimates import analyst_estimate
from market_pipeline.assets.snapshots.company import company_snapshot
from market_pipeline.assets.snapshots.macro import macro_snapshot
from market_pipeline.assets.snapshots.sector import sector_snapshot
from market_pipeline.assets.statements import financial_statement
from market_pipeline.checks.earnings import EARNINGS_CHECKS
from market_pipeline.checks.estimates import ESTIMATE_CHECKS
from market_pipeline.checks.snapshots import SNAPSHOT_CHECKS
from market_pipeline.checks.statements import STATEMENT_CHECKS
from market_pipeline.models import (
    AnalystEstimate,
    CompanySnapshot,
    DataSource,
    EarningsEvent,
    FinancialStatement,
    MacroSnapshot,
    SectorSnapshot,
)
from market_pipeline.replay.llm import LLMReplayServer
from market_pipeline_tests.harness import test_resources

PARTITION = "2025-07-01"
FUNDAMENTALS = [financial_statement, earnings_event, *STATEMENT_CHECKS, *EARNINGS_CHECKS]
DAILY = [
    ohlcv_bar_pg,
    analyst_estimate,
    company_snapshot,
    sector_snapshot,
    macro_snapshot,
    *ESTIMATE_CHECKS,
    *SNAPSHOT_CHECKS,
]


def _run(assets: list[Any], resources: dict[str, Any], partition_key: str | None = None) -> Any:
    return materialize(
        assets, resources=resources, partition_key=partition_key, raise_on_error=False
    )


def _load_all(engine: Engine, yahoo_url: str, llm_url: str | None = None) -> tuple[Any, Any]:
    resources = test_resources(engine, yahoo_url, llm_url=llm_url)
    assert _run([data_source_asset, instrument_asset], resources).success
    fundamentals = _run(FUNDAMENTALS, resources)
    daily = _run(DAILY, resources, PARTITION)
    return fundamentals, daily


def _count(engine: Engine, model: Any) -> int:
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(model)).scalar_one()


def _checks(result: Any) -> dict[tuple[str, str], Any]:
    return {
        (evaluation.asset_key.path[-1], evaluation.check_name): evaluation
        for evaluation in result.get_asset_check_evaluations()
    }


def _metadata(result: Any, asset: str) -> dict[str, Any]:
    events = result.asset_materializations_for_node(asset)
    assert len(events) == 1
    return events[0].metadata


def test_all_write_and_checks_pass(engine: Engine, yahoo_replay: Any) -> None:
    fundamentals, daily = _load_all(engine, yahoo_replay.base_url)
    assert fundamentals.success
    assert daily.success
    failed = {
        key
        for result in (fundamentals, daily)
        for key, ev in _checks(result).items()
        if not ev.passed
    }
    assert failed == set()
    assert len(_checks(fundamentals)) == len(STATEMENT_CHECKS) + len(EARNINGS_CHECKS)
    assert len(_checks(daily)) == len(ESTIMATE_CHECKS) + len(SNAPSHOT_CHECKS)
    # AAPL: 4 quarters and 3 years; MSFT: 4 years (June year end).
    assert _count(engine, FinancialStatement) == 11
    assert _count(engine, EarningsEvent) == 5
    assert _count(engine, AnalystEstimate) == 4
    assert _count(engine, CompanySnapshot) == 2
    assert _count(engine, SectorSnapshot) == 1
    assert _count(engine, MacroSnapshot) == 1


def test_metadata_reports_counts(engine: Engine, yahoo_replay: Any) -> None:
    fundamentals, daily = _load_all(engine, yahoo_replay.base_url)
    statements = _metadata(fundamentals, "financial_statement")
    assert statements["dagster/row_count"].value == 11
    assert statements["inserted"].value == 11
    assert statements["provider"].value == "yahoo"
    assert statements["requests"].value > 0
    assert "period_end" in statements["preview"].value
    estimates = _metadata(daily, "analyst_estimate")
    assert estimates["sessions"].value == f"{PARTITION}..{PARTITION}"
    assert estimates["dagster/row_count"].value == 4
    company = _metadata(daily, "company_snapshot")
    assert company["provider"].value == {"offline-writer": 2}


def test_rerun_is_unchanged(engine: Engine, yahoo_replay: Any) -> None:
    _load_all(engine, yahoo_replay.base_url)
    resources = test_resources(engine, yahoo_replay.base_url)
    again = _run(FUNDAMENTALS, resources)
    statements = _metadata(again, "financial_statement")
    assert statements["unchanged"].value == 11
    assert statements["inserted"].value == 0


def test_offline_writer_recorded(engine: Engine, yahoo_replay: Any) -> None:
    _load_all(engine, yahoo_replay.base_url)
    query = select(DataSource.name).join(
        SectorSnapshot, SectorSnapshot.data_source_id == DataSource.id
    )
    with engine.connect() as connection:
        assert connection.execute(query).scalar_one() == "offline-writer"
        metrics = connection.execute(select(SectorSnapshot.metrics)).scalar_one()
    assert metrics["_grounding"] == {"valid": True, "ungrounded": [], "writer": "offline-writer"}
    assert metrics["members"] == 2


def test_ungrounded_llm_fails_check(engine: Engine, yahoo_replay: Any) -> None:
    with LLMReplayServer() as llm:
        llm.hallucinate = "42.0%"
        _fundamentals, daily = _load_all(engine, yahoo_replay.base_url, f"{llm.base_url}/v1")
    grounding = _checks(daily)[("sector_snapshot", "grounding")]
    assert not grounding.passed
    assert grounding.severity == AssetCheckSeverity.ERROR
    assert grounding.metadata["examples"].data == ["Information Technology 2025-07-01 states 42.0%"]
    with engine.connect() as connection:
        metrics = connection.execute(select(SectorSnapshot.metrics)).scalar_one()
        writer = connection.execute(
            select(DataSource.name).join(
                SectorSnapshot, SectorSnapshot.data_source_id == DataSource.id
            )
        ).scalar_one()
    assert metrics["_grounding"]["valid"] is False
    assert metrics["_grounding"]["ungrounded"] == ["42.0%"]
    assert writer == "llm"


def test_provider_failure_writes_nothing(engine: Engine, yahoo_replay: Any) -> None:
    resources = test_resources(engine, yahoo_replay.base_url)
    assert _run([data_source_asset, instrument_asset], resources).success
    yahoo_replay.inject("server_error", times=20, path_contains="/timeseries/MSFT")
    # Dagster's step retries (30 s apart) are turned off; the client's own retries still run.
    result = materialize(
        [financial_statement],
        resources=resources,
        raise_on_error=False,
        run_config={"execution": {"config": {"retries": {"disabled": {}}}}},
    )
    assert not result.success
    assert _count(engine, FinancialStatement) == 0
    failure = next(event for event in result.all_events if event.is_step_failure)
    message = str(failure.event_specific_data.error)
    assert "MSFT" in message
    assert "after 3 attempts" in message


def test_range_runs_as_one_run(engine: Engine, yahoo_replay: Any) -> None:
    resources = test_resources(engine, yahoo_replay.base_url)
    assert _run([data_source_asset, instrument_asset], resources).success
    assert _run(FUNDAMENTALS, resources).success
    yahoo_replay.clear()

    daily = materialize(
        DAILY,
        resources=resources,
        tags={
            "dagster/asset_partition_range_start": "2025-07-01",
            "dagster/asset_partition_range_end": "2025-07-03",
        },
        raise_on_error=False,
    )

    assert daily.success
    failed = {key for key, evaluation in _checks(daily).items() if not evaluation.passed}
    assert failed == set()
    assert _count(engine, CompanySnapshot) == 2 * 3
    assert _count(engine, SectorSnapshot) == 3
    assert _count(engine, MacroSnapshot) == 3
    assert _count(engine, AnalystEstimate) == 4 * 3
    # Estimates are fetched once per symbol for the whole range, like the bars.
    assert yahoo_replay.count("/v10/finance/quoteSummary/AAPL") <= 2
    assert yahoo_replay.count("/v8/finance/chart/AAPL") == 1
