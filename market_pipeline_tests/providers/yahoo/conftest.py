"""Fixtures for the Yahoo provider tests: recorded payloads and the loopback replay server."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from market_pipeline.providers.yahoo.client import reset_yfinance_state
from market_pipeline.providers.yahoo.resource import YahooResource
from market_pipeline.replay.yahoo import YahooReplayServer, load_recording

DATA_PATHS = ("/v8/", "/v10/", "/ws/")


@pytest.fixture(autouse=True)
def _loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Send any request that escapes the redirect to a closed loopback proxy, so it fails."""
    for name in ("ALL_PROXY", "HTTPS_PROXY", "HTTP_PROXY", "all_proxy", "https_proxy"):
        monkeypatch.setenv(name, "http://127.0.0.1:9")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    reset_yfinance_state()


@pytest.fixture
def recording() -> Any:
    """Return a loader for a recorded body by its path under `replay/data/yahoo/`."""

    def load(path: str) -> Any:
        return load_recording(path)[1]

    return load


@pytest.fixture
def yahoo_server() -> Iterator[YahooReplayServer]:
    server = YahooReplayServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def yahoo(yahoo_server: YahooReplayServer) -> Iterator[YahooResource]:
    """A resource pointed at the replay server; afterwards every data request must be seen."""
    resource = YahooResource(
        base_url=yahoo_server.base_url, timeout_seconds=2, max_attempts=3, backoff_seconds=0.001
    )
    yield resource
    seen = sum(yahoo_server.count(prefix) for prefix in DATA_PATHS)
    assert seen == resource.request_count
