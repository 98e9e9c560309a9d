"""The symbols and sessions the recorded payloads cover, so an offline run stays in real data.

The Yahoo replay server contains daily bars for AAPL and MSFT (equities) and ES=F and EURUSD=X
(macro series) on every NYSE session from 2025-06-03 to 2025-08-29. EURUSD=X has no bar on
2025-04-21 and bars whose open lies outside [low, high] on 2025-05-13 and 2025-06-02, so the
offline window starts after those.
"""

from __future__ import annotations

from datetime import date

OFFLINE_SYMBOLS = ("AAPL", "MSFT")
OFFLINE_MACRO_SERIES = {"ES=F": "future", "EURUSD=X": "fx"}
OFFLINE_FIRST_SESSION = date(2025, 6, 3)
OFFLINE_LAST_SESSION = date(2025, 8, 29)
