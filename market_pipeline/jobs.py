"""Jobs: the daily partitioned job, the weekly universe refresh and the fundamentals refresh."""

from __future__ import annotations

from dagster import AssetSelection, define_asset_job

DAILY_GROUPS = ("market_data",)

# Dagster infers the session partitions from the selected assets.
daily_job = define_asset_job(
    name="daily_market_data",
    selection=AssetSelection.groups(*DAILY_GROUPS),
    description="Bars and the session-level tables for one NYSE session, with their checks.",
)

universe_job = define_asset_job(
    name="refresh_universe",
    selection=AssetSelection.groups("catalog"),
    description="Data sources and the index universe, enriched from Yahoo profiles.",
)

fundamentals_job = define_asset_job(
    name="refresh_fundamentals",
    selection=AssetSelection.groups("fundamentals"),
    description="Quarterly and annual statements and earnings events of every active equity.",
)
