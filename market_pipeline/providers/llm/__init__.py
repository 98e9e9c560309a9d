"""Summary writers: an OpenAI-compatible LLM client, an offline writer and a grounding check."""

from market_pipeline.providers.llm.client import LLM_SOURCE_NAME, LLMClient, LLMOutputError
from market_pipeline.providers.llm.grounding import find_ungrounded_numbers, ungrounded_in_summary
from market_pipeline.providers.llm.resource import LLMResource
from market_pipeline.providers.llm.schema import (
    SummaryRequest,
    SummaryWriter,
    WrittenSummary,
)
from market_pipeline.providers.llm.writer import OFFLINE_WRITER_SOURCE_NAME, OfflineSummaryWriter

__all__ = [
    "LLM_SOURCE_NAME",
    "OFFLINE_WRITER_SOURCE_NAME",
    "LLMClient",
    "LLMOutputError",
    "LLMResource",
    "OfflineSummaryWriter",
    "SummaryRequest",
    "SummaryWriter",
    "WrittenSummary",
    "find_ungrounded_numbers",
    "ungrounded_in_summary",
]
