"""Request and response models of the summary writers (LLM and offline)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field, field_validator

SummaryKind = Literal["company", "sector", "macro"]
MetricValue = int | float | Decimal | str | None

MAX_SUMMARY_CHARS = 2000
MAX_HIGHLIGHTS = 5
MAX_HIGHLIGHT_CHARS = 300


class SummaryRequest(BaseModel):
    """The subject of a summary and the only facts it may state."""

    model_config = ConfigDict(frozen=True)

    kind: SummaryKind
    subject: str = Field(min_length=1, description="`AAPL`, `Information Technology`, `US`...")
    as_of: date
    metrics: dict[str, MetricValue] = Field(default_factory=dict)
    sources: dict[str, Any] | None = Field(
        default=None, description="Extra context (names, dates, index names) the text may cite."
    )


class SummaryDraft(BaseModel):
    """The JSON object a model must return.

    Limits are checked by validators instead of JSON-schema keywords, so that the schema stays
    within what OpenAI's strict structured outputs accept.
    """

    model_config = ConfigDict(extra="forbid")

    summary: str
    highlights: list[str]

    @field_validator("summary")
    @classmethod
    def _check_summary(cls, value: str) -> str:
        text = value.strip()
        if not text:
            raise ValueError("summary is empty")
        if len(text) > MAX_SUMMARY_CHARS:
            raise ValueError(
                f"summary has {len(text)} characters; the limit is {MAX_SUMMARY_CHARS}"
            )
        return text

    @field_validator("highlights")
    @classmethod
    def _check_highlights(cls, value: list[str]) -> list[str]:
        items = [item.strip() for item in value]
        if len(items) > MAX_HIGHLIGHTS:
            raise ValueError(f"{len(items)} highlights; the limit is {MAX_HIGHLIGHTS}")
        for index, item in enumerate(items):
            if not item:
                raise ValueError(f"highlight {index} is empty")
            if len(item) > MAX_HIGHLIGHT_CHARS:
                raise ValueError(
                    f"highlight {index} has {len(item)} characters; "
                    f"the limit is {MAX_HIGHLIGHT_CHARS}"
                )
        return items


class WrittenSummary(BaseModel):
    """A finished summary and who wrote it."""

    model_config = ConfigDict(frozen=True)

    summary: str
    highlights: list[str]
    writer: str = Field(description="Data-source name of the writer, e.g. `llm`.")
    model: str | None = Field(default=None, description="Model name; None for the offline writer.")


class SummaryWriter(Protocol):
    """Anything that turns a SummaryRequest into a WrittenSummary."""

    def write_summary(self, request: SummaryRequest) -> WrittenSummary: ...


def draft_json_schema() -> dict[str, Any]:
    """Return the JSON schema of SummaryDraft for `response_format`."""
    schema = SummaryDraft.model_json_schema()
    schema["description"] = (
        f"A factual summary (at most {MAX_SUMMARY_CHARS} characters) and at most "
        f"{MAX_HIGHLIGHTS} highlights, stating only numbers given in the request."
    )
    return schema
