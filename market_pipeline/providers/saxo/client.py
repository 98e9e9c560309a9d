"""HTTP client for the Saxo OpenAPI: instrument lookup and daily chart samples.

Every non-2xx response is an error, redirects included: the retired `/chart/v1/charts` path
returns 301, and following it would hide a wrong base URL. 401 and other 4xx responses are
raised at once as `ProviderConfigurationError`; 429, 5xx, timeouts and bodies that are not
JSON are retried and end as `ProviderUnavailableError`.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from market_pipeline.providers.errors import (
    EmptyResultError,
    ProviderConfigurationError,
    ProviderError,
    ProviderResponseError,
)
from market_pipeline.providers.records import BarSeries
from market_pipeline.providers.retry import (
    RetryableError,
    RetryPolicy,
    call_with_retry,
    parse_retry_after,
)
from market_pipeline.providers.saxo.exchanges import (
    exchange_timezone,
    matches_exchange,
    search_exchange_id,
)
from market_pipeline.providers.saxo.parser import (
    SaxoPayloadError,
    daily_bars_from_samples,
    instrument_rows,
    parse_chart_page,
    parse_instruments,
    session_date,
)
from market_pipeline.providers.saxo.rate_limit import RateLimitPacer, reset_delay
from market_pipeline.providers.saxo.records import ChartPage, ChartSample, SaxoInstrument

logger = logging.getLogger(__name__)

PROVIDER = "saxo"
TOKEN_ENV_VAR = "SAXO_TOKEN"
SIM_BASE_URL = "https://gateway.saxobank.com/sim/openapi"
INSTRUMENTS_PATH = "/ref/v1/instruments"
CHART_PATH = "/chart/v3/charts"
DAILY_HORIZON_MINUTES = 1440
MAX_SAMPLES_PER_REQUEST = 1200  # Saxo rejects a larger Count
SEARCH_PAGE_SIZE = 1000  # the `$top` maximum of `/ref/v1/instruments`
MAX_SEARCH_PAGES = 10
MAX_CHART_PAGES = 200
CHART_FIELD_GROUPS = "ChartInfo,Data,DisplayAndFormat"
BODY_EXCERPT_CHARS = 200

# One instrument to chart: (symbol used as the result key, Uic, Saxo asset type).
ChartTarget = tuple[str, int, str]


class InstrumentLookupError(ProviderError):
    """No instrument, or more than one, matched a symbol on an exchange."""

    def __init__(self, message: str, *, symbol: str, candidates: Sequence[SaxoInstrument]):
        super().__init__(message, provider=PROVIDER, endpoint=INSTRUMENTS_PATH, symbol=symbol)
        self.candidates = list(candidates)


def format_time(value: datetime) -> str:
    """Render a UTC time the way Saxo writes it (`2019-09-05T21:00:00.000000Z`)."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class SaxoClient:
    """A Saxo OpenAPI session bound to one bearer token; use as a context manager."""

    def __init__(
        self,
        *,
        token: str,
        base_url: str = SIM_BASE_URL,
        timeout_seconds: float = 15.0,
        max_attempts: int = 4,
        backoff_seconds: float = 0.5,
        max_samples_per_request: int = MAX_SAMPLES_PER_REQUEST,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        pacer: RateLimitPacer | None = None,
    ) -> None:
        """Open a session; pass the `pacer` of an earlier session to keep its rate-limit state."""
        if not token or not token.strip():
            raise ProviderConfigurationError(
                f"the Saxo bearer token is empty; set {TOKEN_ENV_VAR} to a valid token.",
                provider=PROVIDER,
            )
        if not 1 <= max_samples_per_request <= MAX_SAMPLES_PER_REQUEST:
            raise ValueError(
                f"max_samples_per_request is {max_samples_per_request}; "
                f"Saxo accepts 1 to {MAX_SAMPLES_PER_REQUEST}"
            )
        self.base_url = base_url.rstrip("/")
        self.timeout_seconds = timeout_seconds
        self.max_samples_per_request = max_samples_per_request
        self._policy = RetryPolicy(
            max_attempts=max_attempts, base_delay=backoff_seconds, max_delay=65.0
        )
        self._sleep = sleep
        self._now = now
        self._pacer = pacer or RateLimitPacer(sleep=sleep, clock=clock)
        self._http = httpx.Client(
            base_url=self.base_url,
            headers={"Authorization": f"Bearer {token.strip()}", "Accept": "application/json"},
            timeout=timeout_seconds,
            follow_redirects=False,
        )

    def __repr__(self) -> str:
        return f"SaxoClient(base_url={self.base_url!r})"

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> SaxoClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- HTTP ------------------------------------------------------------------------------
    def get_json(self, path: str, params: dict[str, Any], *, symbol: str | None) -> Any:
        """GET `path` with pacing and retries; return the decoded JSON (floats as Decimal)."""
        group = path.strip("/").split("/", 1)[0]

        def attempt() -> Any:
            self._pacer.wait_before(group)
            try:
                response = self._http.get(path, params=params)
            except httpx.TimeoutException as error:
                raise RetryableError(
                    f"timed out after {self.timeout_seconds} s ({type(error).__name__})"
                ) from error
            except httpx.TransportError as error:
                raise RetryableError(f"connection failed ({type(error).__name__})") from error
            self._pacer.record(group, response.headers)
            return self._decode(response, path, symbol)

        return call_with_retry(
            attempt,
            policy=self._policy,
            provider=PROVIDER,
            endpoint=path,
            symbol=symbol,
            sleep=self._sleep,
        )

    def _decode(self, response: httpx.Response, path: str, symbol: str | None) -> Any:
        status = response.status_code
        target = f"{path} for {symbol}" if symbol else path
        if status == 429:
            delay = parse_retry_after(response.headers.get("Retry-After"))
            if delay is None:
                delay = reset_delay(response.headers)
            raise RetryableError("HTTP 429 Too Many Requests", retry_after=delay)
        if status >= 500:
            raise RetryableError(f"HTTP {status}")
        if status == 401:
            raise ProviderConfigurationError(
                f"Saxo rejected the bearer token (HTTP 401) on {target}: the token is missing, "
                f"wrong or expired. Set {TOKEN_ENV_VAR} to a fresh token (SIM tokens from the "
                "developer portal last 24 hours).",
                provider=PROVIDER,
                endpoint=path,
                symbol=symbol,
                attempts=1,
            )
        if 300 <= status < 400:
            raise ProviderConfigurationError(
                f"Saxo returned HTTP {status} for {target}, redirecting to "
                f"{response.headers.get('Location')!r}: the endpoint moved or base_url "
                f"{self.base_url!r} is wrong. Redirects are not followed; fix the base URL or "
                "the endpoint version.",
                provider=PROVIDER,
                endpoint=path,
                symbol=symbol,
                attempts=1,
            )
        if status >= 400 or status < 200:
            raise ProviderConfigurationError(
                f"Saxo rejected the request for {target} with HTTP {status}: "
                f"{_excerpt(response.text)!r}. Check the symbol, Uic, asset type and the "
                f"token's permissions.",
                provider=PROVIDER,
                endpoint=path,
                symbol=symbol,
                attempts=1,
            )
        content_type = response.headers.get("Content-Type", "")
        if "html" in content_type or response.content.lstrip()[:1] == b"<":
            raise RetryableError(
                f"returned {content_type or 'a non-JSON body'} instead of JSON: "
                f"{_excerpt(response.text)!r}"
            )
        try:
            return json.loads(response.content, parse_float=Decimal)
        except ValueError as error:
            raise RetryableError(
                f"invalid JSON ({error}; {len(response.content)} bytes, truncated?)"
            ) from error

    # -- instruments -----------------------------------------------------------------------
    def lookup_instrument(
        self, symbol: str, exchange_mic_or_id: str, *, asset_type: str = "Stock"
    ) -> SaxoInstrument:
        """Find the one `asset_type` instrument whose ticker is `symbol` on the exchange.

        `exchange_mic_or_id` is a MIC (`XNAS`) or a Saxo exchange id (`NASDAQ`).
        Raises InstrumentLookupError when nothing or more than one instrument matches.
        """
        candidates = self._search_instruments(symbol, exchange_mic_or_id, asset_type)
        matches = [
            instrument
            for instrument in candidates
            if instrument.ticker.upper() == symbol.upper()
            and instrument.asset_type == asset_type
            and matches_exchange(instrument.exchange_id, instrument.mic, exchange_mic_or_id)
        ]
        if len(matches) == 1:
            return matches[0]
        where = f"{symbol!r} ({asset_type}) on exchange {exchange_mic_or_id!r}"
        if not matches:
            seen = ", ".join(f"{item.symbol} [{item.exchange_id}]" for item in candidates[:5])
            raise InstrumentLookupError(
                f"Saxo has no instrument {where}"
                + (f"; the search returned {seen}" if seen else "; the search returned nothing")
                + ". Check the ticker and the exchange MIC or Saxo exchange id.",
                symbol=symbol,
                candidates=candidates,
            )
        listed = ", ".join(f"{item.symbol} Uic {item.uic} [{item.exchange_id}]" for item in matches)
        raise InstrumentLookupError(
            f"Saxo has {len(matches)} instruments for {where}: {listed}. "
            "Store the intended Uic in the instrument's meta['saxo'].",
            symbol=symbol,
            candidates=matches,
        )

    def _search_instruments(
        self, symbol: str, exchange_mic_or_id: str, asset_type: str
    ) -> list[SaxoInstrument]:
        params: dict[str, Any] = {
            "Keywords": symbol,
            "AssetTypes": asset_type,
            "$top": SEARCH_PAGE_SIZE,
        }
        exchange_id = search_exchange_id(exchange_mic_or_id)
        if exchange_id is not None:
            params["ExchangeId"] = exchange_id
        found: list[SaxoInstrument] = []
        for page in range(MAX_SEARCH_PAGES):
            params["$skip"] = page * SEARCH_PAGE_SIZE
            payload = self.get_json(INSTRUMENTS_PATH, params, symbol=symbol)
            try:
                found.extend(parse_instruments(payload))
                rows = instrument_rows(payload)
            except SaxoPayloadError as error:
                raise self._response_error(INSTRUMENTS_PATH, symbol, error) from error
            if not (isinstance(payload, dict) and payload.get("__next")) or not rows:
                break
        return found

    # -- chart -----------------------------------------------------------------------------
    def fetch_daily_bars(
        self, instruments: Sequence[ChartTarget], start: date, end: date
    ) -> dict[str, BarSeries]:
        """Fetch daily bars for sessions `start..end` (inclusive), keyed by each symbol."""
        if start > end:
            raise ValueError(f"start {start} is after end {end}")
        return {
            symbol: self.fetch_daily_series(symbol, uic, asset_type, start, end)
            for symbol, uic, asset_type in instruments
        }

    def fetch_daily_series(
        self, symbol: str, uic: int, asset_type: str, start: date, end: date
    ) -> BarSeries:
        """Page backwards from `end` through `/chart/v3/charts` until `start` is covered.

        Raises EmptyResultError when Saxo has no sample at all up to `end`; a range with
        samples around it but none inside (a holiday) gives a series without bars.
        """
        cursor = datetime.combine(end + timedelta(days=1), clock_time(0), UTC)
        samples: dict[datetime, ChartSample] = {}
        first_page: ChartPage | None = None
        timezone: str | None = None
        for _ in range(MAX_CHART_PAGES):
            page = self._chart_page(symbol, uic, asset_type, cursor)
            if first_page is None:
                first_page = page
                timezone = self._timezone(symbol, uic, asset_type, page)
            new_samples = [sample for sample in page.samples if sample.time not in samples]
            samples.update((sample.time, sample) for sample in new_samples)
            if not new_samples or len(page.samples) < self.max_samples_per_request:
                break
            earliest = page.samples[0].time
            if page.first_sample_time is not None and earliest <= page.first_sample_time:
                break
            if timezone is not None and session_date(earliest, timezone) < start:
                break
            cursor = earliest
        else:
            logger.warning("Saxo chart for %s stopped after %d pages", symbol, MAX_CHART_PAGES)

        if first_page is None or timezone is None or not samples:
            raise EmptyResultError(
                f"Saxo returned no daily samples for {symbol} (Uic {uic}, {asset_type}) up to "
                f"{end}. Check that the Uic is the intended instrument.",
                provider=PROVIDER,
                endpoint=CHART_PATH,
                symbol=symbol,
            )
        open_session = self._now().astimezone(ZoneInfo(timezone)).date()
        try:
            bars = daily_bars_from_samples(
                sorted(samples.values(), key=lambda sample: sample.time),
                symbol=symbol,
                timezone=timezone,
                start=start,
                end=end,
                open_session=open_session,
            )
        except SaxoPayloadError as error:
            raise self._response_error(CHART_PATH, symbol, error) from error
        if not bars:
            logger.info("Saxo has no %s sessions from %s to %s", symbol, start, end)
        return BarSeries(
            symbol=symbol, exchange_timezone=timezone, currency=first_page.currency, bars=bars
        )

    def _chart_page(self, symbol: str, uic: int, asset_type: str, up_to: datetime) -> ChartPage:
        params = {
            "Uic": uic,
            "AssetType": asset_type,
            "Horizon": DAILY_HORIZON_MINUTES,
            "Mode": "UpTo",
            "Time": format_time(up_to),
            "Count": self.max_samples_per_request,
            "FieldGroups": CHART_FIELD_GROUPS,
        }
        payload = self.get_json(CHART_PATH, params, symbol=symbol)
        try:
            page = parse_chart_page(payload)
        except SaxoPayloadError as error:
            raise self._response_error(CHART_PATH, symbol, error) from error
        logger.debug(
            "Saxo chart %s Uic %s: %d samples up to %s", symbol, uic, len(page.samples), up_to
        )
        return page

    def _timezone(self, symbol: str, uic: int, asset_type: str, page: ChartPage) -> str | None:
        if not page.samples:
            return None
        zone = exchange_timezone(page.exchange_id, page.display_symbol or symbol, asset_type)
        if zone is None:
            raise ProviderResponseError(
                f"unknown Saxo exchange {page.exchange_id!r} for {symbol} (Uic {uic}): its "
                "session time zone is not known. Add it to EXCHANGE_ID_TIMEZONES in "
                "market_pipeline/providers/saxo/exchanges.py.",
                provider=PROVIDER,
                endpoint=CHART_PATH,
                symbol=symbol,
            )
        return zone

    @staticmethod
    def _response_error(path: str, symbol: str, error: Exception) -> ProviderResponseError:
        return ProviderResponseError(
            f"Saxo {path} for {symbol} returned a payload that cannot be parsed: {error}",
            provider=PROVIDER,
            endpoint=path,
            symbol=symbol,
        )


def _excerpt(text: str) -> str:
    flat = " ".join(text.split())
    return flat[:BODY_EXCERPT_CHARS] + ("..." if len(flat) > BODY_EXCERPT_CHARS else "")
