"""Summary writing with the grounding test, shared by the three snapshot assets.

A summary that states a number its request did not give is still stored, with
`{"valid": false, "ungrounded": [...]}` under `_grounding` in the row's metrics document. The
asset's `grounding` check then fails (ERROR, blocking) and names each number.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Engine

from market_pipeline.db.lookup import source_id
from market_pipeline.providers.llm.grounding import find_ungrounded_numbers, ungrounded_in_summary
from market_pipeline.providers.llm.schema import SummaryRequest, SummaryWriter, WrittenSummary

GROUNDING_KEY = "_grounding"
SOURCES_KEY = "_sources"


def summary_text(written: WrittenSummary) -> str:
    """Return the stored text: the summary, then one `- ` line per highlight."""
    lines = [written.summary.strip()]
    lines.extend(f"- {highlight}" for highlight in written.highlights)
    return "\n".join(lines)


def public_metrics(document: Mapping[str, Any]) -> dict[str, Any]:
    """Return the metrics of a stored document without its bookkeeping keys (`_...`)."""
    return {key: value for key, value in document.items() if not key.startswith("_")}


def ungrounded_in_text(
    text: str,
    metrics: Mapping[str, Any],
    sources: Mapping[str, Any] | None,
    subject: str,
    as_of: date,
) -> list[str]:
    """Return the numbers of a stored summary that its metrics and sources do not give."""
    summary_sources = {**(sources or {}), "subject": subject}
    return find_ungrounded_numbers(text, metrics, summary_sources, as_of=as_of)


@dataclass(frozen=True)
class CheckedSummary:
    """A written summary, its stored text and the outcome of the grounding test."""

    text: str
    writer: str
    ungrounded: list[str]

    @property
    def grounding(self) -> dict[str, Any]:
        return {"valid": not self.ungrounded, "ungrounded": self.ungrounded, "writer": self.writer}


def write_checked_summary(writer: SummaryWriter, request: SummaryRequest) -> CheckedSummary:
    """Write one summary and test that every number it states was given."""
    written = writer.write_summary(request)
    return CheckedSummary(
        text=summary_text(written),
        writer=written.writer,
        ungrounded=ungrounded_in_summary(written, request),
    )


class WriterSources:
    """`data_source` ids of the summary writers, read once per run."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._ids: dict[str, uuid.UUID] = {}

    def id_of(self, writer: str) -> uuid.UUID:
        if writer not in self._ids:
            self._ids[writer] = source_id(self._engine, writer)
        return self._ids[writer]
