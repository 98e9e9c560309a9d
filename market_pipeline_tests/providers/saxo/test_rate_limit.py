"""Rate-limit header parsing (on a real Saxo batch response) and pacing."""

from __future__ import annotations

from email.parser import HeaderParser

from market_pipeline.providers.saxo.rate_limit import (
    RateLimitPacer,
    parse_rate_limit_headers,
    reset_delay,
)


def _batch_headers(data_dir) -> list[dict[str, str]]:
    """Return the header blocks of the sub-responses in the recorded batch response."""
    text = (data_dir / "openapi-samples-js_batch_response_ref_v1_watchlists.txt").read_text()
    blocks = []
    for part in text.split("--f3b85c46-2d43-4fbf-9bcd-b469735f6dba"):
        if "HTTP/1.1" not in part:
            continue
        http_part = part.split("HTTP/1.1", 1)[1].split("\n", 1)[1]
        headers = HeaderParser().parsestr(http_part.split("\n\n", 1)[0])
        blocks.append(dict(headers.items()))
    return blocks


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def test_headers_real_batch(data_dir) -> None:
    not_found, ok = _batch_headers(data_dir)

    (window,) = parse_rate_limit_headers(ok)

    assert window.dimension == "refdataminute"
    assert window.remaining == 57
    assert window.reset_seconds == 42.0
    assert parse_rate_limit_headers(not_found)[0].remaining == 58
    assert reset_delay(ok) is None


def test_headers_exhausted_reset() -> None:
    headers = {
        "X-RateLimit-ChartMinute-Remaining": "0",
        "X-RateLimit-ChartMinute-Reset": "17",
        "X-RateLimit-AppDay-Remaining": "9999",
        "X-RateLimit-AppDay-Reset": "3600",
    }

    assert reset_delay(headers) == 17.0


def test_headers_invalid_values_ignored() -> None:
    (window,) = parse_rate_limit_headers(
        {"X-RateLimit-ChartMinute-Remaining": "many", "X-RateLimit-ChartMinute-Reset": "soon"}
    )

    assert window.remaining is None
    assert window.reset_seconds is None


def test_pacer_waits_for_reset() -> None:
    clock = FakeClock()
    pacer = RateLimitPacer(sleep=clock.sleep, clock=clock)
    pacer.record(
        "chart",
        {"X-RateLimit-ChartMinute-Remaining": "0", "X-RateLimit-ChartMinute-Reset": "42"},
    )

    assert pacer.wait_before("ref") == 0
    clock.now += 2
    assert pacer.wait_before("chart") == 40
    assert pacer.wait_before("chart") == 0
    assert clock.sleeps == [40]


def test_pacer_remaining_clears_block() -> None:
    clock = FakeClock()
    pacer = RateLimitPacer(sleep=clock.sleep, clock=clock)
    pacer.record("ref", {"X-RateLimit-RefDataMinute-Remaining": "0"})
    pacer.record("ref", {"X-RateLimit-RefDataMinute-Remaining": "5"})

    assert pacer.wait_before("ref") == 0
    assert clock.sleeps == []


def test_pacer_app_dimension_blocks_all() -> None:
    clock = FakeClock()
    pacer = RateLimitPacer(sleep=clock.sleep, clock=clock, max_wait_seconds=30)
    pacer.record("ref", {"X-RateLimit-AppDay-Remaining": "0", "X-RateLimit-AppDay-Reset": "3600"})

    assert pacer.wait_before("chart") == 30
