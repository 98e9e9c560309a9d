"""Pure steps of the estimates asset: target periods and `analyst_estimate` rows."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from market_pipeline.assets.fundamentals import json_number, year_end_month_of_estimates
from market_pipeline.assets.periods import resolve_relative_periods
from market_pipeline.calendar import latest_closed_session
from market_pipeline.providers.yahoo.records import (
    AnalystEstimate,
    AnalystView,
    RecommendationCounts,
)

CURRENT_MONTH = "0m"


def recommendation_document(counts: list[RecommendationCounts]) -> dict[str, Any] | None:
    """Return the rating counts of the current month (`0m`), or None when Yahoo has none."""
    current = next((item for item in counts if item.period == CURRENT_MONTH), None)
    if current is None:
        return None
    return {
        "period": current.period,
        "strong_buy": current.strong_buy,
        "buy": current.buy,
        "hold": current.hold,
        "sell": current.sell,
        "strong_sell": current.strong_sell,
        "total": current.total,
    }


def estimate_document(
    estimate: AnalystEstimate, recommendations: dict[str, Any] | None, fetched_at: datetime
) -> dict[str, Any]:
    """Return the `estimates` document of one target period."""
    return {
        "relative_period": estimate.period,
        "period_end": estimate.period_end.isoformat() if estimate.period_end else None,
        "currency": estimate.currency,
        "eps": {
            "avg": json_number(estimate.eps_avg),
            "low": json_number(estimate.eps_low),
            "high": json_number(estimate.eps_high),
            "analysts": estimate.eps_analysts,
            "year_ago": json_number(estimate.eps_year_ago),
        },
        "revenue": {
            "avg": json_number(estimate.revenue_avg),
            "low": json_number(estimate.revenue_low),
            "high": json_number(estimate.revenue_high),
            "analysts": estimate.revenue_analysts,
            "year_ago": json_number(estimate.revenue_year_ago),
        },
        "growth": json_number(estimate.growth),
        "eps_trend": {
            "current": json_number(estimate.eps_trend_current),
            "7d_ago": json_number(estimate.eps_trend_7d_ago),
            "30d_ago": json_number(estimate.eps_trend_30d_ago),
            "60d_ago": json_number(estimate.eps_trend_60d_ago),
            "90d_ago": json_number(estimate.eps_trend_90d_ago),
        },
        "eps_revisions": {
            "up_7d": estimate.eps_revisions_up_7d,
            "up_30d": estimate.eps_revisions_up_30d,
            "down_7d": estimate.eps_revisions_down_7d,
            "down_30d": estimate.eps_revisions_down_30d,
        },
        "recommendations": recommendations,
        # The session, not the time, of the fetch: re-running on the same day leaves the row
        # unchanged instead of rewriting it for a new timestamp.
        "fetched_session": latest_closed_session(fetched_at).isoformat(),
    }


@dataclass
class EstimateBuild:
    """Rows to write and the periods left out, labelled `SYMBOL period: reason`."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)


def estimate_rows(
    symbol: str,
    instrument_id: uuid.UUID,
    source_id: uuid.UUID,
    as_of: date,
    view: AnalystView,
    stored_year_end_month: int | None,
    fetched_at: datetime,
) -> EstimateBuild:
    """Return one `analyst_estimate` row per target period (`Q3 2025`, `FY2025`).

    The fiscal year end is the end month of the `0y` period, else of the stored `FY` rows.
    """
    build = EstimateBuild()
    year_end_month = year_end_month_of_estimates(view.estimates) or stored_year_end_month
    if year_end_month is None:
        build.left_out.extend(
            f"{symbol} {estimate.period}: fiscal year end unknown" for estimate in view.estimates
        )
        return build
    by_period = {estimate.period: estimate for estimate in view.estimates}
    targets = resolve_relative_periods(
        {period: estimate.period_end for period, estimate in by_period.items()}, year_end_month
    )
    build.left_out.extend(
        f"{symbol} {period}: not a target period" for period in by_period if period not in targets
    )
    recommendations = recommendation_document(view.recommendations)
    for period, target in targets.items():
        build.rows.append(
            {
                "instrument_id": instrument_id,
                "as_of_date": as_of,
                "target_period": target.label,
                "estimates": estimate_document(by_period[period], recommendations, fetched_at),
                "data_source_id": source_id,
            }
        )
    return build
