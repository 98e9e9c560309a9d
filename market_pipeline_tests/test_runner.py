"""The main job offline, as `make run` runs it, on a fresh SQLite warehouse."""

from pathlib import Path

from market_pipeline.runner import plan_runs, run_main_job

TABLES = (
    "data_source",
    "instrument",
    "ohlcv_bar_pg",
    "financial_statement",
    "company_snapshot",
    "earnings_event",
    "analyst_estimate",
    "sector_snapshot",
    "macro_snapshot",
)


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


def test_plan_backfills_bars_once() -> None:
    from datetime import date

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
