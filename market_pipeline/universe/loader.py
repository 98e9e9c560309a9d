"""Build the universe: the members of the requested indexes, merged by listing symbol.

For each index the newest shipped list dated on or before `as_of` is used. A stock in both
indexes appears once with both memberships. GICS sector and sub-industry come from the first
list, in `INDEX_NAMES` order, whose sector columns are GICS. A list with other labels only
records them in its `IndexMembership`.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterable, Sequence
from datetime import date

from market_pipeline.providers.yahoo.symbols import to_listing_symbol
from market_pipeline.universe.lists import (
    INDEX_NAMES,
    ConstituentList,
    ConstituentRow,
    UniverseError,
    UnknownIndexError,
    read_constituent_list,
    sectors_are_gics,
    select_list,
)
from market_pipeline.universe.records import IndexMembership, UniverseMember

logger = logging.getLogger(__name__)

DEFAULT_INDEXES = INDEX_NAMES

# NASDAQ-100 eligibility requires a listing on the Nasdaq Stock Market. The S&P 500 lists carry
# no exchange, so S&P-only members get theirs from the provider profile.
_INDEX_LISTING_VENUE = {"nasdaq100": ("NASDAQ", "XNAS")}

# Estimated bounds on distinct symbols: about 500 companies plus a few second share classes in
# the S&P 500, about 100 in the NASDAQ-100, and 80-90 names in both.
_EXPECTED_SIZES = {
    frozenset({"sp500"}): (495, 510),
    frozenset({"nasdaq100"}): (98, 105),
    frozenset({"sp500", "nasdaq100"}): (500, 530),
}


class UnknownSymbolError(UniverseError):
    """A requested symbol is in none of the loaded constituent lists."""


def _check_indexes(indexes: Sequence[str]) -> list[str]:
    if isinstance(indexes, str):
        raise UnknownIndexError(
            f"invalid indexes {indexes!r}: pass a sequence such as ({indexes!r},), not a string"
        )
    unknown = [name for name in indexes if name not in INDEX_NAMES]
    if unknown:
        raise UnknownIndexError(
            f"unknown index {', '.join(map(repr, unknown))}: valid index names are "
            f"{', '.join(INDEX_NAMES)}"
        )
    if not indexes:
        raise UnknownIndexError(f"no index requested: pass one or more of {', '.join(INDEX_NAMES)}")
    return [name for name in INDEX_NAMES if name in indexes]


def _membership(constituent_list: ConstituentList, row: ConstituentRow) -> IndexMembership:
    return IndexMembership(
        as_of=constituent_list.as_of,
        date_added=row.date_added,
        listed_sector=row.sector,
        listed_sub_industry=row.sub_industry,
    )


def _merge_row(
    fields: dict[str, object], index: str, row: ConstituentRow, trust_sectors: bool
) -> None:
    """Fill the fields of one symbol that earlier lists left empty."""
    fields.setdefault("symbol", row.symbol)
    fields.setdefault("name", row.name)
    if trust_sectors and fields.get("gics_sector") is None:
        fields["gics_sector"] = row.sector
        fields["gics_sub_industry"] = row.sub_industry
    for key, value in (
        ("cik", row.cik),
        ("headquarters", row.headquarters),
        ("founded", row.founded),
    ):
        if fields.get(key) is None:
            fields[key] = value
    if index in _INDEX_LISTING_VENUE:
        fields["exchange"], fields["mic"] = _INDEX_LISTING_VENUE[index]


def load_universe(
    indexes: Sequence[str] = DEFAULT_INDEXES,
    symbols: Sequence[str] | None = None,
    as_of: date | None = None,
) -> list[UniverseMember]:
    """Return the members of `indexes` as of `as_of` (default: the newest lists), sorted by symbol.

    `symbols` restricts the result and accepts either class separator (`BRK.B` or `BRK-B`). A
    symbol in none of the lists raises `UnknownSymbolError`.
    """
    merged: dict[str, dict[str, object]] = {}
    memberships: dict[str, dict[str, IndexMembership]] = {}
    used_lists: list[ConstituentList] = []
    for index in _check_indexes(indexes):
        constituent_list = select_list(index, as_of)
        used_lists.append(constituent_list)
        rows = read_constituent_list(constituent_list)
        trust_sectors = sectors_are_gics(rows)
        if not trust_sectors:
            logger.info(
                "%s: sector columns are not GICS, so they are kept only as the list's own labels",
                constituent_list.file_name,
            )
        for row in rows:
            _merge_row(merged.setdefault(row.symbol, {}), index, row, trust_sectors)
            memberships.setdefault(row.symbol, {})[index] = _membership(constituent_list, row)

    selected = sorted(merged) if symbols is None else _select_symbols(symbols, merged, used_lists)
    return [
        UniverseMember.model_validate({**merged[symbol], "indexes": memberships[symbol]})
        for symbol in selected
    ]


def _select_symbols(
    symbols: Sequence[str], known: Collection[str], used_lists: list[ConstituentList]
) -> list[str]:
    if isinstance(symbols, str):
        raise UniverseError(
            f"invalid symbols {symbols!r}: pass a sequence such as ({symbols!r},), not a string"
        )
    requested = sorted({to_listing_symbol(symbol) for symbol in symbols})
    unknown = [symbol for symbol in requested if symbol not in known]
    if unknown:
        loaded = ", ".join(f"{item.index} list of {item.as_of}" for item in used_lists)
        raise UnknownSymbolError(
            f"symbol {', '.join(unknown)} not found in the loaded constituent lists ({loaded}): "
            f"check the spelling (listing form such as BRK.B), the as_of date, or add the index "
            f"that contains it: valid index names are {', '.join(INDEX_NAMES)}"
        )
    return requested


def expected_universe_size(indexes: Sequence[str] = DEFAULT_INDEXES) -> tuple[int, int]:
    """Return the estimated (minimum, maximum) count of distinct symbols for `indexes`."""
    return _EXPECTED_SIZES[frozenset(_check_indexes(indexes))]


def departed_symbols(previous: Iterable[str], current: Iterable[UniverseMember]) -> set[str]:
    """Return the symbols of `previous` that are in no index of `current`, spelled as given.

    The instrument asset deactivates these symbols and never deletes them.
    """
    current_symbols = {member.symbol for member in current}
    return {symbol for symbol in previous if to_listing_symbol(symbol) not in current_symbols}
