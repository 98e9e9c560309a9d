"""The catalog and bar assets materialised through Dagster against the Yahoo replay server."""

from __future__ import annotations

import hashlib
from datetime import date

from dagster import AssetCheckSeverity, materialize
from sqlalchemy import Engine, func, select, text

from market_pipeline.assets.bars import ohlcv_bar_pg
from market_pipeline.assets.catalog import data_source_asset, instrument_asset
from market_pipeline.checks.bars import BAR_CHECKS
from market_pipeline.checks.instrument import INSTRUMENT_CHECKS
from market_pipeline.models import DataSource, Instrument, OhlcvBar
from market_pipeline_tests.harness import test_resources

ASSETS = [data_source_asset, instrument_asset, ohlcv_bar_pg, *INSTRUMENT_CHECKS, *BAR_CHECKS]
RANGE_TAGS = {
    "dagster/asset_partition_range_start": "2025-07-01",
    "dagster/asset_partition_range_end": "2025-07-29",
}
SYMBOLS = ["AAPL", "ES=F", "EURUSD=X", "MSFT"]


def _materialize(engine: Engine, yahoo_url: str, *, tags=None, partition_key=None, **config):
    return materialize(
        ASSETS,
        resources=test_resources(engine, yahoo_url, **config),
        partition_key=partition_key,
        tags=tags,
        raise_on_error=False,
    )


def _checksum(engine: Engine) -> str:
    query = text(
        "SELECT i.symbol, b.ts, b.open, b.high, b.low, b.close, b.volume, b.adj_close, b.id, "
        "b.updated_at FROM ohlcv_bar_pg b JOIN instrument i ON i.id = b.instrument_id "
        "ORDER BY i.symbol, b.ts"
    )
    with engine.connect() as connection:
        rows = [tuple(map(str, row)) for row in connection.execute(query)]
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def _count(engine: Engine, model) -> int:
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(model)).scalar_one()


def _failure_text(result) -> str:
    """Return the messages of every step failure, with their causes."""
    texts = []
    for event in result.all_events:
        if not event.is_step_failure:
            continue
        error = event.event_specific_data.error
        while error is not None:
            texts.append(error.message)
            error = error.cause or error.context
    return "\n".join(texts)


def _check_severities(result) -> dict[str, tuple[bool, AssetCheckSeverity]]:
    return {
        evaluation.check_name: (evaluation.passed, evaluation.severity)
        for evaluation in result.get_asset_check_evaluations()
    }


def test_backfill_writes_and_checks_pass(engine: Engine, yahoo_replay) -> None:
    result = _materialize(engine, yahoo_replay.base_url, tags=RANGE_TAGS)

    assert result.success
    sessions = 20  # 2025-07-01..2025-07-29 without 2025-07-04
    assert _count(engine, OhlcvBar) >= len(SYMBOLS) * sessions
    assert _count(engine, DataSource) == 4
    assert _count(engine, Instrument) == len(SYMBOLS)
    checks = _check_severities(result)
    assert set(checks) == {
        "unique_symbols",
        "equities_complete",
        "universe_size",
        "ohlc_consistent",
        "one_row_per_key",
        "no_null_prices",
        "coverage",
        "price_jumps",
        "zero_volume",
        "stale_closes",
        "freshness",
    }
    failed = {name for name, (passed, _) in checks.items() if not passed}
    assert failed == set()


def test_backfill_one_chart_request_per_symbol(engine: Engine, yahoo_replay) -> None:
    result = _materialize(engine, yahoo_replay.base_url, tags=RANGE_TAGS)

    assert result.success
    assert yahoo_replay.count("/v8/finance/chart/") == len(SYMBOLS)
    for symbol in SYMBOLS:
        assert yahoo_replay.count(f"/v8/finance/chart/{symbol}") == 1


def test_rerun_changes_nothing(engine: Engine, yahoo_replay) -> None:
    assert _materialize(engine, yahoo_replay.base_url, tags=RANGE_TAGS).success
    before = _checksum(engine)

    again = _materialize(engine, yahoo_replay.base_url, tags=RANGE_TAGS)

    assert again.success
    assert _checksum(engine) == before
    bars = next(
        event
        for event in again.get_asset_materialization_events()
        if event.asset_key.path == ["ohlcv_bar_pg"]
    )
    metadata = bars.materialization.metadata
    assert metadata["inserted"].value == 0
    assert metadata["updated"].value == 0


def test_provider_fault_fails_and_keeps_rows(engine: Engine, yahoo_replay) -> None:
    assert _materialize(engine, yahoo_replay.base_url, tags=RANGE_TAGS).success
    before = _checksum(engine)
    yahoo_replay.inject("server_error", times=50, path_contains="/v8/finance/chart/MSFT")

    failed = _materialize(engine, yahoo_replay.base_url, partition_key="2025-07-30")

    assert not failed.success
    assert _checksum(engine) == before
    message = _failure_text(failed)
    assert "MSFT" in message
    assert "/v8/finance/chart" in message


def test_single_session_partition(engine: Engine, yahoo_replay) -> None:
    result = _materialize(engine, yahoo_replay.base_url, partition_key="2025-08-15")

    assert result.success
    with engine.connect() as connection:
        sessions = set(connection.execute(select(OhlcvBar.ts).distinct()).scalars())
    # The partition plus the five trailing sessions re-fetched for late revisions.
    assert sessions == {
        date(2025, 8, 8),
        date(2025, 8, 11),
        date(2025, 8, 12),
        date(2025, 8, 13),
        date(2025, 8, 14),
        date(2025, 8, 15),
    }


def test_coverage_error_blocks(engine: Engine, yahoo_replay) -> None:
    # An empty chart for one symbol leaves one of four instruments without bars.
    yahoo_replay.inject("empty", times=5, path_contains="/v8/finance/chart/EURUSD")

    result = _materialize(engine, yahoo_replay.base_url, partition_key="2025-08-15")

    checks = _check_severities(result)
    assert checks["coverage"] == (False, AssetCheckSeverity.ERROR)
    assert not result.success


def test_empty_universe_writes_nothing(engine: Engine, yahoo_replay) -> None:
    for symbol in ("AAPL", "MSFT", "ES", "EURUSD"):
        yahoo_replay.inject("empty", times=5, path_contains=f"/v8/finance/chart/{symbol}")

    result = _materialize(engine, yahoo_replay.base_url, partition_key="2025-08-15")

    assert not result.success
    assert _count(engine, OhlcvBar) == 0


def test_departed_symbol_deactivated(engine: Engine, yahoo_replay) -> None:
    assert _materialize(engine, yahoo_replay.base_url, partition_key="2025-08-15").success

    result = materialize(
        [data_source_asset, instrument_asset],
        resources=test_resources(engine, yahoo_replay.base_url, symbols=["AAPL"]),
        raise_on_error=False,
    )

    assert result.success
    with engine.connect() as connection:
        msft = connection.execute(select(Instrument).where(Instrument.symbol == "MSFT")).one()
        msft_bars = connection.execute(
            select(func.count()).select_from(OhlcvBar).where(OhlcvBar.instrument_id == msft.id)
        ).scalar_one()
    assert msft.active is False
    assert msft_bars == 6
