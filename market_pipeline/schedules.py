"""Schedules: the daily job after each session's close, the universe and fundamentals weekly."""

from datetime import date

from dagster import RunRequest, ScheduleDefinition, ScheduleEvaluationContext, SkipReason, schedule
from sqlalchemy import Engine, select
from sqlmodel import col

from market_pipeline.calendar import next_session, trailing_sessions
from market_pipeline.db.resource import WarehouseResource
from market_pipeline.jobs import daily_job, fundamentals_job, universe_job
from market_pipeline.models import EarningsEvent, Instrument
from market_pipeline.partitions import (
    PARTITION_KEY_FORMAT,
    SESSION_CLOSE_CRON,
    TIMEZONE,
    should_run_on,
)


@schedule(
    name="daily_after_close",
    job=daily_job,
    cron_schedule=SESSION_CLOSE_CRON,
    execution_timezone=TIMEZONE,
    description="Runs the daily job for the session that just closed; skips exchange holidays.",
)
def daily_after_close(context: ScheduleEvaluationContext) -> RunRequest | SkipReason:
    tick = context.scheduled_execution_time
    session = tick.date()
    if not should_run_on(session):
        return SkipReason(f"{session} is not an NYSE session")
    key = session.strftime(PARTITION_KEY_FORMAT)
    return RunRequest(run_key=key, partition_key=key)


weekly_universe = ScheduleDefinition(
    name="weekly_universe",
    job=universe_job,
    cron_schedule="0 6 * * 1",
    execution_timezone=TIMEZONE,
    description="Refreshes the index universe every Monday at 06:00 New York time.",
)

weekly_fundamentals = ScheduleDefinition(
    name="weekly_fundamentals",
    job=fundamentals_job,
    cron_schedule="0 7 * * 6",
    execution_timezone=TIMEZONE,
    description="Refreshes statements and earnings every Saturday at 07:00 New York time.",
)


EARNINGS_WINDOW_SESSIONS = 2


def symbols_reporting_near(engine: Engine, session: date, sessions: int) -> list[str]:
    """Return the active symbols with an earnings report within `sessions` sessions of
    `session`, before or after."""
    first = trailing_sessions(session, sessions + 1)[0]
    last = session
    for _ in range(sessions):
        last = next_session(last)
    query = (
        select(col(Instrument.symbol))
        .join(EarningsEvent, col(EarningsEvent.instrument_id) == col(Instrument.id))
        .where(
            col(Instrument.active).is_(True),
            col(EarningsEvent.report_date).between(first, last),
        )
        .distinct()
        .order_by(col(Instrument.symbol))
    )
    with engine.connect() as connection:
        return list(connection.execute(query).scalars())


@schedule(
    name="earnings_season_daily",
    job=fundamentals_job,
    cron_schedule="0 17 * * 1-5",
    execution_timezone=TIMEZONE,
    description=(
        "Refreshes statements and earnings after the close on sessions within two sessions "
        "of a stored report date, so reported results replace estimates the same day."
    ),
)
def earnings_season_daily(
    context: ScheduleEvaluationContext, warehouse: WarehouseResource
) -> RunRequest | SkipReason:
    session = context.scheduled_execution_time.date()
    if not should_run_on(session):
        return SkipReason(f"{session} is not an NYSE session")
    reporting = symbols_reporting_near(warehouse.get_engine(), session, EARNINGS_WINDOW_SESSIONS)
    if not reporting:
        return SkipReason(f"no stored earnings report within two sessions of {session}")
    return RunRequest(
        run_key=f"earnings-{session.isoformat()}",
        tags={"market_pipeline/reporting": ",".join(reporting[:20])},
    )


SCHEDULES = [daily_after_close, weekly_universe, weekly_fundamentals, earnings_season_daily]
