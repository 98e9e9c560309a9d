"""Network I/O for Yahoo through yfinance's HTTP layer (curl_cffi session, cookie and crumb).

`YahooClient.get_json` runs one GET with retries and returns the decoded JSON; the parsers in
`parse_*.py` turn it into records. With `base_url` set, every request goes to that origin
instead of Yahoo (the loopback replay server), keeping path and query.
"""

from __future__ import annotations

import json
import logging
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from curl_cffi import requests as curl_requests
from yfinance import cache as yf_cache
from yfinance.config import YfConfig
from yfinance.data import YfData
from yfinance.exceptions import YFRateLimitError

from market_pipeline.providers.errors import ProviderConfigurationError, ProviderResponseError
from market_pipeline.providers.retry import (
    RetryableError,
    RetryPolicy,
    call_with_retry,
    parse_retry_after,
)

logger = logging.getLogger(__name__)

PROVIDER = "yahoo"
YAHOO_DOMAIN = "yahoo.com"
CHART_URL = "https://query2.finance.yahoo.com/v8/finance/chart/{symbol}"
QUOTE_SUMMARY_URL = "https://query2.finance.yahoo.com/v10/finance/quoteSummary/{symbol}"
TIMESERIES_URL = (
    "https://query2.finance.yahoo.com/ws/fundamentals-timeseries/v1/finance/timeseries/{symbol}"
)
_BODY_EXCERPT = 120


class RedirectingSession(curl_requests.Session):
    """A curl_cffi session that sends every Yahoo request to `origin`, keeping path and query.

    It rejects URLs on any other host and never follows redirects, so a session made for the
    replay server cannot reach the internet.
    """

    def __init__(self, origin: str) -> None:
        parts = urlsplit(origin)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ProviderConfigurationError(
                f"invalid Yahoo base_url {origin!r}: expected an origin such as "
                "`http://127.0.0.1:8765`.",
                provider=PROVIDER,
            )
        super().__init__(impersonate="chrome", trust_env=False)
        self.origin = f"{parts.scheme}://{parts.netloc}"

    def redirect(self, url: str) -> str:
        """Return `url` with its scheme and host replaced by the origin."""
        parts = urlsplit(url)
        host = parts.hostname or ""
        own_host = urlsplit(self.origin).netloc == parts.netloc
        if not own_host and host != YAHOO_DOMAIN and not host.endswith("." + YAHOO_DOMAIN):
            raise ProviderConfigurationError(
                f"refusing to send {url!r} through the Yahoo redirect to {self.origin}: "
                "only Yahoo hosts are redirected.",
                provider=PROVIDER,
            )
        origin = urlsplit(self.origin)
        return urlunsplit((origin.scheme, origin.netloc, parts.path or "/", parts.query, ""))

    def request(self, method: Any, url: str, *args: Any, **kwargs: Any) -> Any:
        kwargs["allow_redirects"] = False
        return super().request(method, self.redirect(url), *args, **kwargs)


def new_yf_data(session: Any) -> YfData:
    """Return a YfData of our own for `session`, outside yfinance's process-wide singleton.

    `YfData()` always returns one shared instance, so clients with different base URLs would
    share one cookie and crumb. Calling `type.__call__` skips the singleton's `__call__`.
    """
    return type.__call__(YfData, session=session)


def reset_yfinance_state() -> None:
    """Reset yfinance's process-wide state between tests.

    Drops the YfData singleton and its cached responses, replaces the on-disk time-zone and
    cookie caches by yfinance's own no-op caches, and makes yfinance raise instead of hiding
    exceptions.
    """
    YfConfig.debug.hide_exceptions = False
    type(YfData)._instances.pop(YfData, None)  # SingletonMeta keeps instances per class
    YfData.cache_get.cache_clear()
    yf_cache._TzCacheManager._tz_cache = yf_cache._TzCacheDummy()
    yf_cache._CookieCacheManager._Cookie_cache = yf_cache._CookieCacheDummy()


@dataclass(frozen=True)
class JsonResponse:
    """A decoded JSON body with its HTTP status (200, or 404 for Yahoo's "not found" bodies)."""

    status: int
    payload: dict[str, Any]


class YahooClient:
    """GETs Yahoo JSON with yfinance's session and crumb, retrying transient failures."""

    def __init__(
        self,
        *,
        base_url: str | None = None,
        timeout_seconds: float = 10,
        policy: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if base_url:
            self.session: Any = RedirectingSession(base_url)
        else:
            self.session = curl_requests.Session(impersonate="chrome")
        self.base_url = base_url
        self.timeout_seconds = timeout_seconds
        self.policy = policy or RetryPolicy()
        self._sleep = sleep
        self._data = new_yf_data(self.session)
        self.request_counts: Counter[str] = Counter()

    @property
    def request_count(self) -> int:
        """Number of data requests sent (cookie and crumb requests not included)."""
        return sum(self.request_counts.values())

    def _crumb(self) -> str | None:
        # NOTE: `_get_cookie_and_crumb` is private in yfinance 1.7.0. `YfData.get` is not used
        # because it retries 4xx/5xx itself and drops the `Retry-After` header of a 429.
        try:
            crumb, _strategy = self._data._get_cookie_and_crumb(self.timeout_seconds)
        except YFRateLimitError as error:
            # yfinance keeps the rejected body as its crumb; start over with a fresh YfData.
            self._data = new_yf_data(self.session)
            raise RetryableError(
                "the crumb request was rate-limited (Too Many Requests)"
            ) from error
        except curl_requests.exceptions.RequestException as error:
            self._data = new_yf_data(self.session)
            raise RetryableError(f"the cookie or crumb request failed: {error}") from error
        return crumb

    def get_json(
        self,
        url: str,
        params: Mapping[str, str],
        *,
        endpoint: str,
        symbol: str,
        needs_crumb: bool,
    ) -> JsonResponse:
        """GET `url` and return its JSON, retrying 429, 5xx, timeouts and malformed bodies.

        Raises ProviderUnavailableError after the last attempt, ProviderConfigurationError for
        401/403, and ProviderResponseError for other 4xx responses with a JSON body.
        """

        def attempt() -> JsonResponse:
            query = dict(params)
            if needs_crumb:
                crumb = self._crumb()
                if crumb:
                    query["crumb"] = crumb
            self.request_counts[endpoint] += 1
            try:
                response = self.session.get(url, params=query, timeout=self.timeout_seconds)
            except curl_requests.exceptions.Timeout as error:
                raise RetryableError(f"timed out after {self.timeout_seconds} s") from error
            except curl_requests.exceptions.RequestException as error:
                raise RetryableError(f"request failed: {error}") from error
            return self._decode(response, endpoint=endpoint, symbol=symbol)

        return call_with_retry(
            attempt,
            policy=self.policy,
            provider=PROVIDER,
            endpoint=endpoint,
            symbol=symbol,
            sleep=self._sleep,
        )

    def _decode(self, response: Any, *, endpoint: str, symbol: str) -> JsonResponse:
        status = response.status_code
        text = response.text or ""
        excerpt = text[:_BODY_EXCERPT].replace("\n", " ")

        if status == 429:
            retry_after = parse_retry_after(response.headers.get("Retry-After"))
            raise RetryableError(f"HTTP 429 Too Many Requests: {excerpt}", retry_after=retry_after)
        if status >= 500:
            raise RetryableError(f"HTTP {status}: {excerpt}")
        if status in (401, 403):
            if "Invalid Crumb" in text:
                self._data = new_yf_data(self.session)  # fetch a new cookie and crumb
                raise RetryableError(f"HTTP {status} Invalid Crumb")
            raise ProviderConfigurationError(
                f"yahoo {endpoint} for {symbol} was rejected with HTTP {status}: {excerpt}. "
                "Check YAHOO_BASE_URL and whether Yahoo blocks this host.",
                provider=PROVIDER,
                endpoint=endpoint,
                symbol=symbol,
            )

        content_type = response.headers.get("Content-Type", "")
        if "html" in content_type or text.lstrip().startswith("<"):
            raise RetryableError(f"HTTP {status} returned HTML instead of JSON: {excerpt}")
        try:
            payload = json.loads(text)
        except json.JSONDecodeError as error:
            raise RetryableError(
                f"HTTP {status} returned truncated or invalid JSON ({len(text)} bytes): {error}"
            ) from error

        if status >= 400 and status != 404:
            raise ProviderResponseError(
                f"yahoo {endpoint} for {symbol} failed with HTTP {status}: {excerpt}",
                provider=PROVIDER,
                endpoint=endpoint,
                symbol=symbol,
            )
        if not isinstance(payload, dict):
            raise ProviderResponseError(
                f"yahoo {endpoint} for {symbol} returned JSON that is not an object: {excerpt}",
                provider=PROVIDER,
                endpoint=endpoint,
                symbol=symbol,
            )
        return JsonResponse(status=status, payload=payload)
