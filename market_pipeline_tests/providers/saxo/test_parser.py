"""Saxo parsers on the copied Saxo payloads (captures, doc examples and the spec example)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import yaml

from market_pipeline.providers.saxo.parser import (
    SaxoPayloadError,
    daily_bars_from_samples,
    parse_chart_page,
    parse_instruments,
    parse_samples,
    session_date,
)
from market_pipeline.providers.saxo.records import (
    ChartSample,
    SaxoInstrument,
    meta_with_uic,
    uic_from_meta,
)
from market_pipeline_tests.providers.saxo.conftest import load_payload, load_pyrepr_samples

DOC = "doc_examples_saxo_openapi/"


def test_instruments_par_capture() -> None:
    instruments = parse_instruments(
        load_payload("saxo-order_ref_v1_instruments_Data_PAR_stocks.json")
    )

    assert len(instruments) == 327
    total = instruments[0]
    assert total.uic == 23255427
    assert total.symbol == "TTE:xpar"
    assert total.ticker == "TTE"
    assert total.mic == "xpar"
    assert total.exchange_id == "PAR"
    assert total.asset_type == "Stock"
    assert total.currency == "EUR"
    assert total.description == "TotalEnergies SE"
    assert total.issuer_country == "FR"
    assert len({instrument.uic for instrument in instruments}) == 327


def test_instruments_fx_doc_example() -> None:
    instruments = parse_instruments(
        load_payload(DOC + "referencedata__instruments__instruments_response.json")
    )

    assert [(item.symbol, item.uic) for item in instruments] == [
        ("EURAUD", 12),
        ("GBPAUD", 22),
        ("GBPCAD", 23),
    ]
    assert {item.exchange_id for item in instruments} == {"SBFX"}
    assert instruments[2].mic is None


def test_instrument_details_nested_exchange() -> None:
    payload = load_payload(DOC + "referencedata__instruments__instrument_details_response.json")

    (details,) = parse_instruments([payload])

    assert details.uic == 23
    assert details.asset_type == "FxForwards"
    assert details.exchange_id == "SBFX"
    assert details.currency == "CAD"


def test_instruments_details_list() -> None:
    payload = load_payload(DOC + "referencedata__instruments__instruments_details_response.json")

    instruments = parse_instruments(payload)

    assert len(instruments) == payload["__count"] == 6
    assert {item.uic for item in instruments} == {23}


def test_instruments_missing_fields() -> None:
    with pytest.raises(SaxoPayloadError, match="lacks Identifier/Uic, CurrencyCode"):
        parse_instruments({"Data": [{"AssetType": "Stock", "ExchangeId": "PAR", "Symbol": "X"}]})
    with pytest.raises(SaxoPayloadError, match="no 'Data' list"):
        parse_instruments({"ErrorCode": "InvalidRequest"})


def test_chart_fx_doc_example_mid_prices() -> None:
    payload = load_payload(DOC + "chart__charts__get_chart_data_response.json")

    page = parse_chart_page(payload)

    assert len(page.samples) == 24
    first = page.samples[0]
    raw = payload["Data"][0]
    assert first.time == datetime(2019, 9, 5, 21, tzinfo=UTC)
    assert first.open == (Decimal(str(raw["OpenBid"])) + Decimal(str(raw["OpenAsk"]))) / 2
    assert first.open == Decimal("1.631485")
    assert first.close == Decimal("1.63115")
    assert first.volume == 0
    assert first.quote == "mid"
    assert page.data_version == 1715815481
    assert page.exchange_id is None


def test_chart_subscription_snapshot() -> None:
    payload = load_payload(DOC + "chart__charts__create_chart_data_subscription_response.json")

    samples = parse_samples(payload["Snapshot"]["Data"])

    assert [sample.time.minute for sample in samples] == [54, 55]
    assert samples[0].high == Decimal("1.10626")


def test_chart_spec_example(data_dir) -> None:
    spec = yaml.safe_load((data_dir / "openapi_spec/chart.yaml").read_text(encoding="utf-8"))
    example = spec["components"]["schemas"]["ChartResponse"]["example"]

    page = parse_chart_page(example)

    assert page.exchange_id == "SBFX"
    assert page.currency == "USD"
    assert page.display_symbol == "EURUSD"
    assert page.first_sample_time == datetime(2015, 2, 2, 1, 2, 3, tzinfo=UTC)
    assert len(page.samples) == 2


def test_chart_index_capture_last_prices() -> None:
    rows = load_pyrepr_samples("saxo-order_chart_Data_pyrepr/cac_30min.obj")

    samples = parse_samples(rows)

    assert len(samples) == 101
    assert samples[0].time < samples[-1].time
    assert samples[-1].time == datetime(2024, 6, 20, 14, 0, tzinfo=UTC)
    assert samples[-2].close == Decimal("7660.2")
    assert {sample.quote for sample in samples} == {"last"}
    assert {sample.volume for sample in samples} == {0}


def test_chart_cfd_capture_bid_ask_quirk() -> None:
    rows = load_pyrepr_samples("saxo-order_chart_Data_pyrepr/bug_switch_day_sp500.obj")
    quirk = next(row for row in rows if row["Time"] == "2024-07-25T13:00:00Z")
    assert quirk["OpenBid"] > quirk["HighBid"]

    samples = parse_samples(rows)

    assert len(samples) == 100
    parsed = next(s for s in samples if s.time == datetime(2024, 7, 25, 13, tzinfo=UTC))
    assert parsed.high >= parsed.low
    assert {sample.quote for sample in samples} == {"mid"}


def test_chart_intraday_samples_not_daily() -> None:
    samples = parse_samples(load_pyrepr_samples("saxo-order_chart_Data_pyrepr/cac_30min.obj"))

    with pytest.raises(SaxoPayloadError, match="two samples fall on session 2024-06-13"):
        daily_bars_from_samples(samples, symbol="CAC", timezone="Europe/Paris")


@pytest.mark.parametrize(
    ("bad_row", "message"),
    [
        ({"Time": "2024-01-02T14:30:00Z", "Open": 1}, "neither Open/High/Low/Close"),
        ({"Time": "yesterday", "Open": 1, "High": 1, "Low": 1, "Close": 1}, "not ISO-8601"),
        (
            {"Time": "2024-01-02T14:30:00Z", "Open": "x", "High": 1, "Low": 1, "Close": 1},
            "Open is 'x'",
        ),
        (
            {
                "Time": "2024-01-02T14:30:00Z",
                "Open": 1,
                "High": 1,
                "Low": 1,
                "Close": 1,
                "Volume": -5,
            },
            "Volume -5",
        ),
    ],
)
def test_chart_invalid_sample(bad_row: dict, message: str) -> None:
    with pytest.raises(SaxoPayloadError, match=message):
        parse_samples([bad_row])


def test_chart_duplicate_time() -> None:
    row = {"Time": "2024-01-02T14:30:00Z", "Open": 1, "High": 1, "Low": 1, "Close": 1}

    with pytest.raises(SaxoPayloadError, match="two samples at 2024-01-02T14:30"):
        parse_samples([row, dict(row)])


def test_session_date_rules() -> None:
    new_york_open = datetime(2024, 1, 2, 14, 30, tzinfo=UTC)
    tokyo_open = datetime(2024, 1, 2, 0, 0, 1, tzinfo=UTC)
    late_new_york = datetime(2024, 1, 3, 1, 0, tzinfo=UTC)

    assert session_date(new_york_open, "America/New_York") == date(2024, 1, 2)
    assert session_date(late_new_york, "America/New_York") == date(2024, 1, 2)
    assert session_date(tokyo_open, "Asia/Tokyo") == date(2024, 1, 2)
    assert session_date(datetime(2024, 1, 2, tzinfo=UTC), "America/New_York") == date(2024, 1, 2)


def _daily(day: int, close: str) -> ChartSample:
    price = Decimal(close)
    return ChartSample(
        time=datetime(2024, 1, day, 14, 30, tzinfo=UTC),
        open=price,
        high=price + 1,
        low=price - 1,
        close=price,
        volume=100 * day,
        quote="last",
    )


def test_daily_bars_range_and_final() -> None:
    samples = [_daily(day, f"{100 + day}.5") for day in (2, 3, 4, 5)]

    bars = daily_bars_from_samples(
        samples,
        symbol="AAPL",
        timezone="America/New_York",
        start=date(2024, 1, 3),
        end=date(2024, 1, 5),
        open_session=date(2024, 1, 5),
    )

    assert [bar.session for bar in bars] == [date(2024, 1, 3), date(2024, 1, 4), date(2024, 1, 5)]
    assert [bar.final for bar in bars] == [True, True, False]
    assert bars[0].close == Decimal("103.5")
    assert bars[0].volume == 300
    assert bars[0].symbol == "AAPL"


def test_daily_bars_high_below_low() -> None:
    bad = ChartSample(
        time=datetime(2024, 1, 2, 14, 30, tzinfo=UTC),
        open=Decimal(1),
        high=Decimal(1),
        low=Decimal(2),
        close=Decimal(1),
        volume=0,
        quote="last",
    )

    with pytest.raises(SaxoPayloadError, match="AAPL 2024-01-02: invalid sample"):
        daily_bars_from_samples([bad], symbol="AAPL", timezone="America/New_York")


def test_meta_uic_roundtrip() -> None:
    instrument = SaxoInstrument(
        uic=211,
        asset_type="Stock",
        exchange_id="NASDAQ",
        symbol="AAPL:xnas",
        currency="USD",
        description="Apple Inc.",
    )
    original = {"isin": "US0378331005"}

    meta = meta_with_uic(original, instrument)

    assert uic_from_meta(meta) == 211
    assert meta["isin"] == "US0378331005"
    assert meta["saxo"]["symbol"] == "AAPL:xnas"
    assert "saxo" not in original
    assert uic_from_meta(original) is None
    assert uic_from_meta(None) is None


@pytest.mark.parametrize("cached", [{"uic": "211"}, {"uic": True}, {"symbol": "AAPL:xnas"}, 211])
def test_meta_uic_malformed(cached: object) -> None:
    with pytest.raises(ValueError, match="meta\\['saxo'\\]"):
        uic_from_meta({"saxo": cached})
