"""The Dagster code location: assets, checks, jobs, schedules and resources."""

from typing import Any

from dagster import Definitions

from market_pipeline.assets.bars import ohlcv_bar_pg
from market_pipeline.assets.catalog import data_source_asset, instrument_asset
from market_pipeline.assets.earnings import earnings_event
from market_pipeline.assets.estimates import analyst_estimate
from market_pipeline.assets.snapshots.company import company_snapshot
from market_pipeline.assets.snapshots.macro import macro_snapshot
from market_pipeline.assets.snapshots.sector import sector_snapshot
from market_pipeline.assets.statements import financial_statement
from market_pipeline.checks.bars import BAR_CHECKS
from market_pipeline.checks.earnings import EARNINGS_CHECKS
from market_pipeline.checks.estimates import ESTIMATE_CHECKS
from market_pipeline.checks.instrument import INSTRUMENT_CHECKS
from market_pipeline.checks.snapshots import SNAPSHOT_CHECKS
from market_pipeline.checks.statements import STATEMENT_CHECKS
from market_pipeline.jobs import daily_job, fundamentals_job, universe_job
from market_pipeline.resources import build_resources
from market_pipeline.schedules import SCHEDULES

ASSETS = [
    data_source_asset,
    instrument_asset,
    ohlcv_bar_pg,
    financial_statement,
    earnings_event,
    analyst_estimate,
    company_snapshot,
    sector_snapshot,
    macro_snapshot,
]
ASSET_CHECKS = [
    *INSTRUMENT_CHECKS,
    *BAR_CHECKS,
    *STATEMENT_CHECKS,
    *EARNINGS_CHECKS,
    *ESTIMATE_CHECKS,
    *SNAPSHOT_CHECKS,
]
JOBS = [daily_job, universe_job, fundamentals_job]


def build_definitions(resources: dict[str, Any] | None = None) -> Definitions:
    """Return the code location with `resources`, or with those the environment configures."""
    return Definitions(
        assets=ASSETS,
        asset_checks=ASSET_CHECKS,
        jobs=JOBS,
        schedules=SCHEDULES,
        resources=resources if resources is not None else build_resources(),
    )


defs = build_definitions()
