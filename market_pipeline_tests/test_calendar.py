"""Tests for the NYSE session helpers."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from market_pipeline.calendar import (
    CALENDAR_START,
    SessionOutOfRangeError,
    calendar_end,
    calendar_range,
    is_session,
    latest_closed_session,
    next_session,
    previous_session,
    session_close,
    sessions_in_range,
    trailing_sessions,
    xnys_calendar,
)

NEW_YORK = ZoneInfo("America/New_York")


def _new_york(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=NEW_YORK)


def test_calendar_range_covers_2015_to_next_year() -> None:
    first, last = calendar_range()

    assert first == date(2015, 1, 2)
    assert date(2015, 1, 1) == CALENDAR_START
    assert last >= date.today() + timedelta(days=365)
    assert last <= calendar_end()


def test_calendar_built_once() -> None:
    assert xnys_calendar() is xnys_calendar()


def test_calendar_end_next_year_end() -> None:
    assert calendar_end(date(2026, 12, 4)) == date(2028, 12, 31)
    assert calendar_end(date(2026, 1, 1)) == date(2028, 12, 31)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2025, 7, 3), True),
        (date(2025, 7, 4), False),
        (date(2025, 7, 5), False),
        (date(2025, 11, 27), False),
        (date(2025, 11, 28), True),
        (date(2025, 12, 24), True),
        (date(2025, 12, 25), False),
        (date(2025, 1, 9), False),  # national day of mourning for President Carter
        (date(2022, 6, 20), False),  # Juneteenth, observed
        (date(2021, 6, 18), True),  # Juneteenth became an NYSE holiday in 2022
    ],
)
def test_is_session_holidays(day: date, expected: bool) -> None:
    assert is_session(day) is expected


def test_is_session_rejects_datetime() -> None:
    with pytest.raises(TypeError, match=re.escape("pass `value.date()`")):
        is_session(datetime(2025, 7, 3, 12, 0))


def test_is_session_out_of_range() -> None:
    with pytest.raises(SessionOutOfRangeError, match="2014-12-31 is outside the XNYS calendar"):
        is_session(date(2014, 12, 31))


def test_sessions_in_range_skips_holidays() -> None:
    sessions = sessions_in_range(date(2025, 11, 24), date(2025, 12, 1))

    assert sessions == [
        date(2025, 11, 24),
        date(2025, 11, 25),
        date(2025, 11, 26),
        date(2025, 11, 28),
        date(2025, 12, 1),
    ]


def test_sessions_in_range_year_count() -> None:
    assert len(sessions_in_range(date(2024, 1, 1), date(2024, 12, 31))) == 252


def test_sessions_in_range_reversed() -> None:
    with pytest.raises(ValueError, match="end 2025-01-01 is before start 2025-02-01"):
        sessions_in_range(date(2025, 2, 1), date(2025, 1, 1))


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2025, 7, 7), date(2025, 7, 3)),  # Monday after the 4 July holiday
        (date(2025, 7, 5), date(2025, 7, 3)),  # a Saturday
        (date(2025, 7, 4), date(2025, 7, 3)),  # the holiday itself
        (date(2025, 11, 28), date(2025, 11, 26)),
    ],
)
def test_previous_session_cases(day: date, expected: date) -> None:
    assert previous_session(day) == expected


def test_previous_session_before_start() -> None:
    with pytest.raises(SessionOutOfRangeError, match="no session before 2015-01-02"):
        previous_session(date(2015, 1, 2))


def test_session_close_regular_and_dst() -> None:
    assert session_close(date(2025, 3, 7)) == datetime(2025, 3, 7, 21, 0, tzinfo=UTC)
    assert session_close(date(2025, 3, 10)) == datetime(2025, 3, 10, 20, 0, tzinfo=UTC)


def test_session_close_early_close() -> None:
    close = session_close(date(2025, 11, 28))

    assert close == datetime(2025, 11, 28, 18, 0, tzinfo=UTC)
    assert close.astimezone(NEW_YORK).hour == 13
    assert close.tzinfo is UTC


def test_session_close_rejects_holiday() -> None:
    with pytest.raises(ValueError, match="2025-07-04 is not an NYSE session"):
        session_close(date(2025, 7, 4))


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (_new_york(2025, 3, 7, 16, 29), date(2025, 3, 6)),
        (_new_york(2025, 3, 7, 16, 30), date(2025, 3, 7)),
        (_new_york(2025, 3, 8, 12, 0), date(2025, 3, 7)),
        (_new_york(2025, 3, 10, 17, 0), date(2025, 3, 10)),
        (_new_york(2025, 11, 3, 9, 0), date(2025, 10, 31)),
        (_new_york(2025, 11, 27, 20, 0), date(2025, 11, 26)),
        (_new_york(2025, 11, 28, 13, 29), date(2025, 11, 26)),
        (_new_york(2025, 11, 28, 13, 30), date(2025, 11, 28)),
        (datetime(2025, 3, 8, 1, 0, tzinfo=UTC), date(2025, 3, 7)),
    ],
)
def test_latest_closed_session_cases(now: datetime, expected: date) -> None:
    assert latest_closed_session(now, timedelta(minutes=30)) == expected


def test_latest_closed_session_margin() -> None:
    now = _new_york(2025, 3, 7, 16, 10)

    assert latest_closed_session(now, timedelta(0)) == date(2025, 3, 7)
    assert latest_closed_session(now, timedelta(minutes=15)) == date(2025, 3, 6)


def test_latest_closed_session_naive() -> None:
    with pytest.raises(ValueError, match="must be timezone-aware"):
        latest_closed_session(datetime(2025, 3, 7, 17, 0))


def test_trailing_sessions_cases() -> None:
    assert trailing_sessions(date(2025, 7, 7), 3) == [
        date(2025, 7, 2),
        date(2025, 7, 3),
        date(2025, 7, 7),
    ]
    assert trailing_sessions(date(2025, 7, 6), 2) == [date(2025, 7, 2), date(2025, 7, 3)]
    assert trailing_sessions(date(2025, 7, 7), 1) == [date(2025, 7, 7)]


def test_trailing_sessions_invalid_count() -> None:
    with pytest.raises(ValueError, match="invalid session count 0"):
        trailing_sessions(date(2025, 7, 7), 0)


def test_trailing_sessions_before_start() -> None:
    with pytest.raises(SessionOutOfRangeError, match="ask for fewer sessions"):
        trailing_sessions(date(2015, 1, 6), 5)


def test_next_session_skips_holiday_and_weekend() -> None:
    assert next_session(date(2025, 7, 3)) == date(2025, 7, 7)
    assert next_session(date(2025, 7, 4)) == date(2025, 7, 7)
    assert next_session(date(2025, 11, 26)) == date(2025, 11, 28)
