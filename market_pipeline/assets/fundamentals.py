"""Helpers the fundamentals assets share: JSON numbers and each company's fiscal year end."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from sqlalchemy import Engine, func, select
from sqlmodel import col

from market_pipeline.assets.periods import ANNUAL_TYPE, closing_month
from market_pipeline.models import FinancialStatement
from market_pipeline.providers.yahoo.parse_quote_summary import QuoteSummaryNotFoundError
from market_pipeline.providers.yahoo.parse_values import to_utc_datetime
from market_pipeline.providers.yahoo.records import AnalystEstimate
from market_pipeline.providers.yahoo.resource import YahooResource

KEY_STATISTICS = "defaultKeyStatistics"

JsonNumber = int | float


def json_number(value: Decimal | int | float | None) -> JsonNumber | None:
    """Return `value` as a JSON number: an int when it is whole, else a float."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        if value == value.to_integral_value():
            return int(value)
        return float(value)
    return value


def stored_year_end_months(
    engine: Engine, instrument_ids: Iterable[uuid.UUID] | None = None
) -> dict[uuid.UUID, int]:
    """Return instrument id -> fiscal year end month, from its latest stored `FY` statement."""
    query = (
        select(col(FinancialStatement.instrument_id), func.max(col(FinancialStatement.period_end)))
        .where(col(FinancialStatement.period_type) == ANNUAL_TYPE)
        .group_by(col(FinancialStatement.instrument_id))
    )
    if instrument_ids is not None:
        query = query.where(col(FinancialStatement.instrument_id).in_(list(instrument_ids)))
    with engine.connect() as connection:
        rows: list[tuple[uuid.UUID, date]] = list(connection.execute(query))
    return {instrument_id: closing_month(period_end)[1] for instrument_id, period_end in rows}


def key_statistics_year_end_month(yahoo: YahooResource, symbol: str) -> int | None:
    """Return the month of `defaultKeyStatistics.lastFiscalYearEnd`, or None when Yahoo has none."""
    try:
        modules = yahoo.fetch_modules(symbol, (KEY_STATISTICS,))
    except QuoteSummaryNotFoundError:
        return None
    moment = to_utc_datetime((modules.get(KEY_STATISTICS) or {}).get("lastFiscalYearEnd"))
    return None if moment is None else closing_month(moment.date())[1]


def estimates_year_end_month(yahoo: YahooResource, symbol: str) -> int | None:
    """Return the month in which the `0y` (or `+1y`) consensus period ends, or None."""
    try:
        view = yahoo.fetch_estimates(symbol)
    except QuoteSummaryNotFoundError:
        return None
    return year_end_month_of_estimates(view.estimates)


def year_end_month_of_estimates(estimates: Iterable[AnalystEstimate]) -> int | None:
    """Return the closing month of the `0y` period end, else of `+1y`, else None."""
    ends = {estimate.period: estimate.period_end for estimate in estimates}
    for period in ("0y", "+1y"):
        end = ends.get(period)
        if end is not None:
            return closing_month(end)[1]
    return None


def provider_year_end_month(yahoo: YahooResource, symbol: str) -> tuple[int | None, str]:
    """Return the fiscal year end month Yahoo states for `symbol`, with where it came from.

    Tries `lastFiscalYearEnd` of the key statistics, then the end of the `0y` consensus
    period; each costs one request. Returns `(None, "unknown")` when neither has it.
    """
    month = key_statistics_year_end_month(yahoo, symbol)
    if month is not None:
        return month, "lastFiscalYearEnd"
    month = estimates_year_end_month(yahoo, symbol)
    if month is not None:
        return month, "earningsTrend 0y"
    return None, "unknown"
