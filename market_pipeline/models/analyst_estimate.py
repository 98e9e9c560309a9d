"""`analyst_estimate`: consensus EPS and revenue estimates with their revisions."""

import uuid
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import Date
from sqlmodel import Field, Relationship

from market_pipeline.models.base import TableBase, add_index, json_field

if TYPE_CHECKING:
    from market_pipeline.models.data_source import DataSource
    from market_pipeline.models.instrument import Instrument


class AnalystEstimate(TableBase, table=True):
    """The consensus for one target period as seen on one session."""

    __tablename__ = "analyst_estimate"

    instrument_id: uuid.UUID = Field(foreign_key="instrument.id", nullable=False)
    as_of_date: date = Field(sa_type=Date, nullable=False)
    target_period: str = Field(nullable=False, description="For example `FY2025` or `Q3 2025`.")
    estimates: dict[str, Any] = json_field("avg/low/high, analyst counts, revisions, trend.")
    data_source_id: uuid.UUID = Field(foreign_key="data_source.id", nullable=False)

    instrument: "Instrument" = Relationship(back_populates="estimates")
    data_source: "DataSource" = Relationship(back_populates="estimates")


add_index(
    AnalystEstimate,
    "ix_estimate_unique",
    "instrument_id",
    "as_of_date",
    "target_period",
    unique=True,
)
add_index(AnalystEstimate, "ix_analyst_estimate_as_of_date", "as_of_date")
