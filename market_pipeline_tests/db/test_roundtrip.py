"""Every table stores and returns its values unchanged on both databases."""

import uuid
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlmodel import Session

from market_pipeline.models import (
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

DIGITS_AND_E = uuid.UUID("12345678-1234-1e34-8e12-123456789e12")
NESTED = {"a": {"b": [1, 2.5, {"c": None}], "d": "text"}, "e": []}
AWARE = datetime(2025, 8, 15, 20, 30, 5, 123456, tzinfo=timezone(timedelta(hours=-4)))


def _reload(engine, model, row_id):
    with Session(engine) as session:
        return session.scalars(select(model).where(model.id == row_id)).one()


def _catalog(engine) -> tuple[uuid.UUID, uuid.UUID]:
    with Session(engine, expire_on_commit=False) as session:
        instrument = Instrument(id=DIGITS_AND_E, symbol="BRK.B", asset_class="equity", meta=NESTED)
        source = DataSource(name="yahoo", type="api", meta={"timeout_seconds": 10})
        session.add_all([instrument, source])
        session.commit()
        return instrument.id, source.id


def test_instrument_uuid_and_json(engine) -> None:
    _catalog(engine)
    loaded = _reload(engine, Instrument, DIGITS_AND_E)
    assert isinstance(loaded.id, uuid.UUID)
    assert loaded.id == DIGITS_AND_E
    assert loaded.meta == NESTED
    assert loaded.currency == "USD"
    assert loaded.active is True


def test_created_at_is_aware_utc(engine) -> None:
    _catalog(engine)
    loaded = _reload(engine, Instrument, DIGITS_AND_E)
    assert loaded.created_at.tzinfo is not None
    assert loaded.created_at.utcoffset() == timedelta(0)
    assert loaded.updated_at is None


def test_bar_decimal_and_bigint(engine) -> None:
    instrument_id, source_id = _catalog(engine)
    bar = OhlcvBar(
        instrument_id=instrument_id,
        data_source_id=source_id,
        ts=date(2025, 8, 15),
        open=Decimal("186.9"),
        high=Decimal("190.1234"),
        low=Decimal("185.0001"),
        close=Decimal("186.9000"),
        volume=3_000_000_000,
        adj_close=Decimal("0.1"),
    )
    with Session(engine) as session:
        session.add(bar)
        session.commit()
        bar_id = bar.id
    loaded = _reload(engine, OhlcvBar, bar_id)
    assert str(loaded.close) == "186.9000"
    assert loaded.close == Decimal("186.9000")
    assert str(loaded.open) == "186.9000"
    assert loaded.high == Decimal("190.1234")
    assert str(loaded.adj_close) == "0.1000"
    assert loaded.volume == 3_000_000_000
    assert loaded.ts == date(2025, 8, 15)


def test_earnings_aware_timestamp(engine) -> None:
    instrument_id, source_id = _catalog(engine)
    event = EarningsEvent(
        instrument_id=instrument_id,
        data_source_id=source_id,
        fiscal_period="Q3 2025",
        scheduled_for=AWARE,
        report_date=date(2025, 8, 15),
        results=NESTED,
    )
    with Session(engine) as session:
        session.add(event)
        session.commit()
        event_id = event.id
    loaded = _reload(engine, EarningsEvent, event_id)
    assert loaded.scheduled_for == AWARE
    assert loaded.scheduled_for.tzinfo is not None
    assert loaded.results == NESTED


def test_naive_timestamp_rejected(engine) -> None:
    instrument_id, source_id = _catalog(engine)
    event = EarningsEvent(
        instrument_id=instrument_id,
        data_source_id=source_id,
        fiscal_period="Q3 2025",
        scheduled_for=datetime(2025, 8, 15, 20, 30),
    )
    with Session(engine) as session:
        session.add(event)
        with pytest.raises(Exception, match="naive datetime"):
            session.commit()


@pytest.mark.parametrize(
    ("model", "fields"),
    [
        (
            FinancialStatement,
            {
                "period_end": date(2025, 9, 27),
                "period_type": "FY",
                "fiscal_year": 2025,
                "income_statement": NESTED,
                "balance_sheet": {"total_assets": 3.5e11},
                "cash_flow": {},
            },
        ),
        (
            CompanySnapshot,
            {
                "snapshot_date": date(2025, 8, 15),
                "summary": "Close 186.90.",
                "ownership": NESTED,
                "risks_catalysts": {"next_earnings": "2025-10-30"},
            },
        ),
        (
            AnalystEstimate,
            {"as_of_date": date(2025, 8, 15), "target_period": "FY2025", "estimates": NESTED},
        ),
    ],
)
def test_instrument_tables_round_trip(engine, model, fields) -> None:
    instrument_id, source_id = _catalog(engine)
    row = model(instrument_id=instrument_id, data_source_id=source_id, **fields)
    with Session(engine) as session:
        session.add(row)
        session.commit()
        row_id = row.id
    loaded = _reload(engine, model, row_id)
    for name, value in fields.items():
        assert getattr(loaded, name) == value, name


@pytest.mark.parametrize(
    ("model", "key"),
    [(SectorSnapshot, {"sector": "Information Technology"}), (MacroSnapshot, {"region": "US"})],
)
def test_snapshot_tables_round_trip(engine, model, key) -> None:
    _, source_id = _catalog(engine)
    row = model(
        data_source_id=source_id,
        snapshot_date=date(2025, 8, 15),
        summary="Breadth 61.5%.",
        metrics=NESTED,
        **key,
    )
    with Session(engine) as session:
        session.add(row)
        session.commit()
        row_id = row.id
    loaded = _reload(engine, model, row_id)
    assert loaded.metrics == NESTED
    assert loaded.snapshot_date == date(2025, 8, 15)
    assert loaded.created_at <= datetime.now(UTC)


def test_relationships_back_populate(engine) -> None:
    instrument_id, source_id = _catalog(engine)
    with Session(engine) as session:
        instrument = session.get(Instrument, instrument_id)
        estimate = AnalystEstimate(
            instrument=instrument,
            data_source_id=source_id,
            as_of_date=date(2025, 8, 15),
            target_period="Q3 2025",
        )
        session.add(estimate)
        session.commit()
        assert instrument.estimates == [estimate]
        assert estimate.data_source.name == "yahoo"
