"""Typed records that every price provider returns, whatever its wire format.

Prices are `Decimal`; `session` is the exchange-local trading date, never a UTC date.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field, model_validator


class DailyBar(BaseModel):
    """One daily OHLCV bar for one exchange session."""

    model_config = ConfigDict(frozen=True)

    symbol: str = Field(description="The listing's own symbol, e.g. `BRK.B`.")
    session: date
    open: Decimal
    high: Decimal
    low: Decimal
    close: Decimal
    volume: int = Field(ge=0)
    adj_close: Decimal | None = None
    final: bool = Field(
        default=True,
        description="False for a session that had not closed when the payload was fetched.",
    )

    @model_validator(mode="after")
    def _check_range(self) -> DailyBar:
        if self.high < self.low:
            raise ValueError(
                f"bar {self.symbol} {self.session}: high {self.high} is below low {self.low}"
            )
        return self


class SplitEvent(BaseModel):
    """A stock split effective on `session`: `numerator` new shares for `denominator` old."""

    model_config = ConfigDict(frozen=True)

    symbol: str
    session: date
    numerator: Decimal
    denominator: Decimal

    @property
    def ratio(self) -> Decimal:
        return self.numerator / self.denominator


class DividendEvent(BaseModel):
    """A cash dividend per share with its ex-date `session`."""

    model_config = ConfigDict(frozen=True)

    symbol: str
    session: date
    amount: Decimal


class BarSeries(BaseModel):
    """Everything one chart request returned for one symbol."""

    symbol: str
    exchange_timezone: str
    currency: str | None = None
    bars: list[DailyBar] = Field(default_factory=list)
    splits: list[SplitEvent] = Field(default_factory=list)
    dividends: list[DividendEvent] = Field(default_factory=list)

    @property
    def final_bars(self) -> list[DailyBar]:
        """Return the bars of sessions that had closed when the payload was fetched."""
        return [bar for bar in self.bars if bar.final]
