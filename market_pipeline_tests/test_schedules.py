from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from dagster import RunRequest, SkipReason, build_schedule_context

from market_pipeline.schedules import daily_after_close, weekly_universe

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
