"""Build `instrument` rows from universe members, Yahoo profiles and the macro series."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from market_pipeline.providers.yahoo.records import CompanyProfile
from market_pipeline.providers.yahoo.symbols import to_yahoo_symbol
from market_pipeline.universe.records import UniverseMember

# Yahoo exchange codes of US listings to their display name and ISO 10383 MIC.
YAHOO_EXCHANGES: dict[str, tuple[str, str]] = {
    "NMS": ("NASDAQ", "XNAS"),
    "NGM": ("NASDAQ", "XNAS"),
    "NCM": ("NASDAQ", "XNAS"),
    "NAS": ("NASDAQ", "XNAS"),
    "NYQ": ("NYSE", "XNYS"),
    "NYS": ("NYSE", "XNYS"),
    "ASE": ("NYSE American", "XASE"),
    "PCX": ("NYSE Arca", "ARCX"),
    "BTS": ("Cboe BZX", "BATS"),
}

# Market-capitalisation buckets in USD (S&P's own size thresholds are close to these).
LARGE_CAP = Decimal("10e9")
MID_CAP = Decimal("2e9")

# Keys of `instrument.meta` that other assets own and that a universe refresh must keep.
PRESERVED_META_KEYS = ("saxo", "splits")


def members_needing_profile(members: Sequence[UniverseMember]) -> list[UniverseMember]:
    """Return the members whose lists lack sector, sub-industry or exchange."""
    return [
        member
        for member in members
        if member.gics_sector is None or member.gics_sub_industry is None or member.exchange is None
    ]


def market_cap_bucket(market_cap: Decimal | None) -> str | None:
    """Return `large`, `mid` or `small` for a market capitalisation in USD."""
    if market_cap is None:
        return None
    if market_cap >= LARGE_CAP:
        return "large"
    if market_cap >= MID_CAP:
        return "mid"
    return "small"


def _preserved(existing: Mapping[str, Any] | None) -> dict[str, Any]:
    existing = existing or {}
    return {key: existing[key] for key in PRESERVED_META_KEYS if key in existing}


def instrument_rows(
    members: Sequence[UniverseMember],
    profiles: Mapping[str, CompanyProfile],
    existing_meta: Mapping[str, Mapping[str, Any]],
) -> list[dict[str, Any]]:
    """Return one `instrument` row per member; list fields win, the profile fills the gaps."""
    rows = []
    for member in members:
        profile = profiles.get(member.symbol)
        exchange, mic = member.exchange, member.mic
        if profile is not None and profile.exchange in YAHOO_EXCHANGES and exchange is None:
            exchange, mic = YAHOO_EXCHANGES[profile.exchange]
        meta: dict[str, Any] = {
            **_preserved(existing_meta.get(member.symbol)),
            "yahoo_symbol": to_yahoo_symbol(member.symbol),
            "indexes": {
                name: membership.model_dump(mode="json")
                for name, membership in sorted(member.indexes.items())
            },
            "role": "universe",
        }
        if member.cik is not None:
            meta["cik"] = member.cik
        rows.append(
            {
                "symbol": member.symbol,
                "name": member.name or (profile.name if profile else None),
                "asset_class": "equity",
                "exchange": exchange,
                "mic": mic,
                "currency": (profile.currency if profile and profile.currency else member.currency),
                "sector": member.gics_sector or (profile.sector if profile else None),
                "industry": member.gics_sub_industry or (profile.industry if profile else None),
                "market_cap": market_cap_bucket(profile.market_cap) if profile else None,
                "active": True,
                "meta": meta,
            }
        )
    return rows


def macro_instrument_rows(
    series: Mapping[str, str], existing_meta: Mapping[str, Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """Return `instrument` rows for the macro series (Yahoo symbol to asset class)."""
    return [
        {
            "symbol": symbol,
            "name": None,
            "asset_class": asset_class,
            "exchange": None,
            "mic": None,
            "currency": "USD",
            "sector": None,
            "industry": None,
            "market_cap": None,
            "active": True,
            "meta": {
                **_preserved(existing_meta.get(symbol)),
                "yahoo_symbol": symbol,
                "role": "macro",
            },
        }
        for symbol, asset_class in sorted(series.items())
    ]
