"""Checks on `ohlcv_bar_pg`, per partition, on the sessions the run wrote."""

import itertools
from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

from dagster import AssetCheckExecutionContext, AssetCheckResult, AssetCheckSeverity, asset_check
from sqlalchemy import Engine, func, or_, select
from sqlmodel import col

from market_pipeline.calendar import trailing_sessions
from market_pipeline.checks.results import check_result, check_sessions
from market_pipeline.config import PipelineConfig
from market_pipeline.db.resource import WarehouseResource
from market_pipeline.models import Instrument, OhlcvBar
from market_pipeline.partitions import trading_day_partitions

ASSET = "ohlcv_bar_pg"
VOLUME_CLASSES = ("equity", "etf")


def _bars_in(sessions: list[date]) -> Any:
    return col(OhlcvBar.ts).between(sessions[0], sessions[-1])


def _rows(engine: Engine, query: Any) -> list[Any]:
    with engine.connect() as connection:
        return list(connection.execute(query))


@asset_check(
    asset=ASSET,
    name="ohlc_consistent",
    partitions_def=trading_day_partitions,
    blocking=True,
    description="Every bar has low <= open, close <= high.",
)
def ohlc_consistent(
    context: AssetCheckExecutionContext, warehouse: WarehouseResource
) -> AssetCheckResult:
    sessions = check_sessions(context)
    engine = warehouse.get_engine()
    bad = or_(
        col(OhlcvBar.high) < col(OhlcvBar.low),
        col(OhlcvBar.high) < col(OhlcvBar.open),
        col(OhlcvBar.high) < col(OhlcvBar.close),
        col(OhlcvBar.low) > col(OhlcvBar.open),
        col(OhlcvBar.low) > col(OhlcvBar.close),
    )
    base = (
        select(col(Instrument.symbol), col(OhlcvBar.ts)).join(Instrument).where(_bars_in(sessions))
    )
    offenders = _rows(engine, base.where(bad))
    checked = _rows(engine, select(func.count()).select_from(OhlcvBar).where(_bars_in(sessions)))
    return check_result(
        description="Bars whose open or close lies outside [low, high].",
        offenders=[f"{symbol} {ts}" for symbol, ts in offenders],
        checked=checked[0][0],
    )


@asset_check(
    asset=ASSET,
    name="one_row_per_key",
    partitions_def=trading_day_partitions,
    blocking=True,
    description="One row per (instrument, session, source).",
)
def one_row_per_key(
    context: AssetCheckExecutionContext, warehouse: WarehouseResource
) -> AssetCheckResult:
    sessions = check_sessions(context)
    query = (
        select(col(Instrument.symbol), col(OhlcvBar.ts), func.count())
        .join(Instrument)
        .where(_bars_in(sessions))
        .group_by(col(Instrument.symbol), col(OhlcvBar.ts), col(OhlcvBar.data_source_id))
        .having(func.count() > 1)
    )
    offenders = _rows(warehouse.get_engine(), query)
    return check_result(
        description="Keys (instrument, session, source) that have more than one row.",
        offenders=[f"{symbol} {ts} x{count}" for symbol, ts, count in offenders],
        checked=len(sessions),
    )


@asset_check(
    asset=ASSET,
    name="no_null_prices",
    partitions_def=trading_day_partitions,
    blocking=True,
    description="No bar has a null open, high, low or close.",
)
def no_null_prices(
    context: AssetCheckExecutionContext, warehouse: WarehouseResource
) -> AssetCheckResult:
    sessions = check_sessions(context)
    missing = or_(
        col(OhlcvBar.open).is_(None),
        col(OhlcvBar.high).is_(None),
        col(OhlcvBar.low).is_(None),
        col(OhlcvBar.close).is_(None),
    )
    query = (
        select(col(Instrument.symbol), col(OhlcvBar.ts))
        .join(Instrument)
        .where(_bars_in(sessions), missing)
    )
    offenders = _rows(warehouse.get_engine(), query)
    return check_result(
        description="Bars with a null price.",
        offenders=[f"{symbol} {ts}" for symbol, ts in offenders],
        checked=len(sessions),
    )


@asset_check(
    asset=ASSET,
    name="coverage",
    partitions_def=trading_day_partitions,
    blocking=True,
    description="Share of active instruments with a bar, per session, at least the threshold.",
)
def coverage(
    context: AssetCheckExecutionContext, warehouse: WarehouseResource, pipeline: PipelineConfig
) -> AssetCheckResult:
    sessions = check_sessions(context)
    engine = warehouse.get_engine()
    active = select(col(Instrument.id), col(Instrument.symbol)).where(
        col(Instrument.active).is_(True)
    )
    instruments = {row.id: row.symbol for row in _rows(engine, active)}
    present: dict[date, set[Any]] = defaultdict(set)
    bars = select(col(OhlcvBar.ts), col(OhlcvBar.instrument_id)).where(_bars_in(sessions))
    for ts, instrument_id in _rows(engine, bars):
        present[ts].add(instrument_id)
    shares = {
        session: len(present[session] & instruments.keys()) / max(1, len(instruments))
        for session in sessions
    }
    worst = min(shares, key=shares.__getitem__)
    missing = sorted(instruments[i] for i in instruments.keys() - present[worst])
    passed = shares[worst] >= pipeline.min_coverage
    return check_result(
        description=(
            f"Lowest session coverage {shares[worst]:.1%} on {worst} "
            f"(threshold {pipeline.min_coverage:.0%})."
        ),
        offenders=[f"{symbol} {worst}" for symbol in missing],
        checked=len(instruments) * len(sessions),
        passed=passed,
        lowest_coverage=round(shares[worst], 4),
    )


def _closes(engine: Engine, sessions: list[date], lookback: int) -> dict[str, list[Any]]:
    start = trailing_sessions(sessions[0], lookback + 1)[0]
    query = (
        select(
            col(Instrument.symbol),
            col(Instrument.meta),
            col(OhlcvBar.ts),
            col(OhlcvBar.close),
            col(OhlcvBar.volume),
        )
        .join(Instrument)
        .where(col(OhlcvBar.ts).between(start, sessions[-1]))
        .order_by(col(Instrument.symbol), col(OhlcvBar.ts))
    )
    series: dict[str, list[Any]] = defaultdict(list)
    for row in _rows(engine, query):
        series[row.symbol].append(row)
    return series


def _split_sessions(meta: dict[str, Any] | None) -> set[str]:
    return {str(split.get("session")) for split in (meta or {}).get("splits", [])}


@asset_check(
    asset=ASSET,
    name="price_jumps",
    partitions_def=trading_day_partitions,
    description="Close-to-close moves beyond the threshold that no recorded split explains.",
)
def price_jumps(
    context: AssetCheckExecutionContext, warehouse: WarehouseResource, pipeline: PipelineConfig
) -> AssetCheckResult:
    sessions = check_sessions(context)
    limit = Decimal(str(pipeline.max_daily_move))
    offenders = []
    checked = 0
    for symbol, rows in _closes(warehouse.get_engine(), sessions, 1).items():
        splits = _split_sessions(rows[0].meta)
        for previous, current in itertools.pairwise(rows):
            if current.ts < sessions[0] or previous.close == 0:
                continue
            checked += 1
            move = current.close / previous.close - 1
            if abs(move) > limit and str(current.ts) not in splits:
                offenders.append(f"{symbol} {current.ts} {move:+.1%}")
    return check_result(
        description=f"Moves beyond {limit:.0%} in one session without a recorded split.",
        offenders=offenders,
        checked=checked,
        severity=AssetCheckSeverity.WARN,
    )


@asset_check(
    asset=ASSET,
    name="zero_volume",
    partitions_def=trading_day_partitions,
    description="Equity and ETF bars with zero volume.",
)
def zero_volume(
    context: AssetCheckExecutionContext, warehouse: WarehouseResource
) -> AssetCheckResult:
    sessions = check_sessions(context)
    query = (
        select(col(Instrument.symbol), col(OhlcvBar.ts))
        .join(Instrument)
        .where(
            _bars_in(sessions),
            col(OhlcvBar.volume) == 0,
            col(Instrument.asset_class).in_(VOLUME_CLASSES),
        )
    )
    offenders = _rows(warehouse.get_engine(), query)
    return check_result(
        description="Equity and ETF bars that report zero volume.",
        offenders=[f"{symbol} {ts}" for symbol, ts in offenders],
        checked=len(sessions),
        severity=AssetCheckSeverity.WARN,
    )


@asset_check(
    asset=ASSET,
    name="stale_closes",
    partitions_def=trading_day_partitions,
    description="The same close for N sessions in a row while volume trades.",
)
def stale_closes(
    context: AssetCheckExecutionContext, warehouse: WarehouseResource, pipeline: PipelineConfig
) -> AssetCheckResult:
    sessions = check_sessions(context)
    run_length = pipeline.stale_sessions
    offenders = []
    series = _closes(warehouse.get_engine(), sessions, run_length)
    for symbol, rows in series.items():
        streak = 1
        for previous, current in itertools.pairwise(rows):
            same = current.close == previous.close and current.volume > 0
            streak = streak + 1 if same else 1
            if streak >= run_length and current.ts >= sessions[0]:
                offenders.append(f"{symbol} {current.ts} close {current.close} x{streak}")
    return check_result(
        description=f"Closes unchanged for {run_length} or more sessions with volume.",
        offenders=offenders,
        checked=len(series),
        severity=AssetCheckSeverity.WARN,
    )


@asset_check(
    asset=ASSET,
    name="freshness",
    partitions_def=trading_day_partitions,
    description="The table contains the partition's latest session.",
)
def freshness(
    context: AssetCheckExecutionContext, warehouse: WarehouseResource
) -> AssetCheckResult:
    sessions = check_sessions(context)
    latest = _rows(warehouse.get_engine(), select(func.max(col(OhlcvBar.ts))))[0][0]
    passed = latest is not None and latest >= sessions[-1]
    return check_result(
        description=f"Latest stored session {latest}, partition ends {sessions[-1]}.",
        offenders=[] if passed else [f"latest {latest}"],
        checked=1,
        severity=AssetCheckSeverity.WARN,
        passed=passed,
    )


BAR_CHECKS = [
    ohlc_consistent,
    one_row_per_key,
    no_null_prices,
    coverage,
    price_jumps,
    zero_volume,
    stale_closes,
    freshness,
]
