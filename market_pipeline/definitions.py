"""The Dagster code location: assets, checks, jobs, schedules and resources."""

from dagster import Definitions

from market_pipeline.assets.bars import ohlcv_bar_pg
from market_pipeline.assets.catalog import data_source_asset, instrument_asset
from market_pipeline.checks.bars import BAR_CHECKS
from market_pipeline.checks.instrument import INSTRUMENT_CHECKS
from market_pipeline.jobs import daily_job, universe_job
from market_pipeline.resources import build_resources
from market_pipeline.schedules import SCHEDULES

defs = Definitions(
    assets=[data_source_asset, instrument_asset, ohlcv_bar_pg],
    asset_checks=[*INSTRUMENT_CHECKS, *BAR_CHECKS],
    jobs=[daily_job, universe_job],
    schedules=SCHEDULES,
    resources=build_resources(),
)
