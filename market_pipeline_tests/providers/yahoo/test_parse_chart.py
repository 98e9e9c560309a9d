import json
import subprocess
import sys
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from market_pipeline.providers.errors import ProviderResponseError
from market_pipeline.providers.yahoo.parse_chart import parse_chart

AAPL_SPLIT = "yahoo_chart/node-yahoo-finance2/chart-AAPL-2020-08-31-to-2020-11-07.json"
AAPL_WEEKEND_1M = (
    "yahoo_chart/node-yahoo-finance2/"
    "chart-AAPL-2025-02-01-to-2025-02-02-includePrePost-false-interval-1m.json"
)
MSFT_MID_SESSION = "yahoo_chart/yfinance-rs/history_chart_MSFT@968004a.json"
MSFT_AT_CLOSE = "yahoo_chart/yfinance-rs/history_chart_MSFT@0b32602.json"
MSFT_AFTER_CLOSE = "yahoo_chart/yfinance-rs/history_chart_MSFT@e80c647.json"
AAPL_OPENBB = "openbb_vcr/test_y_finance_equity_historical_fetcher_curl/00-chart-AAPL.json"
ES_OPENBB = "openbb_vcr/test_y_finance_futures_historical_fetcher_curl/00-chart-ES=F.json"
EURUSD_OPENBB = "openbb_vcr/test_y_finance_currency_historical_fetcher_curl/00-chart-EURUSD=X.json"


def berlin_payload() -> dict[str, Any]:
    """Three Xetra-style bars stamped at local midnight (22:00 UTC the day before in summer)."""
    stamps = [1691618400, 1691704800, 1691964000]
    return {
        "chart": {
            "result": [
                {
                    "meta": {
                        "currency": "EUR",
                        "symbol": "SAP.DE",
                        "exchangeTimezoneName": "Europe/Berlin",
                        "regularMarketTime": 1692028800,
                    },
                    "timestamp": stamps,
                    "indicators": {
                        "quote": [
                            {
                                "open": [120.0, 121.0, 122.0],
                                "high": [121.5, 122.5, 123.5],
                                "low": [119.0, 120.0, 121.0],
                                "close": [121.0, 122.0, 123.0],
                                "volume": [1000, 2000, 3000],
                            }
                        ]
                    },
                }
            ],
            "error": None,
        }
    }


def test_chart_split_and_dividend(recording: Any) -> None:
    series = parse_chart(recording(AAPL_SPLIT), "AAPL")
    assert series.exchange_timezone == "America/New_York"
    assert len(series.bars) == 49
    assert series.bars[0].session == date(2020, 8, 31)
    assert series.bars[-1].session == date(2020, 11, 6)
    assert [(s.session, s.numerator, s.denominator) for s in series.splits] == [
        (date(2020, 8, 31), Decimal(4), Decimal(1))
    ]
    assert [(d.session, d.amount) for d in series.dividends] == [
        (date(2020, 11, 6), Decimal("0.205"))
    ]
    assert all(bar.final for bar in series.bars)
    assert all(bar.adj_close is not None for bar in series.bars)


def test_chart_weekend_empty(recording: Any) -> None:
    series = parse_chart(recording(AAPL_WEEKEND_1M), "AAPL")
    assert series.bars == []
    assert series.currency == "USD"


@pytest.mark.parametrize(
    "path",
    [
        "yahoo_chart/node-yahoo-finance2/chart-notimestamp-quotes-length.fake.json",
        "yahoo_chart/node-yahoo-finance2/chart-notimestamp-weird-quote.fake.json",
    ],
)
def test_chart_no_timestamp(recording: Any, path: str) -> None:
    assert parse_chart(recording(path), "AAPL").bars == []


def test_chart_berlin_sessions() -> None:
    series = parse_chart(berlin_payload(), "SAP.DE")
    assert [bar.session for bar in series.bars] == [
        date(2023, 8, 10),
        date(2023, 8, 11),
        date(2023, 8, 14),
    ]


@pytest.mark.parametrize("zone", ["Asia/Tokyo", "America/Los_Angeles", "UTC"])
def test_chart_host_timezone_ignored(zone: str) -> None:
    script = (
        "import json, sys\n"
        "from market_pipeline.providers.yahoo.parse_chart import parse_chart\n"
        "series = parse_chart(json.load(sys.stdin), 'SAP.DE')\n"
        "print(','.join(str(bar.session) for bar in series.bars))\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", script],
        input=json.dumps(berlin_payload()),
        capture_output=True,
        text=True,
        env={"TZ": zone, "PATH": "/usr/bin:/bin"},
        check=True,
    )
    assert completed.stdout.strip() == "2023-08-10,2023-08-11,2023-08-14"


def test_chart_mid_session_not_final(recording: Any) -> None:
    series = parse_chart(recording(MSFT_MID_SESSION), "MSFT")
    last = series.bars[-1]
    assert last.session == date(2025, 8, 15)
    assert last.close == Decimal("525.0449829101562")
    assert last.final is False
    assert all(bar.final for bar in series.bars[:-1])
    assert len(series.final_bars) == len(series.bars) - 1


def test_chart_live_stamp_not_final(recording: Any) -> None:
    # Captured one second after the close: the bar still carries the live stamp.
    series = parse_chart(recording(MSFT_AT_CLOSE), "MSFT")
    assert series.bars[-1].session == date(2025, 8, 15)
    assert series.bars[-1].final is False


def test_chart_after_close_final(recording: Any) -> None:
    series = parse_chart(recording(MSFT_AFTER_CLOSE), "MSFT")
    assert series.bars[-1].session == date(2025, 8, 29)
    assert series.bars[-1].final is True


def test_chart_openbb_last_bar_partial(recording: Any) -> None:
    series = parse_chart(recording(AAPL_OPENBB), "AAPL")
    assert len(series.bars) == 746
    assert series.bars[0].session == date(2023, 1, 3)
    assert series.bars[-1].session == date(2025, 12, 22)
    assert series.bars[-1].final is False
    assert series.bars[-2].final is True
    assert len(series.dividends) == 12


def test_chart_all_null_rows_dropped(recording: Any) -> None:
    payload = recording(ES_OPENBB)
    series = parse_chart(payload, "ES=F")
    sessions = {bar.session for bar in series.bars}
    assert date(2025, 5, 26) not in sessions
    assert date(2025, 6, 19) not in sessions
    assert len(series.bars) == len(payload["chart"]["result"][0]["timestamp"]) - 2


def test_chart_london_dates_not_shifted(recording: Any) -> None:
    series = parse_chart(recording(EURUSD_OPENBB), "EURUSD=X")
    weekdays = {bar.session.weekday() for bar in series.bars}
    assert weekdays <= {0, 1, 2, 3, 4}
    assert all(bar.volume == 0 for bar in series.bars)


def test_chart_duplicate_session_keeps_later() -> None:
    payload = berlin_payload()
    result = payload["chart"]["result"][0]
    # A second row for 2023-08-14 later in the day, then an all-null row for the same session.
    result["timestamp"] = [*result["timestamp"], 1692000000, 1692003600]
    quote = result["indicators"]["quote"][0]
    for name, extra in {"open": 130, "high": 131, "low": 129, "close": 130.5}.items():
        quote[name] = [*quote[name], extra, None]
    quote["volume"] = [*quote["volume"], 500, None]
    series = parse_chart(payload, "SAP.DE")
    assert len(series.bars) == 3
    assert series.bars[-1].session == date(2023, 8, 14)
    assert series.bars[-1].close == Decimal("130.5")


def test_chart_length_mismatch_rejected() -> None:
    payload = berlin_payload()
    payload["chart"]["result"][0]["indicators"]["quote"][0]["close"] = [1.0]
    with pytest.raises(ProviderResponseError, match="`close` has 1 values"):
        parse_chart(payload, "SAP.DE")


def test_chart_error_body_rejected() -> None:
    payload = {"chart": {"result": None, "error": {"code": "Not Found", "description": "x"}}}
    with pytest.raises(ProviderResponseError, match="Not Found"):
        parse_chart(payload, "NOPE")
