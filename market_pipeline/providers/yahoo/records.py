"""Typed records parsed from Yahoo quoteSummary and fundamentals-timeseries payloads.

Money and per-share values are `Decimal`; dates are exchange-local. Daily bars use the shared
records in `market_pipeline.providers.records`.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

EarningsTiming = Literal["before_open", "after_close"]
StatementFrequency = Literal["quarterly", "annual"]
StatementName = Literal["income_statement", "balance_sheet", "cash_flow"]


class CompanyOfficer(BaseModel):
    """One officer listed in `assetProfile.companyOfficers`."""

    model_config = ConfigDict(frozen=True)

    name: str
    title: str | None = None
    age: int | None = None
    year_born: int | None = None
    fiscal_year: int | None = None
    total_pay: Decimal | None = None


class CompanyProfile(BaseModel):
    """Company facts from assetProfile, price, quoteType, summaryDetail and key statistics."""

    model_config = ConfigDict(frozen=True)

    symbol: str = Field(description="The listing's own symbol, e.g. `BRK.B`.")
    yahoo_symbol: str
    name: str | None = None
    quote_type: str | None = Field(default=None, description="EQUITY, ETF, MUTUALFUND, ...")
    exchange: str | None = None
    exchange_name: str | None = None
    exchange_timezone: str | None = None
    currency: str | None = None
    financial_currency: str | None = None
    sector: str | None = None
    industry: str | None = None
    country: str | None = None
    city: str | None = None
    website: str | None = None
    summary: str | None = None
    employees: int | None = None
    market_cap: Decimal | None = None
    shares_outstanding: int | None = None
    float_shares: int | None = None
    beta: Decimal | None = None
    trailing_pe: Decimal | None = None
    forward_pe: Decimal | None = None
    dividend_yield: Decimal | None = None
    insiders_percent_held: Decimal | None = None
    institutions_percent_held: Decimal | None = None
    institutions_count: int | None = None
    officers: list[CompanyOfficer] = Field(default_factory=list)
    modules: list[str] = Field(
        default_factory=list, description="quoteSummary modules the profile was built from."
    )


class EarningsEvent(BaseModel):
    """One quarterly earnings report, past (with actuals) or scheduled (estimates only)."""

    model_config = ConfigDict(frozen=True)

    symbol: str
    fiscal_period: str = Field(
        description="`Q1 2025`: Yahoo's quarter label, the calendar quarter of the period end."
    )
    period_end: date | None = None
    scheduled_for: AwareDatetime | None = Field(
        default=None, description="Announcement time as Yahoo has it; None when unknown."
    )
    report_date: date | None = Field(
        default=None, description="Exchange-local date of the announcement."
    )
    date_is_estimate: bool = False
    timing: EarningsTiming | None = None
    eps_estimate: Decimal | None = None
    eps_actual: Decimal | None = None
    eps_surprise: Decimal | None = Field(default=None, description="Actual minus estimate.")
    eps_surprise_percent: Decimal | None = Field(
        default=None, description="Surprise as a fraction of the estimate (0.02 = 2 %)."
    )
    revenue_estimate: Decimal | None = None
    revenue_actual: Decimal | None = None
    currency: str | None = None


class AnalystEstimate(BaseModel):
    """Consensus for one relative period of `earningsTrend` (`0q`, `+1q`, `0y`, `+1y`)."""

    model_config = ConfigDict(frozen=True)

    symbol: str
    period: str
    period_end: date | None = None
    eps_avg: Decimal | None = None
    eps_low: Decimal | None = None
    eps_high: Decimal | None = None
    eps_analysts: int | None = None
    eps_year_ago: Decimal | None = None
    revenue_avg: Decimal | None = None
    revenue_low: Decimal | None = None
    revenue_high: Decimal | None = None
    revenue_analysts: int | None = None
    revenue_year_ago: Decimal | None = None
    growth: Decimal | None = None
    eps_trend_current: Decimal | None = None
    eps_trend_7d_ago: Decimal | None = None
    eps_trend_30d_ago: Decimal | None = None
    eps_trend_60d_ago: Decimal | None = None
    eps_trend_90d_ago: Decimal | None = None
    eps_revisions_up_7d: int | None = None
    eps_revisions_up_30d: int | None = None
    eps_revisions_down_7d: int | None = None
    eps_revisions_down_30d: int | None = None
    currency: str | None = None


class RecommendationCounts(BaseModel):
    """Analyst rating counts for one month of `recommendationTrend` (`0m`, `-1m`, ...)."""

    model_config = ConfigDict(frozen=True)

    symbol: str
    period: str
    strong_buy: int = Field(ge=0)
    buy: int = Field(ge=0)
    hold: int = Field(ge=0)
    sell: int = Field(ge=0)
    strong_sell: int = Field(ge=0)

    @property
    def total(self) -> int:
        return self.strong_buy + self.buy + self.hold + self.sell + self.strong_sell


class AnalystView(BaseModel):
    """Everything `fetch_estimates` returns for one symbol."""

    estimates: list[AnalystEstimate] = Field(default_factory=list)
    recommendations: list[RecommendationCounts] = Field(default_factory=list)


class StatementPeriod(BaseModel):
    """One reporting period of one statement, with items keyed by canonical name."""

    model_config = ConfigDict(frozen=True)

    symbol: str
    statement: StatementName
    period_end: date
    frequency: StatementFrequency
    currency: str | None = None
    items: dict[str, Decimal] = Field(default_factory=dict)


class QuoteSummaryResult(BaseModel):
    """The modules one quoteSummary call returned, still as JSON objects."""

    symbol: str
    modules: dict[str, dict] = Field(default_factory=dict)
    fetched_at: datetime | None = None
