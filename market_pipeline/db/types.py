"""Column types that behave the same on PostgreSQL and SQLite."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, DateTime, Numeric
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine

PRICE_PLACES = Decimal("0.0001")

# One definition: JSONB on PostgreSQL, JSON elsewhere. Documents are replaced whole by the
# write path; in-place edits of a loaded document are not tracked (see test_types).
JSONDocument: TypeEngine[Any] = JSON().with_variant(JSONB(), "postgresql")


class Price(TypeDecorator[Decimal]):
    """NUMERIC(12,4) that always returns a `Decimal` with exactly four places.

    SQLite stores NUMERIC as a float, so values are quantized on the way in and out.
    """

    impl = Numeric(12, 4, asdecimal=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return Decimal(str(value)).quantize(PRICE_PLACES)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return Decimal(str(value)).quantize(PRICE_PLACES)


class UTCDateTime(TypeDecorator[datetime]):
    """Timestamp with time zone that accepts only aware datetimes and returns them in UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"expected a datetime, got {value!r}")
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(
                f"naive datetime {value.isoformat()} rejected: pass an aware datetime, "
                "for example datetime.now(UTC)"
            )
        return value.astimezone(UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)
