"""Dagster resource that opens Saxo OpenAPI sessions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import dagster as dg
from pydantic import Field, PrivateAttr

from market_pipeline.providers.records import BarSeries
from market_pipeline.providers.saxo.client import (
    MAX_SAMPLES_PER_REQUEST,
    SIM_BASE_URL,
    ChartTarget,
    SaxoClient,
)
from market_pipeline.providers.saxo.rate_limit import RateLimitPacer
from market_pipeline.providers.saxo.records import SaxoInstrument


class SaxoResource(dg.ConfigurableResource):
    """Saxo OpenAPI access; SIM by default, LIVE by setting `base_url`."""

    token: str | None = Field(
        default=None,
        repr=False,
        description="OAuth bearer token, normally `EnvVar('SAXO_TOKEN')`; never logged.",
    )
    base_url: str = Field(
        default=SIM_BASE_URL,
        description="OpenAPI root; `https://gateway.saxobank.com/openapi` for LIVE.",
    )
    timeout_seconds: float = Field(default=15.0, description="Per-request timeout in seconds.")
    max_attempts: int = Field(default=4, description="Calls per request, retries included.")
    backoff_seconds: float = Field(
        default=0.5, description="First retry delay in seconds; doubles on each retry."
    )
    max_samples_per_request: int = Field(
        default=MAX_SAMPLES_PER_REQUEST, description="Chart `Count` per request (1 to 1200)."
    )

    # Shared by every session this resource opens, so an exhausted window is still waited out
    # when the next call opens a new session.
    _pacer: RateLimitPacer = PrivateAttr(default_factory=RateLimitPacer)

    @property
    def is_configured(self) -> bool:
        """True when a bearer token is set."""
        return bool(self.token and self.token.strip())

    def client(self) -> SaxoClient:
        """Open a session; close it (or use it as a context manager) when done.

        Raises ProviderConfigurationError naming SAXO_TOKEN when no token is set.
        """
        return SaxoClient(
            token=self.token or "",
            base_url=self.base_url,
            timeout_seconds=self.timeout_seconds,
            max_attempts=self.max_attempts,
            backoff_seconds=self.backoff_seconds,
            max_samples_per_request=self.max_samples_per_request,
            pacer=self._pacer,
        )

    def lookup_instrument(
        self, symbol: str, exchange_mic_or_id: str, *, asset_type: str = "Stock"
    ) -> SaxoInstrument:
        """Find `symbol` of `asset_type` on an exchange given by MIC or Saxo exchange id."""
        with self.client() as client:
            return client.lookup_instrument(symbol, exchange_mic_or_id, asset_type=asset_type)

    def fetch_daily_bars(
        self, instruments: Sequence[ChartTarget], start: date, end: date
    ) -> dict[str, BarSeries]:
        """Fetch daily bars for `(symbol, uic, asset_type)` targets, keyed by symbol."""
        with self.client() as client:
            return client.fetch_daily_bars(instruments, start, end)
