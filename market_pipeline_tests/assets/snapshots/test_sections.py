"""Company snapshot sections: filled from the profile and stored rows, "unknown" otherwise."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from market_pipeline.assets.snapshots.metrics import (
    CompanyData,
    QuarterFigures,
    StoredEarnings,
    company_metrics,
)
from market_pipeline.assets.snapshots.sections import (
    UNKNOWN,
    Peer,
    business_fundamentals_section,
    competitive_position_section,
    grounding_sources,
    management_section,
    ownership_section,
    return_rank,
    risks_catalysts_section,
)
from market_pipeline.providers.yahoo.parse_quote_summary import parse_profile
from market_pipeline.replay.yahoo import recorded_modules

SESSION = date(2025, 4, 1)


def apple_profile():
    return parse_profile(recorded_modules("AAPL"), "AAPL")


def test_ownership_from_profile() -> None:
    section = ownership_section(apple_profile())
    assert section["insiders_percent_held"] == 2.286
    assert section["institutions_percent_held"] == 62.706
    assert section["institutions_count"] == 6956
    assert section["shares_outstanding"] == 15022100480


def test_ownership_without_profile() -> None:
    assert set(ownership_section(None).values()) == {UNKNOWN}


def test_management_officers() -> None:
    section = management_section(apple_profile())
    assert section["officer_count"] == 10
    assert section["officers"][0]["name"] == "Mr. Timothy D. Cook"
    assert section["officers"][0]["total_pay"] == 16239562
    assert section["officers"][4]["total_pay"] == UNKNOWN


def test_management_without_officers() -> None:
    amazon_like = apple_profile().model_copy(update={"officers": []})
    assert management_section(amazon_like) == {"officers": UNKNOWN, "officer_count": UNKNOWN}
    assert management_section(None)["officers"] == UNKNOWN


def test_fundamentals_unknown_without_data() -> None:
    metrics = company_metrics(CompanyData(), SESSION)
    section = business_fundamentals_section(None, metrics, CompanyData(), None)
    assert section["metrics"] == metrics
    assert section["latest_quarter"] == UNKNOWN
    assert section["name"] == UNKNOWN
    assert section["employees"] == UNKNOWN


def test_fundamentals_latest_quarter() -> None:
    data = CompanyData(
        quarters=[
            QuarterFigures(date(2024, 9, 30), "Q4 2024", Decimal("0.97"), Decimal("94930000000")),
            QuarterFigures(date(2024, 12, 31), "Q1 2025", Decimal("2.40"), None),
        ]
    )
    section = business_fundamentals_section("Apple Inc.", {}, data, apple_profile())
    assert section["latest_quarter"] == {
        "fiscal_period": "Q1 2025",
        "period_end": "2024-12-31",
        "total_revenue": UNKNOWN,
        "diluted_eps": 2.4,
    }
    assert section["employees"] == 150000


def test_competitive_position_peers() -> None:
    peers = [
        Peer("ZZZ", None, "Semiconductors"),
        Peer("MSFT", "Microsoft", "Software"),
        Peer("DELL", None, "Technology Hardware"),
    ]
    section = competitive_position_section(
        "Information Technology", "Technology Hardware", peers, (2, 4)
    )
    assert section["peers"] == ["DELL", "MSFT", "ZZZ"]
    assert section["sector_peer_count"] == 3
    assert section["return_21d_rank_in_sector"] == "2 of 4"


def test_competitive_position_unknown() -> None:
    section = competitive_position_section(None, None, [], None)
    assert set(section.values()) == {UNKNOWN}


def test_return_rank_skips_unknown() -> None:
    returns = {"AAPL": 2.0, "MSFT": 5.0, "NVDA": None}
    assert return_rank("AAPL", returns) == (2, 2)
    assert return_rank("NVDA", returns) is None


def test_risks_next_earnings() -> None:
    upcoming = StoredEarnings("Q2 2025", date(2025, 4, 30), {"timing": "after_close"})
    data = CompanyData(events=[upcoming])
    metrics = company_metrics(data, SESSION)
    section = risks_catalysts_section(metrics, data, apple_profile())
    assert section["next_earnings_date"] == "2025-04-30"
    assert section["next_earnings_timing"] == "after_close"
    assert section["next_earnings_period"] == "Q2 2025"
    assert section["last_eps_surprise_pct"] == UNKNOWN
    assert section["beta"] == 1.2


def test_grounding_sources_leave_out_metrics() -> None:
    sections = {
        "business_fundamentals": {"metrics": {"close": 1}, "_grounding": {}, "name": "Apple"},
        "ownership": {"insiders_percent_held": 2.286},
    }
    sources = grounding_sources(sections)
    assert sources["business_fundamentals"] == {"name": "Apple"}
    assert sources["ownership"] == {"insiders_percent_held": 2.286}
    assert sources["management"] == {}
