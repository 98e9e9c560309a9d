"""Fiscal periods: period type, fiscal year and Yahoo's relative periods."""

from __future__ import annotations

from datetime import date

import pytest

from market_pipeline.assets.periods import (
    FiscalPeriod,
    FiscalPeriodError,
    annual_period,
    calendar_quarter_end,
    closing_month,
    fiscal_year_end_month,
    parse_relative_period,
    quarter_period,
    resolve_relative_periods,
)

APPLE = 9
MICROSOFT = 6
CALENDAR = 12


@pytest.mark.parametrize(
    ("period_end", "year_end_month", "expected"),
    [
        (date(2024, 12, 28), APPLE, "Q1 2025"),
        (date(2025, 3, 29), APPLE, "Q2 2025"),
        (date(2025, 6, 28), APPLE, "Q3 2025"),
        (date(2025, 9, 27), APPLE, "Q4 2025"),
        (date(2024, 9, 30), MICROSOFT, "Q1 2025"),
        (date(2025, 3, 31), MICROSOFT, "Q3 2025"),
        (date(2025, 6, 30), MICROSOFT, "Q4 2025"),
        (date(2024, 3, 31), CALENDAR, "Q1 2024"),
        (date(2024, 12, 31), CALENDAR, "Q4 2024"),
        # 52/53-week years: a few days into the next month close the previous month.
        (date(2025, 1, 3), CALENDAR, "Q4 2024"),
        (date(2024, 10, 2), APPLE, "Q4 2024"),
    ],
)
def test_quarter_period_labels(period_end: date, year_end_month: int, expected: str) -> None:
    assert quarter_period(period_end, year_end_month).label == expected


def test_quarter_period_unaligned_raises() -> None:
    with pytest.raises(FiscalPeriodError, match="not a quarter end"):
        quarter_period(date(2024, 11, 30), APPLE)


def test_annual_period_years() -> None:
    assert annual_period(date(2024, 9, 28)) == FiscalPeriod(2024, "FY")
    assert annual_period(date(2025, 1, 3)).label == "FY2024"
    assert annual_period(date(2025, 6, 30), MICROSOFT).label == "FY2025"


def test_annual_period_wrong_month_raises() -> None:
    with pytest.raises(FiscalPeriodError, match="month 9"):
        annual_period(date(2024, 12, 31), APPLE)


def test_closing_month_early_days() -> None:
    assert closing_month(date(2025, 1, 3)) == (2024, 12)
    assert closing_month(date(2024, 10, 7)) == (2024, 9)
    assert closing_month(date(2024, 10, 8)) == (2024, 10)


def test_fiscal_year_end_month_latest_wins() -> None:
    assert fiscal_year_end_month([date(2023, 9, 30), date(2024, 9, 28)]) == APPLE
    assert fiscal_year_end_month([date(2022, 12, 31), date(2024, 6, 30)]) == MICROSOFT
    assert fiscal_year_end_month([date(2025, 1, 2)]) == CALENDAR
    assert fiscal_year_end_month([]) is None


def test_calendar_quarter_end_labels() -> None:
    assert calendar_quarter_end("Q4 2024") == date(2024, 12, 31)
    assert calendar_quarter_end("Q1 2025") == date(2025, 3, 31)
    with pytest.raises(FiscalPeriodError):
        calendar_quarter_end("4Q2024")


def test_parse_relative_period_forms() -> None:
    assert parse_relative_period("0q") == (0, "q")
    assert parse_relative_period("+1y") == (1, "y")
    assert parse_relative_period("-1q") == (-1, "q")
    with pytest.raises(FiscalPeriodError, match="LTG"):
        parse_relative_period("LTG")


def test_resolve_relative_apple() -> None:
    # AAPL earningsTrend recorded in early 2025.
    ends = {
        "0q": date(2025, 3, 31),
        "+1q": date(2025, 6, 30),
        "0y": date(2025, 9, 30),
        "+1y": date(2026, 9, 30),
    }
    labels = {
        period: fiscal.label for period, fiscal in resolve_relative_periods(ends, APPLE).items()
    }
    assert labels == {"0q": "Q2 2025", "+1q": "Q3 2025", "0y": "FY2025", "+1y": "FY2026"}


def test_resolve_relative_calendar() -> None:
    ends = {"0q": date(2025, 3, 31), "0y": date(2025, 12, 31)}
    labels = {p: f.label for p, f in resolve_relative_periods(ends, CALENDAR).items()}
    assert labels == {"0q": "Q1 2025", "0y": "FY2025"}


def test_resolve_relative_without_end() -> None:
    ends = {"0q": date(2024, 9, 30), "+1q": None, "0y": date(2025, 6, 30), "+1y": None}
    labels = {p: f.label for p, f in resolve_relative_periods(ends, MICROSOFT).items()}
    assert labels == {"0q": "Q1 2025", "+1q": "Q2 2025", "0y": "FY2025", "+1y": "FY2026"}


def test_resolve_relative_skips_growth_entries() -> None:
    ends = {"0y": date(2025, 9, 30), "+5y": None, "-5y": None, "LTG": None, "+1q": None}
    resolved = resolve_relative_periods(ends, APPLE)
    assert set(resolved) == {"0y"}
