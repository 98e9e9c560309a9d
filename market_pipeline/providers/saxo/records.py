"""Typed Saxo records: instruments from the reference-data service and chart samples."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

META_KEY = "saxo"


class SaxoInstrument(BaseModel):
    """One instrument from `/ref/v1/instruments`, identified by its Uic and asset type."""

    model_config = ConfigDict(frozen=True)

    uic: int = Field(description="Saxo's Universal Instrument Code (`Identifier` in searches).")
    asset_type: str = Field(description="Saxo asset type, e.g. `Stock` or `FxSpot`.")
    exchange_id: str = Field(description="Saxo exchange id, e.g. `NASDAQ` or `PAR`.")
    symbol: str = Field(description="Saxo symbol with its MIC suffix, e.g. `AAPL:xnas`.")
    currency: str
    description: str
    issuer_country: str | None = None

    @property
    def ticker(self) -> str:
        """The symbol without Saxo's `:mic` suffix, e.g. `AAPL`."""
        return self.symbol.split(":", 1)[0]

    @property
    def mic(self) -> str | None:
        """The lower-case MIC suffix of the symbol (`xnas`), if the symbol has one."""
        _, _, suffix = self.symbol.partition(":")
        return suffix or None


class ChartSample(BaseModel):
    """One chart sample; bid/ask samples (FX, CFDs) are reduced to mid prices."""

    model_config = ConfigDict(frozen=True)

    time: datetime = Field(description="Sample time in UTC, as Saxo stamps it.")
    open: Decimal
    high: Decimal
    low: Decimal
    close: Decimal
    volume: int = Field(ge=0, description="0 where Saxo sends no volume (bid/ask samples).")
    quote: str = Field(description="`last` for traded prices, `mid` for bid/ask averages.")


class ChartPage(BaseModel):
    """One `/chart/v3/charts` response: samples oldest first plus the optional field groups."""

    samples: list[ChartSample]
    exchange_id: str | None = None
    first_sample_time: datetime | None = None
    currency: str | None = None
    display_symbol: str | None = None
    data_version: int | None = None


def uic_from_meta(meta: dict[str, Any] | None) -> int | None:
    """Return the Uic cached in `meta["saxo"]["uic"]`, or None when nothing is cached.

    Raises ValueError when a cached value exists but is not an integer, so that a corrupt
    cache is noticed instead of silently looked up again.
    """
    if not meta or META_KEY not in meta:
        return None
    cached = meta[META_KEY]
    if not isinstance(cached, dict) or "uic" not in cached:
        raise ValueError(
            f"instrument meta[{META_KEY!r}] is {cached!r}; expected a dict with an integer "
            "'uic'. Delete the key to look the instrument up again."
        )
    uic = cached["uic"]
    if isinstance(uic, bool) or not isinstance(uic, int):
        raise ValueError(
            f"instrument meta[{META_KEY!r}]['uic'] is {uic!r}; expected an integer Uic. "
            "Delete the key to look the instrument up again."
        )
    return uic


def meta_with_uic(meta: dict[str, Any] | None, instrument: SaxoInstrument) -> dict[str, Any]:
    """Return a copy of `meta` with `instrument`'s Saxo identifiers stored under `"saxo"`."""
    updated = dict(meta or {})
    updated[META_KEY] = {
        "uic": instrument.uic,
        "asset_type": instrument.asset_type,
        "exchange_id": instrument.exchange_id,
        "symbol": instrument.symbol,
    }
    return updated
