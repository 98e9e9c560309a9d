"""`macro_snapshot`: the daily macroeconomic review of one region."""

import uuid
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import Date, Text
from sqlmodel import Field, Relationship

from market_pipeline.models.base import TableBase, add_index, json_field

if TYPE_CHECKING:
    from market_pipeline.models.data_source import DataSource


class MacroSnapshot(TableBase, table=True):
    """Index, volatility, rates, dollar and commodity metrics of one region on one session."""

    __tablename__ = "macro_snapshot"

    snapshot_date: date = Field(sa_type=Date, nullable=False)
    region: str = Field(nullable=False, description="For example `US`, `Global`, `Asia`.")
    summary: str = Field(sa_type=Text, nullable=False)
    metrics: dict[str, Any] = json_field("Levels and returns of the macro series.")
    data_source_id: uuid.UUID = Field(foreign_key="data_source.id", nullable=False)

    data_source: "DataSource" = Relationship(back_populates="macro_snapshots")


add_index(MacroSnapshot, "ix_macro_unique", "region", "snapshot_date", unique=True)
add_index(MacroSnapshot, "ix_macro_region_date", "region", "snapshot_date DESC")
add_index(MacroSnapshot, "ix_macro_snapshot_snapshot_date", "snapshot_date")
