"""Offline summary writer: template sentences built from the metrics alone, no model.

Used when no LLM is configured. Every number it writes is a metric value rounded to the
precision it is written with, so the grounding check in `grounding.py` accepts its output.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from market_pipeline.providers.llm.schema import (
    MAX_HIGHLIGHTS,
    SummaryRequest,
    WrittenSummary,
)

OFFLINE_WRITER_SOURCE_NAME = "offline-writer"
PERCENT_SUFFIXES = ("_pct", "_percent")
HIGHLIGHT_COUNT = 3
LARGE_UNITS = (
    (Decimal("1e12"), "trillion"),
    (Decimal("1e9"), "billion"),
    (Decimal("1e6"), "million"),
)
KIND_NOUNS = {"company": "", "sector": " sector", "macro": " economy"}


def format_metric(name: str, value: Any) -> str:
    """Render one metric value for a sentence.

    Names ending in `_pct`/`_percent` contain percent values and get a `%` sign. Values of a
    million or more are written in millions, billions or trillions with 2 decimals. Other
    whole numbers get thousands separators, and the rest keep 2 decimals (up to 6 below 1).
    """
    if value is None:
        return "not available"
    if isinstance(value, str):
        return value
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if name.endswith(PERCENT_SUFFIXES):
        return f"{number:.2f}%"
    magnitude = abs(number)
    for unit, word in LARGE_UNITS:
        if magnitude >= unit:
            return f"{number / unit:.2f} {word}"
    if number == number.to_integral_value():
        return f"{int(number):,}"
    if magnitude >= 1:
        return f"{number:,.2f}"
    text = f"{number:.6f}".rstrip("0")
    return text if not text.endswith(".") else text + "0"


def metric_label(name: str) -> str:
    for suffix in PERCENT_SUFFIXES:
        if name.endswith(suffix):
            name = name[: -len(suffix)]
    return name.replace("_", " ").strip()


class OfflineSummaryWriter:
    """Deterministic writer with the same output schema as the LLM writer."""

    name = OFFLINE_WRITER_SOURCE_NAME

    def write_summary(self, request: SummaryRequest) -> WrittenSummary:
        """Write one sentence listing every metric, and highlights for the first three."""
        subject = f"{request.subject}{KIND_NOUNS[request.kind]}"
        as_of = request.as_of.isoformat()
        labels = [metric_label(name) for name in request.metrics]
        stated = [
            (
                # `eps_surprise` and `eps_surprise_pct` would both read "eps surprise".
                f"{label} percent"
                if labels.count(label) > 1 and name.endswith(PERCENT_SUFFIXES)
                else label,
                format_metric(name, value),
            )
            for label, (name, value) in zip(labels, request.metrics.items(), strict=True)
        ]
        if stated:
            listing = "; ".join(f"{label} {value}" for label, value in stated)
            summary = f"{subject} as of {as_of}: {listing}."
        else:
            summary = f"No metrics were available for {subject} as of {as_of}."
        available = [(label, value) for label, value in stated if value != "not available"]
        highlights = [
            f"{label[:1].upper()}{label[1:]}: {value}"
            for label, value in available[: min(HIGHLIGHT_COUNT, MAX_HIGHLIGHTS)]
        ]
        return WrittenSummary(
            summary=summary, highlights=highlights, writer=OFFLINE_WRITER_SOURCE_NAME, model=None
        )
