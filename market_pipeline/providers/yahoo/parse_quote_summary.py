"""Parse `/v10/finance/quoteSummary/{symbol}` payloads into profile, earnings and estimates."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from market_pipeline.providers.errors import EmptyResultError, ProviderResponseError
from market_pipeline.providers.yahoo.parse_values import (
    raw_value,
    to_date,
    to_decimal,
    to_int,
    to_text,
    to_utc_datetime,
)
from market_pipeline.providers.yahoo.records import (
    AnalystEstimate,
    CompanyOfficer,
    CompanyProfile,
    EarningsEvent,
    RecommendationCounts,
)
from market_pipeline.providers.yahoo.symbols import to_yahoo_symbol

ENDPOINT = "quoteSummary"
# Used for earnings times when the payload has no `quoteType.timeZoneFullName`.
DEFAULT_TIMEZONE = "America/New_York"
REGULAR_OPEN = time(9, 30)
REGULAR_CLOSE = time(16, 0)
_CHART_QUARTER = re.compile(r"^([1-4])Q(\d{4})$")


class QuoteSummaryNotFoundError(EmptyResultError):
    """Yahoo has none of the requested quoteSummary modules for this symbol (an ETF's earnings).

    Yahoo returns HTTP 404 with `quoteSummary.error.code == "Not Found"`. That is the normal
    response for a symbol the modules do not apply to, not a failed call.
    """


def quote_summary_modules(payload: Mapping[str, Any], symbol: str) -> dict[str, dict[str, Any]]:
    """Return the modules of `quoteSummary.result[0]` by name.

    Raises QuoteSummaryNotFoundError for Yahoo's "Not Found" error and ProviderResponseError
    for any other error or shape.
    """
    summary = payload.get("quoteSummary") if isinstance(payload, Mapping) else None
    if not isinstance(summary, Mapping):
        raise ProviderResponseError(
            f"Yahoo quoteSummary for {symbol}: the body has no `quoteSummary` object.",
            provider="yahoo",
            endpoint=ENDPOINT,
            symbol=symbol,
        )
    error = summary.get("error")
    if error:
        code = error.get("code") if isinstance(error, Mapping) else str(error)
        text = error.get("description") if isinstance(error, Mapping) else ""
        error_class = QuoteSummaryNotFoundError if code == "Not Found" else ProviderResponseError
        raise error_class(
            f"Yahoo quoteSummary for {symbol}: {code}: {text}",
            provider="yahoo",
            endpoint=ENDPOINT,
            symbol=symbol,
        )
    modules: dict[str, dict[str, Any]] = {}
    for result in summary.get("result") or []:
        if isinstance(result, Mapping):
            modules.update({k: v for k, v in result.items() if isinstance(v, Mapping)})
    return modules


def _module(modules: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    value = modules.get(name)
    return value if isinstance(value, Mapping) else {}


def exchange_timezone(modules: Mapping[str, Any]) -> str | None:
    """Return the exchange time zone from `quoteType.timeZoneFullName`, if present."""
    return to_text(_module(modules, "quoteType").get("timeZoneFullName"))


def _officers(profile: Mapping[str, Any]) -> list[CompanyOfficer]:
    officers = []
    for entry in profile.get("companyOfficers") or []:
        name = to_text(entry.get("name")) if isinstance(entry, Mapping) else None
        if name is None:
            continue
        officers.append(
            CompanyOfficer(
                name=name,
                title=to_text(entry.get("title")),
                age=to_int(entry.get("age")),
                year_born=to_int(entry.get("yearBorn")),
                fiscal_year=to_int(entry.get("fiscalYear")),
                total_pay=to_decimal(entry.get("totalPay")),
            )
        )
    return officers


def parse_profile(modules: Mapping[str, Any], symbol: str) -> CompanyProfile:
    """Build the company profile of listing symbol `symbol` from whichever modules are present."""
    asset = _module(modules, "assetProfile") or _module(modules, "summaryProfile")
    price = _module(modules, "price")
    quote = _module(modules, "quoteType")
    detail = _module(modules, "summaryDetail")
    stats = _module(modules, "defaultKeyStatistics")
    financial = _module(modules, "financialData")
    holders = _module(modules, "majorHoldersBreakdown")
    name = (
        to_text(price.get("longName"))
        or to_text(quote.get("longName"))
        or to_text(price.get("shortName"))
        or to_text(quote.get("shortName"))
    )
    return CompanyProfile(
        symbol=symbol,
        yahoo_symbol=to_yahoo_symbol(symbol),
        name=name,
        quote_type=to_text(quote.get("quoteType")) or to_text(price.get("quoteType")),
        exchange=to_text(quote.get("exchange")) or to_text(price.get("exchange")),
        exchange_name=to_text(price.get("exchangeName")),
        exchange_timezone=exchange_timezone(modules),
        currency=to_text(price.get("currency")) or to_text(detail.get("currency")),
        financial_currency=to_text(financial.get("financialCurrency")),
        sector=to_text(asset.get("sector")),
        industry=to_text(asset.get("industry")),
        country=to_text(asset.get("country")),
        city=to_text(asset.get("city")),
        website=to_text(asset.get("website")),
        summary=to_text(asset.get("longBusinessSummary")),
        employees=to_int(asset.get("fullTimeEmployees")),
        market_cap=to_decimal(price.get("marketCap")) or to_decimal(detail.get("marketCap")),
        shares_outstanding=to_int(stats.get("sharesOutstanding")),
        float_shares=to_int(stats.get("floatShares")),
        beta=to_decimal(detail.get("beta")) or to_decimal(stats.get("beta")),
        trailing_pe=to_decimal(detail.get("trailingPE")),
        forward_pe=to_decimal(detail.get("forwardPE")) or to_decimal(stats.get("forwardPE")),
        dividend_yield=to_decimal(detail.get("dividendYield")),
        insiders_percent_held=to_decimal(holders.get("insidersPercentHeld"))
        or to_decimal(stats.get("heldPercentInsiders")),
        institutions_percent_held=to_decimal(holders.get("institutionsPercentHeld"))
        or to_decimal(stats.get("heldPercentInstitutions")),
        institutions_count=to_int(holders.get("institutionsCount")),
        officers=_officers(asset),
        modules=sorted(modules),
    )


# -- earnings ------------------------------------------------------------------------------


def quarter_label(period_end: date) -> str:
    """Return Yahoo's quarter label for a period ending on `period_end` (`Q1 2025`)."""
    return f"Q{(period_end.month - 1) // 3 + 1} {period_end.year}"


def _chart_label(text: Any) -> str | None:
    """Turn an `earningsChart` date such as `1Q2024` into `Q1 2024`."""
    match = _CHART_QUARTER.match(str(text or ""))
    return f"Q{match.group(1)} {match.group(2)}" if match else None


def _next_label(label: str) -> str:
    quarter, year = int(label[1]), int(label[3:])
    return f"Q{quarter % 4 + 1} {year + (quarter == 4)}"


def _zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or DEFAULT_TIMEZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TIMEZONE)


def report_timing(moment: datetime, zone: ZoneInfo) -> str | None:
    """Return `before_open` / `after_close` for an announcement time, None during the session."""
    local = moment.astimezone(zone).time()
    if local < REGULAR_OPEN:
        return "before_open"
    if local >= REGULAR_CLOSE:
        return "after_close"
    return None


def _revenue_by_label(modules: Mapping[str, Any]) -> dict[str, Decimal]:
    chart = _module(_module(modules, "earnings"), "financialsChart")
    revenues = {}
    for entry in chart.get("quarterly") or []:
        label = _chart_label(raw_value(entry.get("date")))
        revenue = to_decimal(entry.get("revenue"))
        if label and revenue is not None:
            revenues[label] = revenue
    return revenues


def _past_events(modules: Mapping[str, Any], symbol: str) -> dict[str, EarningsEvent]:
    # TODO: past reports have no `report_date`, because earningsHistory carries only the quarter
    # end; the announcement dates need another Yahoo endpoint that has no recording here.
    revenues = _revenue_by_label(modules)
    events: dict[str, EarningsEvent] = {}
    for entry in _module(modules, "earningsHistory").get("history") or []:
        period_end = to_date(entry.get("quarter"))
        if period_end is None:
            continue
        label = quarter_label(period_end)
        events[label] = EarningsEvent(
            symbol=symbol,
            fiscal_period=label,
            period_end=period_end,
            eps_estimate=to_decimal(entry.get("epsEstimate")),
            eps_actual=to_decimal(entry.get("epsActual")),
            eps_surprise=to_decimal(entry.get("epsDifference")),
            eps_surprise_percent=to_decimal(entry.get("surprisePercent")),
            revenue_actual=revenues.get(label),
            currency=to_text(entry.get("currency")),
        )
    chart = _module(_module(modules, "earnings"), "earningsChart")
    for entry in chart.get("quarterly") or []:
        chart_label = _chart_label(raw_value(entry.get("date")))
        if chart_label is None or chart_label in events:
            continue
        events[chart_label] = EarningsEvent(
            symbol=symbol,
            fiscal_period=chart_label,
            eps_estimate=to_decimal(entry.get("estimate")),
            eps_actual=to_decimal(entry.get("actual")),
            revenue_actual=revenues.get(chart_label),
        )
    return events


def _upcoming_label(modules: Mapping[str, Any], past: Mapping[str, EarningsEvent]) -> str | None:
    chart = _module(_module(modules, "earnings"), "earningsChart")
    quarter = to_text(chart.get("currentQuarterEstimateDate"))
    year = to_int(chart.get("currentQuarterEstimateYear"))
    if quarter and year and _CHART_QUARTER.match(f"{quarter}{year}"):
        return _chart_label(f"{quarter}{year}")
    if past:
        latest = max(past, key=lambda label: (int(label[3:]), int(label[1])))
        return _next_label(latest)
    # Without earnings history, a report is taken to cover the quarter before its date.
    calendar = _module(_module(modules, "calendarEvents"), "earnings")
    dates = [to_utc_datetime(value) for value in calendar.get("earningsDate") or []]
    first = next((moment for moment in dates if moment is not None), None)
    if first is None:
        return None
    quarter_start = date(first.year, (first.month - 1) // 3 * 3 + 1, 1)
    return quarter_label(quarter_start - timedelta(days=1))


def _upcoming_event(
    modules: Mapping[str, Any], symbol: str, label: str, zone: ZoneInfo
) -> EarningsEvent | None:
    calendar = _module(_module(modules, "calendarEvents"), "earnings")
    dates = [to_utc_datetime(value) for value in calendar.get("earningsDate") or []]
    dates = [moment for moment in dates if moment is not None]
    if not calendar:
        return None
    is_estimate = bool(raw_value(calendar.get("isEarningsDateEstimate")))
    scheduled = dates[0] if dates else None
    return EarningsEvent(
        symbol=symbol,
        fiscal_period=label,
        scheduled_for=None if is_estimate else scheduled,
        report_date=scheduled.astimezone(zone).date() if scheduled else None,
        date_is_estimate=is_estimate,
        timing=None if is_estimate or scheduled is None else report_timing(scheduled, zone),
        eps_estimate=to_decimal(calendar.get("earningsAverage")),
        revenue_estimate=to_decimal(calendar.get("revenueAverage")),
    )


def parse_earnings(modules: Mapping[str, Any], symbol: str) -> list[EarningsEvent]:
    """Return past quarters (earningsHistory, earnings) and the next report (calendarEvents).

    An estimated report date (`isEarningsDateEstimate`) keeps `report_date` but has no
    `scheduled_for` or `timing`, because Yahoo's time of day is a placeholder then.
    """
    zone = _zone(exchange_timezone(modules))
    past = _past_events(modules, symbol)
    events = dict(past)
    label = _upcoming_label(modules, past)
    if label is not None:
        upcoming = _upcoming_event(modules, symbol, label, zone)
        if upcoming is not None and label not in past:
            events[label] = upcoming
    return sorted(events.values(), key=lambda e: (int(e.fiscal_period[3:]), e.fiscal_period))


# -- estimates and recommendations ---------------------------------------------------------


def parse_estimates(modules: Mapping[str, Any], symbol: str) -> list[AnalystEstimate]:
    """Return one estimate per `earningsTrend.trend` period (`0q`, `+1q`, `0y`, `+1y`, ...)."""
    estimates = []
    for entry in _module(modules, "earningsTrend").get("trend") or []:
        period = to_text(entry.get("period"))
        if period is None:
            continue
        eps = entry.get("earningsEstimate") or {}
        revenue = entry.get("revenueEstimate") or {}
        trend = entry.get("epsTrend") or {}
        revisions = entry.get("epsRevisions") or {}
        estimates.append(
            AnalystEstimate(
                symbol=symbol,
                period=period,
                period_end=to_date(entry.get("endDate")),
                eps_avg=to_decimal(eps.get("avg")),
                eps_low=to_decimal(eps.get("low")),
                eps_high=to_decimal(eps.get("high")),
                eps_analysts=to_int(eps.get("numberOfAnalysts")),
                eps_year_ago=to_decimal(eps.get("yearAgoEps")),
                revenue_avg=to_decimal(revenue.get("avg")),
                revenue_low=to_decimal(revenue.get("low")),
                revenue_high=to_decimal(revenue.get("high")),
                revenue_analysts=to_int(revenue.get("numberOfAnalysts")),
                revenue_year_ago=to_decimal(revenue.get("yearAgoRevenue")),
                growth=to_decimal(entry.get("growth")),
                eps_trend_current=to_decimal(trend.get("current")),
                eps_trend_7d_ago=to_decimal(trend.get("7daysAgo")),
                eps_trend_30d_ago=to_decimal(trend.get("30daysAgo")),
                eps_trend_60d_ago=to_decimal(trend.get("60daysAgo")),
                eps_trend_90d_ago=to_decimal(trend.get("90daysAgo")),
                eps_revisions_up_7d=to_int(revisions.get("upLast7days")),
                eps_revisions_up_30d=to_int(revisions.get("upLast30days")),
                # Yahoo spells this one key with a capital D.
                eps_revisions_down_7d=to_int(
                    revisions.get("downLast7Days", revisions.get("downLast7days"))
                ),
                eps_revisions_down_30d=to_int(revisions.get("downLast30days")),
                currency=to_text(eps.get("earningsCurrency")),
            )
        )
    return estimates


def parse_recommendations(modules: Mapping[str, Any], symbol: str) -> list[RecommendationCounts]:
    """Return the rating counts of each month in `recommendationTrend` (`0m` first)."""
    counts = []
    for entry in _module(modules, "recommendationTrend").get("trend") or []:
        period = to_text(entry.get("period"))
        if period is None:
            continue
        counts.append(
            RecommendationCounts(
                symbol=symbol,
                period=period,
                strong_buy=to_int(entry.get("strongBuy")) or 0,
                buy=to_int(entry.get("buy")) or 0,
                hold=to_int(entry.get("hold")) or 0,
                sell=to_int(entry.get("sell")) or 0,
                strong_sell=to_int(entry.get("strongSell")) or 0,
            )
        )
    return counts


# -- legacy statement modules --------------------------------------------------------------


def legacy_statement_values(module: Mapping[str, Any]) -> list[dict[str, Decimal]]:
    """Return the non-zero numbers of each period of a `*StatementHistory*` module.

    Yahoo has emptied these modules since about 2023 (statements now come from
    fundamentals-timeseries); this shows what a payload still carries.
    """
    periods = []
    for key, entries in module.items():
        if key == "maxAge" or not isinstance(entries, list):
            continue
        for entry in entries:
            values = {}
            for field, value in entry.items():
                if field in ("maxAge", "endDate"):
                    continue
                number = to_decimal(value)
                if number is not None and number != 0:
                    values[field] = number
            periods.append(values)
    return periods
