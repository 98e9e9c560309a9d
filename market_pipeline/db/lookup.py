"""Small reads the assets share: source ids and the active instruments."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, select
from sqlmodel import col

from market_pipeline.models import DataSource, Instrument


class MissingUpstreamError(RuntimeError):
    """A row the asset needs (a data source, the universe) has not been materialised yet."""


@dataclass(frozen=True)
class InstrumentRef:
    """The fields of an instrument that fetching and writing need."""

    id: uuid.UUID
    symbol: str
    asset_class: str
    mic: str | None
    sector: str | None
    meta: dict[str, Any] = field(default_factory=dict)


def source_id(engine: Engine, name: str) -> uuid.UUID:
    """Return the id of data source `name`, or raise `MissingUpstreamError`."""
    with engine.connect() as connection:
        found = connection.execute(
            select(col(DataSource.id)).where(col(DataSource.name) == name)
        ).scalar()
    if found is None:
        raise MissingUpstreamError(
            f"data source {name!r} not found: materialise the `data_source` asset first."
        )
    return found


def active_instruments(
    engine: Engine, asset_classes: tuple[str, ...] | None = None
) -> list[InstrumentRef]:
    """Return the active instruments, optionally of some asset classes, ordered by symbol."""
    query = select(
        col(Instrument.id),
        col(Instrument.symbol),
        col(Instrument.asset_class),
        col(Instrument.mic),
        col(Instrument.sector),
        col(Instrument.meta),
    ).where(col(Instrument.active).is_(True))
    if asset_classes:
        query = query.where(col(Instrument.asset_class).in_(asset_classes))
    with engine.connect() as connection:
        rows = connection.execute(query.order_by(col(Instrument.symbol))).all()
    if not rows:
        raise MissingUpstreamError(
            "no active instruments found: materialise the `instrument` asset first."
        )
    return [InstrumentRef(*row) for row in rows]
