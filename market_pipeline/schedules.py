"""Schedules: the daily job after each session's close, the universe and fundamentals weekly."""

from dagster import RunRequest, ScheduleDefinition, ScheduleEvaluationContext, SkipReason, schedule

from market_pipeline.jobs import daily_job, fundamentals_job, universe_job
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

SCHEDULES = [daily_after_close, weekly_universe, weekly_fundamentals]
