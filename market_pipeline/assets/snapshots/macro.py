"""`macro_snapshot`: the daily macro review of a region, one partition per NYSE session."""

import uuid
from collections import Counter
from datetime import date
from decimal import Decimal
from typing import Any

from dagster import (
    AssetExecutionContext,
    BackfillPolicy,
    MaterializeResult,
    MetadataValue,
    asset,
)
from sqlalchemy import Engine, select
from sqlmodel import col

from market_pipeline.assets.reporting import log_upsert, markdown_table, upsert_metadata
from market_pipeline.assets.snapshots.company import SNAPSHOT_DEPS
from market_pipeline.assets.snapshots.inputs import load_prices
from market_pipeline.assets.snapshots.metrics import macro_metrics, macro_stem
from market_pipeline.assets.snapshots.writing import (
    GROUNDING_KEY,
    SOURCES_KEY,
    WriterSources,
    write_checked_summary,
)
from market_pipeline.assets.window import run_sessions, session_span
from market_pipeline.config import PipelineConfig
from market_pipeline.db.resource import WarehouseResource
from market_pipeline.db.upsert import upsert
from market_pipeline.models import Instrument, MacroSnapshot
from market_pipeline.partitions import trading_day_partitions
from market_pipeline.providers.llm.resource import LLMResource
from market_pipeline.providers.llm.schema import SummaryRequest

REGION = "US"


def macro_instrument_ids(engine: Engine, symbols: list[str]) -> dict[str, uuid.UUID]:
    """Return symbol -> id of the macro instruments (`meta.role == "macro"`) among `symbols`."""
    query = select(col(Instrument.id), col(Instrument.symbol), col(Instrument.meta)).where(
        col(Instrument.symbol).in_(symbols)
    )
    with engine.connect() as connection:
        return {
            row.symbol: row.id
            for row in connection.execute(query)
            if (row.meta or {}).get("role") == "macro"
        }


def macro_prices(
    engine: Engine, ids: dict[str, uuid.UUID], session: date
) -> dict[str, dict[date, Decimal]]:
    """Return symbol -> session -> price of the macro series."""
    by_id = load_prices(engine, list(ids.values()), session)
    return {symbol: by_id.get(instrument_id, {}) for symbol, instrument_id in ids.items()}


def macro_sources(series: dict[str, str]) -> dict[str, Any]:
    """Return what a macro summary may cite besides its metrics: the region and series."""
    return {
        "region": REGION,
        "series": {macro_stem(symbol): symbol for symbol in sorted(series)},
    }


@asset(
    name="macro_snapshot",
    group_name="market_data",
    partitions_def=trading_day_partitions,
    deps=SNAPSHOT_DEPS,
    backfill_policy=BackfillPolicy.single_run(),
    pool="llm",
    kinds={"sql"},
)
def macro_snapshot(
    context: AssetExecutionContext,
    warehouse: WarehouseResource,
    llm: LLMResource,
    pipeline: PipelineConfig,
) -> MaterializeResult:
    """Levels and 1/5/21-session moves of the macro series, with a written summary, for the US.

    The series are `PipelineConfig.macro_series` (index, volatility, rates, dollar, oil, gold),
    read from the stored bars of the instruments with `meta.role == "macro"`. Rates report
    level changes, the others percent returns; a series without bars gives nulls. A summary
    stating a number it was not given is stored with `metrics._grounding.valid = false`, and
    the blocking `grounding` check fails naming that number.
    """
    engine = warehouse.get_engine()
    sessions = run_sessions(context)
    series = dict(pipeline.macro_series)
    ids = macro_instrument_ids(engine, list(series))
    missing = sorted(set(series) - set(ids))
    if missing:
        context.log.warning("macro series not in the instrument table: %s", missing)
    writer = llm.summary_writer()
    sources = WriterSources(engine)

    rows: list[dict[str, Any]] = []
    ungrounded: list[str] = []
    writers: Counter[str] = Counter()
    for session in sessions:
        # Compute the metrics from the stored bars.
        metrics = macro_metrics(series, macro_prices(engine, ids, session), session)
        context.log.info(
            "macro %s: %d of %d series have a price",
            session,
            metrics["series_with_price"],
            len(series),
        )

        # Write the summary.
        summary_sources = macro_sources(series)
        request = SummaryRequest(
            kind="macro", subject=REGION, as_of=session, metrics=metrics, sources=summary_sources
        )
        checked = write_checked_summary(writer, request)
        writers[checked.writer] += 1
        if checked.ungrounded:
            ungrounded.append(f"{session}: {', '.join(checked.ungrounded)}")
        rows.append(
            {
                "snapshot_date": session,
                "region": REGION,
                "summary": checked.text,
                "metrics": {
                    **metrics,
                    SOURCES_KEY: summary_sources,
                    GROUNDING_KEY: checked.grounding,
                },
                "data_source_id": sources.id_of(checked.writer),
            }
        )
    if ungrounded:
        context.log.error("summaries state numbers they were not given: %s", ungrounded[:10])

    # Store.
    result = upsert(engine, MacroSnapshot, rows)
    log_upsert(context.log, f"macro_snapshot {session_span(sessions)}", result)
    latest = rows[-1]
    preview = [
        {"metric": key, "value": value}
        for key, value in latest["metrics"].items()
        if key not in (SOURCES_KEY, GROUNDING_KEY)
    ]
    return MaterializeResult(
        metadata=upsert_metadata(
            result,
            preview=markdown_table(preview, ["metric", "value"]),
            provider=MetadataValue.json(dict(writers)),
            requests=len(rows),
            sessions=MetadataValue.text(session_span(sessions)),
            series_without_instrument=MetadataValue.json(missing),
            ungrounded=MetadataValue.json(ungrounded[:20]),
            summary=MetadataValue.md(latest["summary"]),
        )
    )
