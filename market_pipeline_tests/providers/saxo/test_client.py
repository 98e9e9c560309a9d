"""SaxoClient against the Saxo replay server: lookup, paging, pacing, faults, secrecy."""

from __future__ import annotations

import logging
from datetime import date, datetime
from decimal import Decimal

import dagster as dg
import pytest

from market_pipeline.providers.errors import (
    EmptyResultError,
    ProviderConfigurationError,
    ProviderUnavailableError,
)
from market_pipeline.providers.saxo import InstrumentLookupError, SaxoResource
from market_pipeline.providers.saxo.client import CHART_PATH
from market_pipeline.replay.saxo import SaxoReplayServer
from market_pipeline_tests.providers.saxo.conftest import TOKEN

AAPL = ("AAPL", 211, "Stock")
GOOG = ("GOOG", 90000001, "Stock")


def test_lookup_by_mic(make_client) -> None:
    instrument = make_client().lookup_instrument("AAPL", "XNAS")

    assert instrument.uic == 211
    assert instrument.symbol == "AAPL:xnas"
    assert instrument.exchange_id == "NASDAQ"
    assert instrument.currency == "USD"


def test_lookup_by_exchange_id(make_client, replay) -> None:
    instrument = make_client().lookup_instrument("AI", "PAR")

    assert instrument.symbol == "AI:xpar"
    assert instrument.description.startswith("Air Liquide")
    (request,) = replay.requests
    assert request.param("ExchangeId") == "PAR"
    assert request.param("AssetTypes") == "Stock"
    assert request.param("Keywords") == "AI"


def test_lookup_no_match(make_client) -> None:
    with pytest.raises(InstrumentLookupError) as caught:
        make_client().lookup_instrument("AAPL", "XPAR")

    message = str(caught.value)
    assert "'AAPL'" in message
    assert "'XPAR'" in message
    assert "no instrument" in message


def test_lookup_ambiguous(make_client, replay, monkeypatch) -> None:
    twin = dict(next(row for row in replay.instruments if row["Symbol"] == "AAPL:xnas"))
    twin["Identifier"] = 999
    monkeypatch.setattr(replay, "instruments", [*replay.instruments, twin])

    with pytest.raises(InstrumentLookupError) as caught:
        make_client().lookup_instrument("AAPL", "NASDAQ")

    assert "2 instruments" in str(caught.value)
    assert "Uic 211" in str(caught.value)
    assert "Uic 999" in str(caught.value)
    assert {item.uic for item in caught.value.candidates} == {211, 999}


def test_lookup_follows_next_page(make_client, replay, monkeypatch) -> None:
    monkeypatch.setattr("market_pipeline.providers.saxo.client.SEARCH_PAGE_SIZE", 100)

    instrument = make_client().lookup_instrument("TTE", "xpar")

    assert instrument.uic == 23255427
    assert replay.count("/ref/v1/instruments") == 1
    with pytest.raises(InstrumentLookupError):
        make_client().lookup_instrument("ZZZZ", "xpar")


def test_bars_single_page(make_client, replay) -> None:
    series = make_client().fetch_daily_bars([AAPL], date(2023, 1, 1), date(2025, 12, 31))["AAPL"]

    assert replay.count(CHART_PATH) == 1
    assert series.exchange_timezone == "America/New_York"
    assert series.currency == "USD"
    assert len(series.bars) == 746
    first = series.bars[0]
    assert first.session == date(2023, 1, 3)
    assert first.open == Decimal("130.28")
    assert first.close == Decimal("125.07")
    assert first.volume == 112117500
    assert series.bars[-1].session == date(2025, 12, 22)


def test_bars_range_filter(make_client) -> None:
    series = make_client().fetch_daily_bars([AAPL], date(2024, 7, 1), date(2024, 7, 5))["AAPL"]

    sessions = [bar.session for bar in series.bars]
    assert sessions == [date(2024, 7, 1), date(2024, 7, 2), date(2024, 7, 3), date(2024, 7, 5)]


def test_bars_paging_backwards(make_client, replay) -> None:
    samples = replay.series[90000001].samples
    assert len(samples) == 2148

    series = make_client().fetch_daily_bars([GOOG], date(2004, 1, 1), date(2013, 12, 31))["GOOG"]

    assert len(series.bars) == 2148
    assert series.bars[0].session == date(2004, 8, 19)
    assert series.bars[-1].session == date(2013, 3, 1)
    assert replay.chart_times(90000001) == [
        "2014-01-01T00:00:00.000000Z",
        samples[-1200]["Time"],
    ]
    counts = [request.param("Count") for request in replay.requests]
    assert counts == ["1200", "1200"]


def test_bars_paging_smaller_count(make_client, replay) -> None:
    client = make_client(max_samples_per_request=500)

    series = client.fetch_daily_bars([GOOG], date(2004, 1, 1), date(2013, 12, 31))["GOOG"]

    assert len(series.bars) == 2148
    # pages end at samples -1, -500, -999, -1498, -1997; each page repeats its Time sample
    samples = replay.series[90000001].samples
    assert replay.chart_times(90000001)[1:] == [
        samples[-500]["Time"],
        samples[-999]["Time"],
        samples[-1498]["Time"],
        samples[-1997]["Time"],
    ]


def test_bars_paging_stops_at_start(make_client, replay) -> None:
    series = make_client(max_samples_per_request=300).fetch_daily_bars(
        [GOOG], date(2011, 6, 1), date(2013, 3, 1)
    )["GOOG"]

    assert series.bars[0].session == date(2011, 6, 1)
    assert replay.count(CHART_PATH) == 2


def test_bars_several_instruments(make_client) -> None:
    result = make_client().fetch_daily_bars([AAPL, GOOG], date(2013, 1, 1), date(2023, 1, 31))

    assert set(result) == {"AAPL", "GOOG"}
    assert result["GOOG"].bars[-1].session == date(2013, 3, 1)
    assert result["AAPL"].bars[0].session == date(2023, 1, 3)


def test_bars_open_session_not_final(make_client) -> None:
    client = make_client(now=lambda: datetime.fromisoformat("2025-12-22T18:00:00+00:00"))

    series = client.fetch_daily_bars([AAPL], date(2025, 12, 18), date(2025, 12, 22))["AAPL"]

    assert [bar.final for bar in series.bars] == [True, True, False]


def test_bars_empty_chart_raises(make_client, replay) -> None:
    replay.inject("empty", path_contains=CHART_PATH)

    with pytest.raises(EmptyResultError, match="no daily samples for AAPL"):
        make_client().fetch_daily_bars([AAPL], date(2024, 1, 1), date(2024, 1, 31))


def test_bars_unknown_uic(make_client, replay) -> None:
    with pytest.raises(ProviderConfigurationError, match="HTTP 404") as caught:
        make_client().fetch_daily_bars([("NOPE", 1, "Stock")], date(2024, 1, 1), date(2024, 1, 2))

    assert "IllegalInstrumentId" in str(caught.value)
    assert replay.count() == 1


def test_pacing_waits_instead_of_429(sleeper) -> None:
    with SaxoReplayServer(token=TOKEN, rate_limit=3, rate_window_seconds=0.3) as server:
        from market_pipeline.providers.saxo import SaxoClient

        with SaxoClient(
            token=TOKEN, base_url=server.base_url, backoff_seconds=0.01, sleep=sleeper
        ) as client:
            for symbol in ("AI", "TTE", "MC", "BNP", "SAN", "OR", "GLE"):
                assert client.lookup_instrument(symbol, "PAR").ticker == symbol

        assert server.rate_limited_count == 0
        assert server.count("/ref/v1/instruments") == 7
    assert len(sleeper.calls) == 2
    assert all(0 < delay <= 0.3 for delay in sleeper.calls)


def test_resource_pacing_across_calls() -> None:
    with SaxoReplayServer(token=TOKEN, rate_limit=2, rate_window_seconds=0.3) as server:
        resource = SaxoResource(token=TOKEN, base_url=server.base_url, backoff_seconds=0.01)

        for symbol in ("AI", "TTE", "MC", "BNP"):
            assert resource.lookup_instrument(symbol, "PAR").ticker == symbol

        # Each call opens a new session; a forgotten window would have drawn a 429 here.
        assert server.rate_limited_count == 0
        assert server.count() == 4


def test_429_retry_after(make_client, replay, sleeper) -> None:
    replay.inject("rate_limit", times=2, retry_after=0.05)

    instrument = make_client().lookup_instrument("AAPL", "XNAS")

    assert instrument.uic == 211
    assert replay.count() == 3
    assert sleeper.calls == [0.05, 0.05]


def test_429_reset_header_without_retry_after(make_client, sleeper) -> None:
    with SaxoReplayServer(token=TOKEN, rate_limit=1, rate_window_seconds=0.2) as server:
        client = make_client(base_url=server.base_url)
        client.lookup_instrument("TTE", "PAR")
        # A second session on the same token has no pacing state and runs into the 429.
        other = make_client(base_url=server.base_url)
        assert other.lookup_instrument("MC", "PAR").uic == 112813

        assert server.rate_limited_count == 1
        assert server.count() == 3
    assert 0 < sleeper.calls[0] <= 0.2


def test_401_not_retried(make_client, replay, caplog) -> None:
    wrong = "wrong-token-SECRET-123"
    caplog.set_level(logging.DEBUG)

    with pytest.raises(ProviderConfigurationError) as caught:
        make_client(token=wrong).lookup_instrument("AAPL", "XNAS")

    message = str(caught.value)
    assert replay.count() == 1
    assert "SAXO_TOKEN" in message
    assert "401" in message
    assert wrong not in message
    assert wrong not in caplog.text


def test_empty_token_rejected() -> None:
    from market_pipeline.providers.saxo import SaxoClient

    with pytest.raises(ProviderConfigurationError, match="SAXO_TOKEN"):
        SaxoClient(token="  ")


def test_resource_without_token() -> None:
    resource = SaxoResource()

    assert not resource.is_configured
    assert SaxoResource(token="t").is_configured
    with pytest.raises(ProviderConfigurationError, match="set SAXO_TOKEN"):
        resource.lookup_instrument("AAPL", "XNAS")


def test_v1_redirect_is_error(make_client, replay) -> None:
    params = {"Uic": 211, "AssetType": "Stock", "Horizon": 1440, "Count": 10}

    with pytest.raises(ProviderConfigurationError) as caught:
        make_client().get_json("/chart/v1/charts", params, symbol="AAPL")

    assert "HTTP 301" in str(caught.value)
    assert "/chart/v3/charts" in str(caught.value)
    assert replay.count() == 1


def test_5xx_retried_then_ok(make_client, replay) -> None:
    replay.inject("server_error", times=2, path_contains=CHART_PATH)

    series = make_client().fetch_daily_bars([AAPL], date(2024, 1, 2), date(2024, 1, 5))["AAPL"]

    assert len(series.bars) == 4
    assert replay.count(CHART_PATH) == 3


@pytest.mark.parametrize(
    ("fault", "reason"),
    [
        ("server_error", "HTTP 500"),
        ("truncated", "invalid JSON"),
        ("html", "instead of JSON"),
    ],
)
def test_faults_exhaust_retries(make_client, replay, fault: str, reason: str) -> None:
    replay.inject(fault, times=3, path_contains=CHART_PATH)

    with pytest.raises(ProviderUnavailableError) as caught:
        make_client().fetch_daily_bars([AAPL], date(2024, 1, 2), date(2024, 1, 5))

    message = str(caught.value)
    assert replay.count(CHART_PATH) == 3
    assert "/chart/v3/charts" in message
    assert "AAPL" in message
    assert "after 3 attempts" in message
    assert reason in message
    assert caught.value.attempts == 3


def test_timeout_retried(make_client, replay) -> None:
    replay.inject("delay", times=2, delay_seconds=0.6, path_contains=CHART_PATH)
    client = make_client(timeout_seconds=0.2, max_attempts=2)

    with pytest.raises(ProviderUnavailableError, match=r"timed out after 0\.2 s"):
        client.fetch_daily_bars([AAPL], date(2024, 1, 2), date(2024, 1, 5))

    assert replay.count(CHART_PATH) == 2


def test_token_hidden(make_client, replay, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    replay.inject("server_error", times=1)
    client = make_client()

    client.lookup_instrument("AAPL", "XNAS")
    client.fetch_daily_bars([AAPL], date(2024, 1, 2), date(2024, 1, 5))
    resource = SaxoResource(token=TOKEN, base_url=replay.base_url)

    assert "retrying" in caplog.text
    assert TOKEN not in caplog.text
    assert TOKEN not in repr(client)
    assert TOKEN not in repr(resource)
    assert TOKEN not in str(resource)


def test_resource_env_token(replay, monkeypatch) -> None:
    monkeypatch.setenv("SAXO_TOKEN", TOKEN)
    captured = {}

    @dg.asset
    def aapl_bars(saxo: SaxoResource) -> None:
        instrument = saxo.lookup_instrument("AAPL", "XNAS")
        bars = saxo.fetch_daily_bars(
            [("AAPL", instrument.uic, instrument.asset_type)], date(2024, 1, 2), date(2024, 1, 3)
        )
        captured["bars"] = bars["AAPL"].bars

    resource = SaxoResource(
        token=dg.EnvVar("SAXO_TOKEN"), base_url=replay.base_url, backoff_seconds=0.01
    )
    result = dg.materialize([aapl_bars], resources={"saxo": resource})

    assert result.success
    assert [bar.session for bar in captured["bars"]] == [date(2024, 1, 2), date(2024, 1, 3)]
