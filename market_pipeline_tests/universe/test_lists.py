"""Tests for reading the shipped constituent list files."""

from __future__ import annotations

import hashlib
import re
from datetime import date
from importlib.resources import files

import pytest

from market_pipeline.universe.lists import (
    ConstituentList,
    MissingConstituentListError,
    UniverseError,
    UnknownIndexError,
    available_lists,
    parse_constituent_csv,
    read_constituent_list,
    sectors_are_gics,
    select_list,
)

DATA = files("market_pipeline.universe").joinpath("data")


def _list(index: str, as_of: date) -> ConstituentList:
    return select_list(index, as_of)


def test_available_lists_dates() -> None:
    lists = available_lists()

    assert [item.as_of for item in lists["sp500"]] == [date(2025, 3, 28), date(2026, 8, 8)]
    assert [item.as_of for item in lists["nasdaq100"]] == [
        date(2022, 2, 23),
        date(2025, 6, 22),
        date(2026, 1, 25),
    ]


def test_provenance_hashes_match_files() -> None:
    provenance = DATA.joinpath("PROVENANCE.md").read_text("utf-8")
    listed = dict(re.findall(r"^\| `([^`]+\.csv)` .*\| `([0-9a-f]{64})` \|$", provenance, re.M))
    shipped = sorted(entry.name for entry in DATA.iterdir() if entry.name.endswith(".csv"))

    assert sorted(listed) == shipped
    for name, expected_hash in listed.items():
        assert hashlib.sha256(DATA.joinpath(name).read_bytes()).hexdigest() == expected_hash, name


def test_select_list_newest_by_default() -> None:
    assert select_list("sp500").as_of == date(2026, 8, 8)
    assert select_list("nasdaq100").as_of == date(2026, 1, 25)


def test_select_list_on_list_date() -> None:
    assert select_list("nasdaq100", date(2025, 6, 22)).as_of == date(2025, 6, 22)
    assert select_list("nasdaq100", date(2025, 6, 21)).as_of == date(2022, 2, 23)


def test_select_list_before_first() -> None:
    with pytest.raises(MissingConstituentListError) as error:
        select_list("sp500", date(2024, 12, 31))

    assert "no sp500 constituent list is dated on or before 2024-12-31" in str(error.value)
    assert "2025-03-28, 2026-08-08" in str(error.value)


def test_select_list_unknown_index() -> None:
    with pytest.raises(UnknownIndexError, match="unknown index 'dow30'"):
        select_list("dow30")


def test_read_sp500_row_fields() -> None:
    rows = {row.symbol: row for row in read_constituent_list(_list("sp500", date(2026, 8, 8)))}
    brown_forman = rows["BF.B"]

    assert len(rows) == 503
    assert brown_forman.name == "Brown\u2013Forman"
    assert brown_forman.sector == "Consumer Staples"
    assert brown_forman.sub_industry == "Distillers & Vintners"
    assert brown_forman.headquarters == "Louisville, Kentucky"
    assert brown_forman.date_added == date(1982, 10, 31)
    assert brown_forman.cik == 14693
    assert brown_forman.founded == "1870"
    assert rows["NWS"].founded == "2013 (News Corporation 1980)"


def test_read_oldest_nasdaq_header() -> None:
    rows = read_constituent_list(_list("nasdaq100", date(2022, 2, 23)))
    apple = next(row for row in rows if row.symbol == "AAPL")

    assert len(rows) == 102
    assert apple.name == "Apple Inc. Common Stock"
    assert apple.sector is None
    assert apple.date_added is None


@pytest.mark.parametrize(
    ("index", "as_of", "expected"),
    [
        ("sp500", date(2025, 3, 28), True),
        ("sp500", date(2026, 8, 8), True),
        ("nasdaq100", date(2022, 2, 23), False),
        ("nasdaq100", date(2025, 6, 22), True),
        ("nasdaq100", date(2026, 1, 25), False),
    ],
)
def test_sectors_are_gics_lists(index: str, as_of: date, expected: bool) -> None:
    assert sectors_are_gics(read_constituent_list(_list(index, as_of))) is expected


def test_parse_dash_symbol_to_dot() -> None:
    rows = parse_constituent_csv("Ticker,Company\nBRK-B,Berkshire Hathaway\n", "inline.csv")

    assert [row.symbol for row in rows] == ["BRK.B"]


def test_parse_missing_symbol_column() -> None:
    with pytest.raises(UniverseError) as error:
        parse_constituent_csv("Code,Company\nAAPL,Apple\n", "inline.csv")

    assert "inline.csv: no symbol or name column in header ['Code', 'Company']" in str(error.value)


def test_parse_repeated_symbol() -> None:
    text = "Symbol,Security\nBRK.B,Berkshire\nBRK-B,Berkshire again\n"

    with pytest.raises(
        UniverseError, match=re.escape("inline.csv line 3: symbol BRK.B is listed twice")
    ):
        parse_constituent_csv(text, "inline.csv")


def test_parse_invalid_date_added() -> None:
    text = "Symbol,Security,Date added\nMMM,3M,1957-13-04\n"

    with pytest.raises(UniverseError, match=re.escape("inline.csv line 2: invalid row for MMM")):
        parse_constituent_csv(text, "inline.csv")


def test_parse_empty_name() -> None:
    with pytest.raises(UniverseError, match=re.escape("inline.csv line 2: missing symbol or name")):
        parse_constituent_csv("Symbol,Security\nMMM,\n", "inline.csv")
