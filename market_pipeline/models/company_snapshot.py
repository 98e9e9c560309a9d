"""`company_snapshot`: the daily review of one company."""

import uuid
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import Date, Text
from sqlmodel import Field, Relationship

from market_pipeline.models.base import TableBase, add_index, json_field

if TYPE_CHECKING:
    from market_pipeline.models.data_source import DataSource
    from market_pipeline.models.instrument import Instrument


class CompanySnapshot(TableBase, table=True):
    """A written summary of one company on one session, with its structured sections."""

    __tablename__ = "company_snapshot"

    instrument_id: uuid.UUID = Field(foreign_key="instrument.id", nullable=False)
    snapshot_date: date = Field(sa_type=Date, nullable=False)
    summary: str = Field(sa_type=Text, nullable=False)
    ownership: dict[str, Any] = json_field("Holders and insider ownership.")
    management: dict[str, Any] = json_field("Officers and governance.")
    business_fundamentals: dict[str, Any] = json_field("Metrics from bars and statements.")
    competitive_position: dict[str, Any] = json_field("Sector peers and relative standing.")
    risks_catalysts: dict[str, Any] = json_field("Upcoming earnings, revisions, risks.")
    data_source_id: uuid.UUID = Field(foreign_key="data_source.id", nullable=False)

    instrument: "Instrument" = Relationship(back_populates="snapshots")
    data_source: "DataSource" = Relationship(back_populates="company_snapshots")


add_index(
    CompanySnapshot, "ix_company_snapshot_unique", "instrument_id", "snapshot_date", unique=True
)
add_index(
    CompanySnapshot, "ix_company_snapshot_instrument_date", "instrument_id", "snapshot_date DESC"
)
add_index(CompanySnapshot, "ix_company_snapshot_snapshot_date", "snapshot_date")
