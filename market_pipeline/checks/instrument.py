"""Checks on `instrument`: unique symbols, complete equities, universe size."""

from dagster import AssetCheckResult, asset_check
from sqlalchemy import func, or_, select
from sqlmodel import col

from market_pipeline.checks.results import check_result
from market_pipeline.config import PipelineConfig
from market_pipeline.db.resource import WarehouseResource
from market_pipeline.models import Instrument

ASSET = "instrument"


@asset_check(asset=ASSET, name="unique_symbols", blocking=True, description="Symbols are unique.")
def unique_symbols(warehouse: WarehouseResource) -> AssetCheckResult:
    query = (
        select(func.upper(col(Instrument.symbol)), func.count())
        .group_by(func.upper(col(Instrument.symbol)))
        .having(func.count() > 1)
    )
    with warehouse.get_engine().connect() as connection:
        offenders = list(connection.execute(query))
        total = connection.execute(select(func.count()).select_from(Instrument)).scalar_one()
    return check_result(
        description="Symbols that appear more than once, ignoring case.",
        offenders=[f"{symbol} x{count}" for symbol, count in offenders],
        checked=total,
    )


@asset_check(
    asset=ASSET,
    name="equities_complete",
    blocking=True,
    description="Every active equity has a sector and a currency.",
)
def equities_complete(warehouse: WarehouseResource) -> AssetCheckResult:
    equities = (col(Instrument.active).is_(True)) & (col(Instrument.asset_class) == "equity")
    incomplete = or_(col(Instrument.sector).is_(None), col(Instrument.currency).is_(None))
    with warehouse.get_engine().connect() as connection:
        offenders = list(
            connection.execute(select(col(Instrument.symbol)).where(equities, incomplete)).scalars()
        )
        total = connection.execute(
            select(func.count()).select_from(Instrument).where(equities)
        ).scalar_one()
    return check_result(
        description="Active equities without a GICS sector or a currency.",
        offenders=sorted(offenders),
        checked=total,
    )


@asset_check(
    asset=ASSET,
    name="universe_size",
    blocking=True,
    description="The number of active equities lies in the expected range.",
)
def universe_size(warehouse: WarehouseResource, pipeline: PipelineConfig) -> AssetCheckResult:
    low, high = pipeline.expected_universe_range()
    query = (
        select(func.count())
        .select_from(Instrument)
        .where(col(Instrument.active).is_(True), col(Instrument.asset_class) == "equity")
    )
    with warehouse.get_engine().connect() as connection:
        size = connection.execute(query).scalar_one()
    passed = low <= size <= high
    return check_result(
        description=f"{size} active equities; expected {low} to {high}.",
        offenders=[] if passed else [size],
        checked=size,
        passed=passed,
        universe_size=size,
    )


INSTRUMENT_CHECKS = [unique_symbols, equities_complete, universe_size]
