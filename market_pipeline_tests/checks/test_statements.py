"""`financial_statement` checks on seeded rows, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from typing import Any

from dagster import AssetCheckSeverity
from sqlalchemy import Engine

from market_pipeline.checks.statements import (
    balance_sheet_identity,
    one_row_per_key,
    period_types_consistent,
    required_items,
)
from market_pipeline.db.upsert import upsert
from market_pipeline.models import FinancialStatement
from market_pipeline_tests.checks.conftest import Seeded

BALANCED = {
    "total_assets": 344085000000,
    "total_liabilities": 277327000000,
    "total_equity": 66758000000,
}


def statement(
    seeded: Seeded,
    period_end: date,
    period_type: str,
    fiscal_year: int,
    balance_sheet: dict[str, Any] | None = None,
    income: dict[str, Any] | None = None,
) -> dict[str, Any]:
    return {
        "instrument_id": seeded.aapl,
        "period_end": period_end,
        "period_type": period_type,
        "fiscal_year": fiscal_year,
        "income_statement": income or {"total_revenue": 124300000000, "diluted_eps": 2.4},
        "balance_sheet": BALANCED if balance_sheet is None else balance_sheet,
        "cash_flow": {},
        "data_source_id": seeded.yahoo,
    }


def good_rows(seeded: Seeded) -> list[dict[str, Any]]:
    return [
        statement(seeded, date(2024, 9, 30), "FY", 2024),
        statement(seeded, date(2024, 9, 30), "Q4", 2024),
        statement(seeded, date(2024, 12, 31), "Q1", 2025),
    ]


def examples(result: Any) -> list[str]:
    return result.metadata["examples"].data


def test_identity_passes(engine: Engine, seeded: Seeded) -> None:
    upsert(engine, FinancialStatement, good_rows(seeded))
    result = balance_sheet_identity(warehouse=seeded.warehouse)
    assert result.passed
    assert result.metadata["checked"].value == 3


def test_identity_broken_fails(engine: Engine, seeded: Seeded) -> None:
    broken = {**BALANCED, "total_liabilities": 200000000000}
    rows = [*good_rows(seeded), statement(seeded, date(2024, 6, 30), "Q3", 2024, broken)]
    upsert(engine, FinancialStatement, rows)
    result = balance_sheet_identity(warehouse=seeded.warehouse)
    assert not result.passed
    assert result.severity == AssetCheckSeverity.ERROR
    assert examples(result) == ["AAPL 2024-06-30 Q3: off by 22.47%"]


def test_identity_uncheckable_warns(engine: Engine, seeded: Seeded) -> None:
    partial = {"total_assets": 344085000000}
    rows = [*good_rows(seeded), statement(seeded, date(2024, 6, 30), "Q3", 2024, partial)]
    upsert(engine, FinancialStatement, rows)
    result = balance_sheet_identity(warehouse=seeded.warehouse)
    assert not result.passed
    assert result.severity == AssetCheckSeverity.WARN
    assert examples(result) == ["AAPL 2024-06-30 Q3: lacks assets, liabilities or equity"]


def test_required_items_warns(engine: Engine, seeded: Seeded) -> None:
    eps_only = {"diluted_eps": 1.65, "_missing": ["total_revenue", "net_income"]}
    rows = [*good_rows(seeded), statement(seeded, date(2025, 3, 31), "Q2", 2025, income=eps_only)]
    upsert(engine, FinancialStatement, rows)
    result = required_items(warehouse=seeded.warehouse)
    assert not result.passed
    assert result.severity == AssetCheckSeverity.WARN
    assert examples(result) == ["AAPL 2025-03-31 Q2 income_statement: total_revenue, net_income"]


def test_required_items_passes(engine: Engine, seeded: Seeded) -> None:
    upsert(engine, FinancialStatement, good_rows(seeded))
    assert required_items(warehouse=seeded.warehouse).passed


def test_one_row_per_key_passes(engine: Engine, seeded: Seeded) -> None:
    upsert(engine, FinancialStatement, good_rows(seeded))
    result = one_row_per_key(warehouse=seeded.warehouse)
    assert result.passed
    assert result.metadata["checked"].value == 3


def test_periods_consistent_passes(engine: Engine, seeded: Seeded) -> None:
    upsert(engine, FinancialStatement, good_rows(seeded))
    assert period_types_consistent(warehouse=seeded.warehouse).passed


def test_two_q1_in_year_fails(engine: Engine, seeded: Seeded) -> None:
    rows = [*good_rows(seeded), statement(seeded, date(2025, 3, 31), "Q1", 2025)]
    upsert(engine, FinancialStatement, rows)
    result = period_types_consistent(warehouse=seeded.warehouse)
    assert not result.passed
    assert "AAPL two Q1 in fiscal 2025: 2024-12-31 and 2025-03-31" in examples(result)
    assert "AAPL 2025-03-31 Q1 fiscal 2025: expected Q2 2025" in examples(result)


def test_fy_wrong_month_fails(engine: Engine, seeded: Seeded) -> None:
    rows = [*good_rows(seeded), statement(seeded, date(2023, 12, 31), "FY", 2023)]
    upsert(engine, FinancialStatement, rows)
    result = period_types_consistent(warehouse=seeded.warehouse)
    assert not result.passed
    assert examples(result) == ["AAPL 2023-12-31 FY FY2023: fiscal year ends in month 9"]
