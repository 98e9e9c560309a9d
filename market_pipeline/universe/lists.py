"""Read the S&P 500 and NASDAQ-100 constituent lists shipped in `universe/data`.

A list file is named `<index>_constituents@<YYYY-MM-DD>.csv`, the date being the list's own
date. Files of different sources name the columns differently, and `_COLUMN_ALIASES` maps them.
"""

from __future__ import annotations

import csv
import io
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib.resources import files

from market_pipeline.providers.yahoo.symbols import to_listing_symbol
from market_pipeline.universe.records import GICS_SECTORS

logger = logging.getLogger(__name__)

_PACKAGE = "market_pipeline.universe"

INDEX_NAMES = ("sp500", "nasdaq100")
"""Known indexes, in the order their GICS labels are preferred when a symbol is in both."""

_LIST_FILE_NAME = re.compile(
    r"^(?P<index>[a-z0-9]+)_constituents@(?P<as_of>\d{4}-\d{2}-\d{2})\.csv$"
)

_COLUMN_ALIASES = {
    "symbol": ("Symbol", "Ticker"),
    "name": ("Security", "Company", "Name"),
    "sector": ("GICS Sector", "GICS_Sector"),
    "sub_industry": ("GICS Sub-Industry", "GICS_Sub_Industry"),
    "headquarters": ("Headquarters Location",),
    "date_added": ("Date added",),
    "cik": ("CIK",),
    "founded": ("Founded",),
}


class UniverseError(ValueError):
    """The universe cannot be loaded as requested."""


class UnknownIndexError(UniverseError):
    """An index name is not one of `INDEX_NAMES`."""


class MissingConstituentListError(UniverseError):
    """No list of an index is dated on or before the requested date."""


@dataclass(frozen=True)
class ConstituentList:
    """One shipped list file of one index."""

    index: str
    as_of: date
    file_name: str


@dataclass(frozen=True)
class ConstituentRow:
    """One row of a constituent list, with empty cells as None."""

    symbol: str
    name: str
    sector: str | None
    sub_industry: str | None
    headquarters: str | None
    date_added: date | None
    cik: int | None
    founded: str | None


@lru_cache(maxsize=1)
def available_lists() -> dict[str, tuple[ConstituentList, ...]]:
    """Return the shipped lists of each known index, oldest first."""
    found: dict[str, list[ConstituentList]] = {name: [] for name in INDEX_NAMES}
    for entry in files(_PACKAGE).joinpath("data").iterdir():
        match = _LIST_FILE_NAME.match(entry.name)
        if match is None or match["index"] not in found:
            continue
        as_of = date.fromisoformat(match["as_of"])
        found[match["index"]].append(ConstituentList(match["index"], as_of, entry.name))
    return {
        name: tuple(sorted(lists, key=lambda item: item.as_of)) for name, lists in found.items()
    }


def select_list(index: str, as_of: date | None = None) -> ConstituentList:
    """Return the newest list of `index` dated on or before `as_of` (default: the newest)."""
    lists = available_lists().get(index)
    if lists is None:
        raise UnknownIndexError(
            f"unknown index {index!r}: valid index names are {', '.join(INDEX_NAMES)}"
        )
    eligible = [item for item in lists if as_of is None or item.as_of <= as_of]
    if not eligible:
        dates = ", ".join(item.as_of.isoformat() for item in lists) or "none"
        raise MissingConstituentListError(
            f"no {index} constituent list is dated on or before {as_of} (shipped lists: {dates}): "
            f"pass an as_of date on or after the earliest list"
        )
    return eligible[-1]


def _column(header: Sequence[str], field: str) -> str | None:
    return next((alias for alias in _COLUMN_ALIASES[field] if alias in header), None)


def _cell(record: dict[str, str], column: str | None) -> str | None:
    if column is None:
        return None
    value = (record.get(column) or "").strip()
    return value or None


def _parse_row(
    record: dict[str, str], columns: dict[str, str | None], where: str
) -> ConstituentRow:
    symbol = _cell(record, columns["symbol"])
    name = _cell(record, columns["name"])
    if symbol is None or name is None:
        raise UniverseError(f"{where}: missing symbol or name in row {record}")
    date_added = _cell(record, columns["date_added"])
    cik = _cell(record, columns["cik"])
    try:
        return ConstituentRow(
            symbol=to_listing_symbol(symbol),
            name=name,
            sector=_cell(record, columns["sector"]),
            sub_industry=_cell(record, columns["sub_industry"]),
            headquarters=_cell(record, columns["headquarters"]),
            date_added=date.fromisoformat(date_added) if date_added else None,
            cik=int(cik) if cik else None,
            founded=_cell(record, columns["founded"]),
        )
    except ValueError as error:
        raise UniverseError(f"{where}: invalid row for {symbol}: {error}") from error


def parse_constituent_csv(text: str, source: str) -> tuple[ConstituentRow, ...]:
    """Parse a constituent list, rejecting a missing column or a repeated symbol.

    `source` names the file in error messages.
    """
    reader = csv.DictReader(io.StringIO(text))
    header = list(reader.fieldnames or [])
    columns = {field: _column(header, field) for field in _COLUMN_ALIASES}
    if columns["symbol"] is None or columns["name"] is None:
        raise UniverseError(
            f"{source}: no symbol or name column in header {header}: "
            f"expected one of {_COLUMN_ALIASES['symbol']} and one of {_COLUMN_ALIASES['name']}"
        )
    rows: list[ConstituentRow] = []
    seen: set[str] = set()
    for line_number, record in enumerate(reader, start=2):
        where = f"{source} line {line_number}"
        row = _parse_row(record, columns, where)
        if row.symbol in seen:
            raise UniverseError(f"{where}: symbol {row.symbol} is listed twice")
        seen.add(row.symbol)
        rows.append(row)
    return tuple(rows)


@lru_cache(maxsize=16)
def read_constituent_list(constituent_list: ConstituentList) -> tuple[ConstituentRow, ...]:
    """Read and parse one shipped list file."""
    file_name = constituent_list.file_name
    text = files(_PACKAGE).joinpath("data", file_name).read_text("utf-8-sig")
    rows = parse_constituent_csv(text, file_name)
    logger.debug("read %d rows from %s", len(rows), file_name)
    return rows


def sectors_are_gics(rows: Iterable[ConstituentRow]) -> bool:
    """Return whether every row's sector is a GICS sector, so the list's labels can be trusted.

    Some lists put another classification in columns named GICS (the NASDAQ-100 list of
    2026-01-25 has "Computer Software"), and such a list has at least one non-GICS sector.
    """
    sectors = [row.sector for row in rows]
    return bool(sectors) and all(sector in GICS_SECTORS for sector in sectors)
