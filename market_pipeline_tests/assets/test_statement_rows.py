"""`financial_statement` rows built from the recorded AAPL, AMZN and MSFT timeseries."""

from __future__ import annotations

import uuid
from datetime import date

from market_pipeline.assets.statement_rows import (
    CURRENCY_KEY,
    MISSING_KEY,
    statement_document,
    statement_rows,
    year_end_month_of,
)
from market_pipeline.providers.yahoo.records import StatementPeriod
from market_pipeline_tests.assets.conftest import recorded_statements

INSTRUMENT = uuid.uuid4()
SOURCE = uuid.uuid4()


def _by_key(rows: list[dict]) -> dict[tuple[date, str], dict]:
    return {(row["period_end"], row["period_type"]): row for row in rows}


def test_year_end_month_apple(aapl_annual: list[StatementPeriod]) -> None:
    assert year_end_month_of(aapl_annual) == 9


def test_year_end_month_microsoft() -> None:
    assert year_end_month_of(recorded_statements("MSFT", "annual")) == 6


def test_apple_periods_fiscal(
    aapl_quarterly: list[StatementPeriod], aapl_annual: list[StatementPeriod]
) -> None:
    build = statement_rows("AAPL", INSTRUMENT, SOURCE, aapl_quarterly, aapl_annual, 9)
    rows = _by_key(build.rows)
    assert build.left_out == []
    assert rows[(date(2024, 12, 31), "Q1")]["fiscal_year"] == 2025
    assert rows[(date(2024, 9, 30), "Q4")]["fiscal_year"] == 2024
    assert rows[(date(2024, 3, 31), "Q2")]["fiscal_year"] == 2024
    assert rows[(date(2024, 9, 30), "FY")]["fiscal_year"] == 2024
    assert rows[(date(2022, 9, 30), "FY")]["fiscal_year"] == 2022
    assert len(rows) == 7


def test_apple_quarter_items(
    aapl_quarterly: list[StatementPeriod], aapl_annual: list[StatementPeriod]
) -> None:
    rows = _by_key(statement_rows("AAPL", INSTRUMENT, SOURCE, aapl_quarterly, aapl_annual, 9).rows)
    quarter = rows[(date(2024, 12, 31), "Q1")]
    assert quarter["income_statement"]["total_revenue"] == 124300000000
    assert quarter["income_statement"]["diluted_eps"] == 2.4
    assert quarter["income_statement"][CURRENCY_KEY] == "USD"
    assert MISSING_KEY not in quarter["income_statement"]
    assert MISSING_KEY not in quarter["balance_sheet"]
    balance = quarter["balance_sheet"]
    assert balance["total_assets"] == balance["total_liabilities"] + balance["total_equity"]
    assert quarter["cash_flow"]["operating_cash_flow"] > 0
    assert quarter["instrument_id"] == INSTRUMENT
    assert quarter["data_source_id"] == SOURCE


def test_apple_annual_without_balance_sheet(
    aapl_quarterly: list[StatementPeriod], aapl_annual: list[StatementPeriod]
) -> None:
    rows = _by_key(statement_rows("AAPL", INSTRUMENT, SOURCE, aapl_quarterly, aapl_annual, 9).rows)
    annual = rows[(date(2023, 9, 30), "FY")]
    assert annual["balance_sheet"] == {}
    assert annual["income_statement"]["total_revenue"] == 383285000000


def test_partial_quarter_lists_missing(aapl_quarterly: list[StatementPeriod]) -> None:
    latest = next(
        period
        for period in aapl_quarterly
        if period.statement == "income_statement" and period.period_end == date(2024, 12, 31)
    )
    eps_only = latest.model_copy(
        update={"items": {key: latest.items[key] for key in ("basic_eps", "diluted_eps")}}
    )
    document = statement_document("income_statement", eps_only)
    assert document[MISSING_KEY] == ["total_revenue", "net_income"]
    assert document["diluted_eps"] == 2.4


def test_microsoft_annual_june() -> None:
    annual = recorded_statements("MSFT", "annual")
    rows = statement_rows("MSFT", INSTRUMENT, SOURCE, [], annual, year_end_month_of(annual)).rows
    labels = sorted((row["period_end"], row["period_type"], row["fiscal_year"]) for row in rows)
    assert labels[-1] == (date(2025, 6, 30), "FY", 2025)
    assert len(labels) == 4


def test_unknown_calendar_leaves_quarters_out() -> None:
    quarterly = recorded_statements("AMZN", "quarterly")
    build = statement_rows("AMZN", INSTRUMENT, SOURCE, quarterly, [], None)
    assert build.rows == []
    assert len(build.left_out) == 3
    assert "AMZN 2023-06-30: fiscal year end unknown" in build.left_out[0]


def test_calendar_year_amazon() -> None:
    quarterly = recorded_statements("AMZN", "quarterly")
    rows = statement_rows("AMZN", INSTRUMENT, SOURCE, quarterly, [], 12).rows
    labels = [(row["period_type"], row["fiscal_year"]) for row in rows]
    assert labels == [("Q2", 2023), ("Q3", 2023), ("Q4", 2023)]
