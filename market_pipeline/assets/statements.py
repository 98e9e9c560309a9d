"""`financial_statement`: quarterly and annual statements of every active equity."""

import uuid
from collections import Counter
from dataclasses import dataclass, field

from dagster import AssetExecutionContext, MaterializeResult, MetadataValue, asset
from sqlalchemy import Engine

from market_pipeline import sources
from market_pipeline.assets.catalog import PROVIDER_RETRY
from market_pipeline.assets.fundamentals import provider_year_end_month, stored_year_end_months
from market_pipeline.assets.reporting import log_upsert, markdown_table, upsert_metadata
from market_pipeline.assets.statement_rows import statement_rows, year_end_month_of
from market_pipeline.db.lookup import InstrumentRef, active_instruments, source_id
from market_pipeline.db.resource import WarehouseResource
from market_pipeline.db.upsert import upsert
from market_pipeline.models import FinancialStatement
from market_pipeline.providers.yahoo.records import StatementPeriod
from market_pipeline.providers.yahoo.resource import YahooResource


@dataclass
class FetchedStatements:
    """Statements per symbol and the fiscal year end month found for each."""

    quarterly: dict[str, list[StatementPeriod]] = field(default_factory=dict)
    annual: dict[str, list[StatementPeriod]] = field(default_factory=dict)
    year_end_months: dict[str, int | None] = field(default_factory=dict)
    calendar_sources: dict[str, str] = field(default_factory=dict)


def fetch_statements(
    yahoo: YahooResource, instruments: list[InstrumentRef], stored_months: dict[uuid.UUID, int]
) -> FetchedStatements:
    """Fetch both frequencies for every instrument; any provider failure propagates.

    The fiscal year end month comes from the fetched annual periods, else from the stored `FY`
    rows, else from what Yahoo states (`provider_year_end_month`, one or two more requests).
    """
    fetched = FetchedStatements()
    for instrument in instruments:
        symbol = instrument.symbol
        fetched.quarterly[symbol] = yahoo.fetch_statements(symbol, "quarterly")
        fetched.annual[symbol] = yahoo.fetch_statements(symbol, "annual")
        month = year_end_month_of(fetched.annual[symbol])
        origin = "annual statements"
        if month is None and instrument.id in stored_months:
            month, origin = stored_months[instrument.id], "stored FY rows"
        if month is None and fetched.quarterly[symbol]:
            month, origin = provider_year_end_month(yahoo, symbol)
        fetched.year_end_months[symbol] = month
        fetched.calendar_sources[symbol] = origin if month is not None else "unknown"
    return fetched


@asset(
    name="financial_statement",
    group_name="fundamentals",
    deps=["instrument", "data_source"],
    pool="yahoo",
    retry_policy=PROVIDER_RETRY,
    kinds={"sql"},
)
def financial_statement(
    context: AssetExecutionContext, warehouse: WarehouseResource, yahoo: YahooResource
) -> MaterializeResult:
    """Income statement, balance sheet and cash flow, quarterly and annual, of active equities.

    Items are stored under the canonical keys of `providers/yahoo/statement_items.py`.
    `period_type` (Q1..Q4, FY) and `fiscal_year` follow the company's fiscal year end. A
    statement that lacks required items lists them under `_missing`; the
    `statement_required_items` check warns about those. Everything is fetched before anything
    is written, so a provider failure writes nothing.
    """
    engine: Engine = warehouse.get_engine()
    instruments = active_instruments(engine, ("equity",))
    data_source_id = source_id(engine, sources.YAHOO)
    context.log.info("fetching statements of %d equities from yahoo", len(instruments))

    # Fetch.
    fetched = fetch_statements(
        yahoo, instruments, stored_year_end_months(engine, [i.id for i in instruments])
    )

    # Build rows.
    rows = []
    left_out: list[str] = []
    for instrument in instruments:
        symbol = instrument.symbol
        build = statement_rows(
            symbol,
            instrument.id,
            data_source_id,
            fetched.quarterly[symbol],
            fetched.annual[symbol],
            fetched.year_end_months[symbol],
        )
        rows.extend(build.rows)
        left_out.extend(build.left_out)
    with_rows = {row["instrument_id"] for row in rows}
    without_data = sorted(i.symbol for i in instruments if i.id not in with_rows)
    if left_out:
        context.log.warning("left out %d periods: %s", len(left_out), left_out[:10])
    if without_data:
        context.log.info("no statements for %d symbols: %s", len(without_data), without_data[:20])

    # Write.
    result = upsert(engine, FinancialStatement, rows)
    log_upsert(context.log, "financial_statement", result)

    # Report.
    symbols = {instrument.id: instrument.symbol for instrument in instruments}
    preview_rows = [
        {**row, "symbol": symbols[row["instrument_id"]]}
        for row in sorted(rows, key=lambda row: row["period_end"], reverse=True)
    ]
    ends = sorted(row["period_end"] for row in rows)
    return MaterializeResult(
        metadata=upsert_metadata(
            result,
            preview=markdown_table(
                preview_rows, ["symbol", "period_end", "period_type", "fiscal_year"]
            ),
            provider=sources.YAHOO,
            requests=yahoo.request_count,
            symbols=len(instruments),
            period_range=MetadataValue.text(f"{ends[0]}..{ends[-1]}" if ends else "none"),
            left_out=MetadataValue.json(left_out[:20]),
            symbols_without_statements=MetadataValue.json(without_data[:50]),
            fiscal_calendar_sources=MetadataValue.json(
                dict(Counter(fetched.calendar_sources.values()))
            ),
        )
    )
