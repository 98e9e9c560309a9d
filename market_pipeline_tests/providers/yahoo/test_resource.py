"""The resource through yfinance's curl_cffi session against the loopback replay server."""

import time
from datetime import date
from decimal import Decimal

import pytest

from market_pipeline.providers.errors import (
    EmptyResultError,
    ProviderConfigurationError,
    ProviderUnavailableError,
)
from market_pipeline.providers.yahoo.client import RedirectingSession
from market_pipeline.providers.yahoo.parse_quote_summary import QuoteSummaryNotFoundError
from market_pipeline.providers.yahoo.resource import YahooResource
from market_pipeline.replay.yahoo import YahooReplayServer

CHART = "/v8/finance/chart/"
SUMMARY = "/v10/finance/quoteSummary/"
CRUMB = "/v1/test/getcrumb"
START, END = date(2025, 3, 3), date(2025, 8, 29)


def test_bars_one_request_per_symbol(yahoo: YahooResource, yahoo_server: YahooReplayServer) -> None:
    series = yahoo.fetch_daily_bars(["AAPL", "MSFT"], START, END)
    assert yahoo_server.count(CHART + "AAPL") == 1
    assert yahoo_server.count(CHART + "MSFT") == 1
    assert yahoo.request_count == 2
    assert [bar.session for bar in series["AAPL"].bars] == [
        bar.session for bar in series["MSFT"].bars
    ]
    assert series["MSFT"].bars[0].session == START
    assert series["MSFT"].bars[-1].session == END
    assert series["MSFT"].bars[-1].final is True
    assert [d.session for d in series["MSFT"].dividends] == [date(2025, 5, 15), date(2025, 8, 21)]
    request = yahoo_server.requests[0]
    assert request.param("interval") == "1d"
    assert request.param("events") == "div,splits"


def test_bars_split_window(yahoo: YahooResource) -> None:
    series = yahoo.fetch_daily_bars(["AAPL"], date(2020, 8, 31), date(2020, 11, 6))["AAPL"]
    assert len(series.bars) == 49
    assert series.splits[0].ratio == Decimal(4)
    assert series.dividends[0].amount == Decimal("0.205")


@pytest.mark.parametrize("times", [1, 2])
def test_server_error_retried(
    yahoo: YahooResource, yahoo_server: YahooReplayServer, times: int
) -> None:
    yahoo_server.inject("server_error", times=times, path_contains=CHART)
    series = yahoo.fetch_daily_bars(["AAPL"], START, END)
    assert series["AAPL"].bars
    assert yahoo_server.count(CHART) == times + 1


def test_server_error_exhausted(yahoo: YahooResource, yahoo_server: YahooReplayServer) -> None:
    yahoo_server.inject("server_error", times=10, path_contains=CHART)
    with pytest.raises(ProviderUnavailableError) as caught:
        yahoo.fetch_daily_bars(["AAPL"], START, END)
    assert yahoo_server.count(CHART) == 3
    message = str(caught.value)
    assert "/v8/finance/chart for AAPL failed after 3 attempts" in message
    assert "HTTP 500" in message
    assert caught.value.symbol == "AAPL"


def test_rate_limit_honours_retry_after(
    yahoo: YahooResource, yahoo_server: YahooReplayServer
) -> None:
    yahoo_server.inject("rate_limit", times=1, path_contains=CHART, retry_after=0.4)
    started = time.monotonic()
    yahoo.fetch_daily_bars(["MSFT"], START, END)
    elapsed = time.monotonic() - started
    assert yahoo_server.count(CHART) == 2
    assert elapsed >= 0.4


def test_rate_limit_exhausted(yahoo: YahooResource, yahoo_server: YahooReplayServer) -> None:
    yahoo_server.inject("rate_limit", times=10, path_contains=CHART, retry_after=0.01)
    with pytest.raises(ProviderUnavailableError, match="MSFT failed after 3 attempts: HTTP 429"):
        yahoo.fetch_daily_bars(["MSFT"], START, END)
    assert yahoo_server.count(CHART) == 3


@pytest.mark.parametrize(
    ("kind", "text"),
    [("truncated", "truncated or invalid JSON"), ("html", "HTML instead of JSON")],
)
def test_malformed_body_retried(
    yahoo: YahooResource, yahoo_server: YahooReplayServer, kind: str, text: str
) -> None:
    yahoo_server.inject(kind, times=1, path_contains=CHART)
    assert yahoo.fetch_daily_bars(["AAPL"], START, END)["AAPL"].bars
    assert yahoo_server.count(CHART) == 2
    yahoo_server.inject(kind, times=10, path_contains=CHART)
    with pytest.raises(ProviderUnavailableError, match=text):
        yahoo.fetch_daily_bars(["AAPL"], START, END)
    assert yahoo_server.count(CHART) == 5


def test_timeout_retried(yahoo_server: YahooReplayServer) -> None:
    resource = YahooResource(
        base_url=yahoo_server.base_url, timeout_seconds=0.3, max_attempts=2, backoff_seconds=0.001
    )
    yahoo_server.inject("delay", times=1, path_contains=CHART, delay_seconds=1.0)
    assert resource.fetch_daily_bars(["AAPL"], START, END)["AAPL"].bars
    assert yahoo_server.count(CHART) == 2
    yahoo_server.inject("delay", times=2, path_contains=CHART, delay_seconds=1.0)
    with pytest.raises(ProviderUnavailableError, match="AAPL failed after 2 attempts: timed out"):
        resource.fetch_daily_bars(["AAPL"], START, END)


def test_unauthorized_not_retried(yahoo: YahooResource, yahoo_server: YahooReplayServer) -> None:
    yahoo_server.inject("unauthorized", times=5, path_contains=CHART)
    with pytest.raises(ProviderConfigurationError, match="HTTP 401"):
        yahoo.fetch_daily_bars(["AAPL"], START, END)
    assert yahoo_server.count(CHART) == 1


def test_empty_chart_error(yahoo: YahooResource, yahoo_server: YahooReplayServer) -> None:
    yahoo_server.inject("empty", times=1, path_contains=CHART)
    with pytest.raises(
        EmptyResultError, match="no bars for AAPL between 2025-03-03 and 2025-08-29"
    ):
        yahoo.fetch_daily_bars(["AAPL"], START, END)
    assert yahoo_server.count(CHART) == 1


def test_several_empty_symbols(yahoo: YahooResource, yahoo_server: YahooReplayServer) -> None:
    with pytest.raises(EmptyResultError, match="for 2 of 2 symbols: AAPL, MSFT"):
        yahoo.fetch_daily_bars(["AAPL", "MSFT"], date(2019, 1, 2), date(2019, 1, 31))
    assert yahoo_server.count(CHART) == 2


def test_unknown_symbol_error(yahoo: YahooResource, yahoo_server: YahooReplayServer) -> None:
    with pytest.raises(EmptyResultError, match=r"no data for BRK\.B \(Yahoo symbol BRK-B\)"):
        yahoo.fetch_daily_bars(["BRK.B"], START, END)
    assert yahoo_server.count(CHART + "BRK-B") == 1


def test_crumb_rate_limit_retried(yahoo: YahooResource, yahoo_server: YahooReplayServer) -> None:
    yahoo_server.inject("rate_limit", times=1, path_contains=CRUMB, retry_after=0.01)
    profile = yahoo.fetch_profile("AAPL")
    assert profile.name == "Apple Inc."
    assert yahoo_server.count(CRUMB) == 2
    assert yahoo_server.count(SUMMARY) == 1
    assert yahoo_server.requests[-1].param("crumb") == yahoo_server.crumb


def test_crumb_rate_limit_exhausted(yahoo: YahooResource, yahoo_server: YahooReplayServer) -> None:
    yahoo_server.inject("rate_limit", times=10, path_contains=CRUMB, retry_after=0.01)
    with pytest.raises(ProviderUnavailableError, match=r"quoteSummary for AAPL failed .*crumb"):
        yahoo.fetch_profile("AAPL")
    assert yahoo_server.count(CRUMB) == 3
    assert yahoo_server.count(SUMMARY) == 0


def test_invalid_crumb_refreshed(yahoo: YahooResource, yahoo_server: YahooReplayServer) -> None:
    yahoo.fetch_profile("AAPL")
    yahoo_server.crumb = "rotated"
    assert yahoo.fetch_estimates("AAPL").estimates
    assert yahoo_server.count(SUMMARY) == 3
    assert yahoo_server.requests[-1].param("crumb") == "rotated"


def test_profile_earnings_estimates(yahoo: YahooResource) -> None:
    assert yahoo.fetch_profile("AMZN").sector == "Consumer Cyclical"
    events = yahoo.fetch_earnings("AAPL")
    assert events[-1].fiscal_period == "Q1 2025"
    view = yahoo.fetch_estimates("AMZN")
    assert [estimate.period for estimate in view.estimates][:2] == ["0q", "+1q"]
    assert view.recommendations[0].period == "0m"


def test_etf_earnings_not_found(yahoo: YahooResource, yahoo_server: YahooReplayServer) -> None:
    with pytest.raises(QuoteSummaryNotFoundError, match="QQQ"):
        yahoo.fetch_earnings("QQQ")
    assert yahoo_server.count(SUMMARY + "QQQ") == 1


def test_statements(yahoo: YahooResource, yahoo_server: YahooReplayServer) -> None:
    periods = yahoo.fetch_statements("AAPL", "quarterly")
    statements = {period.statement for period in periods}
    assert statements == {"income_statement", "balance_sheet", "cash_flow"}
    assert yahoo.fetch_statements("QQQ", "quarterly") == []
    assert yahoo_server.count("/ws/fundamentals-timeseries/") == 2


def test_redirect_rejects_other_hosts() -> None:
    session = RedirectingSession("http://127.0.0.1:9")
    assert session.redirect("https://fc.yahoo.com") == "http://127.0.0.1:9/"
    target = session.redirect("https://query2.finance.yahoo.com/v8/finance/chart/AAPL?a=1")
    assert target == "http://127.0.0.1:9/v8/finance/chart/AAPL?a=1"
    with pytest.raises(ProviderConfigurationError, match="only Yahoo hosts"):
        session.redirect("https://example.com/v8/finance/chart/AAPL")


def test_invalid_base_url() -> None:
    with pytest.raises(ProviderConfigurationError, match="invalid Yahoo base_url"):
        RedirectingSession("127.0.0.1:8000")
