"""The sessions a partitioned run covers: one partition, or every session of a backfill range."""

from datetime import date

from dagster import AssetExecutionContext, Failure

from market_pipeline.calendar import sessions_in_range
from market_pipeline.partitions import session_of_partition_key


def run_sessions(context: AssetExecutionContext) -> list[date]:
    """Return the NYSE sessions of the run's partition key range, oldest first.

    An invalid key is an input error that retrying cannot fix, so it fails without retries.
    """
    key_range = context.partition_key_range
    try:
        first = session_of_partition_key(key_range.start)
        last = session_of_partition_key(key_range.end)
    except ValueError as error:
        raise Failure(description=str(error), allow_retries=False) from error
    return sessions_in_range(first, last)


def session_span(sessions: list[date]) -> str:
    """Return `first..last` for run metadata."""
    return f"{sessions[0]}..{sessions[-1]}"
