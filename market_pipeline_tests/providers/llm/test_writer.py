"""Offline writer: deterministic, schema-valid and grounded for several metric sets."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from market_pipeline.providers.llm import (
    OFFLINE_WRITER_SOURCE_NAME,
    OfflineSummaryWriter,
    SummaryRequest,
    find_ungrounded_numbers,
    ungrounded_in_summary,
)
from market_pipeline.providers.llm.schema import SummaryDraft
from market_pipeline.providers.llm.writer import format_metric

REQUESTS = [
    SummaryRequest(
        kind="company",
        subject="AAPL",
        as_of=date(2025, 12, 22),
        metrics={
            "close": 270.97,
            "return_1d_pct": -0.6123,
            "volume": 36445199,
            "market_cap": 4.02e12,
            "pe_ratio": None,
            "sector": "Information Technology",
        },
    ),
    SummaryRequest(
        kind="sector",
        subject="Information Technology",
        as_of=date(2024, 3, 1),
        metrics={
            "members": 67,
            "median_return_1m": 0.0417,
            "best_performer": "NVDA",
            "total_revenue": Decimal("1234567890123"),
            "sma_200": 181.5,
        },
    ),
    SummaryRequest(
        kind="macro",
        subject="US",
        as_of=date(2023, 11, 30),
        metrics={"cpi_yoy_pct": 3.1, "unemployment_rate": 0.039, "fed_funds_upper": 5.5},
        sources={"release": "2023-11-14"},
    ),
    SummaryRequest(kind="macro", subject="S&P 500", as_of=date(2025, 1, 2), metrics={}),
]


@pytest.mark.parametrize("request_", REQUESTS, ids=lambda item: item.subject)
def test_offline_output_grounded(request_: SummaryRequest) -> None:
    written = OfflineSummaryWriter().write_summary(request_)

    assert ungrounded_in_summary(written, request_) == []
    assert written.writer == OFFLINE_WRITER_SOURCE_NAME
    assert written.model is None
    SummaryDraft.model_validate({"summary": written.summary, "highlights": written.highlights})


def test_offline_grounded_metrics_only() -> None:
    request = REQUESTS[0]

    written = OfflineSummaryWriter().write_summary(request)

    text = " ".join([written.summary, *written.highlights])
    assert find_ungrounded_numbers(text, request.metrics, as_of=request.as_of) == []


def test_offline_text() -> None:
    written = OfflineSummaryWriter().write_summary(REQUESTS[0])

    assert written.summary == (
        "AAPL as of 2025-12-22: close 270.97; return 1d -0.61%; volume 36.45 million; "
        "market cap 4.02 trillion; pe ratio not available; sector Information Technology."
    )
    assert written.highlights == ["Close: 270.97", "Return 1d: -0.61%", "Volume: 36.45 million"]


def test_offline_deterministic() -> None:
    first = OfflineSummaryWriter().write_summary(REQUESTS[1])
    second = OfflineSummaryWriter().write_summary(REQUESTS[1])

    assert first == second
    assert first.summary.startswith("Information Technology sector as of 2024-03-01:")


def test_offline_no_metrics() -> None:
    written = OfflineSummaryWriter().write_summary(REQUESTS[3])

    assert written.summary == "No metrics were available for S&P 500 economy as of 2025-01-02."
    assert written.highlights == []


@pytest.mark.parametrize(
    ("name", "value", "text"),
    [
        ("close", 271.234, "271.23"),
        ("close", 1234.5, "1,234.50"),
        ("volume", 1200, "1,200"),
        ("volume", 36445199, "36.45 million"),
        ("revenue", -2.5e9, "-2.50 billion"),
        ("ratio", 0.0417, "0.0417"),
        ("ratio", -0.000012, "-0.000012"),
        ("ratio", 0.5, "0.5"),
        ("change_pct", 3.14159, "3.14%"),
        ("name", "NVDA", "NVDA"),
        ("pe", None, "not available"),
        ("price", Decimal("10.00"), "10"),
    ],
)
def test_format_metric(name: str, value: object, text: str) -> None:
    assert format_metric(name, value) == text


def test_percent_twin_labels_differ() -> None:
    request = SummaryRequest(
        kind="company",
        subject="AAPL",
        as_of=date(2025, 8, 29),
        metrics={"eps_surprise": 0.06, "eps_surprise_pct": 2.52, "return_1d_pct": -0.18},
    )
    summary = OfflineSummaryWriter().write_summary(request).summary
    assert "eps surprise 0.06" in summary
    assert "eps surprise percent 2.52%" in summary
    assert "return 1d -0.18%" in summary
