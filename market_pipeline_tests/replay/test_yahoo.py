import json
import os
import signal
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from datetime import date
from urllib.error import HTTPError

import pytest

from market_pipeline.replay.yahoo import (
    CHART_CATALOG,
    YahooReplayServer,
    common_sessions,
    covered_sessions,
    covered_symbols,
    load_recording,
)


@pytest.fixture
def server() -> Iterator[YahooReplayServer]:
    with YahooReplayServer() as running:
        yield running  # type: ignore[misc]


def get(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, dict(response.headers), response.read()
    except HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_catalog_files_exist() -> None:
    for paths in CHART_CATALOG.values():
        for path in paths:
            status, body = load_recording(path)
            assert status == 200
            assert body["chart"]["result"]


def test_covered_symbols() -> None:
    assert {"AAPL", "MSFT"} <= set(covered_symbols())


def test_covered_sessions_msft() -> None:
    sessions = covered_sessions("MSFT")
    assert date(2025, 8, 29) in sessions
    assert date(2021, 2, 1) in sessions
    assert date(2025, 8, 30) not in sessions


def test_common_sessions_aapl_msft() -> None:
    shared = common_sessions(["AAPL", "MSFT"])
    assert date(2025, 2, 28) in shared
    assert date(2025, 8, 29) in shared
    assert date(2021, 2, 1) not in shared
    assert len([day for day in shared if day >= date(2025, 2, 28)]) == 127


def test_chart_window(server: YahooReplayServer) -> None:
    # 2025-03-03 00:00Z .. 2025-03-08 00:00Z contains the five sessions of that week.
    url = f"{server.base_url}/v8/finance/chart/MSFT?period1=1740960000&period2=1741392000"
    status, _headers, body = get(url)
    result = json.loads(body)["chart"]["result"][0]
    assert status == 200
    assert len(result["timestamp"]) == 5
    assert len(result["indicators"]["quote"][0]["close"]) == 5
    assert len(result["indicators"]["adjclose"][0]["adjclose"]) == 5
    assert result["meta"]["symbol"] == "MSFT"


def test_chart_window_without_bars(server: YahooReplayServer) -> None:
    url = f"{server.base_url}/v8/finance/chart/AAPL?period1=1546300800&period2=1546905600"
    status, _headers, body = get(url)
    result = json.loads(body)["chart"]["result"][0]
    assert status == 200
    assert "timestamp" not in result
    assert result["indicators"] == {"quote": [{}]}


def test_chart_unknown_symbol(server: YahooReplayServer) -> None:
    status, _headers, body = get(f"{server.base_url}/v8/finance/chart/NOPE")
    assert status == 404
    assert json.loads(body)["chart"]["error"]["code"] == "Not Found"


def test_cookie_and_crumb(server: YahooReplayServer) -> None:
    _status, headers, _body = get(f"{server.base_url}/")
    assert headers["Set-Cookie"].startswith("GUCS=")
    assert "Domain" not in headers["Set-Cookie"]
    status, _headers, body = get(f"{server.base_url}/v1/test/getcrumb")
    assert status == 200
    assert body.decode() == "haT3oykhHqZ"


def test_quote_summary_needs_crumb(server: YahooReplayServer) -> None:
    status, _headers, body = get(f"{server.base_url}/v10/finance/quoteSummary/AAPL?modules=price")
    assert status == 401
    assert b"Invalid Crumb" in body


def test_quote_summary_merges_modules(server: YahooReplayServer) -> None:
    url = (
        f"{server.base_url}/v10/finance/quoteSummary/AMZN"
        f"?modules=assetProfile,earningsTrend,fundOwnership&crumb={server.crumb}"
    )
    status, _headers, body = get(url)
    result = json.loads(body)["quoteSummary"]["result"][0]
    assert status == 200
    assert set(result) == {"assetProfile", "earningsTrend"}


def test_quote_summary_not_found(server: YahooReplayServer) -> None:
    url = f"{server.base_url}/v10/finance/quoteSummary/QQQ?modules=earnings&crumb={server.crumb}"
    status, _headers, body = get(url)
    error = json.loads(body)["quoteSummary"]["error"]
    assert status == 404
    assert error["description"].endswith("summaryTypes=earnings")


def test_timeseries_meta_only(server: YahooReplayServer) -> None:
    url = (
        f"{server.base_url}/ws/fundamentals-timeseries/v1/finance/timeseries/MSFT"
        f"?type=annualTotalAssets,annualGoodwill&crumb={server.crumb}"
    )
    _status, _headers, body = get(url)
    results = json.loads(body)["timeseries"]["result"]
    assert len(results[0]["annualTotalAssets"]) == 4
    assert results[1] == {"meta": {"symbol": ["MSFT"], "type": ["annualGoodwill"]}}


def test_empty_fault_chart(server: YahooReplayServer) -> None:
    server.inject("empty", path_contains="/v8/")
    _status, _headers, body = get(f"{server.base_url}/v8/finance/chart/AAPL")
    result = json.loads(body)["chart"]["result"][0]
    assert "timestamp" not in result
    assert result["meta"]["symbol"] == "AAPL"


def test_cli_prints_url_and_stops() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "market_pipeline.replay.yahoo", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert process.stdout is not None
        base_url = process.stdout.readline().strip()
        assert base_url.startswith("http://127.0.0.1:")
        status, _headers, _body = get(f"{base_url}/v1/test/getcrumb")
        assert status == 200
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
    finally:
        if process.poll() is None:
            process.kill()
