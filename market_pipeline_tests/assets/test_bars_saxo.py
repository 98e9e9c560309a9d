"""With a Saxo token configured, bars come from Saxo and the Uic is cached in `meta`."""

from dagster import materialize
from sqlalchemy import Engine, func, select

from market_pipeline.assets.bars import ohlcv_bar_pg
from market_pipeline.assets.catalog import data_source_asset, instrument_asset
from market_pipeline.checks.bars import BAR_CHECKS
from market_pipeline.models import DataSource, Instrument, OhlcvBar
from market_pipeline.replay.saxo import SaxoReplayServer
from market_pipeline_tests.harness import test_resources

TOKEN = "replay-token-123"


def test_saxo_source_when_token_set(engine: Engine, yahoo_replay) -> None:
    with SaxoReplayServer(token=TOKEN) as saxo:
        resources = test_resources(
            engine,
            yahoo_replay.base_url,
            saxo_url=saxo.base_url,
            saxo_token=TOKEN,
            symbols=["AAPL"],
            macro_series={},
        )
        result = materialize(
            [data_source_asset, instrument_asset, ohlcv_bar_pg, *BAR_CHECKS],
            resources=resources,
            partition_key="2025-08-15",
            raise_on_error=False,
        )
        lookups = saxo.count("/ref/v1/instruments")
        charts = saxo.count("/chart/v3/charts")

    assert result.success
    assert lookups == 1
    assert charts >= 1
    assert yahoo_replay.count("/v8/finance/chart/") == 0
    with engine.connect() as connection:
        source = (
            connection.execute(
                select(DataSource.name)
                .join(OhlcvBar, OhlcvBar.data_source_id == DataSource.id)
                .distinct()
            )
            .scalars()
            .all()
        )
        meta = connection.execute(
            select(Instrument.meta).where(Instrument.symbol == "AAPL")
        ).scalar_one()
        bars = connection.execute(select(func.count()).select_from(OhlcvBar)).scalar_one()
    assert source == ["saxo"]
    assert meta["saxo"]["uic"] == 211
    assert bars == 6
