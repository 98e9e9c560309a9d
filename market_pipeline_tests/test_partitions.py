"""Tests for the per-session partitions, checked against the exchange calendar at fixed times."""

import warnings
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from dagster import (
    AssetExecutionContext,
    Definitions,
    PartitionKeyRange,
    RunRequest,
    ScheduleDefinition,
    TimeWindowPartitionMapping,
    asset,
    build_schedule_context,
    build_schedule_from_partitioned_job,
    define_asset_job,
)
from dagster._core.definitions.partitions.snap import PartitionsSnap
from dagster._serdes import deserialize_value, serialize_value

from market_pipeline.calendar import SESSION_CLOSE_MARGIN, is_session, sessions_in_range
from market_pipeline.partitions import (
    DEFAULT_PARTITION_START,
    SESSION_CLOSE_CRON,
    TIMEZONE,
    build_trading_day_partitions,
    partition_keys_between,
    session_of_partition_key,
    should_run_on,
    trading_day_partitions,
)

NEW_YORK = ZoneInfo("America/New_York")
CLOSE_TICK = time(16, 30)


def _new_york(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=NEW_YORK)


def _latest_key(now: datetime) -> str:
    return trading_day_partitions.get_partition_keys(current_time=now)[-1]


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (_new_york(2025, 3, 7, 17, 0), "2025-03-07"),
        (_new_york(2025, 3, 7, 16, 29), "2025-03-06"),
        (_new_york(2025, 3, 7, 16, 30), "2025-03-07"),
        (_new_york(2025, 3, 8, 12, 0), "2025-03-07"),
        (_new_york(2025, 3, 9, 23, 59), "2025-03-07"),
        (_new_york(2025, 3, 10, 9, 0), "2025-03-07"),
        (_new_york(2025, 3, 10, 17, 0), "2025-03-10"),
        (_new_york(2025, 11, 1, 12, 0), "2025-10-31"),
        (_new_york(2025, 11, 2, 12, 0), "2025-10-31"),
        (_new_york(2025, 11, 3, 9, 0), "2025-10-31"),
        (_new_york(2025, 11, 3, 17, 0), "2025-11-03"),
        (_new_york(2025, 7, 4, 20, 0), "2025-07-03"),
        (_new_york(2025, 11, 27, 20, 0), "2025-11-26"),
        (_new_york(2025, 11, 28, 16, 30), "2025-11-28"),
        (_new_york(2025, 12, 25, 20, 0), "2025-12-24"),
    ],
)
def test_latest_key_frozen_clock(now: datetime, expected: str) -> None:
    assert _latest_key(now) == expected


def test_latest_key_utc_clock() -> None:
    # 21:30 UTC is 16:30 in New York in winter and 17:30 in summer.
    assert _latest_key(datetime(2025, 3, 7, 21, 29, tzinfo=ZoneInfo("UTC"))) == "2025-03-06"
    assert _latest_key(datetime(2025, 3, 7, 21, 30, tzinfo=ZoneInfo("UTC"))) == "2025-03-07"
    assert _latest_key(datetime(2025, 3, 10, 20, 29, tzinfo=ZoneInfo("UTC"))) == "2025-03-07"
    assert _latest_key(datetime(2025, 3, 10, 20, 30, tzinfo=ZoneInfo("UTC"))) == "2025-03-10"


def _expected_latest(now: datetime, sessions: list[date]) -> str:
    closed = [s for s in sessions if datetime.combine(s, CLOSE_TICK, NEW_YORK) <= now]
    return closed[-1].isoformat()


@pytest.mark.parametrize(
    "week_start",
    [
        date(2025, 3, 3),  # clocks go forward on Sunday 9 March
        date(2025, 10, 27),  # clocks go back on Sunday 2 November
        date(2025, 11, 24),  # Thanksgiving and the early close after it
        date(2025, 12, 22),  # Christmas and New Year
        date(2025, 6, 30),  # Independence Day
    ],
)
def test_latest_key_every_hour(week_start: date) -> None:
    partitions = build_trading_day_partitions(week_start - timedelta(days=7))
    sessions = sessions_in_range(week_start - timedelta(days=7), week_start + timedelta(days=14))
    start = datetime.combine(week_start, time(0, 30), NEW_YORK)

    for hour in range(0, 14 * 24, 2):
        now = start + timedelta(hours=hour)
        keys = partitions.get_partition_keys(current_time=now)
        assert keys[-1] == _expected_latest(now, sessions), now


def test_early_close_appears_at_regular_tick() -> None:
    # The 13:00 close of 2025-11-28 has passed at 14:00, but the partition waits for 16:30.
    assert _latest_key(_new_york(2025, 11, 28, 14, 0)) == "2025-11-26"
    assert _latest_key(_new_york(2025, 11, 28, 16, 29)) == "2025-11-26"


def test_keys_match_calendar_sessions() -> None:
    keys = trading_day_partitions.get_partition_keys(current_time=_new_york(2026, 1, 1))
    expected = [
        s.isoformat() for s in sessions_in_range(DEFAULT_PARTITION_START, date(2025, 12, 31))
    ]

    assert keys == expected
    assert keys[0] == "2023-01-03"


@pytest.mark.parametrize("holiday", ["2025-07-04", "2025-11-27", "2025-12-25", "2025-01-09"])
def test_holiday_has_no_partition(holiday: str) -> None:
    keys = trading_day_partitions.get_partition_keys(current_time=_new_york(2026, 1, 1))

    assert holiday not in keys
    assert not trading_day_partitions.has_partition_key(holiday)


def test_weekend_has_no_partition() -> None:
    keys = set(trading_day_partitions.get_partition_keys(current_time=_new_york(2026, 1, 1)))

    assert "2025-03-08" not in keys
    assert "2025-03-09" not in keys
    assert not trading_day_partitions.has_partition_key("2025-03-08")


def test_early_close_has_partition() -> None:
    assert trading_day_partitions.has_partition_key("2025-11-28")
    assert trading_day_partitions.has_partition_key("2024-07-03")


def test_time_window_session_hours() -> None:
    window = trading_day_partitions.time_window_for_partition_key("2025-03-10")

    assert window.start == _new_york(2025, 3, 10, 9, 30)
    assert window.end == _new_york(2025, 3, 10, 16, 30)


def test_key_range_skips_holiday() -> None:
    key_range = PartitionKeyRange("2025-07-02", "2025-07-08")

    assert trading_day_partitions.get_partition_keys_in_range(key_range) == [
        "2025-07-02",
        "2025-07-03",
        "2025-07-07",
        "2025-07-08",
    ]


def test_previous_session_mapping() -> None:
    mapping = TimeWindowPartitionMapping(start_offset=-1, end_offset=-1)
    subset = trading_day_partitions.empty_subset().with_partition_keys(["2025-07-07"])

    result = mapping.get_upstream_mapped_partitions_result_for_partitions(
        subset,
        trading_day_partitions,
        trading_day_partitions,
        current_time=_new_york(2025, 8, 1),
    )

    assert list(result.partitions_subset.get_partition_keys()) == ["2025-07-03"]


def test_build_start_on_holiday() -> None:
    partitions = build_trading_day_partitions(date(2025, 1, 1))

    assert partitions.get_first_partition_key() == "2025-01-02"


def test_build_start_before_calendar() -> None:
    with pytest.raises(ValueError, match="invalid partition start 2014-06-02"):
        build_trading_day_partitions(date(2014, 6, 2))


def test_session_of_key_valid() -> None:
    assert session_of_partition_key("2025-11-28") == date(2025, 11, 28)


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("2025-07-04", "2025-07-04 is not an NYSE session"),
        ("2025-03-08", "2025-03-08 is not an NYSE session"),
        ("2025-3-7", "write it as 2025-03-07"),
        ("20250307", "expected a session date such as '2025-03-07'"),
        ("", "expected a session date"),
    ],
)
def test_session_of_key_invalid(key: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        session_of_partition_key(key)


def test_partition_keys_between_cases() -> None:
    assert partition_keys_between(date(2025, 12, 24), date(2025, 12, 29)) == [
        "2025-12-24",
        "2025-12-26",
        "2025-12-29",
    ]
    assert partition_keys_between(date(2025, 7, 4), date(2025, 7, 6)) == []


def test_should_run_on_cases() -> None:
    assert should_run_on(date(2025, 11, 28))
    assert not should_run_on(date(2025, 11, 27))
    assert not should_run_on(date(2025, 3, 8))


def test_schedule_constants() -> None:
    assert SESSION_CLOSE_CRON == "30 16 * * 1-5"
    assert TIMEZONE == "America/New_York"
    assert timedelta(minutes=30) == SESSION_CLOSE_MARGIN
    assert is_session(DEFAULT_PARTITION_START)


@asset(partitions_def=trading_day_partitions)
def session_marker(context: AssetExecutionContext) -> str:
    return context.partition_key


@pytest.fixture(scope="module")
def partitioned_schedule() -> ScheduleDefinition:
    # Dagster 1.13 deprecates `partitions_def` here, but only a job that carries it gets a
    # schedule that checks the exclusions (see the unresolved-job test below).
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        job = define_asset_job(
            "session_marker_job", selection=[session_marker], partitions_def=trading_day_partitions
        )
    schedule = build_schedule_from_partitioned_job(job)
    assert isinstance(schedule, ScheduleDefinition)
    Definitions(assets=[session_marker], jobs=[job], schedules=[schedule])
    return schedule


@pytest.mark.parametrize(
    ("tick", "expected_key"),
    [
        (_new_york(2025, 3, 7, 16, 30), "2025-03-07"),
        (_new_york(2025, 3, 10, 16, 30), "2025-03-10"),
        (_new_york(2025, 11, 3, 16, 30), "2025-11-03"),
        (_new_york(2025, 11, 28, 16, 30), "2025-11-28"),
        (_new_york(2025, 3, 10, 9, 30), None),
        (_new_york(2025, 11, 27, 16, 30), None),
        (_new_york(2025, 7, 4, 16, 30), None),
    ],
)
def test_schedule_run_request(
    partitioned_schedule: ScheduleDefinition, tick: datetime, expected_key: str | None
) -> None:
    context = build_schedule_context(scheduled_execution_time=tick)

    data = partitioned_schedule.evaluate_tick(context)

    if expected_key is None:
        assert data.run_requests == []
        assert data.skip_message is not None
    else:
        assert len(data.run_requests) == 1
        request: RunRequest = data.run_requests[0]
        assert request.partition_key == expected_key
        assert request.run_key == expected_key


def test_schedule_cron_and_timezone(partitioned_schedule: ScheduleDefinition) -> None:
    assert partitioned_schedule.cron_schedule == "30 9,16 * * 1-5"
    assert partitioned_schedule.execution_timezone == TIMEZONE


def test_schedule_unresolved_job_ignores_exclusions() -> None:
    # Without `partitions_def` on the job, Dagster 1.13.27 resolves the schedule without the
    # exclusion check: off-session ticks request the latest session again under the same run
    # key, which the scheduler daemon skips as a duplicate.
    job = define_asset_job("session_marker_unresolved_job", selection=[session_marker])
    schedule = build_schedule_from_partitioned_job(job)
    definitions = Definitions(assets=[session_marker], jobs=[job], schedules=[schedule])
    resolved = definitions.resolve_schedule_def("session_marker_unresolved_job_schedule")
    context = build_schedule_context(scheduled_execution_time=_new_york(2025, 11, 27, 16, 30))

    data = resolved.evaluate_tick(context)

    assert [request.run_key for request in data.run_requests] == ["2025-11-26"]


def test_snapshot_round_trip() -> None:
    # The webserver and daemon rebuild the definition from this snapshot, so it must keep the
    # cron and the exclusions.
    snapshot = PartitionsSnap.from_def(trading_day_partitions)

    rebuilt = deserialize_value(
        serialize_value(snapshot), PartitionsSnap
    ).get_partitions_definition()

    assert rebuilt == trading_day_partitions
    assert rebuilt.get_partition_keys(current_time=_new_york(2025, 11, 28, 17, 0))[-2:] == [
        "2025-11-26",
        "2025-11-28",
    ]
