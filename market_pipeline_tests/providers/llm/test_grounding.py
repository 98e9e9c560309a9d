"""Grounding check: which stated numbers match no given value."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from market_pipeline.providers.llm.grounding import find_ungrounded_numbers

AS_OF = date(2025, 12, 22)
METRICS = {
    "close": 271.234,
    "return_1d": -0.0321,
    "volume": 36445199,
    "market_cap": 3.215e12,
    "sma_50": Decimal("250.1"),
    "pe_ratio": None,
    "index": "S&P 500",
}


@pytest.mark.parametrize(
    "text",
    [
        "closed at 271.23",
        "closed at 271.2",
        "closed at 271",
        "closed at $271.23",
        "down 3.2%",
        "down 3%",
        "a -3.21% day",
        "return of -0.0321",
        "fell 0.03",
        "volume 36,445,199",
        "volume 36445199",
        "volume 36.4 million",
        "volume 36.45M",
        "cap $3.2T",
        "cap 3.22 trillion",
        "cap 3,215 billion",
        "the 50-day average of 250.1",
        "the S&P 500",
        "as of 2025-12-22",
        "as of December 22, 2025",
        "as of 22 Dec 2025",
        "on Dec 22",
        "in 2025",
    ],
)
def test_grounded_statements(text: str) -> None:
    assert find_ungrounded_numbers(text, METRICS, as_of=AS_OF) == []


@pytest.mark.parametrize(
    ("text", "ungrounded"),
    [
        ("closed at 271.3", ["271.3"]),
        ("closed at 270", ["270"]),
        ("up +3.2%", ["+3.2%"]),
        ("growth of 42.0%", ["42.0%"]),
        ("volume 37 million", ["37 million"]),
        ("cap $3.3T", ["$3.3T"]),
        ("since 2024-01-01", ["2024-01-01"]),
        ("since January 2, 2025", ["January 2, 2025"]),
        ("in 2019", ["2019"]),
        ("a 1,234 gain", ["1,234"]),
    ],
)
def test_ungrounded_statements(text: str, ungrounded: list[str]) -> None:
    assert find_ungrounded_numbers(text, METRICS, as_of=AS_OF) == ungrounded


def test_reports_each_number_once() -> None:
    text = "Growth of 42.0% and 7 days; again 42.0%, with close 271.23."

    assert find_ungrounded_numbers(text, METRICS, as_of=AS_OF) == ["42.0%", "7"]


def test_precision_sets_tolerance() -> None:
    metrics = {"yield": 4.1234}

    assert find_ungrounded_numbers("4.12", metrics) == []
    assert find_ungrounded_numbers("4.123", metrics) == []
    assert find_ungrounded_numbers("4.13", metrics) == ["4.13"]
    assert find_ungrounded_numbers("4.1", metrics) == []
    assert find_ungrounded_numbers("4.2", metrics) == ["4.2"]


def test_percent_metric_as_given() -> None:
    metrics = {"change_pct": 3.2}

    assert find_ungrounded_numbers("rose 3.2%", metrics) == []
    assert find_ungrounded_numbers("rose 320%", metrics) == []
    assert find_ungrounded_numbers("rose 0.032", metrics) == ["0.032"]


def test_negative_numbers() -> None:
    metrics = {"change": -1.5}

    assert find_ungrounded_numbers("changed -1.5", metrics) == []
    assert find_ungrounded_numbers("fell 1.5", metrics) == []
    assert find_ungrounded_numbers("changed \u22121.5", metrics) == []
    assert find_ungrounded_numbers("changed +1.5", metrics) == ["+1.5"]


def test_sources_ground_numbers_and_dates() -> None:
    sources = {"filing": {"period": "Q3 2024", "filed": "2024-11-01", "pages": [12, 40]}}

    text = "The 2024-11-01 filing (Q3 2024, 40 pages) reports 12 items."
    assert find_ungrounded_numbers(text, {}, sources) == []
    assert find_ungrounded_numbers(text, {}) == ["2024-11-01", "2024", "40", "12"]


def test_year_needs_as_of() -> None:
    assert find_ungrounded_numbers("in 2025", {}) == ["2025"]
    assert find_ungrounded_numbers("in 2025", {}, as_of=AS_OF) == []


def test_words_with_digits_ignored() -> None:
    assert find_ungrounded_numbers("Q4 results and the 10-K", {"x": 1}) == ["10"]
    assert find_ungrounded_numbers("Q4 results", {}) == []


def test_no_numbers() -> None:
    assert find_ungrounded_numbers("Shares were flat.", METRICS) == []
