import uuid
from datetime import date
from decimal import Decimal

from market_pipeline.assets.bar_rows import bar_rows, bar_window, coverage, symbols_with_new_splits
from market_pipeline.providers.records import BarSeries, DailyBar, SplitEvent


def _bar(session: date, *, final: bool = True, open_: str = "10") -> DailyBar:
    return DailyBar(
        symbol="AAPL",
        session=session,
        open=Decimal(open_),
        high=Decimal("11"),
        low=Decimal("9"),
        close=Decimal("10.5"),
        volume=100,
        final=final,
    )


def _series(*bars: DailyBar, splits=()) -> BarSeries:
    return BarSeries(
        symbol="AAPL", exchange_timezone="America/New_York", bars=list(bars), splits=list(splits)
    )


def test_window_adds_trailing_sessions() -> None:
    window = bar_window(date(2025, 7, 7), date(2025, 7, 7), trailing=5)
    assert window.sessions == [date(2025, 7, 7)]
    # 2025-07-04 is a holiday, so five sessions back is 2025-06-27.
    assert window.fetch_start == date(2025, 6, 27)


def test_split_after_first_stored_refetches() -> None:
    split = SplitEvent(
        symbol="AAPL", session=date(2025, 8, 1), numerator=Decimal(4), denominator=Decimal(1)
    )
    series = {"AAPL": _series(splits=[split]), "MSFT": _series()}
    first = {"AAPL": date(2024, 1, 2), "MSFT": date(2024, 1, 2)}
    assert symbols_with_new_splits(series, first, {}) == {"AAPL": date(2024, 1, 2)}


def test_recorded_split_not_refetched() -> None:
    split = SplitEvent(
        symbol="AAPL", session=date(2025, 8, 1), numerator=Decimal(4), denominator=Decimal(1)
    )
    series = {"AAPL": _series(splits=[split])}
    recorded = {"AAPL": {"2025-08-01"}}
    assert symbols_with_new_splits(series, {"AAPL": date(2024, 1, 2)}, recorded) == {}


def test_split_without_stored_bars_ignored() -> None:
    split = SplitEvent(
        symbol="AAPL", session=date(2025, 8, 1), numerator=Decimal(4), denominator=Decimal(1)
    )
    assert symbols_with_new_splits({"AAPL": _series(splits=[split])}, {}, {}) == {}


def test_rows_leave_out_unfinished_and_inconsistent() -> None:
    series = {
        "AAPL": _series(
            _bar(date(2025, 8, 13)),
            _bar(date(2025, 8, 14), open_="12"),  # open above high
            _bar(date(2025, 8, 15), final=False),
        )
    }
    instrument_id, source_id = uuid.uuid4(), uuid.uuid4()
    allowed = {"AAPL": [date(2025, 8, 13), date(2025, 8, 14), date(2025, 8, 15)]}

    build = bar_rows(series, {"AAPL": instrument_id}, source_id, allowed)

    assert [row["ts"] for row in build.rows] == [date(2025, 8, 13)]
    assert build.inconsistent == ["AAPL 2025-08-14"]
    assert build.not_final == ["AAPL 2025-08-15"]


def test_rows_leave_out_non_sessions() -> None:
    series = {"AAPL": _series(_bar(date(2025, 7, 3)), _bar(date(2025, 7, 4)))}
    allowed = {"AAPL": [date(2025, 7, 3)]}
    build = bar_rows(series, {"AAPL": uuid.uuid4()}, uuid.uuid4(), allowed)
    assert [row["ts"] for row in build.rows] == [date(2025, 7, 3)]
    assert build.off_calendar == ["AAPL 2025-07-04"]


def test_coverage_share() -> None:
    first, second = uuid.uuid4(), uuid.uuid4()
    rows = [{"instrument_id": first, "ts": date(2025, 8, 15)}]
    assert coverage(rows, [date(2025, 8, 15)], 2) == 0.5
    rows.append({"instrument_id": second, "ts": date(2025, 8, 15)})
    assert coverage(rows, [date(2025, 8, 15)], 2) == 1.0
