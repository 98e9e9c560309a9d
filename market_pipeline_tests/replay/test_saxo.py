"""The Saxo replay server speaks Saxo's wire format: auth, search, charts, limits, CLI."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from collections.abc import Iterator

import httpx
import pytest

from market_pipeline.replay.saxo import DATA_DIR, SaxoReplayServer, samples_from_yahoo_chart

TOKEN = "replay-test-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture(scope="module")
def server() -> Iterator[SaxoReplayServer]:
    with SaxoReplayServer(token=TOKEN, rate_limit=5, rate_window_seconds=60) as running:
        yield running


@pytest.fixture
def http(server: SaxoReplayServer) -> Iterator[httpx.Client]:
    server.reset()
    with httpx.Client(base_url=server.base_url, headers=AUTH, timeout=5) as client:
        yield client


def test_auth_required(server, http) -> None:
    missing = httpx.get(f"{server.base_url}/ref/v1/instruments")
    wrong = httpx.get(
        f"{server.base_url}/ref/v1/instruments", headers={"Authorization": "Bearer nope"}
    )

    assert missing.status_code == 401
    assert wrong.status_code == 401
    assert "WWW-Authenticate" in wrong.headers
    assert server.request_count == 2


def test_instruments_filters(http) -> None:
    answer = http.get(
        "/ref/v1/instruments",
        params={"Keywords": "air", "AssetTypes": "Stock", "ExchangeId": "PAR"},
    ).json()

    symbols = {row["Symbol"] for row in answer["Data"]}
    assert {"AF:xpar", "AI:xpar", "AIR:xpar"} <= symbols
    assert all(row["ExchangeId"] == "PAR" for row in answer["Data"])
    assert answer["__count"] == len(answer["Data"])


def test_instruments_asset_type_filter(http) -> None:
    stocks = http.get("/ref/v1/instruments", params={"Keywords": "GBPCAD"}).json()
    fx_only = http.get(
        "/ref/v1/instruments", params={"Keywords": "GBPCAD", "AssetTypes": "Stock"}
    ).json()

    assert [row["Identifier"] for row in stocks["Data"]] == [23]
    assert fx_only["Data"] == []


def test_instruments_paging(http) -> None:
    first = http.get("/ref/v1/instruments", params={"ExchangeId": "PAR", "$top": 100}).json()
    last = http.get(
        "/ref/v1/instruments", params={"ExchangeId": "PAR", "$top": 100, "$skip": 300}
    ).json()

    assert first["__count"] == 327
    assert len(first["Data"]) == 100
    assert "$skip=100" in first["__next"].replace("%24", "$")
    assert len(last["Data"]) == 27
    assert "__next" not in last


def test_chart_upto_and_from(server, http) -> None:
    times = server.series[211].times
    base = {"Uic": 211, "AssetType": "Stock", "Horizon": 1440, "Count": 3}

    upto = http.get("/chart/v3/charts", params={**base, "Mode": "UpTo", "Time": times[10]})
    since = http.get("/chart/v3/charts", params={**base, "Mode": "From", "Time": times[10]})
    latest = http.get("/chart/v3/charts", params=base)

    assert [row["Time"] for row in upto.json()["Data"]] == times[8:11]
    assert [row["Time"] for row in since.json()["Data"]] == times[10:13]
    assert [row["Time"] for row in latest.json()["Data"]] == times[-3:]
    assert "ChartInfo" not in upto.json()


def test_chart_field_groups(http) -> None:
    answer = http.get(
        "/chart/v3/charts",
        params={
            "Uic": 211,
            "AssetType": "Stock",
            "Horizon": 1440,
            "Count": 1,
            "FieldGroups": "ChartInfo,Data,DisplayAndFormat",
        },
    ).json()

    assert answer["ChartInfo"]["ExchangeId"] == "NASDAQ"
    assert answer["ChartInfo"]["FirstSampleTime"] == "2023-01-03T14:30:00.000000Z"
    assert answer["DisplayAndFormat"]["Symbol"] == "AAPL:xnas"
    assert answer["DisplayAndFormat"]["Currency"] == "USD"


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"Uic": 211, "AssetType": "Stock", "Horizon": 1440, "Count": 1201}, 400),
        ({"Uic": 211, "AssetType": "Stock", "Horizon": 60}, 400),
        ({"Uic": 211, "AssetType": "FxSpot", "Horizon": 1440}, 404),
        ({"Uic": 5, "AssetType": "Stock", "Horizon": 1440}, 404),
        (
            {
                "Uic": 211,
                "AssetType": "Stock",
                "Horizon": 1440,
                "Mode": "Sideways",
                "Time": "2024-01-02T00:00:00Z",
            },
            400,
        ),
    ],
)
def test_chart_invalid_requests(http, params: dict, status: int) -> None:
    answer = http.get("/chart/v3/charts", params=params)

    assert answer.status_code == status
    assert answer.json()["ErrorCode"]


def test_chart_v1_redirects(server, http) -> None:
    answer = http.get("/chart/v1/charts", params={"Uic": 211, "AssetType": "Stock"})

    assert answer.status_code == 301
    assert answer.headers["Location"].startswith(f"{server.base_url}/chart/v3/charts?")
    assert "Uic=211" in answer.headers["Location"]


def test_gateway_prefix_accepted(http) -> None:
    answer = http.get("/sim/openapi/ref/v1/instruments", params={"Keywords": "TTE"})

    assert answer.status_code == 200
    assert answer.json()["Data"][0]["Symbol"] == "TTE:xpar"


def test_rate_limit_budget(server, http) -> None:
    remaining = []
    for _ in range(5):
        answer = http.get("/ref/v1/instruments", params={"Keywords": "TTE"})
        remaining.append(answer.headers["X-RateLimit-RefDataMinute-Remaining"])
    rejected = http.get("/ref/v1/instruments", params={"Keywords": "TTE"})
    chart = http.get("/chart/v3/charts", params={"Uic": 211, "AssetType": "Stock", "Horizon": 1440})

    assert remaining == ["4", "3", "2", "1", "0"]
    assert rejected.status_code == 429
    assert rejected.headers["X-RateLimit-RefDataMinute-Remaining"] == "0"
    assert 0 < int(rejected.headers["X-RateLimit-RefDataMinute-Reset"]) <= 60
    assert rejected.headers["X-RateLimit-RefDataMinute-Limit"] == "5"
    assert chart.status_code == 200
    assert chart.headers["X-RateLimit-ChartMinute-Remaining"] == "4"
    assert server.rate_limited_count == 1


def test_faults_from_base(server, http) -> None:
    server.inject("empty", path_contains="/chart/")
    server.inject("server_error", path_contains="/ref/")

    chart = http.get("/chart/v3/charts", params={"Uic": 211, "AssetType": "Stock", "Horizon": 1440})
    ref = http.get("/ref/v1/instruments")

    assert chart.json() == {"Data": [], "DataVersion": 0}
    assert ref.status_code == 500
    assert server.count("/chart/") == 1
    assert server.count("/ref/") == 1


def test_yahoo_conversion() -> None:
    raw = json.loads((DATA_DIR / "openbb_vcr_00-chart-AAPL.json").read_text())
    quote = raw["chart"]["result"][0]["indicators"]["quote"][0]

    samples = samples_from_yahoo_chart(DATA_DIR / "openbb_vcr_00-chart-AAPL.json")

    assert len(samples) == 746
    assert samples[0]["Time"] == "2023-01-03T14:30:00.000000Z"
    assert samples[0]["Open"] == round(quote["open"][0], 4) == 130.28
    assert samples[0]["Volume"] == quote["volume"][0]
    assert samples[-1]["Time"] == "2025-12-22T21:00:06.000000Z"


def test_cli_serves_until_sigterm() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "market_pipeline.replay.saxo", "--port", "0", "--token", "cli-t"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        base_url = process.stdout.readline().strip()
        answer = httpx.get(
            f"{base_url}/ref/v1/instruments",
            params={"Keywords": "AAPL"},
            headers={"Authorization": "Bearer cli-t"},
            timeout=5,
        )
        assert base_url.startswith("http://127.0.0.1:")
        assert answer.json()["Data"][0]["Identifier"] == 211
    finally:
        process.send_signal(signal.SIGTERM)
        return_code = process.wait(timeout=10)
    assert return_code == 0
