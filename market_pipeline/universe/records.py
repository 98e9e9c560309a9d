"""Typed records of the index universe: one `UniverseMember` per listing symbol."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from market_pipeline.providers.yahoo.symbols import to_listing_symbol

GICS_SECTORS = frozenset(
    {
        "Communication Services",
        "Consumer Discretionary",
        "Consumer Staples",
        "Energy",
        "Financials",
        "Health Care",
        "Industrials",
        "Information Technology",
        "Materials",
        "Real Estate",
        "Utilities",
    }
)
"""The 11 GICS sectors, as named since the 2018 GICS revision added Communication Services."""


class IndexMembership(BaseModel):
    """A symbol's entry in one constituent list."""

    model_config = ConfigDict(frozen=True)

    as_of: date = Field(description="Date of the constituent list the entry comes from.")
    date_added: date | None = Field(
        default=None, description="Date the index added the symbol, where the list records it."
    )
    listed_sector: str | None = Field(
        default=None, description="The list's own sector column, whatever classification it uses."
    )
    listed_sub_industry: str | None = Field(
        default=None, description="The list's own sub-industry column."
    )


class UniverseMember(BaseModel):
    """One listing in the universe, with its memberships in the loaded indexes."""

    model_config = ConfigDict(frozen=True)

    symbol: str = Field(description="The listing's own form, e.g. `BRK.B` (never `BRK-B`).")
    name: str
    gics_sector: str | None = Field(
        default=None, description="GICS sector, or None where no loaded list gives one."
    )
    gics_sub_industry: str | None = None
    exchange: str | None = None
    mic: str | None = Field(default=None, description="ISO 10383 market identifier code.")
    currency: str = "USD"
    asset_class: Literal["equity"] = "equity"
    indexes: dict[str, IndexMembership] = Field(
        description="Index name (`sp500`, `nasdaq100`) to the membership in that index's list."
    )
    cik: int | None = Field(default=None, description="SEC Central Index Key.")
    headquarters: str | None = None
    founded: str | None = Field(
        default=None, description="Founding year as the list writes it, e.g. `2013 (1888)`."
    )

    @field_validator("symbol")
    @classmethod
    def _normalise_symbol(cls, value: str) -> str:
        symbol = to_listing_symbol(value)
        if not symbol:
            raise ValueError("empty symbol: pass a listing symbol such as `AAPL` or `BRK.B`")
        return symbol

    @field_validator("gics_sector")
    @classmethod
    def _check_gics_sector(cls, value: str | None) -> str | None:
        if value is not None and value not in GICS_SECTORS:
            raise ValueError(
                f"invalid GICS sector {value!r}: expected one of {', '.join(sorted(GICS_SECTORS))}"
            )
        return value
