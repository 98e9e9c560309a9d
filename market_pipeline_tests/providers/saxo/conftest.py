"""Fixtures for the Saxo provider tests: recorded payloads and a replay server."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from market_pipeline.providers.saxo.client import SaxoClient
from market_pipeline.replay.saxo import DATA_DIR, SaxoReplayServer

TOKEN = "test-token-7f3a9c-SECRET"
PYREPR_TIME = re.compile(
    r"datetime\.datetime\((\d+), (\d+), (\d+), (\d+), ?(\d+)(?:, (\d+))?(?:, (\d+))?\)"
)


def load_payload(relative: str) -> Any:
    """Load a copied JSON payload from the replay data folder."""
    return json.loads((DATA_DIR / relative).read_text(encoding="utf-8"))


def load_pyrepr_samples(relative: str) -> list[dict[str, Any]]:
    """Convert a `repr()` dump of chart samples to JSON without evaluating it."""
    text = (DATA_DIR / relative).read_text(encoding="utf-8")

    def iso(match: re.Match[str]) -> str:
        year, month, day, hour, minute, second, _ = (int(part or 0) for part in match.groups())
        return f'"{year:04d}-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}:{second:02d}Z"'

    return json.loads(PYREPR_TIME.sub(iso, text).replace("'", '"'))


class RecordingSleep:
    """A `sleep` that really sleeps (capped) and records every requested delay."""

    def __init__(self, cap: float = 1.0) -> None:
        self.calls: list[float] = []
        self.cap = cap

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)
        time.sleep(min(seconds, self.cap))


@pytest.fixture
def data_dir() -> Path:
    return DATA_DIR


@pytest.fixture(scope="module")
def replay_server() -> Iterator[SaxoReplayServer]:
    with SaxoReplayServer(token=TOKEN) as server:
        yield server


@pytest.fixture
def replay(replay_server: SaxoReplayServer) -> SaxoReplayServer:
    """The module's replay server, with faults, request log and rate windows reset."""
    replay_server.reset()
    return replay_server


@pytest.fixture
def sleeper() -> RecordingSleep:
    return RecordingSleep()


@pytest.fixture
def make_client(
    replay: SaxoReplayServer, sleeper: RecordingSleep
) -> Iterator[Callable[..., SaxoClient]]:
    clients: list[SaxoClient] = []

    def build(**overrides: Any) -> SaxoClient:
        options: dict[str, Any] = {
            "token": TOKEN,
            "base_url": replay.base_url,
            "timeout_seconds": 2.0,
            "max_attempts": 3,
            "backoff_seconds": 0.01,
            "sleep": sleeper,
        }
        options.update(overrides)
        client = SaxoClient(**options)
        clients.append(client)
        return client

    yield build
    for client in clients:
        client.close()
