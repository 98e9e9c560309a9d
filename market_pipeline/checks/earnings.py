"""Checks on `earnings_event`.

The asset is unpartitioned and each run re-reads every company's earnings from Yahoo, so the
checks cover every stored event of the active instruments.
"""

from collections import defaultdict
from decimal import Decimal
from typing import Any

from dagster import AssetCheckResult, asset_check
from sqlalchemy import Engine, func, select
from sqlmodel import col

from market_pipeline.calendar import SessionOutOfRangeError, is_session
from market_pipeline.checks.results import check_result
from market_pipeline.db.resource import WarehouseResource
from market_pipeline.models import EarningsEvent, Instrument

ASSET = "earnings_event"
SURPRISE_TOLERANCE = Decimal("0.01")
MEASURES = ("eps", "revenue")


def event_rows(engine: Engine) -> list[Any]:
    """Return the stored events of active instruments with their symbol."""
    query = (
        select(
            col(Instrument.symbol),
            col(EarningsEvent.fiscal_period),
            col(EarningsEvent.report_date),
            col(EarningsEvent.results),
        )
        .join(Instrument, col(Instrument.id) == col(EarningsEvent.instrument_id))
        .where(col(Instrument.active).is_(True))
        .order_by(col(Instrument.symbol), col(EarningsEvent.fiscal_period))
    )
    with engine.connect() as connection:
        return list(connection.execute(query))


def _decimal(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    return Decimal(str(value))


def surprise_mismatches(rows: list[Any]) -> tuple[list[str], int]:
    """Return events whose surprise differs from actual - estimate by more than 0.01, and the
    number of (event, measure) pairs that have all three values."""
    offenders = []
    checked = 0
    for row in rows:
        for name in MEASURES:
            values = (row.results or {}).get(name) or {}
            actual, estimate, surprise = (
                _decimal(values.get(key)) for key in ("actual", "estimate", "surprise")
            )
            if actual is None or estimate is None or surprise is None:
                continue
            checked += 1
            if abs(actual - estimate - surprise) > SURPRISE_TOLERANCE:
                offenders.append(
                    f"{row.symbol} {row.fiscal_period} {name}: surprise {surprise}, "
                    f"actual - estimate = {actual - estimate}"
                )
    return offenders, checked


@asset_check(
    asset=ASSET,
    name="surprise_matches",
    blocking=True,
    description="EPS and revenue surprise equal actual minus estimate within 0.01.",
)
def surprise_matches(warehouse: WarehouseResource) -> AssetCheckResult:
    offenders, checked = surprise_mismatches(event_rows(warehouse.get_engine()))
    return check_result(
        description="Events whose surprise is not actual minus estimate (tolerance 0.01).",
        offenders=offenders,
        checked=checked,
    )


def off_session_dates(rows: list[Any]) -> list[str]:
    """Return events whose report date is not an NYSE session (or lies outside the calendar)."""
    offenders = []
    for row in rows:
        if row.report_date is None:
            continue
        try:
            trades = is_session(row.report_date)
        except SessionOutOfRangeError:
            offenders.append(
                f"{row.symbol} {row.fiscal_period} {row.report_date}: outside calendar"
            )
            continue
        if not trades:
            offenders.append(f"{row.symbol} {row.fiscal_period} {row.report_date}")
    return offenders


@asset_check(
    asset=ASSET,
    name="report_date_is_session",
    blocking=True,
    description="Every report date is an NYSE session.",
)
def report_date_is_session(warehouse: WarehouseResource) -> AssetCheckResult:
    rows = event_rows(warehouse.get_engine())
    return check_result(
        description="Events whose report date is a weekend or an NYSE holiday.",
        offenders=off_session_dates(rows),
        checked=sum(1 for row in rows if row.report_date is not None),
    )


def duplicate_periods(rows: list[Any]) -> list[str]:
    """Return fiscal periods stored twice: under one label, or one period end under two labels."""
    labels: dict[tuple[str, str], int] = defaultdict(int)
    ends: dict[tuple[str, str], list[str]] = defaultdict(list)
    for row in rows:
        labels[(row.symbol, row.fiscal_period)] += 1
        period_end = (row.results or {}).get("period_end")
        if period_end:
            ends[(row.symbol, period_end)].append(row.fiscal_period)
    offenders = [
        f"{symbol} {label} x{count}" for (symbol, label), count in labels.items() if count > 1
    ]
    offenders.extend(
        f"{symbol} period ending {end} stored as {' and '.join(found)}"
        for (symbol, end), found in ends.items()
        if len(found) > 1
    )
    return offenders


@asset_check(
    asset=ASSET,
    name="one_event_per_period",
    blocking=True,
    description="No two events for one fiscal period of one company.",
)
def one_event_per_period(warehouse: WarehouseResource) -> AssetCheckResult:
    engine = warehouse.get_engine()
    rows = event_rows(engine)
    with engine.connect() as connection:
        total = connection.execute(select(func.count()).select_from(EarningsEvent)).scalar_one()
    return check_result(
        description="Fiscal periods with more than one event.",
        offenders=duplicate_periods(rows),
        checked=total,
    )


EARNINGS_CHECKS = [surprise_matches, report_date_is_session, one_event_per_period]
