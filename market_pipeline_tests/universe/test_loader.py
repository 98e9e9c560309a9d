"""Tests for merging the index lists into the universe."""

from __future__ import annotations

from datetime import date

import pytest

from market_pipeline.universe.lists import MissingConstituentListError, UnknownIndexError
from market_pipeline.universe.loader import (
    UnknownSymbolError,
    departed_symbols,
    expected_universe_size,
    load_universe,
)
from market_pipeline.universe.records import GICS_SECTORS, UniverseMember

LATEST_SIZE = 517  # 503 S&P 500 symbols plus 14 NASDAQ-100 symbols outside the S&P 500


@pytest.fixture(scope="module")
def latest() -> dict[str, UniverseMember]:
    return {member.symbol: member for member in load_universe()}


def test_latest_distinct_count(latest: dict[str, UniverseMember]) -> None:
    minimum, maximum = expected_universe_size()

    assert len(latest) == LATEST_SIZE
    assert minimum <= len(latest) <= maximum


def test_single_index_counts() -> None:
    sp500 = load_universe(("sp500",))
    nasdaq100 = load_universe(("nasdaq100",))
    sp500_minimum, sp500_maximum = expected_universe_size(("sp500",))

    assert len(sp500) == 503
    assert len(nasdaq100) == 101
    assert sp500_minimum <= len(sp500) <= sp500_maximum


def test_result_sorted_by_symbol() -> None:
    symbols = [member.symbol for member in load_universe()]

    assert symbols == sorted(symbols)


def test_class_symbols_keep_dot(latest: dict[str, UniverseMember]) -> None:
    assert "BRK.B" in latest
    assert "BF.B" in latest
    assert "BRK-B" not in latest
    assert "BF-B" not in latest


def test_both_memberships_once(latest: dict[str, UniverseMember]) -> None:
    apple = latest["AAPL"]

    assert set(apple.indexes) == {"sp500", "nasdaq100"}
    assert apple.indexes["sp500"].as_of == date(2026, 8, 8)
    assert apple.indexes["sp500"].date_added == date(1982, 11, 30)
    assert apple.indexes["nasdaq100"].as_of == date(2026, 1, 25)
    assert apple.indexes["nasdaq100"].date_added is None


def test_sp500_only_membership(latest: dict[str, UniverseMember]) -> None:
    assert set(latest["BRK.B"].indexes) == {"sp500"}
    assert latest["BRK.B"].cik == 1067983


def test_sector_from_gics_list(latest: dict[str, UniverseMember]) -> None:
    apple = latest["AAPL"]
    netflix = latest["NFLX"]

    assert apple.gics_sector == "Information Technology"
    assert apple.gics_sub_industry == "Technology Hardware, Storage & Peripherals"
    assert apple.indexes["nasdaq100"].listed_sector == "Computer Manufacturing"
    assert netflix.gics_sector == "Communication Services"
    assert netflix.indexes["nasdaq100"].listed_sector == "Consumer Electronics"


def test_nasdaq_only_sector_left_empty(latest: dict[str, UniverseMember]) -> None:
    arm = latest["ARM"]

    assert set(arm.indexes) == {"nasdaq100"}
    assert arm.gics_sector is None
    assert arm.gics_sub_industry is None
    assert arm.indexes["nasdaq100"].listed_sector == "Semiconductors"


def test_every_sector_is_gics(latest: dict[str, UniverseMember]) -> None:
    sectors = {member.gics_sector for member in latest.values()}

    assert sectors - {None} == GICS_SECTORS
    assert sum(member.gics_sector is None for member in latest.values()) == 14


def test_listing_venue_from_nasdaq(latest: dict[str, UniverseMember]) -> None:
    assert (latest["AAPL"].exchange, latest["AAPL"].mic) == ("NASDAQ", "XNAS")
    assert (latest["ARM"].exchange, latest["ARM"].mic) == ("NASDAQ", "XNAS")
    assert (latest["JPM"].exchange, latest["JPM"].mic) == (None, None)


def test_as_of_picks_older_lists() -> None:
    members = {member.symbol: member for member in load_universe(as_of=date(2025, 6, 30))}
    as_of_dates = {
        (index, membership.as_of)
        for member in members.values()
        for index, membership in member.indexes.items()
    }

    assert as_of_dates == {("sp500", date(2025, 3, 28)), ("nasdaq100", date(2025, 6, 22))}
    assert len(members) == 518
    assert "ANSS" in members
    assert "BK" in members
    assert "BNY" not in members


def test_as_of_uses_gics_nasdaq_list() -> None:
    members = {member.symbol: member for member in load_universe(as_of=date(2025, 6, 30))}
    applovin = members["APP"]

    assert set(applovin.indexes) == {"nasdaq100"}
    assert applovin.gics_sector == "Information Technology"
    assert applovin.gics_sub_industry == "Application Software"


def test_as_of_before_sp500_lists() -> None:
    with pytest.raises(MissingConstituentListError, match="no sp500 constituent list"):
        load_universe(as_of=date(2024, 1, 2))


def test_as_of_oldest_nasdaq_list() -> None:
    members = load_universe(("nasdaq100",), as_of=date(2024, 1, 2))

    assert len(members) == 102
    assert {member.indexes["nasdaq100"].as_of for member in members} == {date(2022, 2, 23)}
    assert all(member.gics_sector is None for member in members)


def test_symbols_restrict_result() -> None:
    members = load_universe(symbols=["MSFT", "brk-b", "ARM", "MSFT"])

    assert [member.symbol for member in members] == ["ARM", "BRK.B", "MSFT"]
    assert set(members[2].indexes) == {"sp500", "nasdaq100"}


def test_unknown_symbol_error() -> None:
    with pytest.raises(UnknownSymbolError) as error:
        load_universe(symbols=["AAPL", "XYZQ"])

    message = str(error.value)
    assert "symbol XYZQ not found" in message
    assert "sp500 list of 2026-08-08, nasdaq100 list of 2026-01-25" in message
    assert "valid index names are sp500, nasdaq100" in message


def test_symbol_outside_requested_index() -> None:
    with pytest.raises(
        UnknownSymbolError, match=r"symbol ARM not found .*sp500 list of 2026-08-08"
    ):
        load_universe(("sp500",), symbols=["ARM"])


def test_symbols_as_string() -> None:
    with pytest.raises(ValueError, match="pass a sequence such as"):
        load_universe(symbols="AAPL")


def test_unknown_index_error() -> None:
    with pytest.raises(UnknownIndexError) as error:
        load_universe(("sp500", "sp600"))

    assert str(error.value) == "unknown index 'sp600': valid index names are sp500, nasdaq100"


def test_index_as_string() -> None:
    with pytest.raises(UnknownIndexError, match="pass a sequence such as \\('sp500',\\)"):
        load_universe("sp500")


def test_no_index() -> None:
    with pytest.raises(UnknownIndexError, match="no index requested"):
        load_universe(())


def test_index_order_irrelevant() -> None:
    assert load_universe(("nasdaq100", "sp500")) == load_universe(("sp500", "nasdaq100"))


def test_expected_size_unknown_index() -> None:
    with pytest.raises(UnknownIndexError, match="unknown index 'russell'"):
        expected_universe_size(("russell",))


def test_departed_symbols_real_change(latest: dict[str, UniverseMember]) -> None:
    previous = {member.symbol for member in load_universe(as_of=date(2025, 6, 30))}

    departed = departed_symbols(previous, latest.values())

    assert {"ANSS", "BK", "DFS"} <= departed
    assert departed.isdisjoint(latest)
    assert departed == previous - set(latest)


def test_departed_symbols_spelling() -> None:
    current = load_universe(symbols=["BRK.B", "AAPL"])

    assert departed_symbols({"BRK-B", "AAPL", "XYZQ"}, current) == {"XYZQ"}
