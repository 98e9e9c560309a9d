"""LLM client against the OpenAI-compatible replay server."""

from __future__ import annotations

import logging

import pytest

from market_pipeline.providers.errors import (
    ProviderConfigurationError,
    ProviderUnavailableError,
)
from market_pipeline.providers.llm import (
    LLM_SOURCE_NAME,
    LLMOutputError,
    LLMResource,
    OfflineSummaryWriter,
    ungrounded_in_summary,
)
from market_pipeline.providers.llm.schema import draft_json_schema
from market_pipeline_tests.providers.llm.conftest import API_KEY


def test_valid_answer(resource, llm_replay, company_request) -> None:
    written = resource.write_summary(company_request)

    assert written.writer == LLM_SOURCE_NAME
    assert written.model == "replay-model"
    assert "270.97" in written.summary
    assert written.highlights[0] == "close: 270.97"
    assert ungrounded_in_summary(written, company_request) == []
    assert llm_replay.count("/v1/chat/completions") == 1


def test_request_body(resource, llm_replay, company_request) -> None:
    resource.write_summary(company_request)

    (body,) = llm_replay.bodies()
    assert body["model"] == "replay-model"
    assert body["max_tokens"] == 600
    assert body["temperature"] == 0
    assert body["response_format"]["type"] == "json_schema"
    assert body["response_format"]["json_schema"]["schema"] == draft_json_schema()
    assert body["response_format"]["json_schema"]["strict"] is True
    assert [message["role"] for message in body["messages"]] == ["system", "user"]
    (request,) = llm_replay.requests
    assert request.headers["authorization"] == f"Bearer {API_KEY}"


def test_invalid_json_then_valid(resource, llm_replay, company_request) -> None:
    llm_replay.invalid_json_times = 1

    written = resource.write_summary(company_request)

    assert "270.97" in written.summary
    assert llm_replay.count() == 2
    retry = llm_replay.bodies()[1]["messages"]
    assert [message["role"] for message in retry] == ["system", "user", "assistant", "user"]
    assert "not valid JSON" in retry[-1]["content"]


def test_invalid_twice_raises(resource, llm_replay, company_request) -> None:
    llm_replay.invalid_json_times = 2

    with pytest.raises(LLMOutputError) as caught:
        resource.write_summary(company_request)

    error = caught.value
    assert llm_replay.count() == 2
    assert error.content_excerpt == '{"summary": "The answer stops in the mid'
    assert "not valid JSON" in error.errors
    assert "AAPL" in str(error)
    assert "The answer stops in the mid" in str(error)


def test_invalid_json_then_wrong_schema(resource, llm_replay, company_request) -> None:
    llm_replay.invalid_json_times = 1
    llm_replay.invalid_schema_times = 1

    with pytest.raises(LLMOutputError) as caught:
        resource.write_summary(company_request)

    first_retry_note = llm_replay.bodies()[1]["messages"][-1]["content"]
    assert "not valid JSON" in first_retry_note
    assert "does not match the schema" in caught.value.errors
    assert "summary: Field required" in str(caught.value)
    assert caught.value.content_excerpt == '{"text": "a summary under the wrong key"}'


def test_answer_cut_at_max_tokens(llm_replay, company_request) -> None:
    resource = LLMResource(
        base_url=f"{llm_replay.base_url}/v1",
        model="replay-model",
        api_key=API_KEY,
        max_answer_tokens=5,
        backoff_seconds=0.01,
    )

    with pytest.raises(LLMOutputError, match="max_tokens"):
        resource.write_summary(company_request)

    assert [body["max_tokens"] for body in llm_replay.bodies()] == [5, 5]


def test_429_retried(resource, llm_replay, company_request) -> None:
    llm_replay.inject("rate_limit", times=2, retry_after=0.05)

    written = resource.write_summary(company_request)

    assert written.writer == LLM_SOURCE_NAME
    assert llm_replay.count() == 3


def test_5xx_exhausts_retries(resource, llm_replay, company_request) -> None:
    llm_replay.inject("server_error", times=3)

    with pytest.raises(ProviderUnavailableError) as caught:
        resource.write_summary(company_request)

    assert llm_replay.count() == 3
    assert "after 3 attempts" in str(caught.value)
    assert "AAPL" in str(caught.value)


def test_timeout_retried_then_error(llm_replay, company_request) -> None:
    llm_replay.inject("delay", times=2, delay_seconds=0.5)
    resource = LLMResource(
        base_url=f"{llm_replay.base_url}/v1",
        model="replay-model",
        api_key=API_KEY,
        timeout_seconds=0.2,
        max_attempts=2,
        backoff_seconds=0.01,
    )

    with pytest.raises(ProviderUnavailableError, match="timed out"):
        resource.write_summary(company_request)

    assert llm_replay.count() == 2


def test_html_body_retried(resource, llm_replay, company_request) -> None:
    llm_replay.inject("html", times=1)

    written = resource.write_summary(company_request)

    assert written.summary
    assert llm_replay.count() == 2


def test_hallucination_caught(resource, llm_replay, company_request) -> None:
    llm_replay.hallucinate = "42.0%"

    written = resource.write_summary(company_request)

    assert "42.0%" in written.summary
    assert ungrounded_in_summary(written, company_request) == ["42.0%"]


def test_wrong_key_not_retried(llm_replay, company_request, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    wrong = "sk-wrong-SECRET-0000"
    resource = LLMResource(base_url=f"{llm_replay.base_url}/v1", model="m", api_key=wrong)

    with pytest.raises(ProviderConfigurationError, match="LLM_API_KEY") as caught:
        resource.write_summary(company_request)

    assert llm_replay.count() == 1
    assert wrong not in str(caught.value)
    assert wrong not in caplog.text
    assert wrong not in repr(resource)


def test_wrong_path_is_configuration_error(llm_replay, company_request) -> None:
    resource = LLMResource(base_url=f"{llm_replay.base_url}/v2", model="m", api_key=API_KEY)

    with pytest.raises(ProviderConfigurationError, match="HTTP 404"):
        resource.write_summary(company_request)

    assert llm_replay.count() == 1


def test_key_hidden_in_logs(resource, llm_replay, company_request, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    llm_replay.inject("server_error", times=1)
    llm_replay.invalid_json_times = 1

    resource.write_summary(company_request)

    assert "retrying" in caplog.text
    assert "requesting it once more" in caplog.text
    assert API_KEY not in caplog.text
    assert API_KEY not in repr(resource)
    with resource.client() as client:
        assert API_KEY not in repr(client)


def test_not_configured() -> None:
    resource = LLMResource()

    assert not resource.is_configured
    assert isinstance(resource.summary_writer(), OfflineSummaryWriter)
    with pytest.raises(ProviderConfigurationError, match="LLM_BASE_URL"):
        resource.client()


def test_configured_writer_is_resource(resource) -> None:
    assert resource.is_configured
    assert resource.summary_writer() is resource
