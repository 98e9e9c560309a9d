"""Snapshot checks on seeded rows, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Engine

from market_pipeline.assets.snapshots.metrics import COMPANY_METRIC_KEYS, SECTOR_METRIC_KEYS
from market_pipeline.checks.snapshots import (
    COMPANY_TABLE,
    MACRO_TABLE,
    SECTOR_TABLE,
    evaluate_grounding,
    evaluate_metrics_complete,
    evaluate_one_row_per_key,
    evaluate_summary_not_empty,
)
from market_pipeline.config import PipelineConfig
from market_pipeline.db.upsert import upsert
from market_pipeline.models import CompanySnapshot, MacroSnapshot, SectorSnapshot
from market_pipeline_tests.checks.conftest import Seeded

SESSION = date(2025, 7, 1)
SESSIONS = [SESSION]
PIPELINE = PipelineConfig(macro_series={"^VIX": "index"})


def sector_row(seeded: Seeded, sector: str, summary: str, **metrics: Any) -> dict[str, Any]:
    values = dict.fromkeys(SECTOR_METRIC_KEYS)
    values.update(metrics)
    return {
        "snapshot_date": SESSION,
        "sector": sector,
        "summary": summary,
        "metrics": {**values, "_sources": {"sector": sector}},
        "data_source_id": seeded.writer,
    }


def company_row(seeded: Seeded, summary: str, metrics: dict[str, Any]) -> dict[str, Any]:
    return {
        "instrument_id": seeded.aapl,
        "snapshot_date": SESSION,
        "summary": summary,
        "ownership": {"insiders_percent_held": 2.286},
        "management": {"officers": "unknown"},
        "business_fundamentals": {"metrics": metrics, "name": "Apple Inc."},
        "competitive_position": {"peers": ["MSFT"]},
        "risks_catalysts": {"next_earnings_date": "2025-07-31"},
        "data_source_id": seeded.writer,
    }


def examples(result: Any) -> list[str]:
    return result.metadata["examples"].data


def test_sector_checks_pass(engine: Engine, seeded: Seeded) -> None:
    row = sector_row(
        seeded, "Energy", "Energy sector as of 2025-07-01: return 1d 1.25%.", return_1d_pct=1.2501
    )
    upsert(engine, SectorSnapshot, [row])
    for evaluate in (evaluate_one_row_per_key, evaluate_summary_not_empty, evaluate_grounding):
        assert evaluate(SECTOR_TABLE, engine, SESSIONS).passed
    assert evaluate_metrics_complete(SECTOR_TABLE, engine, SESSIONS, PIPELINE).passed


def test_ungrounded_number_fails(engine: Engine, seeded: Seeded) -> None:
    rows = [
        sector_row(seeded, "Energy", "Energy rose 1.25% on 2025-07-01.", return_1d_pct=1.2501),
        sector_row(seeded, "Utilities", "Utilities rose 42.0% on the session.", return_1d_pct=0.5),
    ]
    upsert(engine, SectorSnapshot, rows)
    result = evaluate_grounding(SECTOR_TABLE, engine, SESSIONS)
    assert not result.passed
    assert examples(result) == ["Utilities 2025-07-01 states 42.0%"]


def test_empty_summary_fails(engine: Engine, seeded: Seeded) -> None:
    upsert(engine, SectorSnapshot, [sector_row(seeded, "Energy", "  ")])
    result = evaluate_summary_not_empty(SECTOR_TABLE, engine, SESSIONS)
    assert not result.passed
    assert examples(result) == ["Energy 2025-07-01"]


def test_missing_metric_key_fails(engine: Engine, seeded: Seeded) -> None:
    row = sector_row(seeded, "Energy", "Energy.")
    del row["metrics"]["breadth_up_pct"]
    upsert(engine, SectorSnapshot, [row])
    result = evaluate_metrics_complete(SECTOR_TABLE, engine, SESSIONS, PIPELINE)
    assert not result.passed
    assert examples(result) == ["Energy 2025-07-01 lacks breadth_up_pct"]


def test_company_grounded_by_sections(engine: Engine, seeded: Seeded) -> None:
    metrics = dict.fromkeys(COMPANY_METRIC_KEYS)
    metrics["close"] = 207.3834
    summary = "AAPL closed at 207.38; insiders hold 2.29%; earnings on 2025-07-31."
    upsert(engine, CompanySnapshot, [company_row(seeded, summary, metrics)])
    assert evaluate_grounding(COMPANY_TABLE, engine, SESSIONS).passed
    assert evaluate_metrics_complete(COMPANY_TABLE, engine, SESSIONS, PIPELINE).passed
    assert evaluate_one_row_per_key(COMPANY_TABLE, engine, SESSIONS).passed


def test_company_ungrounded_fails(engine: Engine, seeded: Seeded) -> None:
    metrics = dict.fromkeys(COMPANY_METRIC_KEYS)
    metrics["close"] = 207.3834
    summary = "AAPL closed at 207.38 and trades at 35 times earnings."
    upsert(engine, CompanySnapshot, [company_row(seeded, summary, metrics)])
    result = evaluate_grounding(COMPANY_TABLE, engine, SESSIONS)
    assert not result.passed
    assert examples(result) == ["AAPL 2025-07-01 states 35"]


def test_macro_keys_follow_config(engine: Engine, seeded: Seeded) -> None:
    row = {
        "snapshot_date": SESSION,
        "region": "US",
        "summary": "US economy as of 2025-07-01: vix close 16.83.",
        "metrics": {"series_with_price": 1, "vix_close": 16.83, "_sources": {"region": "US"}},
        "data_source_id": seeded.writer,
    }
    upsert(engine, MacroSnapshot, [row])
    assert evaluate_grounding(MACRO_TABLE, engine, SESSIONS).passed
    result = evaluate_metrics_complete(MACRO_TABLE, engine, SESSIONS, PIPELINE)
    assert not result.passed
    assert examples(result) == [
        "US 2025-07-01 lacks vix_return_1d_pct, vix_return_5d_pct, vix_return_21d_pct"
    ]
