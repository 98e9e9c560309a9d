"""The main job offline, as `make run` runs it, on a fresh SQLite warehouse."""

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text

from market_pipeline.db.engine import make_engine
from market_pipeline.runner import InvalidWindowError, check_window, plan_runs, run_main_job
from market_pipeline_tests.databases import WAREHOUSE_TABLES

TABLES = sorted(WAREHOUSE_TABLES)


def test_offline_run_fills_every_table(tmp_path: Path) -> None:
    lines: list[str] = []
    report = run_main_job(
        database_url=f"sqlite:///{tmp_path}/warehouse.sqlite",
        dagster_home=tmp_path / "dagster_home",
        offline=True,
        window=None,
        daily_sessions=2,
        progress=lines.append,
    )

    assert report.ok, report.render(ui_command="-")
    assert set(report.rows) == set(TABLES)
    empty = [table for table, count in report.rows.items() if count == 0]
    assert empty == []
    assert all(run.success for run in report.runs)
    assert sum(run.checks_failed for run in report.runs) == 0
    assert sum(run.checks_passed for run in report.runs) > 40
    assert lines[-1].startswith("[5/5] daily_market_data 2025-08-29 succeeded")
    assert (tmp_path / "dagster_home" / "dagster.yaml").exists()
    summary = report.render(ui_command="market-pipeline ui --offline")
    assert "2025-06-03 .. 2025-08-29" in summary
    assert "market-pipeline ui --offline" in summary


def test_second_offline_run_changes_nothing(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/warehouse.sqlite"
    settings = {"dagster_home": tmp_path / "home", "offline": True, "window": None}
    first = run_main_job(database_url=url, daily_sessions=1, progress=lambda line: None, **settings)
    second = run_main_job(
        database_url=url, daily_sessions=1, progress=lambda line: None, **settings
    )

    assert first.ok
    assert second.ok
    assert second.rows == first.rows
    engine = make_engine(url)
    with engine.connect() as connection:
        for table in TABLES:
            rewritten = connection.execute(
                text(f"SELECT count(*) FROM {table} WHERE updated_at IS NOT NULL")
            ).scalar_one()
            assert rewritten == 0, table
    engine.dispose()


@pytest.mark.parametrize(
    ("first", "last", "message"),
    [
        (
            date(2025, 7, 4),
            date(2025, 7, 7),
            "--start 2025-07-04 is not an NYSE session: use 2025-07-03 or 2025-07-07",
        ),
        (
            date(2025, 8, 5),
            date(2025, 8, 1),
            "--end 2025-08-01 is before --start 2025-08-05: swap them",
        ),
        (date(2024, 1, 2), date(2024, 1, 5), "the recorded data covers 2025-06-03..2025-08-29"),
    ],
)
def test_window_errors_name_fix(first: date, last: date, message: str) -> None:
    with pytest.raises(InvalidWindowError) as caught:
        check_window(first, last, offline=True)
    assert message in str(caught.value)


def test_live_window_may_leave_recording() -> None:
    check_window(date(2024, 1, 2), date(2024, 1, 5), offline=False)


def test_plan_backfills_bars_once() -> None:
    runs = plan_runs(date(2025, 6, 3), date(2025, 8, 29), daily_sessions=3)

    assert [run.label for run in runs] == [
        "refresh_universe",
        "refresh_fundamentals",
        "bars backfill 2025-06-03..2025-08-29",
        "daily_market_data 2025-08-27",
        "daily_market_data 2025-08-28",
        "daily_market_data 2025-08-29",
    ]
    assert runs[2].tags == {
        "dagster/asset_partition_range_start": "2025-06-03",
        "dagster/asset_partition_range_end": "2025-08-29",
    }
