"""Synthetic daily bars for the benchmark: deterministic, valid OHLC, one row per key."""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

FIRST_SESSION = date(2023, 1, 2)
CENT = Decimal("0.01")


def generate_bars(
    instrument_ids: list[uuid.UUID], source_id: uuid.UUID, sessions: int, seed: int = 7
) -> list[dict[str, Any]]:
    """Return `sessions` bars per instrument as upsert rows, ordered by instrument then date."""
    rng = random.Random(seed)
    days = [FIRST_SESSION + timedelta(days=offset) for offset in range(sessions)]
    rows: list[dict[str, Any]] = []
    for instrument_id in instrument_ids:
        price = rng.uniform(20, 400)
        for day in days:
            price = max(1.0, price * (1 + rng.gauss(0, 0.02)))
            open_, close = _cents(price * (1 + rng.gauss(0, 0.005))), _cents(price)
            high = max(open_, close) + _cents(rng.uniform(0, 0.01) * price)
            low = min(open_, close) - _cents(rng.uniform(0, 0.01) * price)
            rows.append(
                {
                    "instrument_id": instrument_id,
                    "ts": day,
                    "open": open_,
                    "high": high,
                    "low": low,
                    "close": close,
                    "volume": rng.randrange(100_000, 50_000_000),
                    "adj_close": close,
                    "data_source_id": source_id,
                }
            )
    return rows


def with_changed_close(rows: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Yield copies of `rows` with every close moved to the bar's midpoint (or its low)."""
    for row in rows:
        midpoint = ((row["high"] + row["low"]) / 2).quantize(CENT)
        close = midpoint if midpoint != row["close"] else row["low"]
        yield {**row, "close": close}


def _cents(value: float) -> Decimal:
    return Decimal(f"{value:.2f}")
