"""Time zones of the exchanges Saxo lists, used to turn sample times into session dates.

Saxo identifies an exchange by its own id (`NASDAQ`, `PAR`) in `ExchangeId` fields and by the
lower-case ISO 10383 MIC in symbol suffixes (`AAPL:xnas`). Both spellings map to an IANA zone.
"""

from __future__ import annotations

# NOTE: the Saxo ids below were taken from Saxo payloads and symbols seen in public captures
# (NASDAQ, NYSE_ARCA, PAR, AMS, SBFX...) and are not a complete list; add a row when a
# fetch fails with "unknown Saxo exchange".
EXCHANGE_ID_TIMEZONES: dict[str, str] = {
    "NASDAQ": "America/New_York",
    "NYSE": "America/New_York",
    "NYSE_ARCA": "America/New_York",
    "AMEX": "America/New_York",
    "BATS": "America/New_York",
    "TSE": "America/Toronto",
    "PAR": "Europe/Paris",
    "AMS": "Europe/Amsterdam",
    "BRU": "Europe/Brussels",
    "LIS": "Europe/Lisbon",
    "MIL": "Europe/Rome",
    "MAD": "Europe/Madrid",
    "FSE": "Europe/Berlin",
    "SWX": "Europe/Zurich",
    "SWX_ETF": "Europe/Zurich",
    "LSE": "Europe/London",
    "LSE_SETS": "Europe/London",
    "CSE": "Europe/Copenhagen",
    "SSE": "Europe/Stockholm",
    "OSE": "Europe/Oslo",
    "HEL": "Europe/Helsinki",
    "HKEX": "Asia/Hong_Kong",
    "SGX-ST": "Asia/Singapore",
    "SGX-DT": "Asia/Singapore",
    "TYO": "Asia/Tokyo",
    "ASX": "Australia/Sydney",
}

MIC_TIMEZONES: dict[str, str] = {
    "xnas": "America/New_York",
    "xnys": "America/New_York",
    "arcx": "America/New_York",
    "xase": "America/New_York",
    "bats": "America/New_York",
    "xtse": "America/Toronto",
    "xpar": "Europe/Paris",
    "xams": "Europe/Amsterdam",
    "xbru": "Europe/Brussels",
    "xlis": "Europe/Lisbon",
    "xmil": "Europe/Rome",
    "xmad": "Europe/Madrid",
    "xetr": "Europe/Berlin",
    "xfra": "Europe/Berlin",
    "xswx": "Europe/Zurich",
    "xlon": "Europe/London",
    "xcse": "Europe/Copenhagen",
    "xsto": "Europe/Stockholm",
    "xosl": "Europe/Oslo",
    "xhel": "Europe/Helsinki",
    "xhkg": "Asia/Hong_Kong",
    "xses": "Asia/Singapore",
    "xtks": "Asia/Tokyo",
    "xasx": "Australia/Sydney",
}

# Saxo's exchange id for a MIC, for the `ExchangeId` filter of the instrument search.
MIC_EXCHANGE_IDS: dict[str, str] = {
    "xnas": "NASDAQ",
    "xnys": "NYSE",
    "arcx": "NYSE_ARCA",
    "xpar": "PAR",
    "xams": "AMS",
    "xbru": "BRU",
    "xlis": "LIS",
    "xswx": "SWX",
    "xses": "SGX-ST",
}

# Asset types quoted by Saxo's own FX desk (exchange `SBFX`), which has no local session.
FX_ASSET_TYPES = frozenset(
    {"FxSpot", "FxForwards", "FxSwap", "FxVanillaOption", "FxKnockInOption", "FxKnockOutOption"}
)
UTC_ZONE = "UTC"


def saxo_exchange_id(exchange_mic_or_id: str) -> str:
    """Return Saxo's exchange id for a MIC (`XNAS` -> `NASDAQ`); other values pass unchanged."""
    value = exchange_mic_or_id.strip()
    return MIC_EXCHANGE_IDS.get(value.lower(), value.upper())


def matches_exchange(instrument_exchange_id: str, symbol_mic: str | None, wanted: str) -> bool:
    """Tell whether an instrument listed on `instrument_exchange_id` is on exchange `wanted`."""
    value = wanted.strip()
    if symbol_mic is not None and symbol_mic.lower() == value.lower():
        return True
    return instrument_exchange_id.upper() == saxo_exchange_id(value).upper()


def exchange_timezone(exchange_id: str | None, symbol: str | None, asset_type: str) -> str | None:
    """Return the IANA zone of an instrument's exchange, or None when it is not known.

    FX asset types trade around the clock on Saxo's own desk and get UTC.
    """
    # NOTE: no daily FX chart capture was available, so whether Saxo stamps an FX day at its
    # 17:00 New York start or at 00:00 UTC is not verified; the session may be off by a day.
    if asset_type in FX_ASSET_TYPES or exchange_id == "SBFX":
        return UTC_ZONE
    if exchange_id and exchange_id.upper() in EXCHANGE_ID_TIMEZONES:
        return EXCHANGE_ID_TIMEZONES[exchange_id.upper()]
    if symbol and ":" in symbol:
        return MIC_TIMEZONES.get(symbol.rsplit(":", 1)[1].lower())
    return None


def search_exchange_id(exchange_mic_or_id: str) -> str | None:
    """Return the `ExchangeId` filter for an instrument search, or None to filter locally.

    A MIC with a known Saxo id maps to it (`XNAS` -> `NASDAQ`); a MIC without one gives None,
    so the search runs unfiltered and results are matched on their symbol suffix; any other
    value is taken as a Saxo exchange id.
    """
    value = exchange_mic_or_id.strip().lower()
    if value in MIC_EXCHANGE_IDS:
        return MIC_EXCHANGE_IDS[value]
    if value in MIC_TIMEZONES:
        return None
    return exchange_mic_or_id.strip().upper()
