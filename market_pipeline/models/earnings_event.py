"""`earnings_event`: scheduled and reported earnings."""

import uuid
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Date, UniqueConstraint
from sqlmodel import Field, Relationship

from market_pipeline.db.types import UTCDateTime
from market_pipeline.models.base import TableBase, add_index, json_field

if TYPE_CHECKING:
    from market_pipeline.models.data_source import DataSource
    from market_pipeline.models.instrument import Instrument


class EarningsEvent(TableBase, table=True):
    """One fiscal period's earnings report, upcoming or reported."""

    __tablename__ = "earnings_event"
    __table_args__ = (
        UniqueConstraint("instrument_id", "fiscal_period", name="uq_earnings_event_key"),
    )

    instrument_id: uuid.UUID = Field(foreign_key="instrument.id", nullable=False)
    scheduled_for: datetime | None = Field(default=None, sa_type=UTCDateTime)
    report_date: date | None = Field(default=None, sa_type=Date)
    fiscal_period: str = Field(nullable=False, description="For example `Q1 2025`.")
    results: dict[str, Any] = json_field("EPS and revenue: estimate, actual, surprise.")
    data_source_id: uuid.UUID = Field(foreign_key="data_source.id", nullable=False)

    instrument: "Instrument" = Relationship(back_populates="earnings_events")
    data_source: "DataSource" = Relationship(back_populates="earnings_events")


add_index(EarningsEvent, "ix_earnings_scheduled", "scheduled_for")
add_index(EarningsEvent, "ix_earnings_instrument_date", "instrument_id", "report_date DESC")
add_index(EarningsEvent, "ix_earnings_event_report_date", "report_date")
