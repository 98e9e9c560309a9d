"""OpenAI-compatible chat-completions client that writes validated summaries.

Works with any server that implements `POST {base_url}/chat/completions` with
`response_format: {"type": "json_schema", ...}` (OpenAI, llama.cpp server, vLLM).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from typing import Any

import httpx
from pydantic import ValidationError

from market_pipeline.providers.errors import (
    ProviderConfigurationError,
    ProviderError,
    ProviderResponseError,
)
from market_pipeline.providers.llm.prompt import build_messages
from market_pipeline.providers.llm.schema import (
    SummaryDraft,
    SummaryRequest,
    WrittenSummary,
    draft_json_schema,
)
from market_pipeline.providers.retry import (
    RetryableError,
    RetryPolicy,
    call_with_retry,
    parse_retry_after,
)

logger = logging.getLogger(__name__)

LLM_SOURCE_NAME = "llm"
PROVIDER = "llm"
CHAT_PATH = "/chat/completions"
API_KEY_ENV_VAR = "LLM_API_KEY"
EXCERPT_CHARS = 300
SCHEMA_NAME = "written_summary"


class LLMOutputError(ProviderError):
    """The model returned content that is not a valid summary, twice."""

    def __init__(self, message: str, *, subject: str, content_excerpt: str, errors: str) -> None:
        super().__init__(message, provider=PROVIDER, endpoint=CHAT_PATH, symbol=subject)
        self.content_excerpt = content_excerpt
        self.errors = errors


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    return text if len(text) <= limit else text[:limit] + "..."


def strip_code_fence(content: str) -> str:
    """Remove a Markdown code fence around a JSON response (some local servers add one)."""
    text = content.strip()
    if text.startswith("```") and text.endswith("```"):
        text = text[3:-3]
        if text.lower().startswith("json"):
            text = text[4:]
    return text.strip()


def validate_content(content: str | None, finish_reason: str | None) -> SummaryDraft | str:
    """Return the parsed draft, or a message saying why `content` is not one."""
    if finish_reason == "length":
        return "the response was cut off at the max_tokens limit, so write less"
    if not content:
        return "the response has no message content"
    try:
        document = json.loads(strip_code_fence(content))
    except ValueError as error:
        return f"the response is not valid JSON ({error})"
    try:
        return SummaryDraft.model_validate(document)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in item['loc']) or 'response'}: {item['msg']}"
            for item in error.errors()
        )
        return f"the response does not match the schema ({problems})"


class LLMClient:
    """Writes summaries through one OpenAI-compatible endpoint; use as a context manager."""

    def __init__(
        self,
        *,
        base_url: str,
        model: str,
        api_key: str | None = None,
        timeout_seconds: float = 60.0,
        max_attempts: int = 3,
        backoff_seconds: float = 1.0,
        max_prompt_chars: int = 12_000,
        max_answer_tokens: int = 600,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not base_url or not model:
            raise ProviderConfigurationError(
                "the LLM is not configured: set LLM_BASE_URL (e.g. https://api.openai.com/v1) "
                "and LLM_MODEL, or use the offline writer.",
                provider=PROVIDER,
            )
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.timeout_seconds = timeout_seconds
        self.max_prompt_chars = max_prompt_chars
        self.max_answer_tokens = max_answer_tokens
        self._policy = RetryPolicy(max_attempts=max_attempts, base_delay=backoff_seconds)
        self._sleep = sleep
        headers = {"Accept": "application/json"}
        if api_key:
            headers["Authorization"] = f"Bearer {api_key}"
        self._http = httpx.Client(base_url=self.base_url, headers=headers, timeout=timeout_seconds)

    def __repr__(self) -> str:
        return f"LLMClient(base_url={self.base_url!r}, model={self.model!r})"

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> LLMClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def write_summary(self, request: SummaryRequest) -> WrittenSummary:
        """Request a summary from the model, and request it once more if the first is invalid.

        Raises LLMOutputError when the second response is invalid too.
        """
        messages = build_messages(request, self.max_prompt_chars)
        content, finish_reason, model = self._complete(messages, request.subject)
        outcome = validate_content(content, finish_reason)
        if isinstance(outcome, str):
            logger.warning(
                "LLM response for %s %s is invalid (%s); requesting it once more",
                request.kind,
                request.subject,
                outcome,
            )
            retry_messages = [
                *messages,
                {"role": "assistant", "content": content or ""},
                {
                    "role": "user",
                    "content": f"Your answer was invalid: {outcome}. Answer again with only "
                    "the JSON object described, nothing else.",
                },
            ]
            content, finish_reason, model = self._complete(retry_messages, request.subject)
            outcome = validate_content(content, finish_reason)
            if isinstance(outcome, str):
                raise LLMOutputError(
                    f"LLM {self.model} at {self.base_url} returned no valid summary twice "
                    f"summary for {request.kind} {request.subject}: {outcome}. "
                    f"The response began: {excerpt(content or '')!r}",
                    subject=request.subject,
                    content_excerpt=excerpt(content or ""),
                    errors=outcome,
                )
        return WrittenSummary(
            summary=outcome.summary,
            highlights=outcome.highlights,
            writer=LLM_SOURCE_NAME,
            model=model or self.model,
        )

    def _complete(
        self, messages: list[dict[str, str]], subject: str
    ) -> tuple[str | None, str | None, str | None]:
        """POST one chat completion; return (content, finish_reason, model)."""
        body = {
            "model": self.model,
            "messages": messages,
            "temperature": 0,
            "max_tokens": self.max_answer_tokens,
            "response_format": {
                "type": "json_schema",
                "json_schema": {"name": SCHEMA_NAME, "strict": True, "schema": draft_json_schema()},
            },
        }

        def attempt() -> dict[str, Any]:
            try:
                response = self._http.post(CHAT_PATH.lstrip("/"), json=body)
            except httpx.TimeoutException as error:
                raise RetryableError(
                    f"timed out after {self.timeout_seconds} s ({type(error).__name__})"
                ) from error
            except httpx.TransportError as error:
                raise RetryableError(f"connection failed ({type(error).__name__})") from error
            return self._decode(response, subject)

        envelope = call_with_retry(
            attempt,
            policy=self._policy,
            provider=PROVIDER,
            endpoint=CHAT_PATH,
            symbol=subject,
            sleep=self._sleep,
        )
        try:
            choice = envelope["choices"][0]
            message = choice["message"]
        except (KeyError, IndexError, TypeError) as error:
            raise ProviderResponseError(
                f"LLM {self.model} at {self.base_url} returned no choices[0].message "
                f"for {subject}: {excerpt(json.dumps(envelope))!r}",
                provider=PROVIDER,
                endpoint=CHAT_PATH,
                symbol=subject,
            ) from error
        content = message.get("content") if isinstance(message, dict) else None
        model = envelope.get("model") if isinstance(envelope.get("model"), str) else None
        return (content if isinstance(content, str) else None), choice.get("finish_reason"), model

    def _decode(self, response: httpx.Response, subject: str) -> dict[str, Any]:
        status = response.status_code
        if status == 429:
            raise RetryableError(
                "HTTP 429 Too Many Requests",
                retry_after=parse_retry_after(response.headers.get("Retry-After")),
            )
        if status >= 500:
            raise RetryableError(f"HTTP {status}")
        if status in (401, 403):
            raise ProviderConfigurationError(
                f"LLM server {self.base_url} rejected the API key (HTTP {status}) for "
                f"{subject}. Set {API_KEY_ENV_VAR} to a valid key for this server.",
                provider=PROVIDER,
                endpoint=CHAT_PATH,
                symbol=subject,
                attempts=1,
            )
        if status >= 300 or status < 200:
            raise ProviderConfigurationError(
                f"LLM server {self.base_url} rejected the request for {subject} with HTTP "
                f"{status}: {excerpt(response.text)!r}. Check LLM_BASE_URL (the API root, "
                f"e.g. ending in /v1) and LLM_MODEL ({self.model!r}).",
                provider=PROVIDER,
                endpoint=CHAT_PATH,
                symbol=subject,
                attempts=1,
            )
        try:
            envelope = response.json()
        except ValueError as error:
            raise RetryableError(
                f"returned a body that is not JSON ({len(response.content)} bytes): "
                f"{excerpt(response.text, 120)!r}"
            ) from error
        if not isinstance(envelope, dict):
            raise RetryableError(f"returned JSON {type(envelope).__name__}, not an object")
        return envelope
