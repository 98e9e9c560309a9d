"""Catalog assets: `data_source` (the providers) and `instrument` (the universe)."""

import os
from datetime import UTC, datetime
from typing import Any

from dagster import AssetExecutionContext, Backoff, MaterializeResult, RetryPolicy, asset
from sqlalchemy import select, update
from sqlmodel import col

from market_pipeline import sources
from market_pipeline.assets.reporting import log_upsert, markdown_table, upsert_metadata
from market_pipeline.config import PipelineConfig
from market_pipeline.db.resource import WarehouseResource
from market_pipeline.db.upsert import upsert
from market_pipeline.models import DataSource, Instrument
from market_pipeline.providers.llm.resource import LLMResource
from market_pipeline.providers.saxo.resource import SaxoResource
from market_pipeline.providers.yahoo.resource import YahooResource
from market_pipeline.universe.instruments import (
    instrument_rows,
    macro_instrument_rows,
    members_needing_profile,
)
from market_pipeline.universe.loader import load_universe

YAHOO_BASE_URL = "https://query2.finance.yahoo.com"
# Step retries on top of the clients' own request retries: a provider outage of a few minutes
# does not fail the run. MARKET_STEP_RETRIES=0 turns them off (the tests do).
PROVIDER_RETRY = RetryPolicy(
    max_retries=int(os.environ.get("MARKET_STEP_RETRIES", "2")),
    delay=float(os.environ.get("MARKET_STEP_RETRY_DELAY_SECONDS", "30")),
    backoff=Backoff.EXPONENTIAL,
)


def data_source_rows(
    yahoo: YahooResource, saxo: SaxoResource, llm: LLMResource
) -> list[dict[str, Any]]:
    """Return the `data_source` rows that the configured resources describe; no secrets."""
    return [
        {
            "name": sources.YAHOO,
            "type": "api",
            # Yahoo's own URL, also under a replay server: the replay port changes on every
            # start, so storing it would rewrite the row on each run.
            "base_url": YAHOO_BASE_URL,
            "status": "active",
            "meta": {
                "client": "yfinance",
                "timeout_seconds": yahoo.timeout_seconds,
                "max_attempts": yahoo.max_attempts,
                "replay": yahoo.base_url is not None,
            },
        },
        {
            "name": sources.SAXO,
            "type": "api",
            "base_url": saxo.base_url,
            "status": "active" if saxo.is_configured else "disabled",
            "meta": {
                "environment": "SIM" if "/sim/" in saxo.base_url else "LIVE",
                "rate_limit_per_minute": 120,
                "timeout_seconds": saxo.timeout_seconds,
                "token_configured": saxo.is_configured,
            },
        },
        {
            "name": sources.LLM,
            "type": "llm",
            "base_url": llm.base_url,
            "status": "active" if llm.is_configured else "disabled",
            "meta": {"model": llm.model, "timeout_seconds": llm.timeout_seconds},
        },
        {
            "name": sources.OFFLINE_WRITER,
            "type": "manual",
            "base_url": None,
            "status": "active",
            "meta": {"writer": "deterministic template over the stored metrics"},
        },
    ]


@asset(
    name="data_source",
    group_name="catalog",
    kinds={"sql"},
)
def data_source_asset(
    context: AssetExecutionContext,
    warehouse: WarehouseResource,
    yahoo: YahooResource,
    saxo: SaxoResource,
    llm: LLMResource,
) -> MaterializeResult:
    """The providers and summary writers that rows come from, with status and non-secret settings."""
    rows = data_source_rows(yahoo, saxo, llm)

    result = upsert(warehouse.get_engine(), DataSource, rows)

    log_upsert(context.log, "data_source", result)
    preview = markdown_table(rows, ["name", "type", "status", "base_url"])
    return MaterializeResult(metadata=upsert_metadata(result, preview=preview))


@asset(
    name="instrument",
    group_name="catalog",
    deps=["data_source"],
    pool="yahoo",
    retry_policy=PROVIDER_RETRY,
    kinds={"sql"},
)
def instrument_asset(
    context: AssetExecutionContext,
    warehouse: WarehouseResource,
    yahoo: YahooResource,
    pipeline: PipelineConfig,
) -> MaterializeResult:
    """S&P 500 and NASDAQ-100 constituents plus the macro series, enriched from Yahoo profiles.

    A symbol that leaves both indexes is set inactive, never deleted, and its bars stay.
    """
    engine = warehouse.get_engine()

    # Window: the constituent lists shipped with the package, restricted as configured.
    members = load_universe(indexes=pipeline.indexes, symbols=pipeline.symbols or None)
    context.log.info("universe: %d members from %s", len(members), ", ".join(pipeline.indexes))

    # Fetch: Yahoo profiles for members whose list lacks sector, industry or exchange.
    needing = members_needing_profile(members)
    profiles = {member.symbol: yahoo.fetch_profile(member.symbol) for member in needing}
    context.log.info(
        "fetched %d Yahoo profiles for members whose lists lack sector, industry or exchange",
        len(profiles),
    )

    # Validate and build rows, keeping provider ids (the Saxo Uic) cached in `meta`.
    existing_meta = _existing_meta(engine)
    rows = instrument_rows(members, profiles, existing_meta)
    rows += macro_instrument_rows(pipeline.macro_series, existing_meta)

    # Write, then deactivate what left the universe.
    result = upsert(engine, Instrument, rows)
    departed = _deactivate_departed(engine, {row["symbol"] for row in rows})
    if departed:
        context.log.info("deactivated %d departed symbols: %s", len(departed), ", ".join(departed))

    preview = markdown_table(rows, ["symbol", "name", "asset_class", "sector", "exchange", "mic"])
    return MaterializeResult(
        metadata=upsert_metadata(
            result,
            preview=preview,
            deactivated=len(departed),
            profiles_fetched=len(profiles),
            provider=sources.YAHOO,
            requests=yahoo.request_count,
        )
    )


def _existing_meta(engine: Any) -> dict[str, dict[str, Any]]:
    with engine.connect() as connection:
        return {
            symbol: dict(meta or {})
            for symbol, meta in connection.execute(
                select(col(Instrument.symbol), col(Instrument.meta))
            )
        }


def _deactivate_departed(engine: Any, current: set[str]) -> list[str]:
    with engine.begin() as connection:
        active = set(
            connection.execute(
                select(col(Instrument.symbol)).where(col(Instrument.active).is_(True))
            ).scalars()
        )
        departed = sorted(active - current)
        if departed:
            connection.execute(
                update(Instrument)
                .where(col(Instrument.symbol).in_(departed))
                .values(active=False, updated_at=datetime.now(UTC))
            )
    return departed
