"""Parse `/ws/fundamentals-timeseries/v1/finance/timeseries/{symbol}` payloads into statements.

The payload contains one result per requested type. A result with only `meta` means Yahoo has no
data for that type; a result with data carries a list named after the type, with one entry per
period (`asOfDate`, `periodType`, `currencyCode`, `reportedValue`).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from market_pipeline.providers.errors import ProviderResponseError
from market_pipeline.providers.yahoo.parse_values import to_date, to_decimal, to_text
from market_pipeline.providers.yahoo.records import (
    StatementFrequency,
    StatementName,
    StatementPeriod,
)
from market_pipeline.providers.yahoo.statement_items import ITEMS_BY_TYPE, split_type_name

logger = logging.getLogger(__name__)

ENDPOINT = "timeseries"
PERIOD_TYPES: dict[StatementFrequency, str] = {"quarterly": "3M", "annual": "12M"}


def timeseries_results(payload: Mapping[str, Any], symbol: str) -> list[Mapping[str, Any]]:
    """Return `timeseries.result`, or raise ProviderResponseError for an error or other shape."""
    body = payload.get("timeseries") if isinstance(payload, Mapping) else None
    if not isinstance(body, Mapping):
        raise ProviderResponseError(
            f"Yahoo timeseries for {symbol}: the body has no `timeseries` object.",
            provider="yahoo",
            endpoint=ENDPOINT,
            symbol=symbol,
        )
    if body.get("error"):
        raise ProviderResponseError(
            f"Yahoo timeseries for {symbol}: Yahoo returned error {body['error']!r}.",
            provider="yahoo",
            endpoint=ENDPOINT,
            symbol=symbol,
        )
    return [result for result in body.get("result") or [] if isinstance(result, Mapping)]


def result_type(result: Mapping[str, Any]) -> str | None:
    """Return the prefixed type name of one result (`quarterlyTotalRevenue`)."""
    types = (result.get("meta") or {}).get("type") or []
    return types[0] if types and isinstance(types[0], str) else None


def types_with_data(payload: Mapping[str, Any], symbol: str) -> list[str]:
    """Return the prefixed type names that carry at least one value."""
    names = []
    for result in timeseries_results(payload, symbol):
        name = result_type(result)
        if name and any(entry for entry in result.get(name) or []):
            names.append(name)
    return names


def parse_statements(
    payload: Mapping[str, Any], symbol: str, frequency: StatementFrequency
) -> list[StatementPeriod]:
    """Return one `StatementPeriod` per statement and period end, oldest first.

    Types outside the mapping table, other frequencies (`trailing...`) and entries whose
    `periodType` does not match `frequency` are skipped.
    """
    grouped: dict[tuple[StatementName, date], dict[str, Decimal]] = {}
    currencies: dict[tuple[StatementName, date], str | None] = {}
    for result in timeseries_results(payload, symbol):
        name = result_type(result)
        split = split_type_name(name) if name else None
        if name is None or split is None or split[0] != frequency:
            continue
        item = ITEMS_BY_TYPE.get(split[1])
        if item is None:
            logger.debug("Yahoo timeseries %s: type %s is not in the mapping table", symbol, name)
            continue
        for entry in result.get(name) or []:
            if not isinstance(entry, Mapping):
                continue
            period_type = entry.get("periodType")
            if period_type is not None and period_type != PERIOD_TYPES[frequency]:
                continue
            period_end = to_date(entry.get("asOfDate"))
            value = to_decimal(entry.get("reportedValue"))
            if period_end is None or value is None:
                continue
            key = (item.statement, period_end)
            grouped.setdefault(key, {})[item.key] = value
            currencies.setdefault(key, to_text(entry.get("currencyCode")))
    periods = [
        StatementPeriod(
            symbol=symbol,
            statement=statement,
            period_end=period_end,
            frequency=frequency,
            currency=currencies.get((statement, period_end)),
            items=items,
        )
        for (statement, period_end), items in grouped.items()
    ]
    return sorted(periods, key=lambda period: (period.period_end, period.statement))
