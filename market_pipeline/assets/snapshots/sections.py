"""The JSON sections of `company_snapshot`, filled only from data the pipeline holds.

A value the data does not give is the string `"unknown"`, never a guess. Sources: the Yahoo
profile (holders, officers, beta), the stored statements and earnings, the estimates of the
session and the instrument table (sector peers).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from market_pipeline.assets.fundamentals import json_number
from market_pipeline.assets.snapshots.metrics import CompanyData
from market_pipeline.assets.snapshots.writing import GROUNDING_KEY
from market_pipeline.providers.yahoo.records import CompanyProfile

UNKNOWN = "unknown"
MAX_OFFICERS = 10
MAX_PEERS = 10
METRICS_KEY = "metrics"


def known(value: Any) -> Any:
    """Return `value` as JSON, or `"unknown"` when it is None."""
    if value is None:
        return UNKNOWN
    if isinstance(value, Decimal):
        return json_number(value)
    return value


def _percent(fraction: Any) -> Any:
    """Return a holder fraction (0.0229) in percent (2.29), or `"unknown"`."""
    if fraction is None:
        return UNKNOWN
    return round(float(fraction) * 100, 4)


def ownership_section(profile: CompanyProfile | None) -> dict[str, Any]:
    """Return holders in percent of shares, the institution count and the share counts."""
    if profile is None:
        profile = CompanyProfile(symbol=UNKNOWN, yahoo_symbol=UNKNOWN)
    return {
        "insiders_percent_held": _percent(profile.insiders_percent_held),
        "institutions_percent_held": _percent(profile.institutions_percent_held),
        "institutions_count": known(profile.institutions_count),
        "shares_outstanding": known(profile.shares_outstanding),
        "float_shares": known(profile.float_shares),
    }


def management_section(profile: CompanyProfile | None) -> dict[str, Any]:
    """Return the officers Yahoo lists, with title, age and pay where given."""
    officers = profile.officers if profile is not None else []
    if not officers:
        return {"officers": UNKNOWN, "officer_count": UNKNOWN}
    return {
        "officers": [
            {
                "name": officer.name,
                "title": known(officer.title),
                "age": known(officer.age),
                "total_pay": known(officer.total_pay),
                "pay_fiscal_year": known(officer.fiscal_year),
            }
            for officer in officers[:MAX_OFFICERS]
        ],
        "officer_count": len(officers),
    }


def business_fundamentals_section(
    name: str | None,
    metrics: Mapping[str, Any],
    data: CompanyData,
    profile: CompanyProfile | None,
) -> dict[str, Any]:
    """Return the company metrics, the latest stored quarter and the profile's business facts."""
    quarters = sorted(data.quarters, key=lambda quarter: quarter.period_end)
    latest = quarters[-1] if quarters else None
    return {
        METRICS_KEY: dict(metrics),
        "name": known(name),
        "latest_quarter": (
            {
                "fiscal_period": latest.label,
                "period_end": latest.period_end.isoformat(),
                "total_revenue": known(latest.total_revenue),
                "diluted_eps": known(latest.diluted_eps),
            }
            if latest
            else UNKNOWN
        ),
        "industry": known(profile.industry if profile else None),
        "employees": known(profile.employees if profile else None),
        "description": known(profile.summary if profile else None),
    }


@dataclass(frozen=True)
class Peer:
    """An active equity of the same GICS sector."""

    symbol: str
    name: str | None
    industry: str | None


def competitive_position_section(
    sector: str | None,
    industry: str | None,
    peers: Sequence[Peer],
    return_21d_rank: tuple[int, int] | None,
) -> dict[str, Any]:
    """Return sector, sub-industry, peers (same sub-industry first) and the 21-session return rank."""
    ordered = sorted(peers, key=lambda peer: (peer.industry != industry, peer.symbol))
    return {
        "sector": known(sector),
        "industry": known(industry),
        "sector_peer_count": len(peers) if sector else UNKNOWN,
        "peers": [peer.symbol for peer in ordered[:MAX_PEERS]] if peers else UNKNOWN,
        "return_21d_rank_in_sector": (
            f"{return_21d_rank[0]} of {return_21d_rank[1]}" if return_21d_rank else UNKNOWN
        ),
    }


def return_rank(symbol: str, returns: Mapping[str, float | None]) -> tuple[int, int] | None:
    """Return the 1-based rank of `symbol`'s return among the known returns (highest first)."""
    known_returns = {name: value for name, value in returns.items() if value is not None}
    if symbol not in known_returns:
        return None
    ordered = sorted(known_returns, key=lambda name: (-known_returns[name], name))
    return ordered.index(symbol) + 1, len(ordered)


def risks_catalysts_section(
    metrics: Mapping[str, Any], data: CompanyData, profile: CompanyProfile | None
) -> dict[str, Any]:
    """Return the next earnings date and timing, the last surprise, revisions and beta."""
    upcoming = [
        event
        for event in data.events
        if event.report_date is not None
        and event.report_date.isoformat() == metrics.get("next_earnings_date")
    ]
    timing = upcoming[0].results.get("timing") if upcoming else None
    return {
        "next_earnings_date": known(metrics.get("next_earnings_date")),
        "next_earnings_timing": known(timing),
        "next_earnings_period": known(upcoming[0].fiscal_period if upcoming else None),
        "last_eps_surprise_pct": known(metrics.get("eps_surprise_pct")),
        "eps_revisions_up_30d": known(metrics.get("eps_revisions_up_30d")),
        "eps_revisions_down_30d": known(metrics.get("eps_revisions_down_30d")),
        "beta": known(profile.beta if profile else None),
    }


def grounding_sources(sections: Mapping[str, Any]) -> dict[str, Any]:
    """Return what a company summary may cite besides its metrics: the other sections.

    The grounding check rebuilds the same sources from the stored row, so the asset and the
    check judge a summary on the same facts.
    """
    fundamentals = {
        key: value
        for key, value in (sections.get("business_fundamentals") or {}).items()
        if key not in (METRICS_KEY, GROUNDING_KEY)
    }
    return {
        "ownership": sections.get("ownership") or {},
        "management": sections.get("management") or {},
        "business_fundamentals": fundamentals,
        "competitive_position": sections.get("competitive_position") or {},
        "risks_catalysts": sections.get("risks_catalysts") or {},
    }
