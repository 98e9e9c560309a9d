from datetime import date
from decimal import Decimal
from typing import Any

from market_pipeline.providers.yahoo.parse_timeseries import parse_statements, types_with_data
from market_pipeline.providers.yahoo.records import StatementPeriod

OPENBB_AAPL = "openbb_vcr/test_y_finance_income_statement_fetcher_curl/00-timeseries-AAPL.json"
NODE = "yahoo_timeseries/node-yahoo-finance2/fundamentalsTimeSeries-"
RS = "yahoo_timeseries/yfinance-rs/"


def by_end(periods: list[StatementPeriod], statement: str) -> dict[date, StatementPeriod]:
    return {p.period_end: p for p in periods if p.statement == statement}


def test_annual_income_openbb(recording: Any) -> None:
    periods = parse_statements(recording(OPENBB_AAPL), "AAPL", "annual")
    income = by_end(periods, "income_statement")
    fy2025 = income[date(2025, 9, 30)]
    assert fy2025.frequency == "annual"
    assert fy2025.currency == "USD"
    assert fy2025.items["total_revenue"] == Decimal("416161000000.0")
    assert {"net_income", "diluted_eps", "gross_profit", "operating_income"} <= set(fy2025.items)
    assert income[date(2022, 9, 30)].items["total_revenue"] == Decimal("394328000000.0")


def test_annual_ignores_quarterly_request(recording: Any) -> None:
    assert parse_statements(recording(OPENBB_AAPL), "AAPL", "quarterly") == []


def test_quarterly_balance_identity(recording: Any) -> None:
    periods = parse_statements(
        recording(NODE + "AAPL-balance-sheet-quarterly.json"), "AAPL", "quarterly"
    )
    sheets = by_end(periods, "balance_sheet")
    assert sorted(sheets) == [
        date(2024, 3, 31),
        date(2024, 6, 30),
        date(2024, 9, 30),
        date(2024, 12, 31),
    ]
    for sheet in sheets.values():
        items = sheet.items
        assets = items["total_assets"]
        assert assets == items["total_liabilities"] + items["total_equity_with_minority"]


def test_annual_balance_identity_msft(recording: Any) -> None:
    periods = parse_statements(
        recording(RS + "timeseries_balance_sheet_annual_MSFT.json"), "MSFT", "annual"
    )
    sheets = by_end(periods, "balance_sheet")
    assert len(sheets) == 4
    for sheet in sheets.values():
        items = sheet.items
        assert items["total_assets"] == items["total_liabilities"] + items["total_equity"]


def test_cash_flow_free_cash_flow(recording: Any) -> None:
    periods = parse_statements(
        recording(RS + "timeseries_cash_flow_annual_GOOGL.json"), "GOOGL", "annual"
    )
    flows = by_end(periods, "cash_flow")
    for flow in flows.values():
        items = flow.items
        assert (
            items["free_cash_flow"] == items["operating_cash_flow"] + items["capital_expenditure"]
        )


def test_quarterly_income_node(recording: Any) -> None:
    periods = parse_statements(
        recording(NODE + "AAPL-financials-quarterly.json"), "AAPL", "quarterly"
    )
    income = by_end(periods, "income_statement")
    assert date(2024, 12, 31) in income
    assert income[date(2024, 12, 31)].items["total_revenue"] > 0


def test_etf_meta_only_empty(recording: Any) -> None:
    payload = recording(NODE + "QQQ-financials-quarterly.json")
    assert types_with_data(payload, "QQQ") == []
    assert parse_statements(payload, "QQQ", "quarterly") == []
    peg = recording("openbb_vcr/test_y_finance_etf_info_fetcher_curl/02-timeseries-QQQ.json")
    assert types_with_data(peg, "QQQ") == []


def test_types_with_data_counts(recording: Any) -> None:
    names = types_with_data(recording(OPENBB_AAPL), "AAPL")
    assert len(names) == 39
