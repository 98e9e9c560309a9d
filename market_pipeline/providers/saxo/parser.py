"""Pure parsers from Saxo OpenAPI payloads to typed records; no I/O.

Numbers may arrive as `float` or as `Decimal` (the client decodes JSON with
`parse_float=Decimal`); both become `Decimal` without passing through binary rounding twice.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, time
from decimal import Decimal, InvalidOperation
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo

from market_pipeline.providers.records import DailyBar
from market_pipeline.providers.saxo.records import ChartPage, ChartSample, SaxoInstrument

LAST_FIELDS = ("Open", "High", "Low", "Close")
BID_FIELDS = ("OpenBid", "HighBid", "LowBid", "CloseBid")
ASK_FIELDS = ("OpenAsk", "HighAsk", "LowAsk", "CloseAsk")
TWO = Decimal(2)


class SaxoPayloadError(ValueError):
    """A Saxo payload does not have the documented shape; the message names the bad field."""


# -- instruments -----------------------------------------------------------------------------
def instrument_rows(payload: Any) -> list[Mapping[str, Any]]:
    """Return the instrument objects of a search response (`{"Data": [...]}` or a bare list)."""
    rows = payload.get("Data") if isinstance(payload, Mapping) else payload
    if not isinstance(rows, list):
        raise SaxoPayloadError(f"instrument payload has no 'Data' list (got {type(rows).__name__})")
    for index, row in enumerate(rows):
        if not isinstance(row, Mapping):
            raise SaxoPayloadError(f"instrument Data[{index}] is {type(row).__name__}, not object")
    return rows


def parse_instrument(row: Mapping[str, Any]) -> SaxoInstrument:
    """Parse one search row (`Identifier`, `ExchangeId`) or details row (`Uic`, `Exchange`)."""
    uic = row.get("Identifier", row.get("Uic"))
    exchange_id = row.get("ExchangeId")
    if exchange_id is None and isinstance(row.get("Exchange"), Mapping):
        exchange_id = row["Exchange"].get("ExchangeId")
    missing = [
        name
        for name, value in (
            ("Identifier/Uic", uic),
            ("AssetType", row.get("AssetType")),
            ("ExchangeId", exchange_id),
            ("Symbol", row.get("Symbol")),
            ("CurrencyCode", row.get("CurrencyCode")),
        )
        if value is None
    ]
    if missing:
        raise SaxoPayloadError(f"instrument {row.get('Symbol')!r} lacks {', '.join(missing)}")
    if isinstance(uic, bool) or not isinstance(uic, int):
        raise SaxoPayloadError(f"instrument {row.get('Symbol')!r} has a non-integer Uic {uic!r}")
    return SaxoInstrument(
        uic=uic,
        asset_type=str(row["AssetType"]),
        exchange_id=str(exchange_id),
        symbol=str(row["Symbol"]),
        currency=str(row["CurrencyCode"]),
        description=str(row.get("Description") or ""),
        issuer_country=row.get("IssuerCountry"),
    )


def parse_instruments(payload: Any) -> list[SaxoInstrument]:
    """Parse a `/ref/v1/instruments` or `/ref/v1/instruments/details` response."""
    return [parse_instrument(row) for row in instrument_rows(payload)]


# -- chart samples ---------------------------------------------------------------------------
def parse_time(value: Any) -> datetime:
    """Parse a Saxo `Time` (ISO-8601, `Z` suffix); a time without offset is taken as UTC."""
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError as error:
            raise SaxoPayloadError(f"sample Time {value!r} is not ISO-8601") from error
    else:
        raise SaxoPayloadError(f"sample Time {value!r} is not a string")
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def to_decimal(value: Any, field: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        raise SaxoPayloadError(f"sample field {field} is {value!r}, not a number")
    try:
        number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    except InvalidOperation as error:
        raise SaxoPayloadError(f"sample field {field} is {value!r}, not a number") from error
    if not number.is_finite():
        raise SaxoPayloadError(f"sample field {field} is {value!r}, not a finite number")
    return number


def parse_sample(row: Mapping[str, Any]) -> ChartSample:
    """Parse one sample: `Open..Close`(+`Volume`) or `OpenBid..CloseAsk` (mid, volume 0)."""
    sample_time = parse_time(row.get("Time"))
    if all(name in row for name in LAST_FIELDS):
        prices = [to_decimal(row[name], name) for name in LAST_FIELDS]
        volume = to_decimal(row.get("Volume", 0), "Volume")
        if volume < 0:
            raise SaxoPayloadError(f"sample {sample_time.isoformat()} has Volume {volume} < 0")
        quote = "last"
        whole_volume = int(volume)
    elif all(name in row for name in BID_FIELDS + ASK_FIELDS):
        prices = [
            (to_decimal(row[bid], bid) + to_decimal(row[ask], ask)) / TWO
            for bid, ask in zip(BID_FIELDS, ASK_FIELDS, strict=True)
        ]
        quote = "mid"
        whole_volume = 0
    else:
        raise SaxoPayloadError(
            f"sample {sample_time.isoformat()} has neither Open/High/Low/Close nor "
            f"OpenBid..CloseAsk fields (keys: {sorted(row)})"
        )
    open_, high, low, close = prices
    return ChartSample(
        time=sample_time,
        open=open_,
        high=high,
        low=low,
        close=close,
        volume=whole_volume,
        quote=quote,
    )


def parse_samples(rows: Iterable[Any]) -> list[ChartSample]:
    """Parse sample objects in any order and return them oldest first, rejecting duplicates."""
    samples: list[ChartSample] = []
    for index, row in enumerate(rows):
        if not isinstance(row, Mapping):
            raise SaxoPayloadError(f"chart Data[{index}] is {type(row).__name__}, not object")
        samples.append(parse_sample(row))
    samples.sort(key=lambda sample: sample.time)
    for previous, current in pairwise(samples):
        if previous.time == current.time:
            raise SaxoPayloadError(f"chart Data has two samples at {current.time.isoformat()}")
    return samples


def parse_chart_page(payload: Any) -> ChartPage:
    """Parse a `/chart/v3/charts` response with its optional `ChartInfo`/`DisplayAndFormat`."""
    if not isinstance(payload, Mapping) or not isinstance(payload.get("Data"), list):
        raise SaxoPayloadError("chart payload has no 'Data' list")
    info = _optional_object(payload, "ChartInfo")
    display = _optional_object(payload, "DisplayAndFormat")
    first_sample = info.get("FirstSampleTime")
    version = payload.get("DataVersion")
    return ChartPage(
        samples=parse_samples(payload["Data"]),
        exchange_id=info.get("ExchangeId"),
        first_sample_time=parse_time(first_sample) if first_sample else None,
        currency=display.get("Currency"),
        display_symbol=display.get("Symbol"),
        data_version=int(version) if isinstance(version, int | Decimal) else None,
    )


def _optional_object(payload: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    value = payload.get(name)
    return value if isinstance(value, Mapping) else {}


# -- daily bars ------------------------------------------------------------------------------
def session_date(sample_time: datetime, timezone: str) -> date:
    """Return the exchange-local date of a daily sample.

    A sample stamped exactly at 00:00:00 UTC marks a day boundary, so its UTC date is the
    session. Any other stamp, for example the 13:30Z open of a New York session, is converted
    to the exchange's zone first.
    """
    utc_time = sample_time.astimezone(UTC)
    if utc_time.time() == time(0, 0):
        return utc_time.date()
    return utc_time.astimezone(ZoneInfo(timezone)).date()


def daily_bars_from_samples(
    samples: Iterable[ChartSample],
    *,
    symbol: str,
    timezone: str,
    start: date | None = None,
    end: date | None = None,
    open_session: date | None = None,
) -> list[DailyBar]:
    """Turn daily samples into bars for sessions in `[start, end]`, oldest first.

    Bars of `open_session` or later are marked `final=False` (not closed when fetched).
    Two samples on one session mean the samples are not daily and raise SaxoPayloadError.
    """
    bars: dict[date, DailyBar] = {}
    seen: set[date] = set()
    for sample in samples:
        session = session_date(sample.time, timezone)
        if session in seen:
            raise SaxoPayloadError(
                f"{symbol}: two samples fall on session {session} ({timezone}); "
                "the chart was not requested with Horizon=1440"
            )
        seen.add(session)
        if (start is not None and session < start) or (end is not None and session > end):
            continue
        try:
            bars[session] = DailyBar(
                symbol=symbol,
                session=session,
                open=sample.open,
                high=sample.high,
                low=sample.low,
                close=sample.close,
                volume=sample.volume,
                final=open_session is None or session < open_session,
            )
        except ValueError as error:
            raise SaxoPayloadError(f"{symbol} {session}: invalid sample: {error}") from error
    return [bars[session] for session in sorted(bars)]
