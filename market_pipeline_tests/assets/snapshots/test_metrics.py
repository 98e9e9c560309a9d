"""Snapshot metrics on small hand-made price histories and stored rows."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from market_pipeline.assets.snapshots.metrics import (
    COMPANY_METRIC_KEYS,
    SECTOR_METRIC_KEYS,
    CompanyData,
    QuarterFigures,
    StoredEarnings,
    above_average,
    bar_price,
    company_metrics,
    macro_metric_keys,
    macro_metrics,
    moving_average,
    pe_ratio,
    period_return_pct,
    sector_metrics,
    share_pct,
    trailing_sum,
)
from market_pipeline.calendar import trailing_sessions

SESSION = date(2025, 7, 1)
SESSIONS = trailing_sessions(SESSION, 30)


def rising(start: str = "100", step: str = "1") -> dict[date, Decimal]:
    """Return prices rising by `step` each session, ending on SESSION."""
    return {day: Decimal(start) + Decimal(step) * index for index, day in enumerate(SESSIONS)}


def test_bar_price_prefers_adjusted() -> None:
    assert bar_price(Decimal("10"), Decimal("9.5")) == Decimal("9.5")
    assert bar_price(Decimal("10"), None) == Decimal("10")


def test_returns_over_windows() -> None:
    prices = rising()
    assert period_return_pct(prices, SESSION, 1) == round((129 / 128 - 1) * 100, 4)
    assert period_return_pct(prices, SESSION, 5) == round((129 / 124 - 1) * 100, 4)
    assert period_return_pct(prices, SESSION, 21) == round((129 / 108 - 1) * 100, 4)


def test_return_missing_bar_is_none() -> None:
    prices = rising()
    del prices[SESSIONS[-6]]
    assert period_return_pct(prices, SESSION, 5) is None
    assert period_return_pct({}, SESSION, 1) is None


def test_moving_average_needs_full_window() -> None:
    prices = rising()
    assert moving_average(prices, SESSION) == sum(Decimal(100 + i) for i in range(9, 30)) / 21
    del prices[SESSIONS[15]]
    assert moving_average(prices, SESSION) is None
    assert above_average(prices, SESSION) is None


def test_above_average_falling() -> None:
    falling = {day: Decimal(200 - index) for index, day in enumerate(SESSIONS)}
    assert above_average(rising(), SESSION) is True
    assert above_average(falling, SESSION) is False


def test_share_pct_ignores_unknown() -> None:
    assert share_pct([True, False, None, True]) == round(2 / 3 * 100, 4)
    assert share_pct([None, None]) is None


def test_trailing_eps_needs_four_quarters() -> None:
    quarters = [
        QuarterFigures(date(2024, 3, 31), "Q2 2024", Decimal("1.53"), Decimal("90")),
        QuarterFigures(date(2024, 6, 30), "Q3 2024", Decimal("1.40"), Decimal("85")),
        QuarterFigures(date(2024, 9, 30), "Q4 2024", Decimal("0.97"), None),
        QuarterFigures(date(2024, 12, 31), "Q1 2025", Decimal("2.40"), Decimal("124")),
    ]
    assert trailing_sum(quarters, "diluted_eps", SESSION) == Decimal("6.30")
    assert trailing_sum(quarters, "total_revenue", SESSION) is None
    assert trailing_sum(quarters[1:], "diluted_eps", SESSION) is None
    assert trailing_sum(quarters, "diluted_eps", date(2024, 12, 30)) is None


def test_pe_ratio_positive_eps_only() -> None:
    assert pe_ratio(Decimal("207.38"), Decimal("6.30")) == round(207.38 / 6.30, 4)
    assert pe_ratio(Decimal("50"), Decimal("-1")) is None
    assert pe_ratio(None, Decimal("1")) is None


def _company(prices: dict[date, Decimal]) -> CompanyData:
    reported = StoredEarnings(
        "Q1 2025",
        None,
        {
            "period_end": "2024-12-31",
            "eps": {"estimate": 2.34, "actual": 2.4, "surprise": 0.06, "surprise_percent": 2.52},
        },
    )
    upcoming = StoredEarnings("Q4 2025", date(2025, 7, 31), {"eps": {"estimate": 1.43}})
    return CompanyData(
        prices=prices,
        events=[reported, upcoming],
        estimates={
            "FY2026": {"eps": {"avg": 8.0}},
            "FY2025": {"eps": {"avg": 7.3}, "eps_revisions": {"up_30d": 10, "down_30d": 17}},
        },
    )


def test_company_metrics_keys_and_values() -> None:
    metrics = company_metrics(_company(rising()), SESSION)
    assert list(metrics) == list(COMPANY_METRIC_KEYS)
    assert metrics["close"] == 129.0
    assert metrics["above_sma_21d"] == "yes"
    assert metrics["last_reported_quarter"] == "Q1 2025"
    assert metrics["eps_surprise_pct"] == 2.52
    assert metrics["next_earnings_date"] == "2025-07-31"
    assert metrics["fy_target_period"] == "FY2025"
    assert metrics["fy_eps_estimate"] == 7.3
    assert metrics["eps_revisions_down_30d"] == 17
    assert metrics["trailing_eps"] is None
    assert metrics["pe_ratio"] is None


def test_company_metrics_empty_is_null() -> None:
    metrics = company_metrics(CompanyData(), SESSION)
    assert set(metrics) == set(COMPANY_METRIC_KEYS)
    assert all(value is None for value in metrics.values())


def test_sector_breadth_and_returns() -> None:
    falling = {day: Decimal(200 - index) for index, day in enumerate(SESSIONS)}
    members = {
        uuid.uuid4(): company_metrics(_company(rising()), SESSION),
        uuid.uuid4(): company_metrics(CompanyData(prices=falling), SESSION),
        uuid.uuid4(): company_metrics(CompanyData(), SESSION),
    }
    metrics = sector_metrics(members)
    assert list(metrics) == list(SECTOR_METRIC_KEYS)
    assert metrics["members"] == 3
    assert metrics["members_with_price"] == 2
    assert metrics["breadth_up_pct"] == 50.0
    assert metrics["breadth_above_sma_21d_pct"] == 50.0
    up = (129 / 128 - 1) * 100
    down = (171 / 172 - 1) * 100
    assert metrics["return_1d_pct"] == round((round(up, 4) + round(down, 4)) / 2, 4)
    assert metrics["eps_beats"] == 1
    assert metrics["eps_misses"] == 0
    assert metrics["median_pe_ratio"] is None
    assert metrics["eps_revisions_up_30d"] == 10


def test_macro_metrics_rates_and_returns() -> None:
    series = {"^GSPC": "index", "^TNX": "rate", "GC=F": "future"}
    prices = {"^GSPC": rising("5000", "10"), "^TNX": rising("4.00", "0.01")}
    metrics = macro_metrics(series, prices, SESSION)
    assert list(metrics) == macro_metric_keys(series)
    assert metrics["series_with_price"] == 2
    assert metrics["sp500_close"] == 5290.0
    assert metrics["sp500_return_1d_pct"] == round((5290 / 5280 - 1) * 100, 4)
    assert metrics["us_10y_yield_change_1d"] == 0.01
    assert metrics["gold_close"] is None
    assert metrics["gold_return_21d_pct"] is None
