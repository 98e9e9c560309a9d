"""Prompt building and its size cap."""

from __future__ import annotations

import json
import logging
from datetime import date
from decimal import Decimal

import pytest

from market_pipeline.providers.llm import SummaryRequest
from market_pipeline.providers.llm.prompt import SYSTEM_PROMPT, build_messages


def _request(metric_count: int, sources: dict | None = None) -> SummaryRequest:
    return SummaryRequest(
        kind="sector",
        subject="Energy",
        as_of=date(2024, 5, 31),
        metrics={f"metric_{index:02d}": index * 1.5 for index in range(metric_count)},
        sources=sources,
    )


def _user_document(messages: list[dict[str, str]]) -> dict:
    return json.loads(messages[1]["content"])


def test_prompt_contains_request() -> None:
    request = SummaryRequest(
        kind="company",
        subject="AAPL",
        as_of=date(2025, 12, 22),
        metrics={"volume": Decimal("100"), "close": Decimal("270.97"), "pe": None},
        sources={"exchange": "NASDAQ"},
    )

    messages = build_messages(request, 10_000)

    assert messages[0] == {"role": "system", "content": SYSTEM_PROMPT}
    document = _user_document(messages)
    assert document == {
        "kind": "company",
        "subject": "AAPL",
        "as_of": "2025-12-22",
        "metrics": {"close": 270.97, "pe": None, "volume": 100},
        "sources": {"exchange": "NASDAQ"},
    }


def test_prompt_cap_drops_sources_first() -> None:
    request = _request(3, sources={"notes": "x" * 500})
    full = sum(len(message["content"]) for message in build_messages(request, 100_000))

    messages = build_messages(request, full - 1)

    document = _user_document(messages)
    assert "sources" not in document
    assert len(document["metrics"]) == 3
    assert "note" not in document


def test_prompt_cap_cuts_metrics_deterministically(caplog) -> None:
    caplog.set_level(logging.WARNING)
    request = _request(40)
    budget = len(SYSTEM_PROMPT) + 400

    first = build_messages(request, budget)
    second = build_messages(request, budget)

    assert first == second
    document = _user_document(first)
    kept_names = list(document["metrics"])
    assert kept_names == sorted(kept_names)
    assert kept_names == [f"metric_{index:02d}" for index in range(len(kept_names))]
    assert 0 < len(kept_names) < 40
    assert (
        document["note"]
        == f"{40 - len(kept_names)} metrics were left out to fit the prompt size limit."
    )
    assert sum(len(message["content"]) for message in first) <= budget
    assert "cut to" in caplog.text


def test_prompt_cap_too_small() -> None:
    with pytest.raises(ValueError, match="raise max_prompt_chars"):
        build_messages(_request(2), 100)
