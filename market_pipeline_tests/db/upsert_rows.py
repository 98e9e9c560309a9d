"""Reference rows for the upsert tests and the benchmark test: sources, instruments and bars."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, insert

from market_pipeline.models import DataSource, Instrument

FIRST_SESSION = date(2024, 1, 2)


def seed_references(engine: Engine, instruments: int = 3) -> tuple[uuid.UUID, list[uuid.UUID]]:
    """Insert one data source and `instruments` instruments; return their ids."""
    source_id = uuid.uuid4()
    instrument_ids = [uuid.uuid4() for _ in range(instruments)]
    with engine.begin() as connection:
        connection.execute(
            insert(DataSource.__table__),  # type: ignore[arg-type]
            [{"id": source_id, "name": "yahoo", "type": "api"}],
        )
        connection.execute(
            insert(Instrument.__table__),  # type: ignore[arg-type]
            [
                {"id": instrument_id, "symbol": f"SYM{number}", "asset_class": "equity"}
                for number, instrument_id in enumerate(instrument_ids)
            ],
        )
    return source_id, instrument_ids


def bar(
    instrument_id: uuid.UUID, source_id: uuid.UUID, day: int, close: str = "10.5000"
) -> dict[str, Any]:
    """Return one valid daily bar `day` sessions after FIRST_SESSION."""
    return {
        "instrument_id": instrument_id,
        "ts": FIRST_SESSION + timedelta(days=day),
        "open": Decimal("10.0000"),
        "high": Decimal("11.0000"),
        "low": Decimal("9.0000"),
        "close": Decimal(close),
        "volume": 1_000 + day,
        "adj_close": None,
        "data_source_id": source_id,
    }


def bars(
    instrument_ids: list[uuid.UUID], source_id: uuid.UUID, days: int
) -> Iterator[dict[str, Any]]:
    """Yield `days` bars for every instrument, instrument by instrument."""
    for instrument_id in instrument_ids:
        for day in range(days):
            yield bar(instrument_id, source_id, day)
