"""Checks on `analyst_estimate`, per partition, on the sessions the run wrote."""

from datetime import date
from decimal import Decimal
from typing import Any

from dagster import AssetCheckExecutionContext, AssetCheckResult, asset_check
from sqlalchemy import Engine, func, select
from sqlmodel import col

from market_pipeline.checks.results import check_result, check_sessions
from market_pipeline.db.resource import WarehouseResource
from market_pipeline.models import AnalystEstimate, Instrument
from market_pipeline.partitions import trading_day_partitions

ASSET = "analyst_estimate"
MEASURES = ("eps", "revenue")


def estimate_rows(engine: Engine, sessions: list[date]) -> list[Any]:
    """Return the estimates of `sessions` with their symbol."""
    query = (
        select(
            col(Instrument.symbol),
            col(AnalystEstimate.as_of_date),
            col(AnalystEstimate.target_period),
            col(AnalystEstimate.estimates),
        )
        .join(Instrument, col(Instrument.id) == col(AnalystEstimate.instrument_id))
        .where(col(AnalystEstimate.as_of_date).between(sessions[0], sessions[-1]))
        .order_by(col(Instrument.symbol), col(AnalystEstimate.target_period))
    )
    with engine.connect() as connection:
        return list(connection.execute(query))


def _label(row: Any) -> str:
    return f"{row.symbol} {row.as_of_date} {row.target_period}"


def _decimal(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    return Decimal(str(value))


def range_violations(rows: list[Any]) -> tuple[list[str], int]:
    """Return estimates where low <= avg <= high fails, and how many ranges were complete."""
    offenders = []
    checked = 0
    for row in rows:
        for name in MEASURES:
            values = (row.estimates or {}).get(name) or {}
            low, avg, high = (_decimal(values.get(key)) for key in ("low", "avg", "high"))
            if low is None or avg is None or high is None:
                continue
            checked += 1
            if not low <= avg <= high:
                offenders.append(f"{_label(row)} {name}: low {low}, avg {avg}, high {high}")
    return offenders, checked


@asset_check(
    asset=ASSET,
    name="low_avg_high",
    partitions_def=trading_day_partitions,
    blocking=True,
    description="EPS and revenue estimates have low <= avg <= high.",
)
def low_avg_high(
    context: AssetCheckExecutionContext, warehouse: WarehouseResource
) -> AssetCheckResult:
    return evaluate_low_avg_high(warehouse.get_engine(), check_sessions(context))


def evaluate_low_avg_high(engine: Engine, sessions: list[date]) -> AssetCheckResult:
    offenders, checked = range_violations(estimate_rows(engine, sessions))
    return check_result(
        description="Estimates whose average lies outside [low, high].",
        offenders=offenders,
        checked=checked,
    )


def negative_counts(rows: list[Any]) -> list[str]:
    """Return estimates with a negative analyst, revision or recommendation count."""
    offenders: list[str] = []
    for row in rows:
        document = row.estimates or {}
        counts = {
            f"{name}.analysts": (document.get(name) or {}).get("analysts") for name in MEASURES
        }
        counts.update(
            {
                f"eps_revisions.{key}": value
                for key, value in (document.get("eps_revisions") or {}).items()
            }
        )
        recommendations = document.get("recommendations") or {}
        counts.update(
            {
                f"recommendations.{key}": value
                for key, value in recommendations.items()
                if key != "period"
            }
        )
        offenders.extend(
            f"{_label(row)} {key} = {value}"
            for key, value in counts.items()
            if isinstance(value, int | float) and value < 0
        )
    return offenders


@asset_check(
    asset=ASSET,
    name="analyst_counts_non_negative",
    partitions_def=trading_day_partitions,
    blocking=True,
    description="Analyst, revision and recommendation counts are >= 0.",
)
def analyst_counts_non_negative(
    context: AssetCheckExecutionContext, warehouse: WarehouseResource
) -> AssetCheckResult:
    return evaluate_counts(warehouse.get_engine(), check_sessions(context))


def evaluate_counts(engine: Engine, sessions: list[date]) -> AssetCheckResult:
    rows = estimate_rows(engine, sessions)
    return check_result(
        description="Estimates with a negative count.",
        offenders=negative_counts(rows),
        checked=len(rows),
    )


@asset_check(
    asset=ASSET,
    name="one_row_per_key",
    partitions_def=trading_day_partitions,
    blocking=True,
    description="One row per (instrument, as-of session, target period).",
)
def one_row_per_key(
    context: AssetCheckExecutionContext, warehouse: WarehouseResource
) -> AssetCheckResult:
    return evaluate_one_row_per_key(warehouse.get_engine(), check_sessions(context))


def evaluate_one_row_per_key(engine: Engine, sessions: list[date]) -> AssetCheckResult:
    key = (
        col(Instrument.symbol),
        col(AnalystEstimate.as_of_date),
        col(AnalystEstimate.target_period),
    )
    in_sessions = col(AnalystEstimate.as_of_date).between(sessions[0], sessions[-1])
    query = (
        select(*key, func.count())
        .join(Instrument, col(Instrument.id) == col(AnalystEstimate.instrument_id))
        .where(in_sessions)
        .group_by(*key)
        .having(func.count() > 1)
    )
    with engine.connect() as connection:
        offenders = list(connection.execute(query))
        total = connection.execute(
            select(func.count()).select_from(AnalystEstimate).where(in_sessions)
        ).scalar_one()
    return check_result(
        description="Keys (instrument, session, target period) that have more than one row.",
        offenders=[f"{symbol} {day} {period} x{count}" for symbol, day, period, count in offenders],
        checked=total,
    )


ESTIMATE_CHECKS = [low_avg_high, analyst_counts_non_negative, one_row_per_key]
