"""Checks on `financial_statement`.

The asset is unpartitioned and each run re-reads every company's statements from Yahoo, so the
checks cover every stored row of the active instruments.
"""

from collections import defaultdict
from decimal import Decimal
from typing import Any

from dagster import AssetCheckResult, AssetCheckSeverity, asset_check
from sqlalchemy import Engine, func, select
from sqlmodel import col

from market_pipeline.assets.periods import (
    ANNUAL_TYPE,
    FiscalPeriodError,
    closing_month,
    quarter_period,
)
from market_pipeline.assets.statement_rows import MISSING_KEY, STATEMENTS
from market_pipeline.checks.results import check_result
from market_pipeline.db.resource import WarehouseResource
from market_pipeline.models import FinancialStatement, Instrument

ASSET = "financial_statement"
IDENTITY_TOLERANCE = Decimal("0.01")


def statement_rows(engine: Engine) -> list[Any]:
    """Return the stored statements of active instruments with their symbol."""
    query = (
        select(
            col(Instrument.symbol),
            col(FinancialStatement.period_end),
            col(FinancialStatement.period_type),
            col(FinancialStatement.fiscal_year),
            col(FinancialStatement.income_statement),
            col(FinancialStatement.balance_sheet),
            col(FinancialStatement.cash_flow),
        )
        .join(Instrument, col(Instrument.id) == col(FinancialStatement.instrument_id))
        .where(col(Instrument.active).is_(True))
        .order_by(col(Instrument.symbol), col(FinancialStatement.period_end))
    )
    with engine.connect() as connection:
        return list(connection.execute(query))


def _label(row: Any) -> str:
    return f"{row.symbol} {row.period_end} {row.period_type}"


def _number(document: dict[str, Any], key: str) -> Decimal | None:
    value = document.get(key)
    if value is None or isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return Decimal(str(value))


def equity_side(balance_sheet: dict[str, Any]) -> Decimal | None:
    """Return total equity including minority interest, from whichever items the row has."""
    with_minority = _number(balance_sheet, "total_equity_with_minority")
    if with_minority is not None:
        return with_minority
    equity = _number(balance_sheet, "total_equity")
    if equity is None:
        return None
    return equity + (_number(balance_sheet, "minority_interest") or Decimal(0))


def identity_gap(balance_sheet: dict[str, Any]) -> Decimal | None:
    """Return |assets - (liabilities + equity)| / |assets|, or None when items are missing."""
    assets = _number(balance_sheet, "total_assets")
    liabilities = _number(balance_sheet, "total_liabilities")
    equity = equity_side(balance_sheet)
    if assets is None or liabilities is None or equity is None or assets == 0:
        return None
    return abs(assets - liabilities - equity) / abs(assets)


@asset_check(
    asset=ASSET,
    name="balance_sheet_identity",
    blocking=True,
    description="Total assets equal total liabilities plus equity within 1%.",
)
def balance_sheet_identity(warehouse: WarehouseResource) -> AssetCheckResult:
    broken: list[str] = []
    unchecked: list[str] = []
    checked = 0
    for row in statement_rows(warehouse.get_engine()):
        if not row.balance_sheet:
            continue
        gap = identity_gap(row.balance_sheet)
        if gap is None:
            unchecked.append(f"{_label(row)}: lacks assets, liabilities or equity")
            continue
        checked += 1
        if gap > IDENTITY_TOLERANCE:
            broken.append(f"{_label(row)}: off by {gap:.2%}")
    if broken:
        return check_result(
            description=f"{len(broken)} balance sheets break assets = liabilities + equity.",
            offenders=broken,
            checked=checked,
            not_checkable=len(unchecked),
        )
    if unchecked:
        return check_result(
            description=(
                f"{len(unchecked)} balance sheets lack the items to test the identity; "
                f"{checked} others hold it."
            ),
            offenders=unchecked,
            checked=checked,
            severity=AssetCheckSeverity.WARN,
            not_checkable=len(unchecked),
        )
    return check_result(
        description=f"All {checked} balance sheets hold assets = liabilities + equity.",
        offenders=[],
        checked=checked,
    )


@asset_check(
    asset=ASSET,
    name="required_items",
    description="Statements list no missing required items (`_missing`).",
)
def required_items(warehouse: WarehouseResource) -> AssetCheckResult:
    offenders = []
    rows = statement_rows(warehouse.get_engine())
    for row in rows:
        for name in STATEMENTS:
            missing = (getattr(row, name) or {}).get(MISSING_KEY)
            if missing:
                offenders.append(f"{_label(row)} {name}: {', '.join(missing)}")
    return check_result(
        description="Statements that arrived without some required items.",
        offenders=offenders,
        checked=len(rows),
        severity=AssetCheckSeverity.WARN,
    )


@asset_check(
    asset=ASSET,
    name="one_row_per_key",
    blocking=True,
    description="One row per (instrument, period end, period type).",
)
def one_row_per_key(warehouse: WarehouseResource) -> AssetCheckResult:
    key = (
        col(Instrument.symbol),
        col(FinancialStatement.period_end),
        col(FinancialStatement.period_type),
    )
    query = (
        select(*key, func.count())
        .join(Instrument, col(Instrument.id) == col(FinancialStatement.instrument_id))
        .group_by(*key)
        .having(func.count() > 1)
    )
    with warehouse.get_engine().connect() as connection:
        offenders = list(connection.execute(query))
        total = connection.execute(
            select(func.count()).select_from(FinancialStatement)
        ).scalar_one()
    return check_result(
        description="Keys (instrument, period end, period type) that have more than one row.",
        offenders=[f"{symbol} {end} {kind} x{count}" for symbol, end, kind, count in offenders],
        checked=total,
    )


def period_inconsistencies(rows: list[Any]) -> list[str]:
    """Return rows whose period type or fiscal year contradicts the company's fiscal calendar.

    The fiscal year end month is that of the company's latest `FY` row. Flags two rows of one
    type in one fiscal year, `FY` rows ending in another month, and quarters whose number or
    fiscal year does not follow from their period end.
    """
    by_symbol: dict[str, list[Any]] = defaultdict(list)
    for row in rows:
        by_symbol[row.symbol].append(row)
    offenders = []
    for symbol, items in by_symbol.items():
        annual_ends = [row.period_end for row in items if row.period_type == ANNUAL_TYPE]
        month = closing_month(max(annual_ends))[1] if annual_ends else None
        seen: dict[tuple[int, str], Any] = {}
        for row in items:
            key = (row.fiscal_year, row.period_type)
            if key in seen:
                offenders.append(
                    f"{symbol} two {row.period_type} in fiscal {row.fiscal_year}: "
                    f"{seen[key].period_end} and {row.period_end}"
                )
            seen[key] = row
            offenders.extend(_calendar_offences(row, month))
    return offenders


def _calendar_offences(row: Any, month: int | None) -> list[str]:
    if month is None:
        return []
    if row.period_type == ANNUAL_TYPE:
        ended = closing_month(row.period_end)
        if ended[1] != month or ended[0] != row.fiscal_year:
            return [f"{_label(row)} FY{row.fiscal_year}: fiscal year ends in month {month}"]
        return []
    try:
        expected = quarter_period(row.period_end, month)
    except FiscalPeriodError as error:
        return [f"{_label(row)}: {error}"]
    if (expected.period_type, expected.fiscal_year) != (row.period_type, row.fiscal_year):
        return [f"{_label(row)} fiscal {row.fiscal_year}: expected {expected.label}"]
    return []


@asset_check(
    asset=ASSET,
    name="period_types_consistent",
    blocking=True,
    description="Period types and fiscal years follow each company's fiscal year end.",
)
def period_types_consistent(warehouse: WarehouseResource) -> AssetCheckResult:
    rows = statement_rows(warehouse.get_engine())
    return check_result(
        description="Rows whose period type or fiscal year contradicts the fiscal calendar.",
        offenders=period_inconsistencies(rows),
        checked=len(rows),
    )


STATEMENT_CHECKS = [
    balance_sheet_identity,
    required_items,
    one_row_per_key,
    period_types_consistent,
]
