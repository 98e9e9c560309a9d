"""The LLM replay server speaks the OpenAI chat-completions format."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from collections.abc import Iterator

import httpx
import pytest

from market_pipeline.replay.llm import LLMReplayServer, summary_from_prompt

PROMPT = json.dumps(
    {
        "kind": "company",
        "subject": "MSFT",
        "as_of": "2024-05-31",
        "metrics": {"close": 415.13, "volume": 21000000, "pe": None, "sector": "Software"},
    }
)


def _chat(prompt: str, **extra: object) -> dict:
    return {
        "model": "some-model",
        "messages": [
            {"role": "system", "content": "Write JSON."},
            {"role": "user", "content": prompt},
        ],
        **extra,
    }


@pytest.fixture(scope="module")
def server() -> Iterator[LLMReplayServer]:
    with LLMReplayServer(api_key="k") as running:
        yield running


@pytest.fixture
def http(server: LLMReplayServer) -> Iterator[httpx.Client]:
    server.clear()
    server.invalid_json_times = 0
    server.invalid_schema_times = 0
    server.hallucinate = None
    with httpx.Client(
        base_url=server.base_url, headers={"Authorization": "Bearer k"}, timeout=5
    ) as client:
        yield client


def test_completion_envelope(http) -> None:
    answer = http.post("/v1/chat/completions", json=_chat(PROMPT)).json()

    assert answer["object"] == "chat.completion"
    assert answer["model"] == "some-model"
    choice = answer["choices"][0]
    assert choice["finish_reason"] == "stop"
    content = json.loads(choice["message"]["content"])
    assert content["summary"] == (
        "MSFT as of 2024-05-31: close was 415.13; volume was 21000000; sector was Software."
    )
    assert content["highlights"] == ["close: 415.13", "volume: 21000000", "sector: Software"]


def test_both_paths_served(http) -> None:
    assert http.post("/chat/completions", json=_chat(PROMPT)).status_code == 200
    assert http.get("/v1/models").json()["data"][0]["id"] == "replay-model"
    assert http.post("/v2/chat/completions", json=_chat(PROMPT)).status_code == 404


def test_api_key_checked(server) -> None:
    answer = httpx.post(f"{server.base_url}/v1/chat/completions", json=_chat(PROMPT))

    assert answer.status_code == 401
    assert answer.json()["error"]["code"] == "invalid_api_key"


def test_bad_body(http) -> None:
    assert http.post("/v1/chat/completions", content=b"not json").status_code == 400
    assert http.post("/v1/chat/completions", json={"messages": []}).status_code == 400


def test_spoiled_answers_counted_down(server, http) -> None:
    server.invalid_json_times = 1
    server.invalid_schema_times = 1

    contents = [
        http.post("/v1/chat/completions", json=_chat(PROMPT)).json()["choices"][0]["message"][
            "content"
        ]
        for _ in range(3)
    ]

    with pytest.raises(ValueError):
        json.loads(contents[0])
    assert set(json.loads(contents[1])) == {"text"}
    assert set(json.loads(contents[2])) == {"summary", "highlights"}


def test_hallucinate_adds_number(server, http) -> None:
    server.hallucinate = "42.0%"

    answer = http.post("/v1/chat/completions", json=_chat(PROMPT)).json()

    assert "42.0%" in json.loads(answer["choices"][0]["message"]["content"])["summary"]


def test_max_tokens_cuts_answer(http) -> None:
    answer = http.post("/v1/chat/completions", json=_chat(PROMPT, max_tokens=4)).json()

    assert answer["choices"][0]["finish_reason"] == "length"
    assert len(answer["choices"][0]["message"]["content"]) == 16


def test_plain_prompt_numbers() -> None:
    answer = summary_from_prompt("Revenue was 12.5 and margin 31%.")

    assert answer["summary"] == "The request states 12.5, 31%."


def test_base_faults(server, http) -> None:
    server.inject("rate_limit", retry_after=2)

    limited = http.post("/v1/chat/completions", json=_chat(PROMPT))
    normal = http.post("/v1/chat/completions", json=_chat(PROMPT))

    assert limited.status_code == 429
    assert limited.headers["Retry-After"] == "2"
    assert normal.status_code == 200
    assert server.request_count == 2
    assert len(server.bodies()) == 2


def test_cli_serves_until_sigterm() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "market_pipeline.replay.llm", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        base_url = process.stdout.readline().strip()
        answer = httpx.post(f"{base_url}/v1/chat/completions", json=_chat(PROMPT), timeout=5)
        assert answer.status_code == 200
        assert "415.13" in answer.json()["choices"][0]["message"]["content"]
    finally:
        process.send_signal(signal.SIGTERM)
        return_code = process.wait(timeout=10)
    assert return_code == 0
