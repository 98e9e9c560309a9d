"""`YahooResource`: the Dagster resource the assets call for Yahoo data."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, time, timedelta

from dagster import ConfigurableResource
from pydantic import PrivateAttr

from market_pipeline.providers.errors import EmptyResultError
from market_pipeline.providers.records import BarSeries
from market_pipeline.providers.retry import RetryPolicy
from market_pipeline.providers.yahoo.client import (
    CHART_URL,
    PROVIDER,
    QUOTE_SUMMARY_URL,
    TIMESERIES_URL,
    YahooClient,
)
from market_pipeline.providers.yahoo.parse_chart import parse_chart
from market_pipeline.providers.yahoo.parse_quote_summary import (
    QuoteSummaryNotFoundError,
    parse_earnings,
    parse_estimates,
    parse_profile,
    parse_recommendations,
    quote_summary_modules,
)
from market_pipeline.providers.yahoo.parse_timeseries import parse_statements
from market_pipeline.providers.yahoo.records import (
    AnalystView,
    CompanyProfile,
    EarningsEvent,
    StatementFrequency,
    StatementPeriod,
)
from market_pipeline.providers.yahoo.statement_items import request_types
from market_pipeline.providers.yahoo.symbols import to_yahoo_symbol

logger = logging.getLogger(__name__)

CHART_ENDPOINT = "/v8/finance/chart"
QUOTE_SUMMARY_ENDPOINT = "/v10/finance/quoteSummary"
TIMESERIES_ENDPOINT = "/ws/fundamentals-timeseries"
PROFILE_MODULES = (
    "assetProfile",
    "price",
    "quoteType",
    "summaryDetail",
    "defaultKeyStatistics",
    "financialData",
    "majorHoldersBreakdown",
)
EARNINGS_MODULES = ("calendarEvents", "earnings", "earningsHistory", "quoteType")
ESTIMATE_MODULES = ("earningsTrend", "recommendationTrend")
# yfinance requests fundamentals-timeseries from this date on. Yahoo returns only the latest
# four or five periods whatever the window is.
STATEMENTS_SINCE = datetime(2016, 12, 31, tzinfo=UTC)


def _epoch(day: date) -> int:
    return int(datetime.combine(day, time(0), tzinfo=UTC).timestamp())


class YahooResource(ConfigurableResource):
    """Yahoo Finance bars, profiles, earnings, estimates and statements.

    Symbols are listing symbols (`BRK.B`); they are mapped to Yahoo's form on the way out.
    `base_url` sends every request to another origin, e.g. the replay server.
    """

    base_url: str | None = None
    timeout_seconds: float = 10
    max_attempts: int = 4
    backoff_seconds: float = 0.5

    _client: YahooClient | None = PrivateAttr(default=None)

    @property
    def client(self) -> YahooClient:
        """The HTTP client, made on first use and kept for the resource's lifetime."""
        if self._client is None:
            policy = RetryPolicy(max_attempts=self.max_attempts, base_delay=self.backoff_seconds)
            self._client = YahooClient(
                base_url=self.base_url, timeout_seconds=self.timeout_seconds, policy=policy
            )
        return self._client

    @property
    def request_count(self) -> int:
        """Number of data requests sent so far (cookie and crumb requests not included)."""
        return 0 if self._client is None else self._client.request_count

    # -- daily bars ------------------------------------------------------------------------
    def fetch_bar_series(self, symbol: str, start: date, end: date) -> BarSeries:
        """Return the bars, splits and dividends of `symbol` for sessions `start`..`end`.

        One chart request covers the whole range. The request window is one day wider on each
        side, so sessions of exchanges far from UTC fall inside it. The result is then cut to
        sessions `start`..`end`. Raises EmptyResultError when no bar falls in the range.
        """
        if end < start:
            raise ValueError(f"end {end} is before start {start}; pass start <= end")
        yahoo_symbol = to_yahoo_symbol(symbol)
        params = {
            "period1": str(_epoch(start - timedelta(days=1))),
            "period2": str(_epoch(end + timedelta(days=2))),
            "interval": "1d",
            "includePrePost": "false",
            "events": "div,splits",
        }
        response = self.client.get_json(
            CHART_URL.format(symbol=yahoo_symbol),
            params,
            endpoint=CHART_ENDPOINT,
            symbol=symbol,
            needs_crumb=False,
        )
        if response.status == 404:
            raise EmptyResultError(
                f"yahoo {CHART_ENDPOINT} has no data for {symbol} (Yahoo symbol {yahoo_symbol}): "
                f"{_error_text(response.payload, 'chart')}. Check the symbol; it may be delisted.",
                provider=PROVIDER,
                endpoint=CHART_ENDPOINT,
                symbol=symbol,
            )
        series = parse_chart(response.payload, symbol)
        series = _cut_to_range(series, start, end)
        if not series.bars:
            raise EmptyResultError(
                f"yahoo {CHART_ENDPOINT} returned no bars for {symbol} between {start} and {end}. "
                "Check that the range holds trading sessions and that the symbol still trades.",
                provider=PROVIDER,
                endpoint=CHART_ENDPOINT,
                symbol=symbol,
            )
        return series

    def fetch_daily_bars(self, symbols: list[str], start: date, end: date) -> dict[str, BarSeries]:
        """Return a `BarSeries` per listing symbol, one chart request per symbol.

        Every symbol is fetched before an EmptyResultError naming all empty symbols is raised.
        """
        results: dict[str, BarSeries] = {}
        empty: list[EmptyResultError] = []
        for symbol in symbols:
            try:
                results[symbol] = self.fetch_bar_series(symbol, start, end)
            except EmptyResultError as error:
                empty.append(error)
        if len(empty) == 1:
            raise empty[0]
        if empty:
            names = ", ".join(error.symbol or "?" for error in empty)
            raise EmptyResultError(
                f"yahoo {CHART_ENDPOINT} returned no bars between {start} and {end} for "
                f"{len(empty)} of {len(symbols)} symbols: {names}. Check those symbols and the "
                "range.",
                provider=PROVIDER,
                endpoint=CHART_ENDPOINT,
            )
        return results

    # -- quoteSummary ----------------------------------------------------------------------
    def fetch_modules(self, symbol: str, modules: tuple[str, ...]) -> dict[str, dict]:
        """Return the quoteSummary modules Yahoo has for `symbol`.

        Raises QuoteSummaryNotFoundError when Yahoo has none of them (an ETF's earnings).
        """
        yahoo_symbol = to_yahoo_symbol(symbol)
        params = {
            "modules": ",".join(modules),
            "formatted": "false",
            "lang": "en-US",
            "region": "US",
        }
        response = self.client.get_json(
            QUOTE_SUMMARY_URL.format(symbol=yahoo_symbol),
            params,
            endpoint=QUOTE_SUMMARY_ENDPOINT,
            symbol=symbol,
            needs_crumb=True,
        )
        found = quote_summary_modules(response.payload, symbol)
        if response.status == 404 or not found:
            raise QuoteSummaryNotFoundError(
                f"yahoo {QUOTE_SUMMARY_ENDPOINT} has none of the modules {','.join(modules)} for "
                f"{symbol}.",
                provider=PROVIDER,
                endpoint=QUOTE_SUMMARY_ENDPOINT,
                symbol=symbol,
            )
        return found

    def fetch_profile(self, symbol: str) -> CompanyProfile:
        """Return the company profile of `symbol`."""
        return parse_profile(self.fetch_modules(symbol, PROFILE_MODULES), symbol)

    def fetch_earnings(self, symbol: str) -> list[EarningsEvent]:
        """Return past earnings reports and the next scheduled one, oldest first.

        Raises QuoteSummaryNotFoundError when Yahoo has no earnings module for the symbol (an
        ETF). Yahoo then still returns 200 with the `quoteType` module alone.
        """
        modules = self.fetch_modules(symbol, EARNINGS_MODULES)
        if not any(name in modules for name in EARNINGS_MODULES if name != "quoteType"):
            raise QuoteSummaryNotFoundError(
                f"yahoo {QUOTE_SUMMARY_ENDPOINT} has no earnings data for {symbol} "
                f"(modules returned: {', '.join(sorted(modules))}).",
                provider=PROVIDER,
                endpoint=QUOTE_SUMMARY_ENDPOINT,
                symbol=symbol,
            )
        return parse_earnings(modules, symbol)

    def fetch_estimates(self, symbol: str) -> AnalystView:
        """Return the consensus estimates and the monthly recommendation counts of `symbol`."""
        modules = self.fetch_modules(symbol, ESTIMATE_MODULES)
        return AnalystView(
            estimates=parse_estimates(modules, symbol),
            recommendations=parse_recommendations(modules, symbol),
        )

    # -- fundamentals timeseries -----------------------------------------------------------
    def fetch_statements(self, symbol: str, frequency: StatementFrequency) -> list[StatementPeriod]:
        """Return income statement, balance sheet and cash flow periods of `symbol`.

        One timeseries request covers every type in the mapping table. An empty list means
        Yahoo has no statements for the symbol (an ETF), which is not an error.
        """
        if frequency not in ("quarterly", "annual"):
            raise ValueError(f"invalid frequency {frequency!r}; use 'quarterly' or 'annual'")
        yahoo_symbol = to_yahoo_symbol(symbol)
        params = {
            "symbol": yahoo_symbol,
            "type": ",".join(request_types(frequency)),
            "period1": str(int(STATEMENTS_SINCE.timestamp())),
            "period2": str(int(datetime.now(UTC).timestamp())),
        }
        response = self.client.get_json(
            TIMESERIES_URL.format(symbol=yahoo_symbol),
            params,
            endpoint=TIMESERIES_ENDPOINT,
            symbol=symbol,
            needs_crumb=True,
        )
        return parse_statements(response.payload, symbol, frequency)


def _error_text(payload: dict, root: str) -> str:
    error = (payload.get(root) or {}).get("error") or {}
    if isinstance(error, dict):
        return f"{error.get('code')}: {error.get('description')}"
    return str(error)


def _cut_to_range(series: BarSeries, start: date, end: date) -> BarSeries:
    return series.model_copy(
        update={
            "bars": [bar for bar in series.bars if start <= bar.session <= end],
            "splits": [split for split in series.splits if start <= split.session <= end],
            "dividends": [div for div in series.dividends if start <= div.session <= end],
        }
    )
