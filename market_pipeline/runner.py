"""The main job in one command: migrate, materialise every asset through Dagster, report.

`run_main_job` runs the universe refresh, the fundamentals refresh, one single-run backfill of
the bars over the whole window, then the daily job for each of the last sessions. Each is a
Dagster run stored in the instance under DAGSTER_HOME, so `dagster dev` shows them.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from dagster import AssetCheckSeverity, AssetKey, DagsterInstance, Definitions
from sqlalchemy import func, select

from market_pipeline.calendar import (
    is_session,
    latest_closed_session,
    next_session,
    previous_session,
    sessions_in_range,
    trailing_sessions,
)
from market_pipeline.db.engine import check_connection, make_engine
from market_pipeline.db.migrations import upgrade
from market_pipeline.models import metadata
from market_pipeline.offline import (
    OFFLINE_FIRST_SESSION,
    OFFLINE_LAST_SESSION,
    OFFLINE_MACRO_SERIES,
    OFFLINE_SYMBOLS,
)
from market_pipeline.partitions import PARTITION_KEY_FORMAT
from market_pipeline.settings import absolute_sqlite_url, redact_url

logger = logging.getLogger(__name__)

UNIVERSE_JOB = "refresh_universe"
FUNDAMENTALS_JOB = "refresh_fundamentals"
DAILY_JOB = "daily_market_data"
BARS_ASSET = AssetKey("ohlcv_bar_pg")
# Dagster's console logger prints every step event at DEBUG; INFO keeps the assets' own lines.
RUN_CONFIG = {"loggers": {"console": {"config": {"log_level": "INFO"}}}}


@dataclass
class RunOutcome:
    """One Dagster run of the plan and the results of its checks."""

    label: str
    success: bool
    checks_passed: int = 0
    checks_warned: int = 0
    checks_failed: int = 0
    failed_checks: list[str] = field(default_factory=list)
    error: str | None = None


@dataclass
class MainJobReport:
    """The runs and row counts of one `run_main_job` call, for the closing summary."""

    database: str
    dagster_home: Path
    sessions: tuple[date, date]
    runs: list[RunOutcome] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return all(run.success and run.checks_failed == 0 for run in self.runs)

    def render(self, ui_command: str) -> str:
        passed = sum(run.checks_passed for run in self.runs)
        warned = sum(run.checks_warned for run in self.runs)
        failed = sum(run.checks_failed for run in self.runs)
        lines = [
            "",
            "Summary",
            f"  sessions   {self.sessions[0]} .. {self.sessions[1]}",
            f"  runs       {sum(run.success for run in self.runs)} of {len(self.runs)} succeeded",
            f"  checks     {passed} passed, {warned} warned (WARN), {failed} failed (ERROR)",
            "  rows per table:",
            *(f"    {table:<20} {count:>8}" for table, count in self.rows.items()),
            f"  database   {self.database}",
            f"  dagster    DAGSTER_HOME={self.dagster_home}",
            f"  open UI    {ui_command}",
        ]
        for run in self.runs:
            for name in run.failed_checks:
                lines.append(f"  FAILED     {run.label}: {name}")
            if run.error:
                lines.append(f"  ERROR      {run.label}: {run.error}")
        return "\n".join(lines)


def offline_environment(yahoo_url: str) -> dict[str, str]:
    """Return the environment that points the pipeline at the recorded data."""
    macro = ",".join(f"{symbol}:{kind}" for symbol, kind in OFFLINE_MACRO_SERIES.items())
    return {
        "YAHOO_BASE_URL": yahoo_url,
        "MARKET_SYMBOLS": ",".join(OFFLINE_SYMBOLS),
        "MARKET_MACRO_SERIES": macro,
    }


@contextmanager
def patched_environ(values: dict[str, str]) -> Iterator[None]:
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, old in saved.items():
            if old is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = old


def prepare_dagster_home(dagster_home: Path) -> None:
    """Create the instance folder with a `dagster.yaml` that turns telemetry off."""
    dagster_home.mkdir(parents=True, exist_ok=True)
    config = dagster_home / "dagster.yaml"
    if not config.exists():
        config.write_text("telemetry:\n  enabled: false\n", encoding="utf-8")


class InvalidWindowError(ValueError):
    """The requested session window is empty, reversed or outside the recorded data."""


def check_window(first: date, last: date, *, offline: bool) -> None:
    """Raise `InvalidWindowError` unless `first`..`last` are sessions in the right order,
    and, offline, inside the recorded window."""
    if last < first:
        raise InvalidWindowError(f"--end {last} is before --start {first}: swap them")
    for flag, day in (("--start", first), ("--end", last)):
        if not is_session(day):
            before, after = previous_session(day), next_session(day)
            raise InvalidWindowError(
                f"{flag} {day} is not an NYSE session: use {before} or {after}"
            )
    if offline and not (first >= OFFLINE_FIRST_SESSION and last <= OFFLINE_LAST_SESSION):
        raise InvalidWindowError(
            f"the recorded data covers {OFFLINE_FIRST_SESSION}..{OFFLINE_LAST_SESSION}; "
            f"{first}..{last} is outside it. Pick sessions inside, or run without --offline."
        )


def live_window(days: int, now: datetime | None = None) -> tuple[date, date]:
    """Return the last `days` closed NYSE sessions."""
    last = latest_closed_session(now or datetime.now(UTC))
    return trailing_sessions(last, days)[0], last


def _summarise(label: str, result: Any) -> RunOutcome:
    outcome = RunOutcome(label=label, success=result.success)
    for evaluation in result.get_asset_check_evaluations():
        if evaluation.passed:
            outcome.checks_passed += 1
        elif evaluation.severity == AssetCheckSeverity.WARN:
            outcome.checks_warned += 1
        else:
            outcome.checks_failed += 1
            outcome.failed_checks.append(
                f"{evaluation.asset_key.to_user_string()} {evaluation.check_name}"
            )
    if not result.success:
        failures = [event for event in result.all_events if event.is_step_failure]
        if failures:
            error = failures[0].event_specific_data.error
            while error.cause is not None:
                error = error.cause
            outcome.error = " ".join(error.message.split())[:400]
    return outcome


def table_counts(database_url: str) -> dict[str, int]:
    """Return the number of rows of every warehouse table."""
    engine = make_engine(database_url)
    with engine.connect() as connection:
        counts = {
            table.name: connection.execute(select(func.count()).select_from(table)).scalar_one()
            for table in metadata.sorted_tables
        }
    engine.dispose()
    return counts


@dataclass(frozen=True)
class PlannedRun:
    """One Dagster run of the plan: a job, optionally one partition or a partition range."""

    label: str
    job_name: str
    partition_key: str | None = None
    tags: dict[str, str] = field(default_factory=dict)
    asset_selection: tuple[AssetKey, ...] | None = None

    def execute(self, defs: Definitions, instance: DagsterInstance) -> Any:
        job = defs.resolve_job_def(self.job_name)
        return job.execute_in_process(
            run_config=RUN_CONFIG,
            instance=instance,
            partition_key=self.partition_key,
            tags=self.tags,
            asset_selection=list(self.asset_selection) if self.asset_selection else None,
            raise_on_error=False,
        )


def plan_runs(first: date, last: date, daily_sessions: int) -> list[PlannedRun]:
    """Return the universe and fundamentals refreshes, the bars backfill over `first`..`last`
    as one run, then the daily job for each of the last `daily_sessions` sessions."""
    range_tags = {
        "dagster/asset_partition_range_start": first.strftime(PARTITION_KEY_FORMAT),
        "dagster/asset_partition_range_end": last.strftime(PARTITION_KEY_FORMAT),
    }
    runs = [
        PlannedRun(label=UNIVERSE_JOB, job_name=UNIVERSE_JOB),
        PlannedRun(label=FUNDAMENTALS_JOB, job_name=FUNDAMENTALS_JOB),
        PlannedRun(
            label=f"bars backfill {first}..{last}",
            job_name=DAILY_JOB,
            tags=range_tags,
            asset_selection=(BARS_ASSET,),
        ),
    ]
    for session in sessions_in_range(first, last)[-daily_sessions:]:
        key = session.strftime(PARTITION_KEY_FORMAT)
        runs.append(PlannedRun(label=f"{DAILY_JOB} {key}", job_name=DAILY_JOB, partition_key=key))
    return runs


def run_plan(
    defs: Definitions,
    instance: DagsterInstance,
    first: date,
    last: date,
    daily_sessions: int,
    progress: Callable[[str], None],
) -> list[RunOutcome]:
    """Execute `plan_runs` in order, reporting progress; stop if the universe refresh fails."""
    steps = plan_runs(first, last, daily_sessions)
    outcomes = []
    for number, step in enumerate(steps, start=1):
        label = step.label
        progress(f"[{number}/{len(steps)}] {label} ...")
        outcome = _summarise(label, step.execute(defs, instance))
        outcomes.append(outcome)
        state = "succeeded" if outcome.success else "FAILED"
        progress(
            f"[{number}/{len(steps)}] {label} {state}: checks {outcome.checks_passed} passed, "
            f"{outcome.checks_warned} warned, {outcome.checks_failed} failed"
        )
        if not outcome.success and step.job_name == UNIVERSE_JOB:
            break
    return outcomes


def sqlite_path_hint(database_url: str) -> str:
    """Return the URL, redacted, with a SQLite file shown as an absolute path."""
    return redact_url(absolute_sqlite_url(database_url))


def run_main_job(
    *,
    database_url: str,
    dagster_home: Path,
    offline: bool,
    window: tuple[date, date] | None,
    daily_sessions: int,
    progress: Callable[[str], None] = print,
) -> MainJobReport:
    """Migrate the warehouse and run the whole plan; offline against the recorded payloads."""
    first, last = window or (
        (OFFLINE_FIRST_SESSION, OFFLINE_LAST_SESSION) if offline else live_window(days=30)
    )
    check_window(first, last, offline=offline)
    engine = make_engine(database_url)
    check_connection(engine)
    upgrade(engine)
    engine.dispose()
    progress(f"warehouse {redact_url(database_url)} migrated")

    prepare_dagster_home(dagster_home)
    environment = {"DAGSTER_HOME": str(dagster_home), "DATABASE_URL": database_url}

    report = MainJobReport(
        database=sqlite_path_hint(database_url), dagster_home=dagster_home, sessions=(first, last)
    )
    with (
        _providers(offline, progress) as provider_environment,
        patched_environ({**environment, **provider_environment}),
    ):
        from market_pipeline.definitions import build_definitions

        defs = build_definitions()
        with DagsterInstance.get() as instance:
            report.runs = run_plan(defs, instance, first, last, daily_sessions, progress)
    report.rows = table_counts(database_url)
    return report


@contextmanager
def _providers(offline: bool, progress: Callable[[str], None]) -> Iterator[dict[str, str]]:
    if not offline:
        yield {}
        return
    from market_pipeline.providers.yahoo.client import reset_yfinance_state
    from market_pipeline.replay.yahoo import YahooReplayServer

    reset_yfinance_state()
    server = YahooReplayServer().start()
    progress(f"Yahoo replay server on {server.base_url} (recorded payloads)")
    try:
        yield offline_environment(server.base_url)
    finally:
        server.stop()
