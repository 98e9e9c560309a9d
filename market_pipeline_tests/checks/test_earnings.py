"""`earnings_event` checks on seeded rows, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Engine

from market_pipeline.checks.earnings import (
    one_event_per_period,
    report_date_is_session,
    surprise_matches,
)
from market_pipeline.db.upsert import upsert
from market_pipeline.models import EarningsEvent
from market_pipeline_tests.checks.conftest import Seeded


def event(
    seeded: Seeded,
    label: str,
    report_date: date | None,
    period_end: str,
    eps: dict[str, Any] | None = None,
) -> dict[str, Any]:
    return {
        "instrument_id": seeded.aapl,
        "fiscal_period": label,
        "scheduled_for": None,
        "report_date": report_date,
        "results": {
            "status": "reported",
            "period_end": period_end,
            "eps": eps or {"estimate": 2.34102, "actual": 2.4, "surprise": 0.06},
            "revenue": {"estimate": None, "actual": 124300000000, "surprise": None},
        },
        "data_source_id": seeded.yahoo,
    }


def good_rows(seeded: Seeded) -> list[dict[str, Any]]:
    return [
        event(seeded, "Q1 2025", date(2025, 1, 30), "2024-12-31"),
        event(seeded, "Q4 2024", date(2024, 10, 31), "2024-09-30"),
    ]


def examples(result: Any) -> list[str]:
    return result.metadata["examples"].data


def test_checks_pass_on_good_rows(engine: Engine, seeded: Seeded) -> None:
    upsert(engine, EarningsEvent, good_rows(seeded))
    assert surprise_matches(warehouse=seeded.warehouse).passed
    assert report_date_is_session(warehouse=seeded.warehouse).passed
    assert one_event_per_period(warehouse=seeded.warehouse).passed


def test_wrong_surprise_fails(engine: Engine, seeded: Seeded) -> None:
    wrong = {"estimate": 1.5, "actual": 1.53, "surprise": 0.3}
    rows = [*good_rows(seeded), event(seeded, "Q2 2024", date(2024, 5, 2), "2024-03-31", wrong)]
    upsert(engine, EarningsEvent, rows)
    result = surprise_matches(warehouse=seeded.warehouse)
    assert not result.passed
    assert examples(result) == ["AAPL Q2 2024 eps: surprise 0.3, actual - estimate = 0.03"]


def test_weekend_report_date_fails(engine: Engine, seeded: Seeded) -> None:
    rows = [*good_rows(seeded), event(seeded, "Q2 2024", date(2024, 5, 4), "2024-03-31")]
    upsert(engine, EarningsEvent, rows)
    result = report_date_is_session(warehouse=seeded.warehouse)
    assert not result.passed
    assert examples(result) == ["AAPL Q2 2024 2024-05-04"]


def test_holiday_report_date_fails(engine: Engine, seeded: Seeded) -> None:
    rows = [*good_rows(seeded), event(seeded, "Q2 2024", date(2024, 7, 4), "2024-03-31")]
    upsert(engine, EarningsEvent, rows)
    assert examples(report_date_is_session(warehouse=seeded.warehouse)) == [
        "AAPL Q2 2024 2024-07-04"
    ]


def test_period_under_two_labels_fails(engine: Engine, seeded: Seeded) -> None:
    rows = [*good_rows(seeded), event(seeded, "Q4 2024 cal", date(2025, 1, 30), "2024-12-31")]
    upsert(engine, EarningsEvent, rows)
    result = one_event_per_period(warehouse=seeded.warehouse)
    assert not result.passed
    assert examples(result) == ["AAPL period ending 2024-12-31 stored as Q1 2025 and Q4 2024 cal"]
