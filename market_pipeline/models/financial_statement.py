"""`financial_statement`: quarterly and annual statements under canonical line-item keys."""

import uuid
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import CheckConstraint, Date
from sqlmodel import Field, Relationship

from market_pipeline.models.base import TableBase, add_index, check_in, json_field

if TYPE_CHECKING:
    from market_pipeline.models.data_source import DataSource
    from market_pipeline.models.instrument import Instrument

PERIOD_TYPES = ("Q1", "Q2", "Q3", "Q4", "FY")


class FinancialStatement(TableBase, table=True):
    """One reporting period of one company: income statement, balance sheet, cash flow."""

    __tablename__ = "financial_statement"
    __table_args__ = (CheckConstraint(check_in("period_type", PERIOD_TYPES), name="period_type"),)

    instrument_id: uuid.UUID = Field(foreign_key="instrument.id", nullable=False)
    period_end: date = Field(sa_type=Date, nullable=False)
    period_type: str = Field(nullable=False)
    fiscal_year: int = Field(nullable=False)
    income_statement: dict[str, Any] = json_field("Line items by canonical key.")
    balance_sheet: dict[str, Any] = json_field("Line items by canonical key.")
    cash_flow: dict[str, Any] = json_field("Line items by canonical key.")
    data_source_id: uuid.UUID = Field(foreign_key="data_source.id", nullable=False)

    instrument: "Instrument" = Relationship(back_populates="statements")
    data_source: "DataSource" = Relationship(back_populates="statements")


add_index(
    FinancialStatement,
    "ix_financial_unique",
    "instrument_id",
    "period_end",
    "period_type",
    unique=True,
)
add_index(FinancialStatement, "ix_financial_instrument_period", "instrument_id", "period_end DESC")
add_index(FinancialStatement, "ix_financial_statement_period_end", "period_end")
