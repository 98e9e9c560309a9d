from datetime import date
from decimal import Decimal

import pytest

from market_pipeline.providers.yahoo.parse_values import to_date, to_decimal, to_int, to_text


@pytest.mark.parametrize(
    "value",
    [1.53, {"raw": 1.53, "fmt": "1.53"}, {"raw": 1.53, "fmt": "1.53", "longFmt": "1.53"}],
)
def test_decimal_all_shapes(value: object) -> None:
    assert to_decimal(value) == Decimal("1.53")


@pytest.mark.parametrize("value", [{}, None, {"raw": None}, float("nan")])
def test_decimal_missing(value: object) -> None:
    assert to_decimal(value) is None


def test_int_from_long_format() -> None:
    assert to_int({"raw": 27, "fmt": "27", "longFmt": "27"}) == 27


def test_date_prefers_fmt() -> None:
    assert to_date({"raw": 1711843200, "fmt": "2024-03-31"}) == date(2024, 3, 31)
    assert to_date("2025-03-31") == date(2025, 3, 31)
    assert to_date(1711843200) == date(2024, 3, 31)


def test_text_blank_is_none() -> None:
    assert to_text("  ") is None
    assert to_text({"raw": "USD"}) == "USD"
