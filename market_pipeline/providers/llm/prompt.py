"""Chat messages for the LLM summary writer, capped at a character budget."""

from __future__ import annotations

import json
import logging
from decimal import Decimal
from typing import Any

from market_pipeline.providers.llm.schema import MAX_HIGHLIGHTS, SummaryRequest

logger = logging.getLogger(__name__)

SYSTEM_PROMPT = (
    "You write short, factual market summaries for a data warehouse. The user message is a "
    "JSON object with the summary kind, its subject, the as-of date, `metrics` and optional "
    "`sources`. State only numbers that appear in `metrics` or `sources`, copied or rounded; "
    "a fraction may be written as a percentage (0.032 as 3.2%). Do not compute, estimate or "
    "recall any other number, and mention no date except the as-of date. Answer with one "
    'JSON object: {"summary": "<2 to 4 sentences>", "highlights": ["<short fact>", ...]} '
    f"with at most {MAX_HIGHLIGHTS} highlights and nothing else."
)


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def request_document(
    request: SummaryRequest, metric_names: list[str], include_sources: bool, omitted: int
) -> str:
    """Render the user message: the request with the chosen metrics, as JSON."""
    document: dict[str, Any] = {
        "kind": request.kind,
        "subject": request.subject,
        "as_of": request.as_of.isoformat(),
        "metrics": {name: _json_value(request.metrics[name]) for name in metric_names},
    }
    if include_sources and request.sources:
        document["sources"] = request.sources
    if omitted:
        document["note"] = f"{omitted} metrics were left out to fit the prompt size limit."
    return json.dumps(document, default=str, ensure_ascii=False)


def build_messages(request: SummaryRequest, max_prompt_chars: int) -> list[dict[str, str]]:
    """Return the system and user messages, at most `max_prompt_chars` characters in all.

    Over the budget, sources are dropped first, then metrics from the end of the
    alphabetical order, one at a time, so the same request is always cut the same way.
    """
    names = sorted(request.metrics)
    include_sources = request.sources is not None
    while True:
        omitted = len(request.metrics) - len(names)
        user = request_document(request, names, include_sources, omitted)
        if len(SYSTEM_PROMPT) + len(user) <= max_prompt_chars:
            break
        if include_sources:
            include_sources = False
        elif names:
            names.pop()
        else:
            raise ValueError(
                f"max_prompt_chars is {max_prompt_chars}, but the instructions and the "
                f"request without metrics need {len(SYSTEM_PROMPT) + len(user)} characters; "
                "raise max_prompt_chars."
            )
    if omitted or (request.sources is not None and not include_sources):
        logger.warning(
            "prompt for %s %s cut to %d characters: %d of %d metrics kept, sources %s",
            request.kind,
            request.subject,
            max_prompt_chars,
            len(names),
            len(request.metrics),
            "kept" if include_sources else "dropped",
        )
    return [{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": user}]
