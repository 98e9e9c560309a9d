"""The index universe (S&P 500 and NASDAQ-100) read from shipped constituent lists."""

from market_pipeline.universe.lists import (
    INDEX_NAMES,
    ConstituentList,
    MissingConstituentListError,
    UniverseError,
    UnknownIndexError,
    available_lists,
)
from market_pipeline.universe.loader import (
    DEFAULT_INDEXES,
    UnknownSymbolError,
    departed_symbols,
    expected_universe_size,
    load_universe,
)
from market_pipeline.universe.records import GICS_SECTORS, IndexMembership, UniverseMember

__all__ = [
    "DEFAULT_INDEXES",
    "GICS_SECTORS",
    "INDEX_NAMES",
    "ConstituentList",
    "IndexMembership",
    "MissingConstituentListError",
    "UniverseError",
    "UniverseMember",
    "UnknownIndexError",
    "UnknownSymbolError",
    "available_lists",
    "departed_symbols",
    "expected_universe_size",
    "load_universe",
]
