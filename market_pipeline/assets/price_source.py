"""Price sources of the bars asset: Saxo when a token is configured, Yahoo otherwise."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Protocol

from sqlalchemy import Engine, update
from sqlmodel import col

from market_pipeline import sources
from market_pipeline.db.lookup import InstrumentRef
from market_pipeline.models import Instrument
from market_pipeline.providers.errors import EmptyResultError
from market_pipeline.providers.records import BarSeries
from market_pipeline.providers.saxo.records import meta_with_uic, uic_from_meta
from market_pipeline.providers.saxo.resource import SaxoResource
from market_pipeline.providers.yahoo.resource import YahooResource

SAXO_ASSET_TYPES = {"equity": "Stock", "etf": "Etf", "fx": "FxSpot", "index": "StockIndex"}


class PriceSource(Protocol):
    name: str

    def fetch(self, instrument: InstrumentRef, start: date, end: date) -> BarSeries: ...

    @property
    def requests(self) -> int: ...


@dataclass
class YahooPrices:
    """Daily bars from Yahoo's chart endpoint, one request per symbol and range."""

    yahoo: YahooResource
    name: str = sources.YAHOO

    def fetch(self, instrument: InstrumentRef, start: date, end: date) -> BarSeries:
        return self.yahoo.fetch_bar_series(instrument.symbol, start, end)

    @property
    def requests(self) -> int:
        return self.yahoo.request_count


@dataclass
class SaxoPrices:
    """Daily bars from Saxo's chart v3 endpoint; Uics are looked up once and cached in `meta`."""

    saxo: SaxoResource
    engine: Engine
    name: str = sources.SAXO
    _requests: int = field(default=0)

    def fetch(self, instrument: InstrumentRef, start: date, end: date) -> BarSeries:
        uic = uic_from_meta(instrument.meta) or self._lookup_and_cache(instrument)
        asset_type = SAXO_ASSET_TYPES.get(instrument.asset_class, "Stock")
        self._requests += 1
        found = self.saxo.fetch_daily_bars([(instrument.symbol, uic, asset_type)], start, end)
        return found[instrument.symbol]

    def _lookup_and_cache(self, instrument: InstrumentRef) -> int:
        saxo_instrument = self.saxo.lookup_instrument(instrument.symbol, instrument.mic or "XNYS")
        self._requests += 1
        meta = meta_with_uic(dict(instrument.meta), saxo_instrument)
        with self.engine.begin() as connection:
            connection.execute(
                update(Instrument)
                .where(col(Instrument.id) == instrument.id)
                .values(meta=meta, updated_at=datetime.now(UTC))
            )
        return saxo_instrument.uic

    @property
    def requests(self) -> int:
        return self._requests


@dataclass
class FetchOutcome:
    """Series per symbol, and the symbols the provider returned nothing for."""

    series: dict[str, BarSeries] = field(default_factory=dict)
    empty: list[str] = field(default_factory=list)


PROGRESS_EVERY = 50


def fetch_all(
    source: PriceSource,
    instruments: Sequence[InstrumentRef],
    start: date,
    end: date,
    progress: Callable[[str], None] | None = None,
) -> FetchOutcome:
    """Fetch every instrument over `start`..`end`. An empty result is recorded, and any other
    provider failure propagates so the run writes nothing. `progress` receives a line every
    `PROGRESS_EVERY` symbols and at the end."""
    outcome = FetchOutcome()
    total = len(instruments)
    for done, instrument in enumerate(instruments, start=1):
        try:
            outcome.series[instrument.symbol] = source.fetch(instrument, start, end)
        except EmptyResultError:
            outcome.empty.append(instrument.symbol)
        if progress is not None and (done % PROGRESS_EVERY == 0 or done == total):
            progress(
                f"fetched {done} of {total} symbols from {source.name} ({len(outcome.empty)} empty)"
            )
    return outcome
