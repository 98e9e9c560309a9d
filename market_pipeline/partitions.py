"""Dagster partitions with one partition per NYSE session, keyed `YYYY-MM-DD`.

Dagster makes a time-window partition available once its window has ended and keys it by the
window start. Each session's window therefore runs from 09:30 to the regular close plus
`SESSION_CLOSE_MARGIN` (16:30) New York time on the session date, so the key is the session date
and the partition appears right after the close. The cron `"30 9,16 * * 1-5"` ticks at both
times on weekdays, and the exclusions remove the overnight windows (those starting 16:30) and
the windows of weekday holidays. A Friday window ends on Friday, so the Friday partition is
runnable over the weekend.

`end_offset` is not used: with exclusions, Dagster 1.13 skips excluded windows when it counts
the offset, which would make the next session appear on a holiday or a weekend.

NOTE: Dagster iterates a cron with two hours through croniter, not its fast daily path, so
listing the keys takes time linear in the number of sessions since the start.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from dagster import TimeWindowPartitionsDefinition

from market_pipeline.calendar import (
    CALENDAR_START,
    SESSION_CLOSE_MARGIN,
    TIMEZONE,
    calendar_range,
    is_session,
    sessions_in_range,
)

__all__ = [
    "DEFAULT_PARTITION_START",
    "PARTITION_KEY_FORMAT",
    "PARTITION_WINDOW_START",
    "SESSION_CLOSE_CRON",
    "SESSION_CLOSE_MARGIN",
    "TIMEZONE",
    "build_trading_day_partitions",
    "partition_keys_between",
    "session_of_partition_key",
    "should_run_on",
    "trading_day_partitions",
]

PARTITION_KEY_FORMAT = "%Y-%m-%d"
DEFAULT_PARTITION_START = date(2023, 1, 3)
REGULAR_CLOSE = time(16, 0)

_CLOSE_TICK = (datetime.combine(date.min, REGULAR_CLOSE) + SESSION_CLOSE_MARGIN).time()

# One cron expression sets both ticks, so the window start shares the close tick's minute.
PARTITION_WINDOW_START = time(9, _CLOSE_TICK.minute)

SESSION_CLOSE_CRON = f"{_CLOSE_TICK.minute} {_CLOSE_TICK.hour} * * 1-5"
"""Cron of weekdays at the regular close plus margin (16:30 New York). Pair with `should_run_on`."""

_PARTITION_CRON = f"{_CLOSE_TICK.minute} {PARTITION_WINDOW_START.hour},{_CLOSE_TICK.hour} * * 1-5"
_OVERNIGHT_EXCLUSION_CRON = f"{_CLOSE_TICK.minute} {_CLOSE_TICK.hour} * * *"


def _weekday_holidays(start: date, end: date) -> list[date]:
    sessions = set(sessions_in_range(start, end))
    holidays = []
    day = start
    while day <= end:
        if day.weekday() < 5 and day not in sessions:
            holidays.append(day)
        day += timedelta(days=1)
    return holidays


def build_trading_day_partitions(
    start: date = DEFAULT_PARTITION_START,
) -> TimeWindowPartitionsDefinition:
    """Build the partitions definition with one partition per NYSE session from `start` on.

    A session's partition appears at 16:30 New York time, also on early-close days (13:00 close).
    """
    first, last = calendar_range()
    if not first <= start <= last:
        raise ValueError(
            f"invalid partition start {start}: it must lie in the NYSE calendar range "
            f"{first}..{last} (CALENDAR_START is {CALENDAR_START})"
        )
    # NOTE: holidays after the calendar's last session are not excluded. The calendar reaches at
    # least one year ahead of the date the code was loaded, so reload the code location yearly.
    holidays = _weekday_holidays(start, last)
    exclusions: list[str | datetime] = [_OVERNIGHT_EXCLUSION_CRON]
    exclusions.extend(datetime.combine(holiday, PARTITION_WINDOW_START) for holiday in holidays)
    return TimeWindowPartitionsDefinition(
        start=datetime.combine(start, time.min),
        cron_schedule=_PARTITION_CRON,
        fmt=PARTITION_KEY_FORMAT,
        timezone=TIMEZONE,
        exclusions=exclusions,
    )


trading_day_partitions = build_trading_day_partitions()


def session_of_partition_key(key: str) -> date:
    """Parse a partition key into its session date, rejecting keys of non-session dates."""
    try:
        session = datetime.strptime(key, PARTITION_KEY_FORMAT).date()
    except ValueError as error:
        raise ValueError(
            f"invalid partition key {key!r}: expected a session date such as '2025-03-07'"
        ) from error
    if session.strftime(PARTITION_KEY_FORMAT) != key:
        raise ValueError(f"invalid partition key {key!r}: write it as {session:%Y-%m-%d}")
    if not is_session(session):
        raise ValueError(f"invalid partition key {key!r}: {session} is not an NYSE session")
    return session


def partition_keys_between(start: date, end: date) -> list[str]:
    """Return the partition keys of the sessions from `start` to `end`, both inclusive."""
    return [session.strftime(PARTITION_KEY_FORMAT) for session in sessions_in_range(start, end)]


def should_run_on(day: date) -> bool:
    """Return whether a schedule on `SESSION_CLOSE_CRON` should run on `day` (a session)."""
    return is_session(day)
