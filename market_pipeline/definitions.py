"""The Dagster code location: assets, checks, jobs, schedules and resources."""

from typing import Any

from dagster import Definitions

from market_pipeline.assets.bars import ohlcv_bar_pg
from market_pipeline.assets.catalog import data_source_asset, instrument_asset
from market_pipeline.checks.bars import BAR_CHECKS
from market_pipeline.checks.instrument import INSTRUMENT_CHECKS
from market_pipeline.jobs import daily_job, universe_job
from market_pipeline.resources import build_resources
from market_pipeline.schedules import SCHEDULES

ASSETS = [data_source_asset, instrument_asset, ohlcv_bar_pg]
ASSET_CHECKS = [*INSTRUMENT_CHECKS, *BAR_CHECKS]
JOBS = [daily_job, universe_job]


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
