"""Retry with exponential backoff that honours `Retry-After`.

`call_with_retry` runs a zero-argument call. When it raises `RetryableError`, the call is
repeated after the delay the error carries (from a `Retry-After` header) or after the backoff delay,
until `policy.max_attempts` calls have been made; the last error is then raised as
`ProviderUnavailableError`. Any other exception passes through at once.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TypeVar

from market_pipeline.providers.errors import ProviderUnavailableError

T = TypeVar("T")
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to retry; delays are in seconds."""

    max_attempts: int = 4
    base_delay: float = 0.5
    max_delay: float = 30.0
    jitter: float = 0.1

    def backoff(self, attempt: int) -> float:
        """Return the delay before attempt `attempt + 1` (attempt counts from 1)."""
        delay = min(self.max_delay, self.base_delay * 2 ** (attempt - 1))
        return delay * (1 + random.uniform(0, self.jitter))


class RetryableError(Exception):
    """A transient failure; `retry_after` is the delay the server asked for, if any."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        self.retry_after = retry_after
        super().__init__(message)


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Return the delay in seconds that a `Retry-After` header value requests.

    The header contains either a number of seconds or an HTTP date. An invalid value gives None.
    """
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        return max(0.0, float(text))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    reference = now or datetime.now(UTC)
    return max(0.0, (when - reference).total_seconds())


def call_with_retry(
    call: Callable[[], T],
    *,
    policy: RetryPolicy,
    provider: str,
    endpoint: str,
    symbol: str | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """Run `call`, retrying on `RetryableError` as `policy` allows."""
    last_error: RetryableError | None = None
    for attempt in range(1, policy.max_attempts + 1):
        try:
            return call()
        except RetryableError as error:
            last_error = error
            if attempt == policy.max_attempts:
                break
            delay = error.retry_after if error.retry_after is not None else policy.backoff(attempt)
            delay = min(delay, policy.max_delay)
            logger.warning(
                "%s %s%s failed (attempt %d of %d): %s; retrying in %.2f s",
                provider,
                endpoint,
                f" for {symbol}" if symbol else "",
                attempt,
                policy.max_attempts,
                error,
                delay,
            )
            sleep(delay)
    target = f" for {symbol}" if symbol else ""
    raise ProviderUnavailableError(
        f"{provider} {endpoint}{target} failed after {policy.max_attempts} attempts: {last_error}. "
        "The provider is rate-limiting or unavailable; wait and re-run the partition.",
        provider=provider,
        endpoint=endpoint,
        symbol=symbol,
        attempts=policy.max_attempts,
    ) from last_error
