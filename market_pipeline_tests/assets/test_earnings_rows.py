"""`earnings_event` rows built from the recorded AAPL and AMZN quoteSummary payloads."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from market_pipeline.assets.earnings_rows import (
    StoredEvent,
    earnings_rows,
    fiscal_period_label,
    merge_results,
)
from market_pipeline.providers.yahoo.records import EarningsEvent
from market_pipeline_tests.assets.conftest import recorded_earnings

INSTRUMENT = uuid.uuid4()
SOURCE = uuid.uuid4()


def _rows(symbol: str, month: int, stored: dict | None = None) -> dict[str, dict]:
    build = earnings_rows(
        symbol, INSTRUMENT, SOURCE, recorded_earnings(symbol), month, stored or {}
    )
    assert build.left_out == []
    return {row["fiscal_period"]: row for row in build.rows}


def test_apple_fiscal_labels() -> None:
    rows = _rows("AAPL", 9)
    assert sorted(rows) == ["Q1 2025", "Q2 2024", "Q2 2025", "Q3 2024", "Q4 2024"]
    assert rows["Q1 2025"]["results"]["provider_period"] == "Q4 2024"
    assert rows["Q1 2025"]["results"]["period_end"] == "2024-12-31"


def test_apple_reported_results() -> None:
    results = _rows("AAPL", 9)["Q1 2025"]["results"]
    assert results["status"] == "reported"
    assert results["eps"] == {
        "estimate": 2.34102,
        "actual": 2.4,
        "surprise": 0.06,
        "surprise_percent": 2.52,
    }
    assert results["revenue"]["actual"] == 124300000000
    assert results["revenue"]["surprise"] is None


def test_apple_upcoming_event() -> None:
    row = _rows("AAPL", 9)["Q2 2025"]
    assert row["report_date"] == date(2025, 4, 30)
    assert row["scheduled_for"] is None
    assert row["results"]["status"] == "upcoming"
    assert row["results"]["date_is_estimate"] is True
    assert row["results"]["revenue"]["estimate"] == 94076168920
    assert row["results"]["eps"]["actual"] is None


def test_amazon_calendar_labels() -> None:
    rows = _rows("AMZN", 12)
    assert sorted(rows) == ["Q1 2024", "Q1 2025", "Q2 2024", "Q3 2024", "Q4 2024"]
    assert rows["Q1 2025"]["report_date"] == date(2025, 4, 28)
    assert rows["Q4 2024"]["results"]["eps"]["surprise_percent"] == 25.36


def test_upcoming_gains_results_in_place() -> None:
    upcoming = _rows("AAPL", 9)["Q2 2025"]
    stored = {
        "Q2 2025": StoredEvent(
            scheduled_for=upcoming["scheduled_for"],
            report_date=upcoming["report_date"],
            results=upcoming["results"],
        )
    }
    reported = EarningsEvent(
        symbol="AAPL",
        fiscal_period="Q1 2025",
        period_end=date(2025, 3, 31),
        eps_estimate=Decimal("1.62"),
        eps_actual=Decimal("1.65"),
        eps_surprise=Decimal("0.03"),
        eps_surprise_percent=Decimal("0.0185"),
        revenue_actual=Decimal("95359000000"),
    )
    build = earnings_rows("AAPL", INSTRUMENT, SOURCE, [reported], 9, stored)
    row = build.rows[0]
    assert row["fiscal_period"] == "Q2 2025"
    assert row["report_date"] == date(2025, 4, 30)
    assert row["results"]["status"] == "reported"
    assert row["results"]["eps"]["actual"] == 1.65
    assert row["results"]["revenue"]["estimate"] == 94076168920
    assert row["results"]["revenue"]["surprise"] == 95359000000 - 94076168920
    assert row["results"]["date_is_estimate"] is True


def test_merge_keeps_provider_surprise() -> None:
    stored = {"eps": {"estimate": 1.0, "actual": None, "surprise": None, "surprise_percent": None}}
    fresh = {"eps": {"estimate": None, "actual": 1.1, "surprise": 0.1, "surprise_percent": 10.0}}
    merged = merge_results(stored, fresh)
    assert merged["eps"] == {
        "estimate": 1.0,
        "actual": 1.1,
        "surprise": 0.1,
        "surprise_percent": 10.0,
    }
    assert merged["revenue"]["actual"] is None


def test_unknown_calendar_leaves_out() -> None:
    build = earnings_rows("AMZN", INSTRUMENT, SOURCE, recorded_earnings("AMZN"), None, {})
    assert build.rows == []
    assert build.left_out[0] == "AMZN Q1 2024: fiscal year end unknown"


def test_label_without_period_end() -> None:
    event = EarningsEvent(symbol="MSFT", fiscal_period="Q3 2025")
    assert fiscal_period_label(event, 6) == "Q1 2026"
