"""Migrations create, remove and re-create the schema; models and migrations never drift."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from market_pipeline.db.migrations import downgrade, render_item, upgrade
from market_pipeline.models import DataSource, Instrument, OhlcvBar, metadata
from market_pipeline_tests.databases import WAREHOUSE_TABLES, engine_for, fresh_database


def _tables(engine) -> set[str]:
    return set(inspect(engine).get_table_names()) - {"alembic_version"}


def test_upgrade_downgrade_upgrade(backend: str, tmp_path: Path) -> None:
    with fresh_database(backend, tmp_path) as url:
        engine = engine_for(url)
        upgrade(engine)
        assert _tables(engine) == WAREHOUSE_TABLES
        downgrade(engine)
        assert _tables(engine) == set()
        upgrade(engine)
        assert _tables(engine) == WAREHOUSE_TABLES
        engine.dispose()


def test_models_match_migrations(migrated_engine) -> None:
    with migrated_engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "render_item": render_item}
        )
        assert compare_metadata(context, metadata) == []


def test_desc_indexes_exist(migrated_engine) -> None:
    indexes = {
        index["name"]: index for index in inspect(migrated_engine).get_indexes("ohlcv_bar_pg")
    }
    assert "ix_ohlcv_instrument_ts" in indexes
    assert "ix_ohlcv_ts" in indexes
    sorting = indexes["ix_ohlcv_ts"].get("column_sorting", {})
    if migrated_engine.dialect.name == "postgresql":
        assert sorting == {"ts": ("desc",)}


def _catalog(session: Session) -> tuple[Instrument, DataSource]:
    instrument = Instrument(symbol="AAPL", asset_class="equity")
    source = DataSource(name="yahoo", type="api")
    session.add_all([instrument, source])
    session.commit()
    return instrument, source


def _bar(instrument: Instrument, source: DataSource, high: str, low: str) -> OhlcvBar:
    return OhlcvBar(
        instrument_id=instrument.id,
        data_source_id=source.id,
        ts=date(2025, 3, 7),
        open=Decimal(low),
        high=Decimal(high),
        low=Decimal(low),
        close=Decimal(low),
        volume=100,
    )


def test_check_rejects_high_below_low(engine) -> None:
    with Session(engine) as session:
        instrument, source = _catalog(session)
        session.add(_bar(instrument, source, high="9", low="10"))
        with pytest.raises(IntegrityError, match=r"(?i)check"):
            session.commit()


def test_unique_rejects_second_bar(engine) -> None:
    with Session(engine) as session:
        instrument, source = _catalog(session)
        session.add(_bar(instrument, source, high="11", low="10"))
        session.commit()
        session.add(_bar(instrument, source, high="12", low="10"))
        with pytest.raises(IntegrityError, match=r"(?i)unique"):
            session.commit()


def test_foreign_key_enforced(engine) -> None:
    with Session(engine) as session:
        instrument, source = _catalog(session)
        bar = _bar(instrument, source, high="11", low="10")
        bar.instrument_id = source.id  # not an instrument
        session.add(bar)
        with pytest.raises(IntegrityError, match=r"(?i)foreign key"):
            session.commit()
