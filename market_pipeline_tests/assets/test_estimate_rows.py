"""`analyst_estimate` rows built from the recorded AAPL and AMZN earningsTrend payloads."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from market_pipeline.assets.estimate_rows import estimate_rows, recommendation_document
from market_pipeline.calendar import latest_closed_session
from market_pipeline.providers.yahoo.records import AnalystView
from market_pipeline_tests.assets.conftest import recorded_view

INSTRUMENT = uuid.uuid4()
SOURCE = uuid.uuid4()
AS_OF = date(2025, 2, 14)
FETCHED = datetime(2025, 2, 14, 22, 0, tzinfo=UTC)


def _rows(symbol: str, stored_month: int | None = None) -> dict[str, dict]:
    build = estimate_rows(
        symbol, INSTRUMENT, SOURCE, AS_OF, recorded_view(symbol), stored_month, FETCHED
    )
    return {row["target_period"]: row for row in build.rows}


def test_apple_target_periods() -> None:
    rows = _rows("AAPL")
    assert sorted(rows) == ["FY2025", "FY2026", "Q2 2025", "Q3 2025"]
    assert rows["Q2 2025"]["estimates"]["relative_period"] == "0q"
    assert rows["FY2026"]["estimates"]["relative_period"] == "+1y"
    assert all(row["as_of_date"] == AS_OF for row in rows.values())


def test_amazon_target_periods() -> None:
    assert sorted(_rows("AMZN")) == ["FY2025", "FY2026", "Q1 2025", "Q2 2025"]


def test_apple_document_values() -> None:
    document = _rows("AAPL")["Q2 2025"]["estimates"]
    assert document["eps"] == {
        "avg": 1.60796,
        "low": 1.5,
        "high": 1.67,
        "analysts": 27,
        "year_ago": 1.53,
    }
    assert document["revenue"]["avg"] == 94076168920
    assert document["eps_trend"]["30d_ago"] == 1.67117
    assert document["eps_revisions"] == {"up_7d": 0, "up_30d": 3, "down_7d": 1, "down_30d": 20}
    assert document["recommendations"]["strong_buy"] == 7
    assert document["recommendations"]["total"] == 46
    assert document["fetched_session"] == latest_closed_session(FETCHED).isoformat()


def test_no_year_estimate_uses_stored_month() -> None:
    view = recorded_view("AAPL")
    quarters = AnalystView(estimates=[e for e in view.estimates if e.period.endswith("q")])
    build = estimate_rows("AAPL", INSTRUMENT, SOURCE, AS_OF, quarters, 9, FETCHED)
    assert sorted(row["target_period"] for row in build.rows) == ["Q2 2025", "Q3 2025"]
    assert build.rows[0]["estimates"]["recommendations"] is None


def test_no_calendar_leaves_out() -> None:
    view = recorded_view("AAPL")
    quarters = AnalystView(estimates=[e for e in view.estimates if e.period.endswith("q")])
    build = estimate_rows("AAPL", INSTRUMENT, SOURCE, AS_OF, quarters, None, FETCHED)
    assert build.rows == []
    assert build.left_out == [
        "AAPL 0q: fiscal year end unknown",
        "AAPL +1q: fiscal year end unknown",
    ]


def test_recommendations_current_month() -> None:
    assert recommendation_document([]) is None
    document = recommendation_document(recorded_view("AMZN").recommendations)
    assert document == {
        "period": "0m",
        "strong_buy": 18,
        "buy": 47,
        "hold": 4,
        "sell": 0,
        "strong_sell": 0,
        "total": 69,
    }
