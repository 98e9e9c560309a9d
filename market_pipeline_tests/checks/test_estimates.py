"""`analyst_estimate` checks on seeded rows, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Engine

from market_pipeline.checks.estimates import (
    evaluate_counts,
    evaluate_low_avg_high,
    evaluate_one_row_per_key,
)
from market_pipeline.db.upsert import upsert
from market_pipeline.models import AnalystEstimate
from market_pipeline_tests.checks.conftest import Seeded

SESSION = date(2025, 7, 1)
SESSIONS = [SESSION]


def estimate(seeded: Seeded, target: str, eps: dict[str, Any], day: date = SESSION) -> dict:
    return {
        "instrument_id": seeded.aapl,
        "as_of_date": day,
        "target_period": target,
        "estimates": {
            "eps": eps,
            "revenue": {"avg": 94.0, "low": 89.0, "high": 96.0, "analysts": 27},
            "eps_revisions": {"up_7d": 0, "up_30d": 3, "down_7d": 1, "down_30d": 20},
            "recommendations": {"period": "0m", "strong_buy": 7, "buy": 21, "hold": 14},
        },
        "data_source_id": seeded.yahoo,
    }


GOOD_EPS = {"avg": 1.61, "low": 1.5, "high": 1.67, "analysts": 27}


def examples(result: Any) -> list[str]:
    return result.metadata["examples"].data


def test_checks_pass_on_good_rows(engine: Engine, seeded: Seeded) -> None:
    upsert(engine, AnalystEstimate, [estimate(seeded, "Q2 2025", GOOD_EPS)])
    assert evaluate_low_avg_high(engine, SESSIONS).passed
    assert evaluate_counts(engine, SESSIONS).passed
    result = evaluate_one_row_per_key(engine, SESSIONS)
    assert result.passed
    assert result.metadata["checked"].value == 1


def test_avg_above_high_fails(engine: Engine, seeded: Seeded) -> None:
    bad = {"avg": 1.8, "low": 1.5, "high": 1.67, "analysts": 27}
    rows = [estimate(seeded, "Q2 2025", GOOD_EPS), estimate(seeded, "FY2025", bad)]
    upsert(engine, AnalystEstimate, rows)
    result = evaluate_low_avg_high(engine, SESSIONS)
    assert not result.passed
    assert examples(result) == ["AAPL 2025-07-01 FY2025 eps: low 1.5, avg 1.8, high 1.67"]


def test_other_session_not_checked(engine: Engine, seeded: Seeded) -> None:
    bad = {"avg": 1.8, "low": 1.5, "high": 1.67, "analysts": 27}
    upsert(engine, AnalystEstimate, [estimate(seeded, "FY2025", bad, date(2025, 6, 30))])
    assert evaluate_low_avg_high(engine, SESSIONS).passed


def test_negative_count_fails(engine: Engine, seeded: Seeded) -> None:
    bad = {**GOOD_EPS, "analysts": -1}
    upsert(engine, AnalystEstimate, [estimate(seeded, "Q2 2025", bad)])
    result = evaluate_counts(engine, SESSIONS)
    assert not result.passed
    assert examples(result) == ["AAPL 2025-07-01 Q2 2025 eps.analysts = -1"]
