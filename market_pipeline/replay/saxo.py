"""A loopback server that speaks the Saxo OpenAPI subset the Saxo provider uses.

It checks the bearer token, serves `/ref/v1/instruments` from recorded instrument lists and
`/chart/v3/charts` with daily samples built from recorded daily prices, and returns 301 for
`/chart/v1/charts` as the retired path does. Every response carries Saxo's per-minute rate-limit
headers, and a request over the budget gets 429. See `data/saxo/PROVENANCE.md` for the data.

Run it standalone with `python -m market_pipeline.replay.saxo --port 8081 --token T`.
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import math
import signal
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from datetime import time as clock_time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from market_pipeline.replay.server import ReplayRequest, ReplayResponse, ReplayServer

logger = logging.getLogger(__name__)

DATA_DIR = Path(__file__).parent / "data" / "saxo"
INSTRUMENT_FILES = (
    "saxo-order_ref_v1_instruments_Data_PAR_stocks.json",
    "constructed_us_instruments.json",
    "doc_examples_saxo_openapi/referencedata__instruments__instruments_response.json",
)
DEFAULT_TOKEN = "replay-token"
MAX_COUNT = 1200
MAX_TOP = 1000
DEFAULT_TOP = 100
DAILY_HORIZON = 1440
PATH_PREFIXES = ("/sim/openapi", "/openapi")
REF_DIMENSION = "RefDataMinute"
CHART_DIMENSION = "ChartMinute"
NEW_YORK = ZoneInfo("America/New_York")
US_OPEN = clock_time(9, 30)


@dataclass
class DailySeries:
    """Daily samples of one instrument in Saxo's shape, oldest first."""

    uic: int
    asset_type: str
    exchange_id: str
    symbol: str
    currency: str
    description: str
    samples: list[dict[str, Any]] = field(default_factory=list)

    @property
    def times(self) -> list[str]:
        return [sample["Time"] for sample in self.samples]


# -- recorded data ---------------------------------------------------------------------------
def saxo_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def load_instruments() -> list[dict[str, Any]]:
    """Return every recorded instrument search row, in file order."""
    rows: list[dict[str, Any]] = []
    for name in INSTRUMENT_FILES:
        payload = json.loads((DATA_DIR / name).read_text(encoding="utf-8"))
        rows.extend(payload["Data"] if isinstance(payload, dict) else payload)
    return rows


def samples_from_yahoo_chart(path: Path) -> list[dict[str, Any]]:
    """Convert a recorded Yahoo v8 daily chart into Saxo stock samples.

    Each sample is stamped with Yahoo's bar time (the 09:30 New York open) in UTC. Prices are
    rounded to 4 decimals, because Yahoo sends float32 values such as 130.27999877929688.
    Rows with a null price are skipped.
    """
    result = json.loads(path.read_text(encoding="utf-8"))["chart"]["result"][0]
    quote = result["indicators"]["quote"][0]
    samples = []
    for index, stamp in enumerate(result["timestamp"]):
        prices = [quote[name][index] for name in ("open", "high", "low", "close")]
        if any(price is None for price in prices):
            continue
        open_, high, low, close = (round(price, 4) for price in prices)
        samples.append(
            {
                "Close": close,
                "High": high,
                "Interest": 0.0,
                "Low": low,
                "Open": open_,
                "Time": saxo_time(datetime.fromtimestamp(stamp, UTC)),
                "Volume": float(quote["volume"][index] or 0),
            }
        )
    return samples


def samples_from_daily_csv(path: Path) -> list[dict[str, Any]]:
    """Convert a daily `Date,Open,High,Low,Close,Volume` CSV of a New York listing.

    Each sample is stamped at the 09:30 New York open of its date, in UTC.
    """
    samples = []
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            day = datetime.strptime(row[""], "%Y-%m-%d").date()
            opened = datetime.combine(day, US_OPEN, NEW_YORK)
            samples.append(
                {
                    "Close": float(row["Close"]),
                    "High": float(row["High"]),
                    "Interest": 0.0,
                    "Low": float(row["Low"]),
                    "Open": float(row["Open"]),
                    "Time": saxo_time(opened),
                    "Volume": float(row["Volume"]),
                }
            )
    return samples


def load_series(instruments: list[dict[str, Any]]) -> dict[int, DailySeries]:
    """Return the daily series the server can chart, keyed by Uic."""
    by_symbol = {row["Symbol"]: row for row in instruments}
    sources = {
        "AAPL:xnas": samples_from_yahoo_chart(DATA_DIR / "openbb_vcr_00-chart-AAPL.json"),
        "GOOG:xnas": samples_from_daily_csv(DATA_DIR / "backtesting.py_GOOG.csv"),
    }
    series = {}
    for symbol, samples in sources.items():
        row = by_symbol[symbol]
        series[row["Identifier"]] = DailySeries(
            uic=row["Identifier"],
            asset_type=row["AssetType"],
            exchange_id=row["ExchangeId"],
            symbol=symbol,
            currency=row["CurrencyCode"],
            description=row["Description"],
            samples=sorted(samples, key=lambda sample: sample["Time"]),
        )
    return series


# -- rate limits -----------------------------------------------------------------------------
@dataclass
class RateWindow:
    started: float
    used: int = 0


def format_seconds(seconds: float) -> str:
    """Render a reset delay in whole seconds as Saxo does, keeping fractions under a second."""
    if seconds >= 1:
        return str(math.ceil(seconds))
    return f"{max(seconds, 0.001):.3f}"


# -- the server ------------------------------------------------------------------------------
class SaxoReplayServer(ReplayServer):
    """Saxo OpenAPI on 127.0.0.1: bearer check, instrument search, daily charts, rate limits."""

    name = "saxo"

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        token: str = DEFAULT_TOKEN,
        rate_limit: int = 120,
        rate_window_seconds: float = 60.0,
    ) -> None:
        super().__init__(host, port)
        self.token = token
        self.rate_limit = rate_limit
        self.rate_window_seconds = rate_window_seconds
        self.rate_limited_count = 0
        self.instruments = load_instruments()
        self.series = load_series(self.instruments)
        self._windows: dict[str, RateWindow] = {}
        self._rate_lock = threading.Lock()

    def reset(self) -> None:
        """Drop pending faults, the request log and the rate-limit windows."""
        self.clear()
        with self._rate_lock:
            self._windows.clear()
            self.rate_limited_count = 0

    @property
    def request_count(self) -> int:
        """Number of requests recorded since start or the last `clear()`."""
        return self.count()

    def chart_times(self, uic: int | None = None) -> list[str]:
        """Return the `Time` parameter of every recorded chart request, in order."""
        return [
            request.param("Time") or ""
            for request in list(self.requests)
            if self._route_path(request.path).startswith("/chart/v3/charts")
            and (uic is None or request.param("Uic") == str(uic))
        ]

    # -- routing ---------------------------------------------------------------------------
    def route(self, request: ReplayRequest) -> ReplayResponse:
        if request.headers.get("authorization", "") != f"Bearer {self.token}":
            logger.info("Saxo replay rejects %s: missing or wrong bearer token", request.path)
            response = ReplayResponse.json(
                {"ErrorCode": "Unauthorized", "Message": "Missing or invalid bearer token"},
                status=401,
            )
            response.headers["WWW-Authenticate"] = 'Bearer error="invalid_token"'
            return response
        path = self._route_path(request.path)
        if path == "/chart/v1/charts":
            location = f"{self.base_url}/chart/v3/charts"
            if request.query:
                location += "?" + urlencode(request.query, doseq=True)
            response = ReplayResponse.text("Moved Permanently", status=301)
            response.headers["Location"] = location
            return response
        if path == "/ref/v1/instruments":
            return self._limited(REF_DIMENSION, lambda: self._instruments(request))
        if path == "/chart/v3/charts":
            return self._limited(CHART_DIMENSION, lambda: self._chart(request))
        return self._error(404, "NotFound", f"no replay route for {request.path}")

    def empty_response(self, request: ReplayRequest) -> ReplayResponse:
        if "/chart/" in request.path:
            return ReplayResponse.json({"Data": [], "DataVersion": 0})
        return ReplayResponse.json({"Data": [], "__count": 0})

    @staticmethod
    def _route_path(path: str) -> str:
        for prefix in PATH_PREFIXES:
            if path.startswith(prefix + "/"):
                return path[len(prefix) :]
        return path

    @staticmethod
    def _error(status: int, code: str, message: str) -> ReplayResponse:
        logger.info("Saxo replay returns %d %s: %s", status, code, message)
        return ReplayResponse.json({"ErrorCode": code, "Message": message}, status=status)

    def _limited(self, dimension: str, answer: Any) -> ReplayResponse:
        """Count the request against `dimension` and return 429 once the budget is used up."""
        now = time.monotonic()
        with self._rate_lock:
            window = self._windows.get(dimension)
            if window is None or now - window.started >= self.rate_window_seconds:
                window = self._windows[dimension] = RateWindow(started=now)
            reset = format_seconds(window.started + self.rate_window_seconds - now)
            allowed = window.used < self.rate_limit
            if allowed:
                window.used += 1
            else:
                self.rate_limited_count += 1
            remaining = self.rate_limit - window.used
        if allowed:
            response = answer()
        else:
            response = self._error(429, "RateLimitExceeded", f"{dimension} limit exceeded")
        response.headers[f"X-RateLimit-{dimension}-Limit"] = str(self.rate_limit)
        response.headers[f"X-RateLimit-{dimension}-Remaining"] = str(remaining)
        response.headers[f"X-RateLimit-{dimension}-Reset"] = reset
        return response

    # -- /ref/v1/instruments ---------------------------------------------------------------
    def _instruments(self, request: ReplayRequest) -> ReplayResponse:
        keywords = (request.param("Keywords") or "").lower().split()
        asset_types = {value for value in (request.param("AssetTypes") or "").split(",") if value}
        exchange_id = request.param("ExchangeId")
        uics = {value for value in (request.param("Uics") or "").split(",") if value}
        try:
            top = min(int(request.param("$top") or DEFAULT_TOP), MAX_TOP)
            skip = int(request.param("$skip") or 0)
        except ValueError:
            return self._error(400, "InvalidRequest", "$top and $skip must be integers")

        def matches(row: dict[str, Any]) -> bool:
            text = f"{row['Symbol']} {row.get('Description', '')}".lower()
            return (
                all(keyword in text for keyword in keywords)
                and (not asset_types or row["AssetType"] in asset_types)
                and (not exchange_id or row["ExchangeId"] == exchange_id)
                and (not uics or str(row["Identifier"]) in uics)
            )

        found = [row for row in self.instruments if matches(row)]
        payload: dict[str, Any] = {"Data": found[skip : skip + top], "__count": len(found)}
        if skip + top < len(found):
            query = {key: values[0] for key, values in request.query.items()}
            query.update({"$top": str(top), "$skip": str(skip + top)})
            payload["__next"] = f"/openapi/ref/v1/instruments?{urlencode(query)}"
        return ReplayResponse.json(payload)

    # -- /chart/v3/charts ------------------------------------------------------------------
    def _chart(self, request: ReplayRequest) -> ReplayResponse:
        # NOTE: error bodies follow Saxo's {"ErrorCode", "Message"} shape, but the codes used
        # here were not taken from a capture.
        try:
            uic = int(request.param("Uic") or "")
            horizon = int(request.param("Horizon") or "")
            count = int(request.param("Count") or MAX_COUNT)
        except ValueError:
            return self._error(400, "InvalidRequest", "Uic, Horizon and Count must be integers")

        series = self.series.get(uic)
        if series is None or series.asset_type != request.param("AssetType"):
            return self._error(
                404, "IllegalInstrumentId", f"no {request.param('AssetType')} with Uic {uic}"
            )
        if horizon != DAILY_HORIZON:
            return self._error(400, "InvalidRequest", "the replay server has daily samples only")
        if not 1 <= count <= MAX_COUNT:
            return self._error(400, "InvalidRequest", f"Count must be 1..{MAX_COUNT}")

        selected = self._select(series, request.param("Mode"), request.param("Time"), count)
        if isinstance(selected, ReplayResponse):
            return selected
        groups = set((request.param("FieldGroups") or "Data").split(","))
        return ReplayResponse.json(self._chart_payload(series, selected, groups))

    @staticmethod
    def _chart_payload(
        series: DailySeries, selected: list[dict[str, Any]], groups: set[str]
    ) -> dict[str, Any]:
        payload: dict[str, Any] = {"Data": selected, "DataVersion": len(series.samples)}
        if "ChartInfo" in groups:
            payload["ChartInfo"] = {
                "DelayedByMinutes": 0,
                "ExchangeId": series.exchange_id,
                "FirstSampleTime": series.samples[0]["Time"],
                "Horizon": DAILY_HORIZON,
            }
        if "DisplayAndFormat" in groups:
            payload["DisplayAndFormat"] = {
                "Currency": series.currency,
                "Decimals": 2,
                "Description": series.description,
                "Format": "Normal",
                "Symbol": series.symbol,
            }
        return payload

    def _select(
        self, series: DailySeries, mode: str | None, time_text: str | None, count: int
    ) -> list[dict[str, Any]] | ReplayResponse:
        if time_text is None:
            return series.samples[-count:]
        try:
            moment = datetime.fromisoformat(time_text)
        except ValueError:
            return self._error(400, "InvalidRequest", f"Time {time_text!r} is not ISO-8601")
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        stamps = [datetime.fromisoformat(stamp) for stamp in series.times]
        mode = mode or "UpTo"
        if mode.lower() == "upto":
            upto = [
                sample
                for sample, stamp in zip(series.samples, stamps, strict=True)
                if stamp <= moment
            ]
            return upto[-count:]
        if mode.lower() == "from":
            since = [
                sample
                for sample, stamp in zip(series.samples, stamps, strict=True)
                if stamp >= moment
            ]
            return since[:count]
        return self._error(400, "InvalidRequest", f"Mode {mode!r} is not UpTo or From")


# -- command line ----------------------------------------------------------------------------
def serve_until_signal(server: ReplayServer) -> None:
    """Serve until SIGINT or SIGTERM, then stop the server."""
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    server.start()
    sys.stdout.write(server.base_url + "\n")
    sys.stdout.flush()
    logger.info("%s replay server listening on %s", server.name, server.base_url)
    stop.wait()
    server.stop()
    logger.info("%s replay server stopped", server.name)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve the Saxo OpenAPI replay on 127.0.0.1.")
    parser.add_argument("--host", default="127.0.0.1", help="Address to bind.")
    parser.add_argument("--port", type=int, default=0, help="TCP port; 0 picks a free one.")
    parser.add_argument("--token", default=DEFAULT_TOKEN, help="Bearer token to accept.")
    parser.add_argument(
        "--rate-limit", type=int, default=120, help="Requests per window per service group."
    )
    parser.add_argument(
        "--rate-window", type=float, default=60.0, help="Rate-limit window in seconds."
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    server = SaxoReplayServer(
        args.host,
        args.port,
        token=args.token,
        rate_limit=args.rate_limit,
        rate_window_seconds=args.rate_window,
    )
    serve_until_signal(server)


if __name__ == "__main__":
    main()
