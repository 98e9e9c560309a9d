"""Provider records parsed from the recorded Yahoo payloads of the replay server."""

from __future__ import annotations

import pytest

from market_pipeline.providers.yahoo.parse_quote_summary import (
    parse_earnings,
    parse_estimates,
    parse_recommendations,
)
from market_pipeline.providers.yahoo.parse_timeseries import parse_statements
from market_pipeline.providers.yahoo.records import (
    AnalystView,
    EarningsEvent,
    StatementFrequency,
    StatementPeriod,
)
from market_pipeline.replay.yahoo import recorded_modules, recorded_series


def recorded_statements(symbol: str, frequency: StatementFrequency) -> list[StatementPeriod]:
    payload = {"timeseries": {"result": list(recorded_series(symbol).values()), "error": None}}
    return parse_statements(payload, symbol, frequency)


def recorded_earnings(symbol: str) -> list[EarningsEvent]:
    return parse_earnings(recorded_modules(symbol), symbol)


def recorded_view(symbol: str) -> AnalystView:
    modules = recorded_modules(symbol)
    return AnalystView(
        estimates=parse_estimates(modules, symbol),
        recommendations=parse_recommendations(modules, symbol),
    )


@pytest.fixture
def aapl_quarterly() -> list[StatementPeriod]:
    return recorded_statements("AAPL", "quarterly")


@pytest.fixture
def aapl_annual() -> list[StatementPeriod]:
    return recorded_statements("AAPL", "annual")
