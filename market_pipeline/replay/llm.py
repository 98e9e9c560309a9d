"""A loopback OpenAI-compatible chat-completions server for the LLM summary writer.

It serves `POST /v1/chat/completions` (and `/chat/completions`) with a JSON summary built
from the numbers in the request's prompt (the last user message that is a JSON document with
`metrics`, else the last user message), so the summary is grounded. Attributes
steer it: `invalid_json_times` and `invalid_schema_times` spoil that many responses,
`hallucinate = "42.0%"` adds a sentence stating that number. 429s, 5xx and delays come from
the base class (`inject`).

Run it standalone with `python -m market_pipeline.replay.llm --port 8082`.
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import threading
import time
from typing import Any

from market_pipeline.replay.saxo import serve_until_signal
from market_pipeline.replay.server import ReplayRequest, ReplayResponse, ReplayServer

logger = logging.getLogger(__name__)

CHAT_PATHS = ("/v1/chat/completions", "/chat/completions")
MODELS_PATHS = ("/v1/models", "/models")
DEFAULT_MODEL = "replay-model"
CHARS_PER_TOKEN = 4  # rough size of a token, to apply `max_tokens`
NUMBER = re.compile(r"-?\d+(?:\.\d+)?%?")
MAX_REPLAY_HIGHLIGHTS = 3


def render_value(value: Any) -> str:
    """Write a value exactly as the request's JSON had it."""
    return value if isinstance(value, str) else json.dumps(value)


def is_request_json(text: str) -> bool:
    """Tell whether a user message is a JSON request document with `metrics`."""
    try:
        document = json.loads(text)
    except ValueError:
        return False
    return isinstance(document, dict) and isinstance(document.get("metrics"), dict)


def summary_from_prompt(prompt: str) -> dict[str, Any]:
    """Build a `{"summary", "highlights"}` object that restates the prompt's metrics."""
    try:
        document = json.loads(prompt)
    except ValueError:
        document = None
    if isinstance(document, dict) and isinstance(document.get("metrics"), dict):
        subject = document.get("subject", "The subject")
        as_of = document.get("as_of")
        stated = [
            (name.replace("_", " "), render_value(value))
            for name, value in document["metrics"].items()
            if value is not None
        ]
        opening = f"{subject} as of {as_of}" if as_of else str(subject)
        listing = "; ".join(f"{label} was {value}" for label, value in stated)
        summary = f"{opening}: {listing}." if stated else f"{opening}: no metrics were given."
        highlights = [f"{label}: {value}" for label, value in stated[:MAX_REPLAY_HIGHLIGHTS]]
        return {"summary": summary, "highlights": highlights}
    numbers = NUMBER.findall(prompt)
    summary = "The request states " + (", ".join(numbers) if numbers else "no numbers") + "."
    return {"summary": summary, "highlights": numbers[:MAX_REPLAY_HIGHLIGHTS]}


class LLMReplayServer(ReplayServer):
    """OpenAI-compatible chat completions on 127.0.0.1 with steerable invalid responses."""

    name = "llm"

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        api_key: str | None = None,
        model: str = DEFAULT_MODEL,
    ) -> None:
        super().__init__(host, port)
        self.api_key = api_key
        self.model = model
        self.invalid_json_times = 0
        self.invalid_schema_times = 0
        self.hallucinate: str | None = None
        self._answer_lock = threading.Lock()
        self._completions = 0

    @property
    def request_count(self) -> int:
        return self.count()

    def bodies(self) -> list[dict[str, Any]]:
        """Return the JSON bodies of the recorded chat-completion requests, in order."""
        return [
            json.loads(request.body)
            for request in list(self.requests)
            if request.path in CHAT_PATHS and request.body
        ]

    def route(self, request: ReplayRequest) -> ReplayResponse:
        if self.api_key is not None and (
            request.headers.get("authorization") != f"Bearer {self.api_key}"
        ):
            return self._error(401, "Incorrect API key provided.", "invalid_api_key")
        if request.path in MODELS_PATHS and request.method == "GET":
            return ReplayResponse.json(
                {"object": "list", "data": [{"id": self.model, "object": "model"}]}
            )
        if request.path not in CHAT_PATHS or request.method != "POST":
            return self._error(404, f"no route {request.method} {request.path}", "not_found")
        try:
            body = json.loads(request.body)
            messages = body["messages"]
            prompts = [message["content"] for message in messages if message["role"] == "user"]
            prompt = next(
                (text for text in reversed(prompts) if is_request_json(text)), prompts[-1]
            )
        except (ValueError, KeyError, TypeError, IndexError):
            return self._error(400, "body must be JSON with a user message", "invalid_request")
        content = self._content(prompt)
        return ReplayResponse.json(self._envelope(body, prompt, content))

    def _content(self, prompt: str) -> str:
        with self._answer_lock:
            if self.invalid_json_times > 0:
                self.invalid_json_times -= 1
                return '{"summary": "The answer stops in the mid'
            if self.invalid_schema_times > 0:
                self.invalid_schema_times -= 1
                return json.dumps({"text": "a summary under the wrong key"})
            hallucinate = self.hallucinate
        answer = summary_from_prompt(prompt)
        if hallucinate:
            answer["summary"] += f" Analysts expect growth of {hallucinate} next year."
        return json.dumps(answer)

    def _envelope(self, body: dict[str, Any], prompt: str, content: str) -> dict[str, Any]:
        finish_reason = "stop"
        max_tokens = body.get("max_tokens")
        if isinstance(max_tokens, int) and len(content) > max_tokens * CHARS_PER_TOKEN:
            content = content[: max_tokens * CHARS_PER_TOKEN]
            finish_reason = "length"
        with self._answer_lock:
            self._completions += 1
            number = self._completions
        return {
            "id": f"chatcmpl-replay-{number}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body.get("model") or self.model,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": content},
                    "finish_reason": finish_reason,
                }
            ],
            "usage": {
                "prompt_tokens": len(prompt) // CHARS_PER_TOKEN,
                "completion_tokens": len(content) // CHARS_PER_TOKEN,
                "total_tokens": (len(prompt) + len(content)) // CHARS_PER_TOKEN,
            },
        }

    @staticmethod
    def _error(status: int, message: str, code: str) -> ReplayResponse:
        logger.info("LLM replay returns %d %s: %s", status, code, message)
        return ReplayResponse.json(
            {"error": {"message": message, "type": "invalid_request_error", "code": code}},
            status=status,
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description="Serve an OpenAI-compatible chat-completions replay on 127.0.0.1."
    )
    parser.add_argument("--host", default="127.0.0.1", help="Address to bind.")
    parser.add_argument("--port", type=int, default=0, help="TCP port; 0 picks a free one.")
    parser.add_argument("--api-key", default=None, help="Bearer key to require; none if unset.")
    parser.add_argument("--model", default=DEFAULT_MODEL, help="Model name to report.")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    serve_until_signal(
        LLMReplayServer(args.host, args.port, api_key=args.api_key, model=args.model)
    )


if __name__ == "__main__":
    main()
