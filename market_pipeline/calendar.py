"""NYSE sessions (`XNYS` in `exchange_calendars`): which dates trade and when they close.

A session is the exchange-local trading date. Every function takes and returns plain `date`
values and raises `SessionOutOfRangeError` for a date outside the calendar's range.
"""

from __future__ import annotations

import logging
import warnings
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache

import exchange_calendars
import pandas as pd
from exchange_calendars import ExchangeCalendar

logger = logging.getLogger(__name__)

EXCHANGE_CALENDAR = "XNYS"
TIMEZONE = "America/New_York"
CALENDAR_START = date(2015, 1, 1)
SESSION_CLOSE_MARGIN = timedelta(minutes=30)


class SessionOutOfRangeError(ValueError):
    """A date lies outside the range the cached exchange calendar was built for."""


def calendar_end(today: date | None = None) -> date:
    """Return the last date the calendar covers: 31 December of the year after next.

    This is always at least one year after `today`, and it changes only once a year, so the
    holiday list derived from it stays the same between code reloads within a year.
    """
    today = today or date.today()
    return date(today.year + 2, 12, 31)


@lru_cache(maxsize=1)
def xnys_calendar() -> ExchangeCalendar:
    """Build the NYSE calendar from `CALENDAR_START` to `calendar_end()`, once per process."""
    end = calendar_end()
    logger.debug("building %s calendar %s..%s", EXCHANGE_CALENDAR, CALENDAR_START, end)
    with warnings.catch_warnings():
        # exchange_calendars 4.13.2 calls `Series.values` on tz-aware data, which pandas 3.1
        # deprecates. The calendar it builds is still correct.
        warnings.filterwarnings("ignore", message="Series.values returning an ndarray")
        return exchange_calendars.get_calendar(EXCHANGE_CALENDAR, start=CALENDAR_START, end=end)


def calendar_range() -> tuple[date, date]:
    """Return the first and last session of the cached calendar."""
    calendar = xnys_calendar()
    return calendar.first_session.date(), calendar.last_session.date()


def _timestamp(day: date) -> pd.Timestamp:
    if isinstance(day, datetime):
        raise TypeError(f"expected a date, got the datetime {day!r}: pass `value.date()`")
    first, last = calendar_range()
    if not first <= day <= last:
        raise SessionOutOfRangeError(
            f"{day} is outside the {EXCHANGE_CALENDAR} calendar range {first}..{last}: "
            f"ask for a date in that range or extend CALENDAR_START / calendar_end()"
        )
    return pd.Timestamp(day)


def is_session(day: date) -> bool:
    """Return whether the NYSE trades on `day` (early-close days count)."""
    return bool(xnys_calendar().is_session(_timestamp(day)))


def sessions_in_range(start: date, end: date) -> list[date]:
    """Return the sessions from `start` to `end`, both inclusive, in order."""
    if end < start:
        raise ValueError(f"invalid session range: end {end} is before start {start}")
    sessions = xnys_calendar().sessions_in_range(_timestamp(start), _timestamp(end))
    return [session.date() for session in sessions]


def previous_session(day: date) -> date:
    """Return the last session strictly before `day`, which need not be a session itself."""
    calendar = xnys_calendar()
    session = calendar.date_to_session(_timestamp(day), direction="next")
    try:
        return calendar.previous_session(session).date()
    except exchange_calendars.errors.RequestedSessionOutOfBounds as error:
        raise SessionOutOfRangeError(
            f"no session before {day} in the {EXCHANGE_CALENDAR} calendar, which starts on "
            f"{calendar.first_session.date()}"
        ) from error


def next_session(day: date) -> date:
    """Return the first session strictly after `day`, which need not be a session itself."""
    calendar = xnys_calendar()
    session = calendar.date_to_session(_timestamp(day), direction="previous")
    try:
        return calendar.next_session(session).date()
    except exchange_calendars.errors.RequestedSessionOutOfBounds as error:
        raise SessionOutOfRangeError(
            f"no session after {day} in the {EXCHANGE_CALENDAR} calendar, which ends on "
            f"{calendar.last_session.date()}"
        ) from error


def session_close(session: date) -> datetime:
    """Return the close of `session` as an aware UTC datetime (13:00 New York on early closes)."""
    if not is_session(session):
        raise ValueError(f"{session} is not an NYSE session (weekend or holiday)")
    close = xnys_calendar().session_close(pd.Timestamp(session))
    return close.to_pydatetime().astimezone(UTC)


def latest_closed_session(now: datetime, margin: timedelta = SESSION_CLOSE_MARGIN) -> date:
    """Return the latest session whose close plus `margin` is at or before `now`."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError(f"`now` must be timezone-aware, got the naive datetime {now!r}")
    calendar = xnys_calendar()
    local_day = now.astimezone(calendar.tz).date()
    session = calendar.date_to_session(_timestamp(local_day), direction="previous").date()
    while session_close(session) + margin > now:
        session = previous_session(session)
    return session


def trailing_sessions(end: date, count: int) -> list[date]:
    """Return the `count` sessions up to `end` (or the last session before it), oldest first."""
    if count < 1:
        raise ValueError(f"invalid session count {count}: pass 1 or more")
    calendar = xnys_calendar()
    last = calendar.date_to_session(_timestamp(end), direction="previous")
    try:
        window = calendar.sessions_window(last, -count)
    except ValueError as error:  # exchange_calendars raises a bare ValueError here
        raise SessionOutOfRangeError(
            f"{count} sessions ending at {end} reach before the {EXCHANGE_CALENDAR} calendar "
            f"start {calendar.first_session.date()}: ask for fewer sessions"
        ) from error
    return [session.date() for session in window]
