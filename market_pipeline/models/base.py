"""Columns and conventions shared by every table."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Index, MetaData, text
from sqlmodel import Field, SQLModel

from market_pipeline.db.types import JSONDocument, UTCDateTime

# Deterministic constraint names, so migrations and `db validate` agree on both databases.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SQLModel.metadata.naming_convention = NAMING_CONVENTION
metadata: MetaData = SQLModel.metadata


def utc_now() -> datetime:
    return datetime.now(UTC)


def json_field(description: str) -> Any:
    """Return a NOT NULL JSON/JSONB document column that defaults to `{}`."""
    return Field(
        default_factory=dict,
        sa_type=JSONDocument,
        sa_column_kwargs={"nullable": False, "server_default": text("'{}'")},
        description=description,
    )


def check_in(column: str, values: tuple[str, ...]) -> str:
    """Return the SQL of a CHECK that `column` is one of `values`."""
    quoted = ", ".join(f"'{value}'" for value in values)
    return f"{column} IN ({quoted})"


class TableBase(SQLModel):
    """`id`, `created_at` and `updated_at`, as every table has them."""

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    created_at: datetime = Field(
        default_factory=utc_now,
        sa_type=UTCDateTime,
        sa_column_kwargs={"nullable": False, "server_default": text("CURRENT_TIMESTAMP")},
    )
    updated_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


def add_index(model: type[SQLModel], name: str, *columns: str, unique: bool = False) -> Index:
    """Add index `name` to `model`'s table; a column written `"ts DESC"` sorts descending."""
    table = model.__table__  # type: ignore[attr-defined]
    expressions = []
    for column in columns:
        column_name, _, order = column.partition(" ")
        expression = table.c[column_name]
        expressions.append(expression.desc() if order.upper() == "DESC" else expression)
    return Index(name, *expressions, unique=unique)
