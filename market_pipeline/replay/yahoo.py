"""A loopback server that speaks Yahoo Finance's wire format from recorded payloads.

It serves the cookie endpoint (`/`, as `fc.yahoo.com` is hit), `/v1/test/getcrumb`,
`/v8/finance/chart/{symbol}`, `/v10/finance/quoteSummary/{symbol}` and
`/ws/fundamentals-timeseries/v1/finance/timeseries/{symbol}`. Every body comes from the real
recordings under `data/yahoo/` (see PROVENANCE.md there); the catalog below names which
recording serves which symbol. A chart request gets only the bars inside its
`period1`..`period2` window, so one recording serves many windows.

Run standalone with `python -m market_pipeline.replay.yahoo --port N`.
"""

from __future__ import annotations

import argparse
import copy
import json
import logging
import signal
import sys
import threading
from collections.abc import Iterable
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from market_pipeline.replay.server import ReplayRequest, ReplayResponse, ReplayServer

logger = logging.getLogger(__name__)

DATA_DIR = Path(__file__).parent / "data" / "yahoo"
CRUMB_RECORDING = "yahoo_misc/node-yahoo-finance2/getCrumb-getcrumb.json"
COOKIE_RECORDING = "yahoo_misc/node-yahoo-finance2/getCrumb-quote-AAPL.json"

CHART_PREFIX = "/v8/finance/chart/"
QUOTE_SUMMARY_PREFIX = "/v10/finance/quoteSummary/"
TIMESERIES_PREFIX = "/ws/fundamentals-timeseries/v1/finance/timeseries/"
CRUMB_PATH = "/v1/test/getcrumb"

# Which recordings serve which Yahoo symbol. For charts, the recording with the most bars in
# the requested window is served (the first one on a tie). For quoteSummary and timeseries the
# recordings are merged, later ones replacing a module or type of earlier ones.
CHART_CATALOG: dict[str, tuple[str, ...]] = {
    "AAPL": (
        "openbb_vcr/test_y_finance_equity_historical_fetcher_curl/00-chart-AAPL.json",
        "yahoo_chart/node-yahoo-finance2/chart-AAPL-2020-08-31-to-2020-11-07.json",
    ),
    "MSFT": (
        # Taken after the 2025-08-29 close; the mid-session `@968004a` capture is for tests.
        "yahoo_chart/yfinance-rs/history_chart_MSFT@e80c647.json",
        "yahoo_chart/node-yahoo-finance2/historical-via-chart-MSFT-dividends-2021-02-01-to-2022-01-31.csv.json",
    ),
    "ES=F": ("openbb_vcr/test_y_finance_futures_historical_fetcher_curl/00-chart-ES=F.json",),
    "EURUSD=X": (
        "openbb_vcr/test_y_finance_currency_historical_fetcher_curl/00-chart-EURUSD=X.json",
    ),
}
QUOTE_SUMMARY_CATALOG: dict[str, tuple[str, ...]] = {
    "AAPL": ("yahoo_quotesummary/node-yahoo-finance2/quoteSummary-all-AAPL.json",),
    "AMZN": (
        "yahoo_quotesummary/node-yahoo-finance2/quoteSummary-assetProfile-AMZN.json",
        "yahoo_quotesummary/node-yahoo-finance2/quoteSummary-calendarEvents-AMZN.json",
        "yahoo_quotesummary/node-yahoo-finance2/quoteSummary-earningsHistory-AMZN.json",
        "yahoo_quotesummary/node-yahoo-finance2/quoteSummary-earningsTrend-AMZN.json",
        "yahoo_quotesummary/node-yahoo-finance2/quoteSummary-financialData-AMZN.json",
        "yahoo_quotesummary/node-yahoo-finance2/quoteSummary-recommendationTrend-AMZN.json",
    ),
    "QQQ": ("yahoo_quotesummary/node-yahoo-finance2/quoteSummary-all-QQQ.json",),
    "MSFT": ("yahoo_quotesummary/yfinance-rs/analysis_api_financialData_MSFT.json",),
    "META": ("yahoo_quotesummary/yfinance-rs/fundamentals_api_calendarEvents_META.json",),
}
TIMESERIES_CATALOG: dict[str, tuple[str, ...]] = {
    "AAPL": (
        "yahoo_timeseries/node-yahoo-finance2/fundamentalsTimeSeries-AAPL-financials-annual.json",
        "yahoo_timeseries/node-yahoo-finance2/fundamentalsTimeSeries-AAPL-financials-quarterly.json",
        "yahoo_timeseries/node-yahoo-finance2/fundamentalsTimeSeries-AAPL-balance-sheet-quarterly.json",
        "yahoo_timeseries/node-yahoo-finance2/fundamentalsTimeSeries-AAPL-cash-flow-quarterly.json",
    ),
    "AMZN": (
        "yahoo_timeseries/node-yahoo-finance2/fundamentalsTimeSeries-AMZN-financials-quarterly.json",
    ),
    "MSFT": ("yahoo_timeseries/yfinance-rs/timeseries_balance_sheet_annual_MSFT.json",),
    "GOOGL": ("yahoo_timeseries/yfinance-rs/timeseries_cash_flow_annual_GOOGL.json",),
    "QQQ": (
        "yahoo_timeseries/node-yahoo-finance2/fundamentalsTimeSeries-QQQ-financials-quarterly.json",
        "openbb_vcr/test_y_finance_etf_info_fetcher_curl/02-timeseries-QQQ.json",
    ),
}

CHART_NOT_FOUND = {
    "chart": {
        "result": None,
        "error": {"code": "Not Found", "description": "No data found, symbol may be delisted"},
    }
}
INVALID_CRUMB = {
    "finance": {"result": None, "error": {"code": "Unauthorized", "description": "Invalid Crumb"}}
}


@cache
def _load_recording_text(relative_path: str) -> str:
    return (DATA_DIR / relative_path).read_text(encoding="utf-8")


def load_recording(relative_path: str) -> tuple[int, Any]:
    """Return `(status, body)` of a recording.

    node-yahoo-finance2 recordings wrap the body as `response.bodyJson` (or `bodyText`) next to
    the status; other recordings are the bare body, recorded with status 200.
    """
    data = json.loads(_load_recording_text(relative_path))
    response = data.get("response") if isinstance(data, dict) and "request" in data else None
    if isinstance(response, dict):
        body = response["bodyJson"] if "bodyJson" in response else response.get("bodyText")
        return int(response.get("status", 200)), body
    return 200, data


def recorded_crumb() -> str:
    """Return the crumb text Yahoo sent in the crumb recording."""
    _status, crumb = load_recording(CRUMB_RECORDING)
    return str(crumb)


def recorded_cookie() -> str:
    """Return the recorded consent cookie as a host-only, non-Secure cookie for loopback use."""
    data = json.loads(_load_recording_text(COOKIE_RECORDING))
    header = data["response"]["headers"]["set-cookie"][0]
    keep = [
        part.strip()
        for part in header.split(";")
        if not part.strip().lower().startswith(("domain=", "secure"))
    ]
    return "; ".join(keep)


# -- charts ------------------------------------------------------------------------------


def _chart_result(relative_path: str) -> dict[str, Any]:
    _status, body = load_recording(relative_path)
    return body["chart"]["result"][0]


def _in_window(stamp: int, start: int | None, end: int | None) -> bool:
    return (start is None or stamp >= start) and (end is None or stamp < end)


def window_chart(result: dict[str, Any], start: int | None, end: int | None) -> dict[str, Any]:
    """Return a copy of one chart result cut to timestamps `start` <= t < `end`.

    Meta stays as recorded. Without any bar in the window the result has Yahoo's empty shape:
    meta and an empty quote, no `timestamp`.
    """
    cut = {key: copy.deepcopy(value) for key, value in result.items() if key != "timestamp"}
    stamps = result.get("timestamp") or []
    keep = [index for index, stamp in enumerate(stamps) if _in_window(stamp, start, end)]
    if not keep:
        cut["indicators"] = {"quote": [{}]}
        cut.pop("events", None)
        return cut
    cut["timestamp"] = [stamps[index] for index in keep]
    for group in cut.get("indicators", {}).values():
        for series in group:
            for name, values in series.items():
                series[name] = [values[index] for index in keep]
    events = cut.get("events") or {}
    for kind, entries in list(events.items()):
        events[kind] = {
            key: event for key, event in entries.items() if _in_window(event["date"], start, end)
        }
    return cut


def _bars_in_window(result: dict[str, Any], start: int | None, end: int | None) -> int:
    return sum(1 for stamp in result.get("timestamp") or [] if _in_window(stamp, start, end))


def choose_chart(symbol: str, start: int | None, end: int | None) -> dict[str, Any] | None:
    """Return the recorded chart result for `symbol` with the most bars in the window."""
    recordings = CHART_CATALOG.get(symbol)
    if not recordings:
        return None
    results = [_chart_result(path) for path in recordings]
    return max(results, key=lambda result: _bars_in_window(result, start, end))


def covered_symbols() -> list[str]:
    """Return the Yahoo symbols that have recorded daily bars."""
    return sorted(CHART_CATALOG)


def covered_sessions(symbol: str, *, final_only: bool = True) -> list[date]:
    """Return the sessions with a recorded bar for `symbol`, oldest first.

    With `final_only`, bars that were live when recorded (each capture's last bar) are left
    out.
    """
    from market_pipeline.providers.yahoo.parse_chart import parse_chart
    from market_pipeline.providers.yahoo.symbols import to_listing_symbol

    sessions: set[date] = set()
    for path in CHART_CATALOG.get(symbol, ()):
        _status, body = load_recording(path)
        series = parse_chart(body, to_listing_symbol(symbol))
        sessions.update(bar.session for bar in series.bars if bar.final or not final_only)
    return sorted(sessions)


def common_sessions(symbols: Iterable[str]) -> list[date]:
    """Return the sessions every symbol in `symbols` has a final recorded bar for."""
    shared: set[date] | None = None
    for symbol in symbols:
        sessions = set(covered_sessions(symbol))
        shared = sessions if shared is None else shared & sessions
    return sorted(shared or ())


# -- quoteSummary and timeseries ---------------------------------------------------------


def recorded_modules(symbol: str) -> dict[str, Any]:
    """Return every recorded quoteSummary module for `symbol`, merged across recordings."""
    modules: dict[str, Any] = {}
    for path in QUOTE_SUMMARY_CATALOG.get(symbol, ()):
        status, body = load_recording(path)
        results = (body.get("quoteSummary") or {}).get("result") or [] if status == 200 else []
        for result in results:
            modules.update(result)
    return modules


def recorded_series(symbol: str) -> dict[str, dict[str, Any]]:
    """Return every recorded timeseries result with data for `symbol`, by prefixed type."""
    series: dict[str, dict[str, Any]] = {}
    for path in TIMESERIES_CATALOG.get(symbol, ()):
        _status, body = load_recording(path)
        for result in body["timeseries"]["result"] or []:
            name = result["meta"]["type"][0]
            if result.get(name):
                series[name] = result
    return series


def _requested(request: ReplayRequest, name: str) -> list[str]:
    values = request.query.get(name) or []
    return [item for value in values for item in value.split(",") if item]


def _symbol_after(prefix: str, path: str) -> str:
    return path[len(prefix) :].strip("/")


def _epoch_param(request: ReplayRequest, name: str) -> int | None:
    value = request.param(name)
    try:
        return int(value) if value else None
    except ValueError:
        return None


class YahooReplayServer(ReplayServer):
    """Replays recorded Yahoo payloads on 127.0.0.1 and checks the crumb like Yahoo does."""

    name = "yahoo"

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        super().__init__(host, port)
        self.crumb = recorded_crumb()

    def route(self, request: ReplayRequest) -> ReplayResponse:
        path = request.path
        if path == "/":
            response = ReplayResponse.text("Not Found", status=404, content_type="text/html")
            response.headers["Set-Cookie"] = recorded_cookie()
            return response
        if path == CRUMB_PATH:
            return ReplayResponse.text(self.crumb, content_type="text/plain;charset=utf-8")
        if path.startswith(CHART_PREFIX):
            return self._chart(request)
        if path.startswith(QUOTE_SUMMARY_PREFIX):
            return self._crumb_checked(request) or self._quote_summary(request)
        if path.startswith(TIMESERIES_PREFIX):
            return self._crumb_checked(request) or self._timeseries(request)
        return ReplayResponse.text("Not Found", status=404, content_type="text/html")

    def empty_response(self, request: ReplayRequest) -> ReplayResponse:
        """Return Yahoo's "no data" response: a chart with meta but no bars, and so on."""
        if request.path.startswith(CHART_PREFIX):
            symbol = _symbol_after(CHART_PREFIX, request.path)
            result = choose_chart(symbol, None, None)
            if result is None:
                return ReplayResponse.json(CHART_NOT_FOUND, status=404)
            empty = window_chart(result, 0, 0)
            return ReplayResponse.json({"chart": {"result": [empty], "error": None}})
        if request.path.startswith(QUOTE_SUMMARY_PREFIX):
            return self._quote_summary_not_found(request)
        if request.path.startswith(TIMESERIES_PREFIX):
            return self._timeseries_payload(request, {})
        return ReplayResponse.json({})

    def _crumb_checked(self, request: ReplayRequest) -> ReplayResponse | None:
        if request.param("crumb") == self.crumb:
            return None
        return ReplayResponse.json(INVALID_CRUMB, status=401)

    def _chart(self, request: ReplayRequest) -> ReplayResponse:
        symbol = _symbol_after(CHART_PREFIX, request.path)
        start = _epoch_param(request, "period1")
        end = _epoch_param(request, "period2")
        result = choose_chart(symbol, start, end)
        if result is None:
            return ReplayResponse.json(CHART_NOT_FOUND, status=404)
        return ReplayResponse.json(
            {"chart": {"result": [window_chart(result, start, end)], "error": None}}
        )

    def _quote_summary(self, request: ReplayRequest) -> ReplayResponse:
        symbol = _symbol_after(QUOTE_SUMMARY_PREFIX, request.path)
        recorded = recorded_modules(symbol)
        wanted = _requested(request, "modules")
        modules = {name: recorded[name] for name in wanted if name in recorded}
        if not modules:
            return self._quote_summary_not_found(request)
        return ReplayResponse.json({"quoteSummary": {"result": [modules], "error": None}})

    def _quote_summary_not_found(self, request: ReplayRequest) -> ReplayResponse:
        symbol = _symbol_after(QUOTE_SUMMARY_PREFIX, request.path)
        wanted = ",".join(_requested(request, "modules"))
        if symbol in QUOTE_SUMMARY_CATALOG or symbol in CHART_CATALOG:
            description = f"No fundamentals data found for any of the summaryTypes={wanted}"
        else:
            description = f"Quote not found for symbol: {symbol}"
        error = {"code": "Not Found", "description": description}
        return ReplayResponse.json({"quoteSummary": {"result": None, "error": error}}, status=404)

    def _timeseries(self, request: ReplayRequest) -> ReplayResponse:
        symbol = _symbol_after(TIMESERIES_PREFIX, request.path)
        return self._timeseries_payload(request, recorded_series(symbol))

    def _timeseries_payload(
        self, request: ReplayRequest, series: dict[str, dict[str, Any]]
    ) -> ReplayResponse:
        symbol = _symbol_after(TIMESERIES_PREFIX, request.path)
        results = [
            series.get(name) or {"meta": {"symbol": [symbol], "type": [name]}}
            for name in _requested(request, "type")
        ]
        return ReplayResponse.json({"timeseries": {"result": results, "error": None}})


def main(argv: list[str] | None = None) -> int:
    """Serve recorded Yahoo payloads on 127.0.0.1 until SIGINT or SIGTERM."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0, help="TCP port; 0 picks a free one.")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    stop = threading.Event()
    for signal_number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signal_number, lambda *_: stop.set())
    server = YahooReplayServer(port=args.port).start()
    sys.stdout.write(server.base_url + "\n")
    sys.stdout.flush()
    logger.info("Yahoo replay server listening on %s", server.base_url)
    while not stop.wait(0.5):
        pass
    server.stop()
    logger.info("Yahoo replay server stopped")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
