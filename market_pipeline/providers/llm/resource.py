"""Dagster resource for the summary writer: an LLM when configured, else offline."""

from __future__ import annotations

import dagster as dg
from pydantic import Field

from market_pipeline.providers.errors import ProviderConfigurationError
from market_pipeline.providers.llm.client import PROVIDER, LLMClient
from market_pipeline.providers.llm.schema import SummaryRequest, SummaryWriter, WrittenSummary
from market_pipeline.providers.llm.writer import OfflineSummaryWriter


class LLMResource(dg.ConfigurableResource):
    """An OpenAI-compatible chat-completions endpoint that writes summaries."""

    base_url: str | None = Field(
        default=None,
        description="API root, e.g. `https://api.openai.com/v1` or `http://127.0.0.1:8080/v1`.",
    )
    model: str = Field(default="gpt-4o-mini", description="Model name sent with each request.")
    api_key: str | None = Field(
        default=None, repr=False, description="Bearer key, normally `EnvVar('LLM_API_KEY')`."
    )
    timeout_seconds: float = Field(default=60.0, description="Per-request timeout in seconds.")
    max_attempts: int = Field(default=3, description="Calls per request, retries included.")
    backoff_seconds: float = Field(default=1.0, description="First retry delay in seconds.")
    max_prompt_chars: int = Field(
        default=12_000, description="Character budget of the prompt; metrics beyond it are cut."
    )
    max_answer_tokens: int = Field(default=600, description="`max_tokens` of each response.")

    @property
    def is_configured(self) -> bool:
        """True when a base URL and a model are set."""
        return bool(self.base_url and self.base_url.strip() and self.model.strip())

    def client(self) -> LLMClient:
        """Open a client; raises ProviderConfigurationError when not configured."""
        if not self.is_configured or self.base_url is None:
            raise ProviderConfigurationError(
                "the LLM is not configured: set LLM_BASE_URL and LLM_MODEL, "
                "or use summary_writer() to fall back to the offline writer.",
                provider=PROVIDER,
            )
        return LLMClient(
            base_url=self.base_url,
            model=self.model,
            api_key=self.api_key,
            timeout_seconds=self.timeout_seconds,
            max_attempts=self.max_attempts,
            backoff_seconds=self.backoff_seconds,
            max_prompt_chars=self.max_prompt_chars,
            max_answer_tokens=self.max_answer_tokens,
        )

    def write_summary(self, request: SummaryRequest) -> WrittenSummary:
        """Write one summary with the configured LLM."""
        with self.client() as client:
            return client.write_summary(request)

    def summary_writer(self) -> SummaryWriter:
        """Return this resource when an LLM is configured, else the offline writer."""
        return self if self.is_configured else OfflineSummaryWriter()
