"""`data_source`: the external providers and writers that rows come from."""

from typing import TYPE_CHECKING, Any

from sqlalchemy import CheckConstraint, Index
from sqlmodel import Field, Relationship

from market_pipeline.models.base import TableBase, check_in, json_field

if TYPE_CHECKING:
    from market_pipeline.models.analyst_estimate import AnalystEstimate
    from market_pipeline.models.company_snapshot import CompanySnapshot
    from market_pipeline.models.earnings_event import EarningsEvent
    from market_pipeline.models.financial_statement import FinancialStatement
    from market_pipeline.models.macro_snapshot import MacroSnapshot
    from market_pipeline.models.ohlcv_bar import OhlcvBar
    from market_pipeline.models.sector_snapshot import SectorSnapshot

SOURCE_TYPES = ("api", "rss", "scraper", "manual", "llm")
SOURCE_STATUSES = ("active", "disabled", "rate_limited")


class DataSource(TableBase, table=True):
    """An external data provider (Saxo, Yahoo) or summary writer (LLM, offline)."""

    __tablename__ = "data_source"
    __table_args__ = (
        Index("ix_data_source_name", "name", unique=True),
        CheckConstraint(check_in("type", SOURCE_TYPES), name="type"),
        CheckConstraint(check_in("status", SOURCE_STATUSES), name="status"),
    )

    name: str = Field(nullable=False)
    type: str = Field(nullable=False)
    base_url: str | None = None
    status: str = Field(
        default="active", nullable=False, sa_column_kwargs={"server_default": "active"}
    )
    meta: dict[str, Any] = json_field("Rate limits, timeouts, model name; never a secret.")

    bars: list["OhlcvBar"] = Relationship(back_populates="data_source")
    statements: list["FinancialStatement"] = Relationship(back_populates="data_source")
    company_snapshots: list["CompanySnapshot"] = Relationship(back_populates="data_source")
    earnings_events: list["EarningsEvent"] = Relationship(back_populates="data_source")
    estimates: list["AnalystEstimate"] = Relationship(back_populates="data_source")
    sector_snapshots: list["SectorSnapshot"] = Relationship(back_populates="data_source")
    macro_snapshots: list["MacroSnapshot"] = Relationship(back_populates="data_source")
