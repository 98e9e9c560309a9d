"""Upsert behaviour, the same cases on SQLite and PostgreSQL (both write paths on PostgreSQL)."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Engine, delete, select, text
from sqlalchemy.exc import IntegrityError

from market_pipeline.db.upsert import UpsertInputError, UpsertResult, natural_key, upsert
from market_pipeline.db.upsert import postgres as postgres_path
from market_pipeline.models import (
    ALL_TABLES,
    AnalystEstimate,
    CompanySnapshot,
    DataSource,
    EarningsEvent,
    FinancialStatement,
    Instrument,
    MacroSnapshot,
    OhlcvBar,
    SectorSnapshot,
)
from market_pipeline_tests.db.upsert_rows import bar, bars, seed_references

BAR_TABLE = OhlcvBar.__table__  # type: ignore[attr-defined]
ESTIMATE_TABLE = AnalystEstimate.__table__  # type: ignore[attr-defined]


@pytest.fixture(params=["values", "staged"])
def write_path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """On PostgreSQL, `staged` sends even the smallest input through COPY and a staging table."""
    if request.param == "staged":
        monkeypatch.setattr(postgres_path, "COPY_MIN_ROWS", 1)
    return str(request.param)


@pytest.fixture
def refs(engine: Engine) -> tuple[uuid.UUID, list[uuid.UUID]]:
    return seed_references(engine, instruments=3)


def bar_rows(engine: Engine) -> list[dict[str, Any]]:
    with engine.connect() as connection:
        return [dict(row._mapping) for row in connection.execute(select(BAR_TABLE))]


def by_key(rows: list[dict[str, Any]]) -> dict[tuple[Any, ...], dict[str, Any]]:
    return {(row["instrument_id"], row["ts"], row["data_source_id"]): row for row in rows}


def table_checksum(engine: Engine) -> str:
    """Return a digest of every bar row, ids and timestamps included."""
    rows = sorted(repr(sorted(row.items())) for row in bar_rows(engine))
    return hashlib.sha256("\n".join(rows).encode()).hexdigest()


def row_versions(engine: Engine) -> dict[uuid.UUID, str]:
    """Return each bar's `xmin`, which PostgreSQL changes on every write of the row."""
    with engine.connect() as connection:
        result = connection.execute(text("SELECT id, xmin::text FROM ohlcv_bar_pg"))
        return {row_id: version for row_id, version in result}


def estimate(instrument_id: uuid.UUID, source_id: uuid.UUID, document: Any) -> dict[str, Any]:
    return {
        "instrument_id": instrument_id,
        "as_of_date": date(2025, 3, 14),
        "target_period": "FY2025",
        "estimates": document,
        "data_source_id": source_id,
    }


def test_natural_key_every_table() -> None:
    expected = {
        DataSource: ("name",),
        Instrument: ("symbol",),
        OhlcvBar: ("instrument_id", "ts", "data_source_id"),
        FinancialStatement: ("instrument_id", "period_end", "period_type"),
        CompanySnapshot: ("instrument_id", "snapshot_date"),
        EarningsEvent: ("instrument_id", "fiscal_period"),
        AnalystEstimate: ("instrument_id", "as_of_date", "target_period"),
        SectorSnapshot: ("sector", "snapshot_date"),
        MacroSnapshot: ("region", "snapshot_date"),
    }
    assert set(expected) == set(ALL_TABLES)
    for model, key in expected.items():
        assert natural_key(model) == key, model.__name__


def test_result_total_and_metadata() -> None:
    result = UpsertResult(inserted=3, updated=2, unchanged=1)
    assert result.total == 6
    assert result.as_metadata() == {
        "rows_inserted": 3,
        "rows_updated": 2,
        "rows_unchanged": 1,
        "rows_total": 6,
    }


def test_upsert_inserts_new_rows(engine: Engine, refs: Any, write_path: str) -> None:
    source_id, instrument_ids = refs
    before = datetime.now(UTC).replace(microsecond=0)

    result = upsert(engine, OhlcvBar, bars(instrument_ids, source_id, days=4))

    assert result == UpsertResult(inserted=12, updated=0, unchanged=0)
    rows = bar_rows(engine)
    assert len(rows) == 12
    assert len({row["id"] for row in rows}) == 12
    assert all(row["id"].version == 4 for row in rows)
    assert all(row["updated_at"] is None for row in rows)
    assert all(row["created_at"] >= before.replace(second=0) for row in rows)
    assert all(row["created_at"].tzinfo is not None for row in rows)
    assert by_key(rows)[(instrument_ids[0], date(2024, 1, 2), source_id)]["close"] == Decimal(
        "10.5000"
    )


def test_upsert_unchanged_rows_untouched(engine: Engine, refs: Any, write_path: str) -> None:
    source_id, instrument_ids = refs
    upsert(engine, OhlcvBar, bars(instrument_ids, source_id, days=4))
    before = bar_rows(engine)
    versions = row_versions(engine) if engine.dialect.name == "postgresql" else None

    result = upsert(engine, OhlcvBar, bars(instrument_ids, source_id, days=4))

    assert result == UpsertResult(inserted=0, updated=0, unchanged=12)
    assert bar_rows(engine) == before
    if versions is not None:
        assert row_versions(engine) == versions


def test_upsert_updates_changed_rows(engine: Engine, refs: Any, write_path: str) -> None:
    source_id, instrument_ids = refs
    upsert(engine, OhlcvBar, bars(instrument_ids, source_id, days=3))
    before = by_key(bar_rows(engine))
    versions = row_versions(engine) if engine.dialect.name == "postgresql" else None
    changed_key = (instrument_ids[1], date(2024, 1, 3), source_id)
    rows = list(bars(instrument_ids, source_id, days=3))
    for row in rows:
        if (row["instrument_id"], row["ts"], row["data_source_id"]) == changed_key:
            row["close"] = Decimal("10.7500")
    rows.append(bar(instrument_ids[2], source_id, day=3))

    result = upsert(engine, OhlcvBar, rows)

    assert result == UpsertResult(inserted=1, updated=1, unchanged=8)
    after = by_key(bar_rows(engine))
    changed = after[changed_key]
    assert changed["close"] == Decimal("10.7500")
    assert changed["id"] == before[changed_key]["id"]
    assert changed["created_at"] == before[changed_key]["created_at"]
    assert changed["updated_at"] is not None
    assert changed["updated_at"].tzinfo is not None
    assert abs((datetime.now(UTC) - changed["updated_at"]).total_seconds()) < 300
    untouched = [key for key in before if key != changed_key]
    assert all(after[key] == before[key] for key in untouched)
    if versions is not None:
        new_versions = row_versions(engine)
        assert all(
            new_versions[before[key]["id"]] == versions[before[key]["id"]] for key in untouched
        )
        assert new_versions[changed["id"]] != versions[changed["id"]]


def test_upsert_prices_compared_at_four_places(engine: Engine, refs: Any, write_path: str) -> None:
    source_id, instrument_ids = refs
    upsert(engine, OhlcvBar, [bar(instrument_ids[0], source_id, day=0, close="10.5")])

    same = upsert(engine, OhlcvBar, [bar(instrument_ids[0], source_id, day=0, close="10.50001")])
    changed = upsert(engine, OhlcvBar, [bar(instrument_ids[0], source_id, day=0, close="10.5001")])

    assert same == UpsertResult(inserted=0, updated=0, unchanged=1)
    assert changed == UpsertResult(inserted=0, updated=1, unchanged=0)
    assert bar_rows(engine)[0]["close"] == Decimal("10.5001")


def test_upsert_json_compared_as_document(engine: Engine, refs: Any, write_path: str) -> None:
    source_id, instrument_ids = refs
    first = {"avg": 1.5, "low": 1, "analysts": {"count": 12, "up": 3}}
    reordered = {"analysts": {"up": 3, "count": 12}, "low": 1, "avg": 1.5}
    upsert(engine, AnalystEstimate, [estimate(instrument_ids[0], source_id, first)])

    same = upsert(engine, AnalystEstimate, [estimate(instrument_ids[0], source_id, reordered)])
    changed = upsert(
        engine, AnalystEstimate, [estimate(instrument_ids[0], source_id, {**first, "low": 2})]
    )

    assert same == UpsertResult(inserted=0, updated=0, unchanged=1)
    assert changed == UpsertResult(inserted=0, updated=1, unchanged=0)
    with engine.connect() as connection:
        stored = connection.execute(select(ESTIMATE_TABLE.c.estimates)).scalar_one()
    assert stored == {**first, "low": 2}


def test_upsert_duplicate_later_wins(engine: Engine, refs: Any, write_path: str) -> None:
    source_id, instrument_ids = refs
    rows = [
        bar(instrument_ids[0], source_id, day=0, close="10.1000"),
        bar(instrument_ids[1], source_id, day=0),
        bar(instrument_ids[0], source_id, day=0, close="10.2000"),
    ]

    result = upsert(engine, OhlcvBar, rows)

    assert result == UpsertResult(inserted=2, updated=0, unchanged=0)
    stored = by_key(bar_rows(engine))
    assert stored[(instrument_ids[0], date(2024, 1, 2), source_id)]["close"] == Decimal("10.2000")


def test_upsert_all_null_never_wins(engine: Engine, refs: Any, write_path: str) -> None:
    source_id, instrument_ids = refs
    document = {"avg": 2.5}
    rows = [
        estimate(instrument_ids[0], source_id, document),
        estimate(instrument_ids[0], source_id, {}),
        estimate(instrument_ids[1], source_id, {}),
    ]

    result = upsert(engine, AnalystEstimate, rows)
    again = upsert(engine, AnalystEstimate, [estimate(instrument_ids[0], source_id, {})])

    assert result == UpsertResult(inserted=2, updated=0, unchanged=0)
    assert again == UpsertResult(inserted=0, updated=0, unchanged=1)
    with engine.connect() as connection:
        stored = dict(
            connection.execute(
                select(ESTIMATE_TABLE.c.instrument_id, ESTIMATE_TABLE.c.estimates)
            ).all()
        )
    assert stored == {instrument_ids[0]: document, instrument_ids[1]: {}}


def test_upsert_later_batch_wins(engine: Engine, refs: Any, write_path: str) -> None:
    source_id, instrument_ids = refs

    def stream() -> Iterator[dict[str, Any]]:
        yield bar(instrument_ids[0], source_id, day=0, close="10.1000")
        yield from bars(instrument_ids[1:], source_id, days=3)
        yield bar(instrument_ids[0], source_id, day=0, close="10.3000")
        yield from bars(instrument_ids[:1], source_id, days=3)  # close 10.5000 again
        yield bar(instrument_ids[0], source_id, day=1, close="10.4000")

    result = upsert(engine, OhlcvBar, stream(), batch_size=2)

    assert result == UpsertResult(inserted=9, updated=0, unchanged=0)
    stored = by_key(bar_rows(engine))
    assert stored[(instrument_ids[0], date(2024, 1, 2), source_id)]["close"] == Decimal("10.5000")
    assert stored[(instrument_ids[0], date(2024, 1, 3), source_id)]["close"] == Decimal("10.4000")


def test_upsert_failure_rolls_back(engine: Engine, refs: Any, write_path: str) -> None:
    source_id, instrument_ids = refs
    upsert(engine, OhlcvBar, bars(instrument_ids, source_id, days=5))
    checksum = table_checksum(engine)
    rows = [
        bar(instrument_id, source_id, day) for instrument_id in instrument_ids for day in range(10)
    ]
    for row in rows:
        row["close"] = Decimal("10.2500")
    rows[25] = {**rows[25], "high": Decimal("9.0000"), "low": Decimal("10.0000")}

    with pytest.raises(IntegrityError, match="high"):
        upsert(engine, OhlcvBar, rows, batch_size=10)

    assert table_checksum(engine) == checksum


def test_upsert_accepts_connection(engine: Engine, refs: Any, write_path: str) -> None:
    source_id, instrument_ids = refs
    upsert(engine, OhlcvBar, bars(instrument_ids, source_id, days=2))

    with engine.begin() as connection:
        result = upsert(connection, OhlcvBar, bars(instrument_ids[:1], source_id, days=3))
        connection.execute(delete(BAR_TABLE).where(BAR_TABLE.c.instrument_id != instrument_ids[0]))

    assert result == UpsertResult(inserted=1, updated=0, unchanged=2)
    assert len(bar_rows(engine)) == 3


def test_upsert_connection_rollback(engine: Engine, refs: Any) -> None:
    source_id, instrument_ids = refs

    with pytest.raises(RuntimeError, match="abort"), engine.begin() as connection:
        upsert(connection, OhlcvBar, bars(instrument_ids, source_id, days=2))
        raise RuntimeError("abort after the upsert")

    assert bar_rows(engine) == []


def test_upsert_empty_input(engine: Engine) -> None:
    assert upsert(engine, OhlcvBar, []) == UpsertResult(inserted=0, updated=0, unchanged=0)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"closing": Decimal("1")}, "unknown column 'closing' for table ohlcv_bar_pg"),
        ({"id": uuid.uuid4()}, "column 'id' of table ohlcv_bar_pg is filled by the write path"),
        ({"updated_at": None}, "column 'updated_at' of table ohlcv_bar_pg is filled"),
        ({"ts": None}, "key column 'ts' of table ohlcv_bar_pg is missing"),
    ],
)
def test_upsert_rejects_bad_columns(
    engine: Engine, refs: Any, change: dict[str, Any], message: str
) -> None:
    source_id, instrument_ids = refs
    row = {**bar(instrument_ids[0], source_id, day=0), **change}
    if change == {"ts": None}:
        del row["ts"]

    with pytest.raises(UpsertInputError, match=message):
        upsert(engine, OhlcvBar, [row])

    assert bar_rows(engine) == []


def test_upsert_rejects_uneven_rows(engine: Engine, refs: Any, write_path: str) -> None:
    source_id, instrument_ids = refs
    rows = [bar(instrument_ids[0], source_id, day) for day in range(3)]
    rows[2]["typo"] = 1

    with pytest.raises(UpsertInputError, match="row 3 for table ohlcv_bar_pg has column 'typo'"):
        upsert(engine, OhlcvBar, rows)

    assert bar_rows(engine) == []


def test_upsert_rejects_null_key(engine: Engine, refs: Any) -> None:
    source_id, instrument_ids = refs
    row = {**bar(instrument_ids[0], source_id, day=0), "ts": None}

    with pytest.raises((UpsertInputError, IntegrityError), match="ts"):
        upsert(engine, OhlcvBar, [row])


def test_upsert_rejects_bad_batch_size(engine: Engine) -> None:
    with pytest.raises(UpsertInputError, match="batch_size must be at least 1, got 0"):
        upsert(engine, OhlcvBar, [], batch_size=0)
