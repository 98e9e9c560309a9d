"""Metrics of the snapshots, computed from the stored bars, statements, earnings and estimates.

Every metric is a plain JSON value. One that the stored data cannot give is None, never a
guess. Returns and shares are in percent (`return_1d_pct = 1.25` means +1.25 %). Prices are
adjusted closes where the bar has one, else closes; a return needs a price on both sessions.
"""

from __future__ import annotations

import statistics
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from market_pipeline.calendar import trailing_sessions

RETURN_WINDOWS = (1, 5, 21)
AVERAGE_WINDOW = 21
TRAILING_QUARTERS = 4
PLACES = 4

Prices = Mapping[date, Decimal]


def bar_price(close: Decimal, adj_close: Decimal | None) -> Decimal:
    """Return the adjusted close when the bar has one, else the close."""
    return adj_close if adj_close is not None else close


def _rounded(value: Decimal | float | None) -> float | None:
    return None if value is None else round(float(value), PLACES)


def period_return_pct(prices: Prices, session: date, sessions_back: int) -> float | None:
    """Return the percent change from `sessions_back` sessions before `session` to `session`."""
    start = trailing_sessions(session, sessions_back + 1)[0]
    end_price, start_price = prices.get(session), prices.get(start)
    if end_price is None or start_price is None or start_price == 0:
        return None
    return _rounded((end_price / start_price - 1) * 100)


def moving_average(prices: Prices, session: date, window: int = AVERAGE_WINDOW) -> Decimal | None:
    """Return the mean price over the `window` sessions ending on `session`, if all have one."""
    sessions = trailing_sessions(session, window)
    if sessions[-1] != session or any(prices.get(day) is None for day in sessions):
        return None
    return sum((prices[day] for day in sessions), Decimal(0)) / window


def above_average(prices: Prices, session: date, window: int = AVERAGE_WINDOW) -> bool | None:
    """Tell whether the session's price is above its `window`-session average; None if unknown."""
    average = moving_average(prices, session, window)
    price = prices.get(session)
    if average is None or price is None:
        return None
    return price > average


def share_pct(flags: Sequence[bool | None]) -> float | None:
    """Return the percent of True among the known flags, or None when none is known."""
    known = [flag for flag in flags if flag is not None]
    if not known:
        return None
    return _rounded(Decimal(sum(known)) / len(known) * 100)


def mean(values: Sequence[float | None]) -> float | None:
    known = [value for value in values if value is not None]
    return _rounded(statistics.fmean(known)) if known else None


def median(values: Sequence[float | None]) -> float | None:
    known = [value for value in values if value is not None]
    return _rounded(statistics.median(known)) if known else None


# -- statements ----------------------------------------------------------------------------


@dataclass(frozen=True)
class QuarterFigures:
    """The income statement items of one stored quarter that the metrics use."""

    period_end: date
    label: str
    diluted_eps: Decimal | None
    total_revenue: Decimal | None


def _decimal(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return None
    return Decimal(str(value))


def quarter_figures(period_end: date, label: str, income: Mapping[str, Any]) -> QuarterFigures:
    """Read one quarter's EPS and revenue from its income statement document."""
    return QuarterFigures(
        period_end=period_end,
        label=label,
        diluted_eps=_decimal(income.get("diluted_eps")),
        total_revenue=_decimal(income.get("total_revenue")),
    )


def trailing_sum(quarters: Sequence[QuarterFigures], item: str, session: date) -> Decimal | None:
    """Return the sum of `item` over the last four quarters ending on or before `session`.

    None when fewer than four such quarters are stored or one of them lacks the item.
    """
    known = sorted((q for q in quarters if q.period_end <= session), key=lambda q: q.period_end)
    latest = known[-TRAILING_QUARTERS:]
    values = [getattr(quarter, item) for quarter in latest]
    if len(values) < TRAILING_QUARTERS or any(value is None for value in values):
        return None
    return sum(values, Decimal(0))


def pe_ratio(price: Decimal | None, eps: Decimal | None) -> float | None:
    """Return price over trailing EPS; None without a price or with EPS at or below zero."""
    if price is None or eps is None or eps <= 0:
        return None
    return _rounded(price / eps)


# -- earnings and estimates ----------------------------------------------------------------


@dataclass(frozen=True)
class StoredEarnings:
    """One stored `earnings_event` row."""

    fiscal_period: str
    report_date: date | None
    results: Mapping[str, Any]

    def value(self, measure: str, key: str) -> Any:
        return (self.results.get(measure) or {}).get(key)

    @property
    def reported(self) -> bool:
        return (
            self.value("eps", "actual") is not None or self.value("revenue", "actual") is not None
        )

    @property
    def period_end(self) -> date | None:
        text = self.results.get("period_end")
        return date.fromisoformat(text) if text else None


def last_reported(events: Sequence[StoredEarnings], session: date) -> StoredEarnings | None:
    """Return the latest reported event known on `session` (reported on or before it)."""
    known = [
        event
        for event in events
        if event.reported
        and (
            (event.report_date is not None and event.report_date <= session)
            or (event.report_date is None and (event.period_end or date.max) <= session)
        )
    ]
    return max(known, key=lambda e: e.period_end or e.report_date or date.min, default=None)


def next_report(events: Sequence[StoredEarnings], session: date) -> StoredEarnings | None:
    """Return the earliest unreported event with a report date on or after `session`."""
    upcoming = [
        event
        for event in events
        if not event.reported and event.report_date is not None and event.report_date >= session
    ]
    return min(upcoming, key=lambda event: event.report_date or date.max, default=None)


def fiscal_year_estimate(
    estimates: Mapping[str, Mapping[str, Any]],
) -> tuple[str | None, Mapping[str, Any]]:
    """Return the nearest fiscal year target (`FY2025`) and its estimate document, if any."""
    years = sorted(period for period in estimates if period.startswith("FY"))
    return (years[0], estimates[years[0]]) if years else (None, {})


# -- per company ---------------------------------------------------------------------------

COMPANY_METRIC_KEYS = (
    "close",
    "return_1d_pct",
    "return_5d_pct",
    "return_21d_pct",
    "sma_21d",
    "above_sma_21d",
    "trailing_eps",
    "pe_ratio",
    "revenue_ttm",
    "last_reported_quarter",
    "eps_actual",
    "eps_estimate",
    "eps_surprise",
    "eps_surprise_pct",
    "revenue_surprise_pct",
    "next_earnings_date",
    "fy_target_period",
    "fy_eps_estimate",
    "eps_revisions_up_30d",
    "eps_revisions_down_30d",
)


@dataclass
class CompanyData:
    """The stored bars, quarters, earnings and estimates of one company as of one session."""

    prices: dict[date, Decimal] = field(default_factory=dict)
    quarters: list[QuarterFigures] = field(default_factory=list)
    events: list[StoredEarnings] = field(default_factory=list)
    estimates: dict[str, dict[str, Any]] = field(default_factory=dict)


def _yes_no(flag: bool | None) -> str | None:
    if flag is None:
        return None
    return "yes" if flag else "no"


def company_metrics(data: CompanyData, session: date) -> dict[str, Any]:
    """Return every key of `COMPANY_METRIC_KEYS` for one company on `session`."""
    price = data.prices.get(session)
    average = moving_average(data.prices, session)
    eps = trailing_sum(data.quarters, "diluted_eps", session)
    reported = last_reported(data.events, session)
    upcoming = next_report(data.events, session)
    target, year = fiscal_year_estimate(data.estimates)
    revisions = year.get("eps_revisions") or {}
    metrics: dict[str, Any] = {
        "close": _rounded(price),
        **{
            f"return_{days}d_pct": period_return_pct(data.prices, session, days)
            for days in RETURN_WINDOWS
        },
        "sma_21d": _rounded(average),
        "above_sma_21d": _yes_no(above_average(data.prices, session)),
        "trailing_eps": _rounded(eps),
        "pe_ratio": pe_ratio(price, eps),
        "revenue_ttm": _rounded(trailing_sum(data.quarters, "total_revenue", session)),
        "last_reported_quarter": reported.fiscal_period if reported else None,
        "eps_actual": reported.value("eps", "actual") if reported else None,
        "eps_estimate": reported.value("eps", "estimate") if reported else None,
        "eps_surprise": reported.value("eps", "surprise") if reported else None,
        "eps_surprise_pct": reported.value("eps", "surprise_percent") if reported else None,
        "revenue_surprise_pct": (
            reported.value("revenue", "surprise_percent") if reported else None
        ),
        "next_earnings_date": (
            upcoming.report_date.isoformat() if upcoming and upcoming.report_date else None
        ),
        "fy_target_period": target,
        "fy_eps_estimate": (year.get("eps") or {}).get("avg"),
        "eps_revisions_up_30d": revisions.get("up_30d"),
        "eps_revisions_down_30d": revisions.get("down_30d"),
    }
    return metrics


# -- per sector ----------------------------------------------------------------------------

SECTOR_METRIC_KEYS = (
    "members",
    "members_with_price",
    "return_1d_pct",
    "return_5d_pct",
    "return_21d_pct",
    "breadth_up_pct",
    "breadth_above_sma_21d_pct",
    "median_pe_ratio",
    "members_with_pe",
    "median_eps_surprise_pct",
    "eps_beats",
    "eps_misses",
    "eps_revisions_up_30d",
    "eps_revisions_down_30d",
)


def _total(values: Sequence[Any]) -> int | None:
    known = [value for value in values if isinstance(value, int | float)]
    return int(sum(known)) if known else None


def sector_metrics(members: Mapping[uuid.UUID, dict[str, Any]]) -> dict[str, Any]:
    """Return every key of `SECTOR_METRIC_KEYS` from the members' company metrics.

    Returns are equal-weighted means of the members' returns. Breadth is the percent of the
    members with a known value that rose on the session, or that closed above their
    21-session average.
    """
    rows = list(members.values())
    returns_1d = [row["return_1d_pct"] for row in rows]
    surprises = [row["eps_surprise"] for row in rows if row["eps_surprise"] is not None]
    return {
        "members": len(rows),
        "members_with_price": sum(1 for row in rows if row["close"] is not None),
        **{
            f"return_{days}d_pct": mean([row[f"return_{days}d_pct"] for row in rows])
            for days in RETURN_WINDOWS
        },
        "breadth_up_pct": share_pct([None if r is None else r > 0 for r in returns_1d]),
        "breadth_above_sma_21d_pct": share_pct(
            [
                None if row["above_sma_21d"] is None else row["above_sma_21d"] == "yes"
                for row in rows
            ]
        ),
        "median_pe_ratio": median([row["pe_ratio"] for row in rows]),
        "members_with_pe": sum(1 for row in rows if row["pe_ratio"] is not None),
        "median_eps_surprise_pct": median([row["eps_surprise_pct"] for row in rows]),
        "eps_beats": sum(1 for value in surprises if value > 0) if surprises else None,
        "eps_misses": sum(1 for value in surprises if value < 0) if surprises else None,
        "eps_revisions_up_30d": _total([row["eps_revisions_up_30d"] for row in rows]),
        "eps_revisions_down_30d": _total([row["eps_revisions_down_30d"] for row in rows]),
    }


# -- macro ---------------------------------------------------------------------------------

# Metric name stems of the default macro series; other symbols get a stem from their letters.
MACRO_STEMS = {
    "^GSPC": "sp500",
    "^VIX": "vix",
    "^TNX": "us_10y_yield",
    "DX-Y.NYB": "dollar_index",
    "EURUSD=X": "eurusd",
    "CL=F": "wti_crude",
    "GC=F": "gold",
    "ES=F": "sp500_futures",
}
LEVEL_CLASSES = ("rate",)


def macro_stem(symbol: str) -> str:
    """Return the metric name stem of a macro series (`^VIX` -> `vix`)."""
    if symbol in MACRO_STEMS:
        return MACRO_STEMS[symbol]
    return "".join(char if char.isalnum() else "_" for char in symbol.lower()).strip("_")


def macro_metric_keys(series: Mapping[str, str]) -> list[str]:
    """Return the metric keys of the configured macro series (symbol -> asset class)."""
    keys = ["series_with_price"]
    for symbol, asset_class in sorted(series.items()):
        stem = macro_stem(symbol)
        keys.append(f"{stem}_close")
        if asset_class in LEVEL_CLASSES:
            keys.extend(f"{stem}_change_{days}d" for days in RETURN_WINDOWS)
        else:
            keys.extend(f"{stem}_return_{days}d_pct" for days in RETURN_WINDOWS)
    return keys


def level_change(prices: Prices, session: date, sessions_back: int) -> float | None:
    """Return the change in level (rates: percentage points) over `sessions_back` sessions."""
    start = trailing_sessions(session, sessions_back + 1)[0]
    if session not in prices or start not in prices:
        return None
    return _rounded(prices[session] - prices[start])


def macro_metrics(
    series: Mapping[str, str], prices: Mapping[str, Prices], session: date
) -> dict[str, Any]:
    """Return every key of `macro_metric_keys(series)` from each series' stored prices."""
    metrics: dict[str, Any] = {
        "series_with_price": sum(1 for symbol in series if session in prices.get(symbol, {}))
    }
    for symbol, asset_class in sorted(series.items()):
        stem = macro_stem(symbol)
        history = prices.get(symbol, {})
        metrics[f"{stem}_close"] = _rounded(history.get(session))
        for days in RETURN_WINDOWS:
            if asset_class in LEVEL_CLASSES:
                metrics[f"{stem}_change_{days}d"] = level_change(history, session, days)
            else:
                metrics[f"{stem}_return_{days}d_pct"] = period_return_pct(history, session, days)
    return metrics
