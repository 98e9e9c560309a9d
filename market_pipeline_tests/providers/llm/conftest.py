"""Fixtures for the LLM provider tests: an OpenAI-compatible replay server."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from market_pipeline.providers.llm import LLMResource, SummaryRequest
from market_pipeline.replay.llm import LLMReplayServer

API_KEY = "sk-test-SECRET-5d1e"


@pytest.fixture(scope="module")
def llm_server() -> Iterator[LLMReplayServer]:
    with LLMReplayServer(api_key=API_KEY) as server:
        yield server


@pytest.fixture
def llm_replay(llm_server: LLMReplayServer) -> LLMReplayServer:
    """The module's server with faults, bad-answer modes and the request log reset."""
    llm_server.clear()
    llm_server.invalid_json_times = 0
    llm_server.invalid_schema_times = 0
    llm_server.hallucinate = None
    return llm_server


@pytest.fixture
def resource(llm_replay: LLMReplayServer) -> LLMResource:
    return LLMResource(
        base_url=f"{llm_replay.base_url}/v1",
        model="replay-model",
        api_key=API_KEY,
        timeout_seconds=2.0,
        max_attempts=3,
        backoff_seconds=0.01,
    )


@pytest.fixture
def company_request() -> SummaryRequest:
    return SummaryRequest(
        kind="company",
        subject="AAPL",
        as_of=date(2025, 12, 22),
        metrics={
            "close": 270.97,
            "return_1d": -0.006123,
            "volume": 36445199,
            "pe_ratio": None,
            "sector": "Information Technology",
        },
    )
