"""`analyst_estimate`: the consensus per target period, one partition per NYSE session."""

from collections import Counter
from datetime import UTC, datetime
from typing import Any

from dagster import (
    AssetExecutionContext,
    BackfillPolicy,
    MaterializeResult,
    MetadataValue,
    asset,
)

from market_pipeline import sources
from market_pipeline.assets.catalog import PROVIDER_RETRY
from market_pipeline.assets.estimate_rows import estimate_rows
from market_pipeline.assets.fundamentals import stored_year_end_months
from market_pipeline.assets.reporting import log_upsert, markdown_table, upsert_metadata
from market_pipeline.assets.window import run_sessions, session_span
from market_pipeline.calendar import latest_closed_session
from market_pipeline.db.lookup import active_instruments, source_id
from market_pipeline.db.resource import WarehouseResource
from market_pipeline.db.upsert import upsert
from market_pipeline.models import AnalystEstimate
from market_pipeline.partitions import trading_day_partitions
from market_pipeline.providers.yahoo.parse_quote_summary import QuoteSummaryNotFoundError
from market_pipeline.providers.yahoo.records import AnalystView
from market_pipeline.providers.yahoo.resource import YahooResource


@asset(
    name="analyst_estimate",
    group_name="market_data",
    partitions_def=trading_day_partitions,
    deps=["instrument", "data_source", "financial_statement"],
    backfill_policy=BackfillPolicy.single_run(),
    pool="yahoo",
    retry_policy=PROVIDER_RETRY,
    kinds={"sql"},
)
def analyst_estimate(
    context: AssetExecutionContext, warehouse: WarehouseResource, yahoo: YahooResource
) -> MaterializeResult:
    """EPS and revenue consensus (avg, low, high, analysts), EPS trend and revisions, and the
    month's recommendation counts, per active equity and target period, as of the session.

    Yahoo's relative periods (`0q`, `+1q`, `0y`, `+1y`) become fiscal labels (`Q3 2025`,
    `FY2025`) from each period's end and the company's fiscal year end. A provider failure
    writes nothing.
    """
    engine = warehouse.get_engine()
    sessions = run_sessions(context)
    instruments = active_instruments(engine, ("equity",))
    data_source_id = source_id(engine, sources.YAHOO)
    fetched_at = datetime.now(UTC)
    latest = latest_closed_session(fetched_at)
    if sessions[0] < latest:
        # TODO: Yahoo serves only the current consensus. A backfill of an older session
        # therefore stores today's numbers under that session; `fetched_session` shows when.
        context.log.warning(
            "partitions from %s are older than the latest closed session %s: storing the "
            "consensus Yahoo serves now",
            sessions[0],
            latest,
        )
    context.log.info("fetching estimates of %d equities from yahoo", len(instruments))

    # Fetch once for every session of the run.
    views: dict[str, AnalystView] = {}
    without: list[str] = []
    for instrument in instruments:
        try:
            views[instrument.symbol] = yahoo.fetch_estimates(instrument.symbol)
        except QuoteSummaryNotFoundError:
            without.append(instrument.symbol)
    if without:
        context.log.info("yahoo has no estimates for %d symbols: %s", len(without), without[:20])

    # Build rows.
    stored_months = stored_year_end_months(engine, [instrument.id for instrument in instruments])
    rows: list[dict[str, Any]] = []
    left_out: list[str] = []
    for session in sessions:
        for instrument in instruments:
            view = views.get(instrument.symbol)
            if view is None:
                continue
            build = estimate_rows(
                instrument.symbol,
                instrument.id,
                data_source_id,
                session,
                view,
                stored_months.get(instrument.id),
                fetched_at,
            )
            rows.extend(build.rows)
            left_out.extend(build.left_out)
    if left_out:
        context.log.info("left out %d periods: %s", len(left_out), left_out[:10])

    # Write.
    result = upsert(engine, AnalystEstimate, rows)
    log_upsert(context.log, f"analyst_estimate {session_span(sessions)}", result)

    # Report.
    symbols = {instrument.id: instrument.symbol for instrument in instruments}
    preview = [
        {
            "symbol": symbols[row["instrument_id"]],
            "target_period": row["target_period"],
            "eps_avg": row["estimates"]["eps"]["avg"],
            "eps_analysts": row["estimates"]["eps"]["analysts"],
            "revenue_avg": row["estimates"]["revenue"]["avg"],
        }
        for row in rows
    ]
    periods = Counter(row["estimates"]["relative_period"] for row in rows)
    return MaterializeResult(
        metadata=upsert_metadata(
            result,
            preview=markdown_table(
                preview, ["symbol", "target_period", "eps_avg", "eps_analysts", "revenue_avg"]
            ),
            provider=sources.YAHOO,
            requests=yahoo.request_count,
            sessions=MetadataValue.text(session_span(sessions)),
            symbols=len(instruments),
            relative_periods=MetadataValue.json(dict(periods)),
            symbols_without_estimates=MetadataValue.json(without[:50]),
            left_out=MetadataValue.json(left_out[:20]),
        )
    )
