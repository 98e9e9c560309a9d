"""`instrument`: the tradable universe (S&P 500 + NASDAQ-100 and the macro series)."""

from typing import TYPE_CHECKING, Any

from sqlalchemy import CheckConstraint, Index, text
from sqlmodel import Field, Relationship

from market_pipeline.models.base import TableBase, check_in, json_field

if TYPE_CHECKING:
    from market_pipeline.models.analyst_estimate import AnalystEstimate
    from market_pipeline.models.company_snapshot import CompanySnapshot
    from market_pipeline.models.earnings_event import EarningsEvent
    from market_pipeline.models.financial_statement import FinancialStatement
    from market_pipeline.models.ohlcv_bar import OhlcvBar

ASSET_CLASSES = ("equity", "etf", "index", "option", "fx", "crypto", "future", "rate")
MARKET_CAP_BUCKETS = ("large", "mid", "small")


class Instrument(TableBase, table=True):
    """One listing; a symbol that leaves the universe is deactivated, never deleted."""

    __tablename__ = "instrument"
    __table_args__ = (
        Index("ix_instrument_symbol", "symbol", unique=True),
        Index("ix_instrument_sector", "sector"),
        CheckConstraint(check_in("asset_class", ASSET_CLASSES), name="asset_class"),
        CheckConstraint(check_in("market_cap", MARKET_CAP_BUCKETS), name="market_cap"),
    )

    symbol: str = Field(nullable=False, description="The listing's own form, e.g. BRK.B.")
    name: str | None = None
    asset_class: str = Field(nullable=False)
    exchange: str | None = None
    mic: str | None = Field(default=None, description="ISO 10383 market identifier code.")
    currency: str = Field(default="USD", nullable=False, sa_column_kwargs={"server_default": "USD"})
    sector: str | None = Field(default=None, description="GICS sector.")
    industry: str | None = Field(default=None, description="GICS sub-industry.")
    market_cap: str | None = None
    active: bool = Field(
        default=True, nullable=False, sa_column_kwargs={"server_default": text("true")}
    )
    meta: dict[str, Any] = json_field("Provider identifiers and index memberships with dates.")

    bars: list["OhlcvBar"] = Relationship(back_populates="instrument")
    statements: list["FinancialStatement"] = Relationship(back_populates="instrument")
    snapshots: list["CompanySnapshot"] = Relationship(back_populates="instrument")
    earnings_events: list["EarningsEvent"] = Relationship(back_populates="instrument")
    estimates: list["AnalystEstimate"] = Relationship(back_populates="instrument")
