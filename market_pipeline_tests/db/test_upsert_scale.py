"""Upsert of long streams (bounded memory) and of concurrent writers on PostgreSQL."""

from __future__ import annotations

import multiprocessing
import tracemalloc
import uuid
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from market_pipeline.db.engine import make_engine
from market_pipeline.db.upsert import UpsertResult, upsert
from market_pipeline.models import OhlcvBar
from market_pipeline_tests.db.upsert_rows import bar, bars, seed_references

BAR_TABLE = OhlcvBar.__table__  # type: ignore[attr-defined]
STREAM_ROWS = 20_000
BATCH_ROWS = 1_000
# The 20,000 rows as dicts take about 25 MB; a path that buffered the input would exceed this.
PEAK_BOUND_BYTES = 4 * 1024 * 1024


def test_upsert_stream_memory_bounded(engine: Engine) -> None:
    source_id, instrument_ids = seed_references(engine, instruments=20)
    stream = bars(instrument_ids, source_id, days=STREAM_ROWS // 20)

    tracemalloc.start()
    try:
        result = upsert(engine, OhlcvBar, stream, batch_size=BATCH_ROWS)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert result == UpsertResult(inserted=STREAM_ROWS, updated=0, unchanged=0)
    assert peak < PEAK_BOUND_BYTES, f"tracemalloc peak {peak} bytes"


def write_overlapping(url: str, rows: list[dict[str, Any]], barrier: Any, rounds: int) -> None:
    """Child process: upsert `rows` `rounds` times on its own engine, starting with the other."""
    engine = make_engine(url, echo=False)
    try:
        barrier.wait(timeout=30)
        for _ in range(rounds):
            upsert(engine, OhlcvBar, rows)
    finally:
        engine.dispose()


@pytest.mark.parametrize("rows_per_writer", [600, 1_500])
def test_upsert_concurrent_writers(engine: Engine, rows_per_writer: int) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL; SQLite serialises writes")
    source_id, instrument_ids = seed_references(engine, instruments=3)
    days = rows_per_writer // 3
    first = list(bars(instrument_ids, source_id, days=days))
    # The second writer overlaps half of the keys, in reverse order and with other closes.
    second = [
        bar(instrument_id, source_id, day, close="10.2500")
        for instrument_id in reversed(instrument_ids)
        for day in reversed(range(days // 2, days + days // 2))
    ]
    url = engine.url.render_as_string(hide_password=False)
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(2)
    writers = [
        context.Process(target=write_overlapping, args=(url, rows, barrier, 3))
        for rows in (first, second)
    ]

    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(timeout=120)

    assert [writer.exitcode for writer in writers] == [0, 0]
    expected_keys = {(row["instrument_id"], row["ts"]) for row in first + second}
    with engine.connect() as connection:
        count = connection.execute(select(func.count()).select_from(BAR_TABLE)).scalar_one()
        keys = connection.execute(select(BAR_TABLE.c.instrument_id, BAR_TABLE.c.ts)).all()
    assert count == len(expected_keys)
    assert {(instrument_id, ts) for instrument_id, ts in keys} == expected_keys


def test_upsert_ids_are_uuid4(engine: Engine) -> None:
    source_id, instrument_ids = seed_references(engine, instruments=2)
    upsert(engine, OhlcvBar, bars(instrument_ids, source_id, days=600))

    with engine.connect() as connection:
        ids = connection.execute(select(BAR_TABLE.c.id)).scalars().all()
    assert len(ids) == 1_200
    assert all(isinstance(row_id, uuid.UUID) and row_id.version == 4 for row_id in ids)
