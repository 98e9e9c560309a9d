"""Build `AssetCheckResult`s with a description, counts and up to ten offending examples."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from dagster import AssetCheckExecutionContext, AssetCheckResult, AssetCheckSeverity, MetadataValue

from market_pipeline.calendar import sessions_in_range
from market_pipeline.partitions import session_of_partition_key

MAX_EXAMPLES = 10


def check_result(
    *,
    description: str,
    offenders: Sequence[Any],
    checked: int,
    severity: AssetCheckSeverity = AssetCheckSeverity.ERROR,
    passed: bool | None = None,
    **extra: Any,
) -> AssetCheckResult:
    """Return a result that fails when there are offenders (or when `passed` is False)."""
    ok = not offenders if passed is None else passed
    metadata: dict[str, Any] = {
        "description": MetadataValue.text(description),
        "checked": MetadataValue.int(checked),
        "offending": MetadataValue.int(len(offenders)),
        "examples": MetadataValue.json([_plain(item) for item in offenders[:MAX_EXAMPLES]]),
    }
    metadata.update(extra)
    return AssetCheckResult(
        passed=ok, severity=severity, description=description, metadata=metadata
    )


def _plain(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def check_sessions(context: AssetCheckExecutionContext) -> list[date]:
    """Return the sessions of the partitions the check runs for."""
    key_range = context.partition_key_range
    return sessions_in_range(
        session_of_partition_key(key_range.start), session_of_partition_key(key_range.end)
    )
