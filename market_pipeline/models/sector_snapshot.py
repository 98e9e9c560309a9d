"""`sector_snapshot`: the daily review of one GICS sector."""

import uuid
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import Date, Text
from sqlmodel import Field, Relationship

from market_pipeline.models.base import TableBase, add_index, json_field

if TYPE_CHECKING:
    from market_pipeline.models.data_source import DataSource


class SectorSnapshot(TableBase, table=True):
    """Metrics and a written summary of one GICS sector on one session."""

    __tablename__ = "sector_snapshot"

    snapshot_date: date = Field(sa_type=Date, nullable=False)
    sector: str = Field(nullable=False, description="GICS sector.")
    summary: str = Field(sa_type=Text, nullable=False)
    metrics: dict[str, Any] = json_field("Returns, breadth, valuation medians, revisions.")
    data_source_id: uuid.UUID = Field(foreign_key="data_source.id", nullable=False)

    data_source: "DataSource" = Relationship(back_populates="sector_snapshots")


add_index(SectorSnapshot, "ix_sector_unique", "sector", "snapshot_date", unique=True)
add_index(SectorSnapshot, "ix_sector_sector_date", "sector", "snapshot_date DESC")
add_index(SectorSnapshot, "ix_sector_snapshot_snapshot_date", "snapshot_date")
