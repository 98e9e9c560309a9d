"""Client-side pacing from Saxo's `X-RateLimit-<Dimension>-Remaining/Reset` headers.

Saxo allows 120 requests per minute per session per service group and returns 429 past that.
Each response carries, per limit dimension (e.g. `RefDataMinute`, `ChartMinute`, `AppDay`), the
requests left in the window and the seconds until it resets. When a dimension reaches 0, the
next request to that service group waits for the reset instead of provoking a 429.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

logger = logging.getLogger(__name__)

HEADER_PATTERN = re.compile(r"^x-ratelimit-(?P<dimension>[a-z0-9]+)-(?P<field>remaining|reset)$")
# Dimensions that count requests of the whole app, whatever the service group.
APP_WIDE_PREFIX = "app"


@dataclass(frozen=True)
class RateLimitWindow:
    """The state of one limit dimension as of one response."""

    dimension: str
    remaining: int | None
    reset_seconds: float | None


def parse_rate_limit_headers(headers: Mapping[str, str]) -> list[RateLimitWindow]:
    """Return one window per `X-RateLimit-<Dimension>-*` pair found in `headers`.

    Invalid values are ignored (logged at debug level), since pacing is advisory.
    """
    found: dict[str, dict[str, str]] = {}
    for name, value in headers.items():
        match = HEADER_PATTERN.match(name.lower())
        if match:
            found.setdefault(match["dimension"], {})[match["field"]] = value
    windows = []
    for dimension, fields in sorted(found.items()):
        windows.append(
            RateLimitWindow(
                dimension=dimension,
                remaining=_parse_int(fields.get("remaining")),
                reset_seconds=_parse_seconds(fields.get("reset")),
            )
        )
    return windows


def reset_delay(headers: Mapping[str, str]) -> float | None:
    """Return the longest reset among exhausted dimensions, for a 429 without `Retry-After`."""
    delays = [
        window.reset_seconds
        for window in parse_rate_limit_headers(headers)
        if window.reset_seconds is not None and (window.remaining or 0) <= 0
    ]
    return max(delays) if delays else None


class RateLimitPacer:
    """Remembers exhausted windows per service group and waits them out before a request."""

    def __init__(
        self,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        max_wait_seconds: float = 65.0,
    ) -> None:
        self._sleep = sleep
        self._clock = clock
        self._max_wait = max_wait_seconds
        self._lock = threading.Lock()
        # (service group, dimension) -> clock time at which the window resets
        self._blocked_until: dict[tuple[str, str], float] = {}

    def wait_before(self, group: str) -> float:
        """Sleep until no exhausted window blocks `group`; return the seconds waited."""
        with self._lock:
            now = self._clock()
            keys = [
                key
                for key in self._blocked_until
                if key[0] == group or key[1].startswith(APP_WIDE_PREFIX)
            ]
            until = max((self._blocked_until[key] for key in keys), default=now)
            for key in keys:
                del self._blocked_until[key]
        delay = min(max(0.0, until - now), self._max_wait)
        if delay > 0:
            logger.info("Saxo %s rate limit exhausted; waiting %.2f s for the reset", group, delay)
            self._sleep(delay)
        return delay

    def record(self, group: str, headers: Mapping[str, str]) -> None:
        """Record the windows that a response from `group` reported."""
        now = self._clock()
        with self._lock:
            for window in parse_rate_limit_headers(headers):
                key = (group, window.dimension)
                if window.remaining is not None and window.remaining <= 0:
                    self._blocked_until[key] = now + (window.reset_seconds or 1.0)
                else:
                    self._blocked_until.pop(key, None)


def _parse_int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        logger.debug("ignoring invalid rate-limit count %r", value)
        return None


def _parse_seconds(value: str | None) -> float | None:
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        logger.debug("ignoring invalid rate-limit reset %r", value)
        return None
