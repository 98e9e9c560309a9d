"""Fiscal periods: period type and fiscal year of a period end, and Yahoo's relative periods.

A fiscal year is named after the calendar year in which it ends (Apple's year ending in
September 2025 is FY2025; a retailer's year ending in January 2025 is FY2025 too). Companies on
52/53-week years end their year on a weekday near the month end, sometimes a few days into the
next month (2025-01-03); a period end in the first `EARLY_MONTH_DAYS` days of a month therefore
counts as the end of the previous month.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

EARLY_MONTH_DAYS = 7
QUARTER_TYPES = ("Q1", "Q2", "Q3", "Q4")
ANNUAL_TYPE = "FY"

_RELATIVE_PERIOD = re.compile(r"^([+-]?\d+)([qy])$")
# Yahoo's `+5y` and `-5y` trend entries are growth rates over five years, not target periods.
MAX_QUARTER_OFFSET = 4
MAX_YEAR_OFFSET = 2


class FiscalPeriodError(ValueError):
    """A period end does not fit the company's fiscal calendar, or a period name is invalid."""


@dataclass(frozen=True, order=True)
class FiscalPeriod:
    """A fiscal quarter (`Q1`..`Q4`) or fiscal year (`FY`) of one fiscal year."""

    fiscal_year: int
    period_type: str

    @property
    def label(self) -> str:
        """`Q3 2025` for a quarter, `FY2025` for a year."""
        if self.period_type == ANNUAL_TYPE:
            return f"FY{self.fiscal_year}"
        return f"{self.period_type} {self.fiscal_year}"


def closing_month(period_end: date) -> tuple[int, int]:
    """Return `(year, month)` that a period ending on `period_end` closes.

    An end in the first days of a month (a 52/53-week year ending 2025-01-03) closes the
    previous month.
    """
    if period_end.day <= EARLY_MONTH_DAYS:
        if period_end.month == 1:
            return period_end.year - 1, 12
        return period_end.year, period_end.month - 1
    return period_end.year, period_end.month


def fiscal_year_end_month(annual_period_ends: Iterable[date]) -> int | None:
    """Return the month in which the fiscal year ends, from the latest annual period end.

    Returns None without any annual period end. The latest end wins, so a company that moved
    its year end is read on its current calendar.
    """
    ends = sorted(annual_period_ends)
    if not ends:
        return None
    return closing_month(ends[-1])[1]


def _months_after(month: int, year_end_month: int) -> int:
    return (month - year_end_month) % 12


def _check_month(year_end_month: int) -> None:
    if not 1 <= year_end_month <= 12:
        raise FiscalPeriodError(f"invalid fiscal year end month {year_end_month}: use 1 to 12")


def annual_period(period_end: date, year_end_month: int | None = None) -> FiscalPeriod:
    """Return the `FY` period that ends on `period_end`.

    With `year_end_month`, raises FiscalPeriodError when the end falls in another month.
    """
    year, month = closing_month(period_end)
    if year_end_month is not None:
        _check_month(year_end_month)
        if month != year_end_month:
            raise FiscalPeriodError(
                f"annual period ending {period_end} closes month {month}, but the fiscal year "
                f"ends in month {year_end_month}; check the company's fiscal year end"
            )
    return FiscalPeriod(year, ANNUAL_TYPE)


def quarter_period(period_end: date, year_end_month: int) -> FiscalPeriod:
    """Return the fiscal quarter that ends on `period_end` for a year ending in `year_end_month`.

    Apple (year end 9): the quarter ending 2024-12-28 is Q1 2025. Raises FiscalPeriodError when
    the quarter does not end 3, 6, 9 or 12 months after the year end.
    """
    _check_month(year_end_month)
    year, month = closing_month(period_end)
    months = _months_after(month, year_end_month)
    if months % 3:
        raise FiscalPeriodError(
            f"quarter ending {period_end} closes month {month}, which is not a quarter end of a "
            f"fiscal year ending in month {year_end_month}"
        )
    quarter = months // 3 or 4
    fiscal_year = year + 1 if month > year_end_month else year
    return FiscalPeriod(fiscal_year, QUARTER_TYPES[quarter - 1])


def _shift_month(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + months
    return index // 12, index % 12 + 1


def _month_end_day(year: int, month: int) -> date:
    next_year, next_month = _shift_month(year, month, 1)
    return date.fromordinal(date(next_year, next_month, 1).toordinal() - 1)


def calendar_quarter_end(label: str) -> date:
    """Return the last day of calendar quarter `Q4 2024` (Yahoo's earnings labels)."""
    match = re.fullmatch(r"Q([1-4]) (\d{4})", label)
    if match is None:
        raise FiscalPeriodError(f"invalid quarter label {label!r}: expected e.g. 'Q4 2024'")
    quarter, year = int(match.group(1)), int(match.group(2))
    return _month_end_day(year, quarter * 3)


def parse_relative_period(period: str) -> tuple[int, str]:
    """Return `(offset, unit)` of a Yahoo relative period: `+1q` gives `(1, "q")`."""
    match = _RELATIVE_PERIOD.match(period.strip())
    if match is None:
        raise FiscalPeriodError(
            f"invalid relative period {period!r}: expected forms like '0q', '+1q', '0y', '+1y'"
        )
    return int(match.group(1)), match.group(2)


def _period_of(period_end: date, unit: str, year_end_month: int) -> FiscalPeriod:
    if unit == "y":
        return annual_period(period_end, year_end_month)
    return quarter_period(period_end, year_end_month)


def resolve_relative_periods(
    period_ends: Mapping[str, date | None], year_end_month: int
) -> dict[str, FiscalPeriod]:
    """Return the fiscal period of each relative period (`0q`, `+1q`, `0y`, `+1y`).

    A period with an end date is resolved from it. A period without one is placed relative to
    a period of the same unit that has an end (`+1q` is three months after `0q`). Periods
    that cannot be placed, names of another form, ends that do not fit the fiscal calendar
    and the long-range growth entries (`+5y`, `-5y`) are left out.
    """
    _check_month(year_end_month)
    parsed: dict[str, tuple[int, str]] = {}
    for period in period_ends:
        try:
            offset, unit = parse_relative_period(period)
        except FiscalPeriodError:
            continue
        if _within_range(offset, unit):
            parsed[period] = (offset, unit)

    resolved: dict[str, FiscalPeriod] = {}
    anchors: dict[str, tuple[int, date]] = {}
    for period, (offset, unit) in parsed.items():
        end = period_ends[period]
        if end is None:
            continue
        try:
            resolved[period] = _period_of(end, unit, year_end_month)
        except FiscalPeriodError:
            continue
        anchors.setdefault(unit, (offset, end))

    for period, (offset, unit) in parsed.items():
        if period in resolved or period_ends[period] is not None or unit not in anchors:
            continue
        anchor_offset, anchor_end = anchors[unit]
        step = 3 if unit == "q" else 12
        year, month = _shift_month(*closing_month(anchor_end), (offset - anchor_offset) * step)
        resolved[period] = _period_of(_month_end_day(year, month), unit, year_end_month)
    return resolved


def _within_range(offset: int, unit: str) -> bool:
    limit = MAX_QUARTER_OFFSET if unit == "q" else MAX_YEAR_OFFSET
    return abs(offset) <= limit
