"""Value shapes shared by every Yahoo payload.

A number arrives as a plain JSON number, as `{"raw": ..., "fmt": ...}` (sometimes with
`longFmt`) or as `{}` when Yahoo has no value, whatever `formatted=` asked for.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from market_pipeline.providers.errors import ProviderResponseError


def raw_value(value: Any) -> Any:
    """Return the bare value of `value`, unwrapping `{raw, fmt}` objects; `{}` gives None."""
    if isinstance(value, dict):
        return value.get("raw")
    return value


def to_decimal(value: Any) -> Decimal | None:
    """Return `value` (any Yahoo number shape) as a Decimal, or None when it is missing."""
    bare = raw_value(value)
    if bare is None or isinstance(bare, bool):
        return None
    if isinstance(bare, float):
        if math.isnan(bare) or math.isinf(bare):
            return None
        return Decimal(str(bare))
    if isinstance(bare, int):
        return Decimal(bare)
    if isinstance(bare, str):
        try:
            return Decimal(bare)
        except ArithmeticError:
            return None
    return None


def to_int(value: Any) -> int | None:
    """Return `value` as an int, or None when it is missing."""
    number = to_decimal(value)
    return None if number is None else int(number)


def to_text(value: Any) -> str | None:
    """Return a non-empty string, or None."""
    bare = raw_value(value)
    if bare is None:
        return None
    text = str(bare).strip()
    return text or None


def to_utc_datetime(value: Any) -> datetime | None:
    """Return an epoch-seconds value as an aware UTC datetime, or None."""
    seconds = to_int(value)
    if seconds is None:
        return None
    return datetime.fromtimestamp(seconds, tz=UTC)


def to_date(value: Any) -> date | None:
    """Return a date from an ISO `YYYY-MM-DD` string or a `{raw: epoch, fmt: YYYY-MM-DD}` object.

    The `fmt` text is preferred because Yahoo writes it in the calendar the value means. An epoch
    alone is read as a UTC midnight, which is how Yahoo stamps period-end dates.
    """
    if isinstance(value, dict):
        text = value.get("fmt")
        if isinstance(text, str) and len(text) == 10:
            return date.fromisoformat(text)
        value = value.get("raw")
    if value is None:
        return None
    if isinstance(value, str):
        return date.fromisoformat(value[:10])
    moment = to_utc_datetime(value)
    return None if moment is None else moment.date()


def require_dict(value: Any, what: str, *, symbol: str | None, endpoint: str) -> dict[str, Any]:
    """Return `value` if it is a JSON object, else raise ProviderResponseError naming `what`."""
    if not isinstance(value, dict):
        raise ProviderResponseError(
            f"Yahoo {endpoint} for {symbol}: expected {what} to be a JSON object, "
            f"got {type(value).__name__}. The response format changed; update the parser.",
            provider="yahoo",
            endpoint=endpoint,
            symbol=symbol,
        )
    return value
