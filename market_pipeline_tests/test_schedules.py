from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from dagster import RunRequest, SkipReason, build_schedule_context
from sqlalchemy import select

from market_pipeline.db.resource import WarehouseResource
from market_pipeline.db.upsert import upsert
from market_pipeline.models import DataSource, EarningsEvent, Instrument
from market_pipeline.schedules import daily_after_close, earnings_season_daily, weekly_universe
from market_pipeline_tests.harness import engine_url

NEW_YORK = ZoneInfo("America/New_York")


@pytest.mark.parametrize(
    ("tick", "key"),
    [
        (datetime(2025, 3, 7, 16, 30, tzinfo=NEW_YORK), "2025-03-07"),
        (datetime(2025, 3, 10, 16, 30, tzinfo=NEW_YORK), "2025-03-10"),
        (datetime(2025, 11, 28, 16, 30, tzinfo=NEW_YORK), "2025-11-28"),
    ],
)
def test_daily_schedule_requests_session(tick: datetime, key: str) -> None:
    request = daily_after_close(build_schedule_context(scheduled_execution_time=tick))
    assert isinstance(request, RunRequest)
    assert request.partition_key == key
    assert request.run_key == key


@pytest.mark.parametrize("day", [4, 27])
def test_daily_schedule_skips_holidays(day: int) -> None:
    month = 7 if day == 4 else 11
    tick = datetime(2025, month, day, 16, 30, tzinfo=NEW_YORK)
    result = daily_after_close(build_schedule_context(scheduled_execution_time=tick))
    assert isinstance(result, SkipReason)
    assert "not an NYSE session" in str(result.skip_message)


def test_schedules_target_jobs() -> None:
    assert daily_after_close.job_name == "daily_market_data"
    assert daily_after_close.execution_timezone == "America/New_York"
    assert daily_after_close.cron_schedule == "30 16 * * 1-5"
    assert weekly_universe.job_name == "refresh_universe"


def _seed_earnings(engine, report_date) -> None:

    upsert(engine, DataSource, [{"name": "yahoo", "type": "api"}])
    upsert(engine, Instrument, [{"symbol": "AAPL", "asset_class": "equity", "sector": "IT"}])
    with engine.connect() as connection:
        instrument_id = connection.execute(select(Instrument.id)).scalar_one()
        source_id = connection.execute(select(DataSource.id)).scalar_one()
    upsert(
        engine,
        EarningsEvent,
        [
            {
                "instrument_id": instrument_id,
                "fiscal_period": "Q4 2025",
                "report_date": report_date,
                "data_source_id": source_id,
            }
        ],
    )


def _evaluate_earnings_schedule(engine, tick: datetime):
    context = build_schedule_context(
        scheduled_execution_time=tick,
        resources={"warehouse": WarehouseResource(database_url=engine_url(engine))},
    )
    return earnings_season_daily(context)


def test_earnings_schedule_runs_near_report(engine) -> None:
    _seed_earnings(engine, date(2025, 10, 30))

    # Two sessions before, the report day and two sessions after (Monday 2025-11-03).
    for day in (28, 30):
        tick = datetime(2025, 10, day, 17, 0, tzinfo=NEW_YORK)
        request = _evaluate_earnings_schedule(engine, tick)
        assert isinstance(request, RunRequest), day
        assert request.tags["market_pipeline/reporting"] == "AAPL"
    after = _evaluate_earnings_schedule(engine, datetime(2025, 11, 3, 17, 0, tzinfo=NEW_YORK))
    assert isinstance(after, RunRequest)


def test_earnings_schedule_skips_quiet_days(engine) -> None:
    _seed_earnings(engine, date(2025, 10, 30))

    quiet = _evaluate_earnings_schedule(engine, datetime(2025, 11, 4, 17, 0, tzinfo=NEW_YORK))
    assert isinstance(quiet, SkipReason)
    assert "no stored earnings report" in str(quiet.skip_message)
