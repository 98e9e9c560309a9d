"""`ohlcv_bar_pg`: daily bars for every active instrument, one partition per NYSE session."""

import os
from datetime import UTC, date, datetime, timedelta
from typing import Any

from dagster import (
    AssetExecutionContext,
    BackfillPolicy,
    Failure,
    MaterializeResult,
    MetadataValue,
    asset,
)
from sqlalchemy import Engine, delete, func, select, update
from sqlmodel import col

from market_pipeline.assets.bar_rows import (
    BarWindow,
    bar_rows,
    bar_window,
    coverage,
    symbols_with_new_splits,
)
from market_pipeline.assets.catalog import PROVIDER_RETRY
from market_pipeline.assets.price_source import PriceSource, SaxoPrices, YahooPrices, fetch_all
from market_pipeline.assets.reporting import markdown_table, upsert_metadata
from market_pipeline.assets.window import run_sessions
from market_pipeline.calendar import sessions_in_range
from market_pipeline.config import PipelineConfig
from market_pipeline.db.lookup import InstrumentRef, active_instruments, source_id
from market_pipeline.db.resource import WarehouseResource
from market_pipeline.db.upsert import upsert
from market_pipeline.models import Instrument, OhlcvBar
from market_pipeline.partitions import trading_day_partitions
from market_pipeline.providers.records import BarSeries
from market_pipeline.providers.saxo.resource import SaxoResource
from market_pipeline.providers.yahoo.resource import YahooResource

# The pool of the provider the bars come from: Saxo when its token is configured at load time.
BARS_POOL = "saxo" if os.environ.get("SAXO_TOKEN") else "yahoo"


def choose_price_source(yahoo: YahooResource, saxo: SaxoResource, engine: Engine) -> PriceSource:
    """Return Saxo when its token is configured, Yahoo otherwise."""
    if saxo.is_configured:
        return SaxoPrices(saxo=saxo, engine=engine)
    return YahooPrices(yahoo=yahoo)


def run_window(context: AssetExecutionContext, trailing: int) -> BarWindow:
    """Return the sessions of the run's partitions (one, or a backfill range) and fetch start."""
    sessions = run_sessions(context)
    return bar_window(sessions[0], sessions[-1], trailing)


def first_stored_sessions(engine: Engine, source: Any) -> dict[str, date]:
    """Return symbol -> first stored session of that source's bars."""
    query = (
        select(col(Instrument.symbol), func.min(col(OhlcvBar.ts)))
        .join(Instrument, col(Instrument.id) == col(OhlcvBar.instrument_id))
        .where(col(OhlcvBar.data_source_id) == source)
        .group_by(col(Instrument.symbol))
    )
    with engine.connect() as connection:
        return {symbol: first for symbol, first in connection.execute(query)}


def record_splits(
    engine: Engine, instruments: list[InstrumentRef], series: dict[str, BarSeries]
) -> int:
    """Merge the splits each series reports into `instrument.meta["splits"]`; return how many
    were new. The price-jump check reads them to tell a split from a bad print."""
    new = 0
    with engine.begin() as connection:
        for instrument in instruments:
            bar_series = series.get(instrument.symbol)
            if bar_series is None or not bar_series.splits:
                continue
            known = {split["session"]: split for split in instrument.meta.get("splits", [])}
            for split in bar_series.splits:
                key = split.session.isoformat()
                if key not in known:
                    new += 1
                known[key] = {
                    "session": key,
                    "numerator": str(split.numerator),
                    "denominator": str(split.denominator),
                }
            meta = {**instrument.meta, "splits": [known[key] for key in sorted(known)]}
            connection.execute(
                update(Instrument)
                .where(col(Instrument.id) == instrument.id)
                .values(meta=meta, updated_at=datetime.now(UTC))
            )
    return new


def delete_expired(engine: Engine, keep_from: date) -> int:
    """Delete bars before `keep_from`; return how many went."""
    with engine.begin() as connection:
        result = connection.execute(delete(OhlcvBar).where(col(OhlcvBar.ts) < keep_from))
    return int(result.rowcount or 0)


def _fail_on_empty_universe(
    empty: list[str], instruments: list[InstrumentRef], minimum: float, window: BarWindow
) -> None:
    answered = 1 - len(empty) / len(instruments)
    if answered < minimum:
        raise Failure(
            description=(
                f"the provider returned no bars for {len(empty)} of {len(instruments)} symbols "
                f"between {window.fetch_start} and {window.end} (first: {', '.join(empty[:10])}). "
                "Nothing was written. Check the provider status and re-run the partition."
            ),
            metadata={"empty_symbols": MetadataValue.json(empty[:50])},
        )


@asset(
    name="ohlcv_bar_pg",
    group_name="market_data",
    partitions_def=trading_day_partitions,
    backfill_policy=BackfillPolicy.single_run(),
    deps=["instrument", "data_source"],
    pool=BARS_POOL,
    retry_policy=PROVIDER_RETRY,
    kinds={"sql"},
)
def ohlcv_bar_pg(
    context: AssetExecutionContext,
    warehouse: WarehouseResource,
    yahoo: YahooResource,
    saxo: SaxoResource,
    pipeline: PipelineConfig,
) -> MaterializeResult:
    """Daily OHLCV bars of every active instrument for the partition's sessions.

    Each run also re-fetches the trailing sessions (providers revise recent bars), rewrites a
    symbol's whole stored window when the provider reports a split inside or after it, and
    deletes bars older than the retention window.
    """
    engine = warehouse.get_engine()

    # Window: the partitions of this run plus the trailing sessions.
    window = run_window(context, pipeline.trailing_sessions)
    instruments = active_instruments(engine)
    source = choose_price_source(yahoo, saxo, engine)
    data_source_id = source_id(engine, source.name)
    context.log.info(
        "fetching %d symbols from %s for %s..%s (partitions %s..%s)",
        len(instruments),
        source.name,
        window.fetch_start,
        window.end,
        window.start,
        window.end,
    )

    # Fetch: one request per symbol for the whole range.
    outcome = fetch_all(
        source, instruments, window.fetch_start, window.end, progress=context.log.info
    )
    _fail_on_empty_universe(outcome.empty, instruments, pipeline.min_fetch_coverage, window)
    if outcome.empty:
        context.log.warning("no bars for %d symbols: %s", len(outcome.empty), outcome.empty)

    window_sessions = sessions_in_range(window.fetch_start, window.end)
    allowed = {symbol: window_sessions for symbol in outcome.series}
    recorded = {
        instrument.symbol: {split["session"] for split in instrument.meta.get("splits", [])}
        for instrument in instruments
    }
    refetch = symbols_with_new_splits(
        outcome.series, first_stored_sessions(engine, data_source_id), recorded
    )
    by_symbol = {instrument.symbol: instrument for instrument in instruments}
    for symbol, stored_from in refetch.items():
        start = min(stored_from, window.fetch_start)
        context.log.info("%s reports a split: re-fetching %s..%s", symbol, start, window.end)
        outcome.series[symbol] = source.fetch(by_symbol[symbol], start, window.end)
        allowed[symbol] = sessions_in_range(start, window.end)

    # Validate: drop unfinished, off-calendar and inconsistent bars.
    ids = {instrument.symbol: instrument.id for instrument in instruments}
    build = bar_rows(outcome.series, ids, data_source_id, allowed)
    for reason, labels in (("not final", build.not_final), ("inconsistent", build.inconsistent)):
        if labels:
            context.log.warning("left out %d %s bars: %s", len(labels), reason, labels[:10])

    # Write, then apply retention.
    result = upsert(engine, OhlcvBar, build.rows)
    new_splits = record_splits(engine, instruments, outcome.series)
    keep_from = window.end - timedelta(days=pipeline.retention_days)
    expired = delete_expired(engine, keep_from)
    context.log.info(
        "ohlcv_bar_pg: %d rows (%d inserted, %d updated, %d unchanged), %d expired",
        result.total,
        result.inserted,
        result.updated,
        result.unchanged,
        expired,
    )

    # Report.
    share = coverage(build.rows, window.sessions, len(instruments))
    preview = markdown_table(
        [{"symbol": s, **row} for s, row in _preview_rows(build.rows, ids)],
        ["symbol", "ts", "open", "high", "low", "close", "volume"],
    )
    return MaterializeResult(
        metadata=upsert_metadata(
            result,
            preview=preview,
            provider=source.name,
            requests=source.requests,
            sessions=MetadataValue.text(f"{window.start}..{window.end}"),
            fetch_start=MetadataValue.text(str(window.fetch_start)),
            symbols=len(instruments),
            empty_symbols=MetadataValue.json(outcome.empty[:50]),
            split_refetched=MetadataValue.json(sorted(refetch)),
            new_splits=new_splits,
            left_out_not_final=len(build.not_final),
            left_out_inconsistent=MetadataValue.json(build.inconsistent[:20]),
            expired=expired,
            coverage=MetadataValue.float(round(share, 4)),
        )
    )


def _preview_rows(
    rows: list[dict[str, Any]], ids: dict[str, Any]
) -> list[tuple[str, dict[str, Any]]]:
    symbols = {value: key for key, value in ids.items()}
    latest = sorted(rows, key=lambda row: (row["ts"], symbols[row["instrument_id"]]), reverse=True)
    return [(symbols[row["instrument_id"]], row) for row in latest]
