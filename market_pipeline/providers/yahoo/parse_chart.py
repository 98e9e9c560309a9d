"""Parse a `/v8/finance/chart/{symbol}` payload into a `BarSeries`.

Session dates come from `meta.exchangeTimezoneName`, never from the UTC date, so the result does
not depend on the host's time zone. Daily timestamps are the session open in UTC, except the
bar of the latest session, which Yahoo stamps with `meta.regularMarketTime` while that bar is
still live.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import ValidationError

from market_pipeline.providers.errors import ProviderResponseError
from market_pipeline.providers.records import BarSeries, DailyBar, DividendEvent, SplitEvent
from market_pipeline.providers.yahoo.parse_values import to_decimal, to_int

logger = logging.getLogger(__name__)

ENDPOINT = "chart"
_PRICE_FIELDS = ("open", "high", "low", "close")


def _response_error(symbol: str, message: str) -> ProviderResponseError:
    return ProviderResponseError(
        f"Yahoo chart for {symbol}: {message}",
        provider="yahoo",
        endpoint=ENDPOINT,
        symbol=symbol,
    )


def chart_result(payload: Mapping[str, Any], symbol: str) -> dict[str, Any]:
    """Return `chart.result[0]`, or raise ProviderResponseError with Yahoo's error text."""
    chart = payload.get("chart") if isinstance(payload, Mapping) else None
    if not isinstance(chart, Mapping):
        raise _response_error(symbol, "the body has no `chart` object.")
    error = chart.get("error")
    results = chart.get("result")
    if error:
        code = error.get("code") if isinstance(error, Mapping) else error
        text = error.get("description") if isinstance(error, Mapping) else ""
        raise _response_error(symbol, f"Yahoo returned error {code!r}: {text}")
    if not results or not isinstance(results[0], Mapping):
        raise _response_error(symbol, "`chart.result` is empty.")
    return dict(results[0])


def exchange_zone(meta: Mapping[str, Any], symbol: str) -> ZoneInfo:
    """Return the exchange time zone named by `meta.exchangeTimezoneName`."""
    name = meta.get("exchangeTimezoneName")
    if not isinstance(name, str) or not name:
        raise _response_error(symbol, "`meta.exchangeTimezoneName` is missing.")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise _response_error(symbol, f"unknown exchange time zone {name!r}.") from error


def session_of(timestamp: int, zone: ZoneInfo) -> date:
    """Return the exchange-local date of epoch second `timestamp`."""
    return datetime.fromtimestamp(timestamp, tz=zone).date()


def _live_session(meta: Mapping[str, Any], zone: ZoneInfo) -> date | None:
    """Return the session still open when the payload was made, or None if none was open.

    `currentTradingPeriod.regular` is the latest regular session; it was still open when
    `regularMarketTime` (the time of the last trade) lies before its `end`.
    """
    period = meta.get("currentTradingPeriod")
    regular = period.get("regular") if isinstance(period, Mapping) else None
    market_time = to_int(meta.get("regularMarketTime"))
    if not isinstance(regular, Mapping) or market_time is None:
        return None
    start = to_int(regular.get("start"))
    end = to_int(regular.get("end"))
    if start is None or end is None or market_time >= end:
        return None
    return session_of(start, zone)


def _column(values: Mapping[str, Any], name: str, length: int, symbol: str) -> list[Any]:
    column = values.get(name)
    if column is None:
        return [None] * length
    if not isinstance(column, list) or len(column) != length:
        size = len(column) if isinstance(column, list) else "no list"
        raise _response_error(symbol, f"`{name}` has {size} values but `timestamp` has {length}.")
    return column


def _bar_rows(result: Mapping[str, Any], symbol: str) -> list[dict[str, Any]]:
    """Return one dict per timestamp with the raw OHLCV and adjclose values.

    Without `timestamp` the window had no trades; Yahoo may still send quote values then.
    """
    timestamps = result.get("timestamp") or []
    if not timestamps:
        return []
    indicators = result.get("indicators") or {}
    quotes = indicators.get("quote") or [{}]
    adjusted = indicators.get("adjclose") or [{}]
    length = len(timestamps)
    columns = {
        name: _column(quotes[0], name, length, symbol) for name in (*_PRICE_FIELDS, "volume")
    }
    columns["adjclose"] = _column(adjusted[0], "adjclose", length, symbol)
    return [
        {"timestamp": stamp, **{name: values[index] for name, values in columns.items()}}
        for index, stamp in enumerate(timestamps)
    ]


def _make_bar(row: Mapping[str, Any], symbol: str, session: date, final: bool) -> DailyBar | None:
    prices = {name: to_decimal(row[name]) for name in _PRICE_FIELDS}
    if all(value is None for value in prices.values()):
        return None
    if any(value is None for value in prices.values()):
        logger.warning(
            "Yahoo chart %s %s: dropped a bar with missing prices %s", symbol, session, prices
        )
        return None
    volume = to_int(row["volume"]) or 0
    try:
        return DailyBar(
            symbol=symbol,
            session=session,
            volume=volume,
            adj_close=to_decimal(row["adjclose"]),
            final=final,
            **prices,
        )
    except ValidationError as error:
        raise _response_error(symbol, f"invalid bar for {session}: {error}") from error


def parse_bars(result: Mapping[str, Any], symbol: str, zone: ZoneInfo) -> list[DailyBar]:
    """Return one bar per session, oldest first.

    All-null rows (holidays Yahoo still lists) are dropped. When a session appears twice, the
    later non-null row wins. The bar of a session still open is marked `final=False`, and so is
    a bar stamped with `regularMarketTime` instead of a session open (Yahoo's live bar).
    """
    meta = result.get("meta") or {}
    market_time = to_int(meta.get("regularMarketTime"))
    live_session = _live_session(meta, zone)
    bars: dict[date, DailyBar] = {}
    for row in _bar_rows(result, symbol):
        stamp = to_int(row["timestamp"])
        if stamp is None:
            continue
        session = session_of(stamp, zone)
        live_stamp = market_time is not None and stamp == market_time
        final = not live_stamp and session != live_session
        bar = _make_bar(row, symbol, session, final)
        if bar is not None:
            bars[session] = bar
    return [bars[session] for session in sorted(bars)]


def parse_events(
    result: Mapping[str, Any], symbol: str, zone: ZoneInfo
) -> tuple[list[SplitEvent], list[DividendEvent]]:
    """Return the splits and cash dividends in `events`, oldest first."""
    events = result.get("events") or {}
    splits = []
    for event in (events.get("splits") or {}).values():
        numerator = to_decimal(event.get("numerator"))
        denominator = to_decimal(event.get("denominator"))
        stamp = to_int(event.get("date"))
        if numerator is None or denominator is None or stamp is None or denominator == 0:
            raise _response_error(symbol, f"invalid split event {event!r}.")
        splits.append(
            SplitEvent(
                symbol=symbol,
                session=session_of(stamp, zone),
                numerator=numerator,
                denominator=denominator,
            )
        )
    dividends = []
    for event in (events.get("dividends") or {}).values():
        amount = to_decimal(event.get("amount"))
        stamp = to_int(event.get("date"))
        if amount is None or stamp is None:
            raise _response_error(symbol, f"invalid dividend event {event!r}.")
        dividends.append(
            DividendEvent(symbol=symbol, session=session_of(stamp, zone), amount=amount)
        )
    splits.sort(key=lambda split: split.session)
    dividends.sort(key=lambda dividend: dividend.session)
    return splits, dividends


def parse_chart(payload: Mapping[str, Any], symbol: str) -> BarSeries:
    """Parse a chart payload into the bars, splits and dividends of listing symbol `symbol`.

    A window without trades (no `timestamp`) gives a series with no bars; the caller decides
    whether that is an error.
    """
    result = chart_result(payload, symbol)
    meta = result.get("meta") or {}
    zone = exchange_zone(meta, symbol)
    splits, dividends = parse_events(result, symbol, zone)
    currency = meta.get("currency")
    return BarSeries(
        symbol=symbol,
        exchange_timezone=zone.key,
        currency=currency if isinstance(currency, str) else None,
        bars=parse_bars(result, symbol, zone),
        splits=splits,
        dividends=dividends,
    )
