"""A split reported after the first stored bar makes the asset re-fetch the stored window.

Uses the real AAPL chart of 2020-08-31..2020-11-06 with its 4:1 split on 2020-08-31, and
bars stored on the old share basis from the week before.
"""

from datetime import date
from decimal import Decimal

from sqlalchemy import Engine, select

from market_pipeline.assets.bar_rows import symbols_with_new_splits
from market_pipeline.assets.bars import first_stored_sessions, record_splits
from market_pipeline.db.lookup import active_instruments, source_id
from market_pipeline.db.upsert import upsert
from market_pipeline.models import DataSource, Instrument, OhlcvBar
from market_pipeline.providers.yahoo.parse_chart import parse_chart
from market_pipeline.replay.yahoo import load_recording

SPLIT_CHART = "yahoo_chart/node-yahoo-finance2/chart-AAPL-2020-08-31-to-2020-11-07.json"


def _seed_pre_split_bars(engine: Engine) -> None:
    upsert(engine, DataSource, [{"name": "yahoo", "type": "api"}])
    upsert(engine, Instrument, [{"symbol": "AAPL", "asset_class": "equity", "sector": "IT"}])
    yahoo = source_id(engine, "yahoo")
    with engine.connect() as connection:
        aapl = connection.execute(select(Instrument.id)).scalar_one()
    # AAPL closed near 500 before the 4:1 split; these rows are on that old basis.
    rows = [
        {
            "instrument_id": aapl,
            "ts": session,
            "open": Decimal("499"),
            "high": Decimal("505"),
            "low": Decimal("495"),
            "close": Decimal("500"),
            "volume": 40_000_000,
            "data_source_id": yahoo,
        }
        for session in (date(2020, 8, 25), date(2020, 8, 26), date(2020, 8, 27))
    ]
    upsert(engine, OhlcvBar, rows)


def test_new_split_refetches_from_first_stored(engine: Engine) -> None:
    _seed_pre_split_bars(engine)
    _status, payload = load_recording(SPLIT_CHART)
    series = {"AAPL": parse_chart(payload, "AAPL")}
    yahoo = source_id(engine, "yahoo")

    refetch = symbols_with_new_splits(series, first_stored_sessions(engine, yahoo), {})

    assert [split.session for split in series["AAPL"].splits] == [date(2020, 8, 31)]
    assert refetch == {"AAPL": date(2020, 8, 25)}


def test_recorded_split_refetched_once(engine: Engine) -> None:
    _seed_pre_split_bars(engine)
    _status, payload = load_recording(SPLIT_CHART)
    series = {"AAPL": parse_chart(payload, "AAPL")}
    instruments = active_instruments(engine)

    assert record_splits(engine, instruments, series) == 1
    assert record_splits(engine, active_instruments(engine), series) == 0

    stored = active_instruments(engine)[0].meta["splits"]
    assert stored == [{"session": "2020-08-31", "numerator": "4", "denominator": "1"}]
    recorded = {"AAPL": {split["session"] for split in stored}}
    first = first_stored_sessions(engine, source_id(engine, "yahoo"))
    assert symbols_with_new_splits(series, first, recorded) == {}
