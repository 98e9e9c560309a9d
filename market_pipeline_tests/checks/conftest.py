"""Seeded catalogue rows for the check tests: data sources and two equities."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import pytest
from sqlalchemy import Engine, select

from market_pipeline.db.resource import WarehouseResource
from market_pipeline.db.upsert import upsert
from market_pipeline.models import DataSource, Instrument


@dataclass(frozen=True)
class Seeded:
    """Ids of the seeded rows and a warehouse resource on the same database."""

    warehouse: WarehouseResource
    yahoo: uuid.UUID
    writer: uuid.UUID
    aapl: uuid.UUID
    msft: uuid.UUID


def seed_catalogue(engine: Engine) -> Seeded:
    upsert(
        engine,
        DataSource,
        [
            {"name": "yahoo", "type": "api", "status": "active", "meta": {}},
            {"name": "offline-writer", "type": "manual", "status": "active", "meta": {}},
        ],
    )
    upsert(
        engine,
        Instrument,
        [
            {
                "symbol": symbol,
                "name": name,
                "asset_class": "equity",
                "sector": "Information Technology",
                "active": True,
                "meta": {"role": "universe"},
            }
            for symbol, name in (("AAPL", "Apple Inc."), ("MSFT", "Microsoft"))
        ],
    )
    with engine.connect() as connection:
        sources = {
            name: id_ for name, id_ in connection.execute(select(DataSource.name, DataSource.id))
        }
        instruments = {
            symbol: id_
            for symbol, id_ in connection.execute(select(Instrument.symbol, Instrument.id))
        }
    url = engine.url.render_as_string(hide_password=False)
    return Seeded(
        warehouse=WarehouseResource(database_url=url),
        yahoo=sources["yahoo"],
        writer=sources["offline-writer"],
        aapl=instruments["AAPL"],
        msft=instruments["MSFT"],
    )


@pytest.fixture
def seeded(engine: Engine) -> Seeded:
    return seed_catalogue(engine)
