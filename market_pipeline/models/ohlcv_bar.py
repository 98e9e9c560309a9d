"""`ohlcv_bar_pg`: daily bars for the recent window (two years by default)."""

import uuid
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import BigInteger, CheckConstraint, Date, UniqueConstraint
from sqlmodel import Field, Relationship

from market_pipeline.db.types import Price
from market_pipeline.models.base import TableBase, add_index

if TYPE_CHECKING:
    from market_pipeline.models.data_source import DataSource
    from market_pipeline.models.instrument import Instrument


class OhlcvBar(TableBase, table=True):
    """One daily bar: prices as traded, split-adjusted to the fetch date."""

    __tablename__ = "ohlcv_bar_pg"
    __table_args__ = (
        UniqueConstraint("instrument_id", "ts", "data_source_id", name="uq_ohlcv_bar_pg_key"),
        CheckConstraint("high >= low", name="high_low"),
        CheckConstraint("high >= open AND high >= close", name="high_open_close"),
        CheckConstraint("low <= open AND low <= close", name="low_open_close"),
        CheckConstraint("volume >= 0", name="volume"),
    )

    instrument_id: uuid.UUID = Field(foreign_key="instrument.id", nullable=False)
    ts: date = Field(sa_type=Date, nullable=False, description="Exchange-local session date.")
    open: Decimal = Field(sa_type=Price, nullable=False)
    high: Decimal = Field(sa_type=Price, nullable=False)
    low: Decimal = Field(sa_type=Price, nullable=False)
    close: Decimal = Field(sa_type=Price, nullable=False)
    volume: int = Field(sa_type=BigInteger, nullable=False)
    adj_close: Decimal | None = Field(default=None, sa_type=Price)
    data_source_id: uuid.UUID = Field(foreign_key="data_source.id", nullable=False)

    instrument: "Instrument" = Relationship(back_populates="bars")
    data_source: "DataSource" = Relationship(back_populates="bars")


# instrument_id and ts are indexed through these two (the unique key leads with instrument_id).
add_index(OhlcvBar, "ix_ohlcv_instrument_ts", "instrument_id", "ts DESC")
add_index(OhlcvBar, "ix_ohlcv_ts", "ts DESC")
