"""`earnings_event`: past and upcoming earnings reports of every active equity."""

import uuid
from collections import Counter
from typing import Any

from dagster import AssetExecutionContext, MaterializeResult, MetadataValue, asset
from sqlalchemy import Engine, select
from sqlmodel import col

from market_pipeline import sources
from market_pipeline.assets.catalog import PROVIDER_RETRY
from market_pipeline.assets.earnings_rows import StoredEvent, earnings_rows
from market_pipeline.assets.fundamentals import provider_year_end_month, stored_year_end_months
from market_pipeline.assets.reporting import log_upsert, markdown_table, upsert_metadata
from market_pipeline.db.lookup import InstrumentRef, active_instruments, source_id
from market_pipeline.db.resource import WarehouseResource
from market_pipeline.db.upsert import upsert
from market_pipeline.models import EarningsEvent
from market_pipeline.providers.yahoo.parse_quote_summary import QuoteSummaryNotFoundError
from market_pipeline.providers.yahoo.records import EarningsEvent as EarningsRecord
from market_pipeline.providers.yahoo.resource import YahooResource


def stored_events(
    engine: Engine, instrument_ids: list[uuid.UUID]
) -> dict[uuid.UUID, dict[str, StoredEvent]]:
    """Return instrument id -> fiscal period -> the stored event."""
    query = select(
        col(EarningsEvent.instrument_id),
        col(EarningsEvent.fiscal_period),
        col(EarningsEvent.scheduled_for),
        col(EarningsEvent.report_date),
        col(EarningsEvent.results),
    ).where(col(EarningsEvent.instrument_id).in_(instrument_ids))
    found: dict[uuid.UUID, dict[str, StoredEvent]] = {}
    with engine.connect() as connection:
        for row in connection.execute(query):
            found.setdefault(row.instrument_id, {})[row.fiscal_period] = StoredEvent(
                scheduled_for=row.scheduled_for,
                report_date=row.report_date,
                results=dict(row.results or {}),
            )
    return found


def fetch_earnings(
    yahoo: YahooResource, instruments: list[InstrumentRef], stored_months: dict[uuid.UUID, int]
) -> tuple[dict[str, list[EarningsRecord]], dict[str, int | None], list[str]]:
    """Fetch every instrument's events and fiscal year end month; provider failures propagate.

    Returns events by symbol, the year end month by symbol, and the symbols Yahoo has no
    earnings for (funds).
    """
    events: dict[str, list[EarningsRecord]] = {}
    months: dict[str, int | None] = {}
    without: list[str] = []
    for instrument in instruments:
        try:
            events[instrument.symbol] = yahoo.fetch_earnings(instrument.symbol)
        except QuoteSummaryNotFoundError:
            without.append(instrument.symbol)
            continue
        month = stored_months.get(instrument.id)
        if month is None:
            month, _origin = provider_year_end_month(yahoo, instrument.symbol)
        months[instrument.symbol] = month
    return events, months, without


@asset(
    name="earnings_event",
    group_name="fundamentals",
    deps=["instrument", "data_source", "financial_statement"],
    pool="yahoo",
    retry_policy=PROVIDER_RETRY,
    kinds={"sql"},
)
def earnings_event(
    context: AssetExecutionContext, warehouse: WarehouseResource, yahoo: YahooResource
) -> MaterializeResult:
    """Past and upcoming earnings of active equities, keyed by the company's fiscal quarter.

    `report_date` is the New York date of the announcement and `scheduled_for` its time
    (null while Yahoo's date is an estimate). An upcoming event gains its results in place when
    reported: the stored row of that fiscal period is updated, keeping its schedule and
    estimates where the report lacks them. The fiscal year end comes from the stored `FY`
    statements, else from Yahoo. A provider failure writes nothing.
    """
    engine = warehouse.get_engine()
    instruments = active_instruments(engine, ("equity",))
    data_source_id = source_id(engine, sources.YAHOO)
    ids = [instrument.id for instrument in instruments]
    context.log.info("fetching earnings of %d equities from yahoo", len(instruments))

    # Fetch.
    events, months, without = fetch_earnings(
        yahoo, instruments, stored_year_end_months(engine, ids)
    )
    if without:
        context.log.info("yahoo has no earnings for %d symbols: %s", len(without), without[:20])

    # Build rows, merged with what is stored.
    stored = stored_events(engine, ids)
    rows: list[dict[str, Any]] = []
    left_out: list[str] = []
    for instrument in instruments:
        if instrument.symbol not in events:
            continue
        build = earnings_rows(
            instrument.symbol,
            instrument.id,
            data_source_id,
            events[instrument.symbol],
            months[instrument.symbol],
            stored.get(instrument.id, {}),
        )
        rows.extend(build.rows)
        left_out.extend(build.left_out)
    if left_out:
        context.log.warning("left out %d events: %s", len(left_out), left_out[:10])

    # Write.
    result = upsert(engine, EarningsEvent, rows)
    log_upsert(context.log, "earnings_event", result)

    # Report.
    symbols = {instrument.id: instrument.symbol for instrument in instruments}
    preview = [
        {
            "symbol": symbols[row["instrument_id"]],
            "fiscal_period": row["fiscal_period"],
            "report_date": row["report_date"],
            "status": row["results"]["status"],
            "eps_actual": row["results"]["eps"]["actual"],
            "eps_estimate": row["results"]["eps"]["estimate"],
        }
        for row in sorted(rows, key=lambda row: str(row["report_date"] or ""), reverse=True)
    ]
    dates = sorted(row["report_date"] for row in rows if row["report_date"] is not None)
    statuses = Counter(row["results"]["status"] for row in rows)
    return MaterializeResult(
        metadata=upsert_metadata(
            result,
            preview=markdown_table(
                preview,
                ["symbol", "fiscal_period", "report_date", "status", "eps_actual", "eps_estimate"],
            ),
            provider=sources.YAHOO,
            requests=yahoo.request_count,
            symbols=len(instruments),
            report_date_range=MetadataValue.text(f"{dates[0]}..{dates[-1]}" if dates else "none"),
            reported=statuses["reported"],
            upcoming=statuses["upcoming"],
            symbols_without_earnings=MetadataValue.json(without[:50]),
            left_out=MetadataValue.json(left_out[:20]),
        )
    )
