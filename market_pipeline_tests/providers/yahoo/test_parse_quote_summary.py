from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from market_pipeline.providers.yahoo.parse_quote_summary import (
    QuoteSummaryNotFoundError,
    legacy_statement_values,
    parse_earnings,
    parse_estimates,
    parse_profile,
    parse_recommendations,
    quote_summary_modules,
)

NODE = "yahoo_quotesummary/node-yahoo-finance2/"
NODE_2021 = "yahoo_quotesummary/node-yahoo-finance2-2021/"
RS = "yahoo_quotesummary/yfinance-rs/"
OPENBB_AAPL = "openbb_vcr/test_y_finance_equity_quote_fetcher_curl/00-quoteSummary-AAPL.json"


def modules_of(recording: Any, path: str, symbol: str) -> dict[str, Any]:
    return quote_summary_modules(recording(path), symbol)


def test_profile_plain_numbers(recording: Any) -> None:
    profile = parse_profile(
        modules_of(recording, NODE + "quoteSummary-all-AAPL.json", "AAPL"), "AAPL"
    )
    assert profile.name == "Apple Inc."
    assert profile.sector == "Technology"
    assert profile.industry == "Consumer Electronics"
    assert profile.exchange == "NMS"
    assert profile.currency == "USD"
    assert profile.quote_type == "EQUITY"
    assert profile.exchange_timezone == "America/New_York"
    assert profile.market_cap == Decimal(3688676720640)
    assert profile.employees == 150000
    assert profile.institutions_count == 6956
    assert profile.insiders_percent_held == Decimal("0.02286")
    assert profile.officers[0].name == "Mr. Timothy D. Cook"
    assert profile.officers[0].total_pay == Decimal(16239562)


def test_profile_raw_fmt_objects(recording: Any) -> None:
    path = RS + "profile_api_assetProfile-quoteType-fundProfile_AAPL.json"
    profile = parse_profile(modules_of(recording, path, "AAPL"), "AAPL")
    assert profile.name == "Apple Inc."
    assert profile.employees == 150000
    assert profile.country == "United States"
    assert profile.market_cap is None


def test_profile_openbb_capture(recording: Any) -> None:
    profile = parse_profile(modules_of(recording, OPENBB_AAPL, "AAPL"), "AAPL")
    assert profile.employees == 166000
    assert profile.market_cap == Decimal(4035351412736)
    assert profile.officers


def test_quote_summary_not_found(recording: Any) -> None:
    with pytest.raises(QuoteSummaryNotFoundError, match="summaryTypes=earnings"):
        modules_of(recording, NODE + "quoteSummary-earnings-QQQ.json", "QQQ")


def test_earnings_history_and_next(recording: Any) -> None:
    modules = modules_of(recording, NODE + "quoteSummary-all-AAPL.json", "AAPL")
    events = parse_earnings(modules, "AAPL")
    labels = [event.fiscal_period for event in events]
    assert labels == ["Q1 2024", "Q2 2024", "Q3 2024", "Q4 2024", "Q1 2025"]
    first = events[0]
    assert first.period_end == date(2024, 3, 31)
    assert first.eps_actual == Decimal("1.53")
    assert first.eps_estimate == Decimal("1.49923")
    assert first.eps_surprise == Decimal("0.03")
    assert first.revenue_actual == Decimal(90753000000)
    upcoming = events[-1]
    assert upcoming.eps_actual is None
    assert upcoming.date_is_estimate is True
    assert upcoming.report_date == date(2025, 4, 30)
    assert upcoming.scheduled_for is None
    assert upcoming.timing is None
    assert upcoming.eps_estimate == Decimal("1.61696")
    assert upcoming.revenue_estimate == Decimal(94076168920)


def test_earnings_confirmed_date(recording: Any) -> None:
    path = RS + "fundamentals_api_calendarEvents_META.json"
    events = parse_earnings(modules_of(recording, path, "META"), "META")
    assert len(events) == 1
    event = events[0]
    assert event.fiscal_period == "Q3 2025"
    assert event.scheduled_for == datetime(2025, 10, 29, 20, 0, tzinfo=UTC)
    assert event.report_date == date(2025, 10, 29)
    assert event.timing == "after_close"
    assert event.eps_estimate == Decimal("8.03834")


def test_earnings_chart_raw_objects(recording: Any) -> None:
    events = parse_earnings(
        modules_of(recording, RS + "fundamentals_api_earnings_AMZN.json", "AMZN"), "AMZN"
    )
    by_label = {event.fiscal_period: event for event in events}
    assert by_label["Q3 2024"].eps_actual == Decimal("1.43")
    assert by_label["Q3 2024"].eps_estimate == Decimal("1.14242")


@pytest.mark.parametrize(
    ("path", "eps_avg", "analysts"),
    [
        (NODE + "quoteSummary-earningsTrend-AAPL.json", Decimal("1.60796"), 27),
        (RS + "analysis_api_earningsTrend_AAPL.json", Decimal("1.76993"), 32),
    ],
)
def test_estimates_both_shapes(recording: Any, path: str, eps_avg: Decimal, analysts: int) -> None:
    estimates = parse_estimates(modules_of(recording, path, "AAPL"), "AAPL")
    periods = [estimate.period for estimate in estimates]
    assert periods[:4] == ["0q", "+1q", "0y", "+1y"]
    current = estimates[0]
    assert current.eps_avg == eps_avg
    assert current.eps_analysts == analysts
    assert current.period_end is not None
    assert current.eps_trend_current is not None
    assert current.eps_trend_90d_ago is not None
    assert current.eps_revisions_up_30d is not None


def test_estimates_revisions(recording: Any) -> None:
    path = NODE + "quoteSummary-earningsTrend-AAPL.json"
    current = parse_estimates(modules_of(recording, path, "AAPL"), "AAPL")[0]
    assert current.eps_revisions_up_7d == 0
    assert current.eps_revisions_up_30d == 3
    assert current.eps_revisions_down_7d == 1
    assert current.eps_revisions_down_30d == 20
    assert current.revenue_avg == Decimal(94076168920)


@pytest.mark.parametrize(
    ("path", "strong_buy", "buy"),
    [
        (NODE + "quoteSummary-all-AAPL.json", 7, 21),
        (RS + "analysis_api_recommendationTrend_AAPL.json", 5, 24),
    ],
)
def test_recommendations(recording: Any, path: str, strong_buy: int, buy: int) -> None:
    counts = parse_recommendations(modules_of(recording, path, "AAPL"), "AAPL")
    assert [count.period for count in counts] == ["0m", "-1m", "-2m", "-3m"]
    assert counts[0].strong_buy == strong_buy
    assert counts[0].buy == buy
    assert counts[0].total > 40


def test_statement_modules_hollowed(recording: Any) -> None:
    old = modules_of(recording, NODE_2021 + "quoteSummary-incomeStatementHistory-AAPL.json", "AAPL")
    new = modules_of(recording, NODE + "quoteSummary-incomeStatementHistory-AAPL.json", "AAPL")
    old_periods = legacy_statement_values(old["incomeStatementHistory"])
    new_periods = legacy_statement_values(new["incomeStatementHistory"])
    assert {"costOfRevenue", "grossProfit", "operatingIncome"} <= set(old_periods[0])
    assert set(new_periods[0]) <= {"totalRevenue", "netIncome"}
    assert new_periods[0]["totalRevenue"] == Decimal(391035000000)


def test_balance_modules_hollowed(recording: Any) -> None:
    path_2021 = NODE_2021 + "quoteSummary-balanceSheetHistoryQuarterly-AAPL.json"
    old = modules_of(recording, path_2021, "AAPL")["balanceSheetHistoryQuarterly"]
    new = modules_of(recording, NODE + "quoteSummary-balanceSheetHistory-AAPL.json", "AAPL")
    assert "totalAssets" in legacy_statement_values(old)[0]
    assert all(period == {} for period in legacy_statement_values(new["balanceSheetHistory"]))
