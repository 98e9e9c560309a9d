"""Pure steps of the bars asset: the fetch window, split detection, and rows to write."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from market_pipeline.calendar import sessions_in_range, trailing_sessions
from market_pipeline.providers.records import BarSeries, DailyBar


@dataclass(frozen=True)
class BarWindow:
    """The sessions a run owns (its partitions) and the wider range it fetches."""

    sessions: list[date]
    fetch_start: date

    @property
    def start(self) -> date:
        return self.sessions[0]

    @property
    def end(self) -> date:
        return self.sessions[-1]


def bar_window(first: date, last: date, trailing: int) -> BarWindow:
    """Return the window for partitions `first`..`last` plus `trailing` earlier sessions."""
    sessions = sessions_in_range(first, last)
    if not sessions:
        raise ValueError(f"no NYSE session between {first} and {last}: pick session partitions")
    fetch_start = trailing_sessions(sessions[0], trailing + 1)[0] if trailing else sessions[0]
    return BarWindow(sessions=sessions, fetch_start=fetch_start)


def symbols_with_new_splits(
    series: Mapping[str, BarSeries],
    first_stored: Mapping[str, date],
    recorded: Mapping[str, set[str]],
) -> dict[str, date]:
    """Return symbol -> first stored session for symbols whose provider reports a split not
    recorded yet that falls on or after their first stored bar: their stored history is on
    the old share basis and must be fetched again."""
    refetch = {}
    for symbol, bar_series in series.items():
        stored_from = first_stored.get(symbol)
        if stored_from is None:
            continue
        known = recorded.get(symbol, set())
        if any(
            split.session >= stored_from and split.session.isoformat() not in known
            for split in bar_series.splits
        ):
            refetch[symbol] = stored_from
    return refetch


@dataclass
class RowBuild:
    """Rows to write and what was left out, with the reason."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    not_final: list[str] = field(default_factory=list)
    off_calendar: list[str] = field(default_factory=list)
    inconsistent: list[str] = field(default_factory=list)


def _consistent(bar: DailyBar) -> bool:
    return bar.low <= min(bar.open, bar.close) and bar.high >= max(bar.open, bar.close)


def bar_rows(
    series: Mapping[str, BarSeries],
    instrument_ids: Mapping[str, uuid.UUID],
    source_id: uuid.UUID,
    allowed_sessions: Mapping[str, Sequence[date]],
) -> RowBuild:
    """Turn fetched series into `ohlcv_bar_pg` rows.

    A bar is left out when its session had not closed at fetch time, when it is not an NYSE
    session of the symbol's window, or when its open or close lies outside [low, high]
    (the table's CHECK constraints would reject it; FX series from Yahoo have such bars).
    """
    build = RowBuild()
    for symbol, bar_series in sorted(series.items()):
        allowed = set(allowed_sessions[symbol])
        for bar in bar_series.bars:
            label = f"{symbol} {bar.session}"
            if not bar.final:
                build.not_final.append(label)
            elif bar.session not in allowed:
                if bar.session >= min(allowed):
                    build.off_calendar.append(label)
            elif not _consistent(bar):
                build.inconsistent.append(label)
            else:
                build.rows.append(
                    {
                        "instrument_id": instrument_ids[symbol],
                        "ts": bar.session,
                        "open": bar.open,
                        "high": bar.high,
                        "low": bar.low,
                        "close": bar.close,
                        "volume": bar.volume,
                        "adj_close": bar.adj_close,
                        "data_source_id": source_id,
                    }
                )
    return build


def coverage(rows: Sequence[Mapping[str, Any]], sessions: Sequence[date], symbols: int) -> float:
    """Return the share of (symbol, session) pairs of the window that have a row."""
    if not sessions or not symbols:
        return 0.0
    wanted = set(sessions)
    pairs = {(row["instrument_id"], row["ts"]) for row in rows if row["ts"] in wanted}
    return len(pairs) / (len(sessions) * symbols)
