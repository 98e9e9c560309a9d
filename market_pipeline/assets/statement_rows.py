"""Pure steps of the statements asset: statement documents and `financial_statement` rows."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from market_pipeline.assets.fundamentals import json_number
from market_pipeline.assets.periods import (
    FiscalPeriod,
    FiscalPeriodError,
    annual_period,
    fiscal_year_end_month,
    quarter_period,
)
from market_pipeline.providers.yahoo.records import StatementName, StatementPeriod

STATEMENTS: tuple[StatementName, ...] = ("income_statement", "balance_sheet", "cash_flow")
MISSING_KEY = "_missing"
CURRENCY_KEY = "_currency"

# Items every period of a statement should have; a statement that has other items but lacks
# one of these records it under `MISSING_KEY`.
REQUIRED_ITEMS: dict[StatementName, tuple[str, ...]] = {
    "income_statement": ("total_revenue", "net_income", "diluted_eps"),
    "balance_sheet": ("total_assets", "total_liabilities", "total_equity"),
    "cash_flow": ("operating_cash_flow",),
}


def statement_document(statement: StatementName, period: StatementPeriod | None) -> dict[str, Any]:
    """Return the JSON document of one statement: items by canonical key, plus bookkeeping.

    A statement the provider sent nothing for is `{}`. A statement with some items lists the
    required items it lacks under `_missing` and its currency under `_currency`.
    """
    if period is None or not period.items:
        return {}
    document: dict[str, Any] = {
        key: json_number(value) for key, value in sorted(period.items.items())
    }
    missing = [key for key in REQUIRED_ITEMS[statement] if key not in period.items]
    if missing:
        document[MISSING_KEY] = missing
    if period.currency:
        document[CURRENCY_KEY] = period.currency
    return document


def year_end_month_of(annual: Sequence[StatementPeriod]) -> int | None:
    """Return the fiscal year end month that the annual periods show, or None."""
    return fiscal_year_end_month(period.period_end for period in annual)


@dataclass
class StatementBuild:
    """Rows to write and the periods left out, labelled `SYMBOL period_end: reason`."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)


def _by_period_end(periods: Iterable[StatementPeriod]) -> dict[date, dict[str, StatementPeriod]]:
    grouped: dict[date, dict[str, StatementPeriod]] = {}
    for period in periods:
        grouped.setdefault(period.period_end, {})[period.statement] = period
    return grouped


def _fiscal_period(period_end: date, annual: bool, year_end_month: int | None) -> FiscalPeriod:
    if annual:
        return annual_period(period_end, year_end_month)
    if year_end_month is None:
        raise FiscalPeriodError(
            "fiscal year end unknown (no annual statements, no stored FY row, no "
            "lastFiscalYearEnd), so the quarter cannot be numbered"
        )
    return quarter_period(period_end, year_end_month)


def statement_rows(
    symbol: str,
    instrument_id: uuid.UUID,
    source_id: uuid.UUID,
    quarterly: Sequence[StatementPeriod],
    annual: Sequence[StatementPeriod],
    year_end_month: int | None,
) -> StatementBuild:
    """Return one `financial_statement` row per period end and frequency of one company.

    Periods that do not fit the fiscal calendar are left out with the reason.
    """
    build = StatementBuild()
    for periods, is_annual in ((quarterly, False), (annual, True)):
        for period_end, statements in sorted(_by_period_end(periods).items()):
            try:
                fiscal = _fiscal_period(period_end, is_annual, year_end_month)
            except FiscalPeriodError as error:
                build.left_out.append(f"{symbol} {period_end}: {error}")
                continue
            row: dict[str, Any] = {
                "instrument_id": instrument_id,
                "period_end": period_end,
                "period_type": fiscal.period_type,
                "fiscal_year": fiscal.fiscal_year,
                "data_source_id": source_id,
            }
            for name in STATEMENTS:
                row[name] = statement_document(name, statements.get(name))
            build.rows.append(row)
    return build
