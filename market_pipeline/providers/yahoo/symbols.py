"""The one mapping between listing symbols and Yahoo symbols.

Listing symbols are US symbols that separate the share class with a dot (`BRK.B`); Yahoo uses a
dash (`BRK-B`). Other symbols pass through unchanged, so Yahoo's own forms (`BTC-USD`,
`EURUSD=X`, `ES=F`) keep working.
"""

from __future__ import annotations

import re

_LISTING_CLASS = re.compile(r"^([A-Z]+)\.([A-Z])$")
_YAHOO_CLASS = re.compile(r"^([A-Z]+)-([A-Z])$")


def to_yahoo_symbol(listing_symbol: str) -> str:
    """Return the Yahoo symbol for `listing_symbol` (`BRK.B` -> `BRK-B`)."""
    symbol = listing_symbol.strip().upper()
    if not symbol:
        raise ValueError("empty symbol: pass a listing symbol such as `AAPL` or `BRK.B`")
    match = _LISTING_CLASS.match(symbol)
    if match:
        return f"{match.group(1)}-{match.group(2)}"
    return symbol


def to_listing_symbol(yahoo_symbol: str) -> str:
    """Return the listing symbol for `yahoo_symbol` (`BRK-B` -> `BRK.B`)."""
    symbol = yahoo_symbol.strip().upper()
    match = _YAHOO_CLASS.match(symbol)
    if match:
        return f"{match.group(1)}.{match.group(2)}"
    return symbol
