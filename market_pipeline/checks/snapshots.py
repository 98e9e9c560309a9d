"""Checks on `company_snapshot`, `sector_snapshot` and `macro_snapshot`, per partition.

Each table gets the same four checks: one row per key, a non-empty summary, and every expected
metric key present (values may be null). The fourth, grounding, tests the stored summary again
against the stored metrics and sources, so it fails on any number they do not give.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from dagster import AssetCheckExecutionContext, AssetCheckResult, AssetChecksDefinition, asset_check
from sqlalchemy import Engine, func, select
from sqlmodel import col

from market_pipeline.assets.snapshots.metrics import (
    COMPANY_METRIC_KEYS,
    SECTOR_METRIC_KEYS,
    macro_metric_keys,
)
from market_pipeline.assets.snapshots.sections import METRICS_KEY, grounding_sources
from market_pipeline.assets.snapshots.writing import SOURCES_KEY, public_metrics, ungrounded_in_text
from market_pipeline.checks.results import check_result, check_sessions
from market_pipeline.config import PipelineConfig
from market_pipeline.db.resource import WarehouseResource
from market_pipeline.models import CompanySnapshot, Instrument, MacroSnapshot, SectorSnapshot
from market_pipeline.partitions import trading_day_partitions


@dataclass(frozen=True)
class StoredSnapshot:
    """One stored snapshot as the checks see it."""

    subject: str
    snapshot_date: date
    summary: str
    metrics: dict[str, Any]
    sources: dict[str, Any]

    @property
    def label(self) -> str:
        return f"{self.subject} {self.snapshot_date}"


SECTION_COLUMNS = (
    "ownership",
    "management",
    "business_fundamentals",
    "competitive_position",
    "risks_catalysts",
)


def company_snapshots(engine: Engine, sessions: list[date]) -> list[StoredSnapshot]:
    columns = [getattr(CompanySnapshot, name) for name in SECTION_COLUMNS]
    query = (
        select(
            col(Instrument.symbol),
            col(CompanySnapshot.snapshot_date),
            col(CompanySnapshot.summary),
            *columns,
        )
        .join(Instrument, col(Instrument.id) == col(CompanySnapshot.instrument_id))
        .where(col(CompanySnapshot.snapshot_date).between(sessions[0], sessions[-1]))
        .order_by(col(Instrument.symbol))
    )
    snapshots = []
    with engine.connect() as connection:
        for row in connection.execute(query):
            sections = {name: getattr(row, name) or {} for name in SECTION_COLUMNS}
            snapshots.append(
                StoredSnapshot(
                    subject=row.symbol,
                    snapshot_date=row.snapshot_date,
                    summary=row.summary or "",
                    metrics=dict(sections["business_fundamentals"].get(METRICS_KEY) or {}),
                    sources=grounding_sources(sections),
                )
            )
    return snapshots


def _metric_snapshots(
    engine: Engine, sessions: list[date], model: Any, subject: Any
) -> list[StoredSnapshot]:
    query = (
        select(subject, model.snapshot_date, model.summary, model.metrics)
        .where(model.snapshot_date.between(sessions[0], sessions[-1]))
        .order_by(subject)
    )
    with engine.connect() as connection:
        return [
            StoredSnapshot(
                subject=row[0],
                snapshot_date=row.snapshot_date,
                summary=row.summary or "",
                metrics=public_metrics(row.metrics or {}),
                sources=dict((row.metrics or {}).get(SOURCES_KEY) or {}),
            )
            for row in connection.execute(query)
        ]


def sector_snapshots(engine: Engine, sessions: list[date]) -> list[StoredSnapshot]:
    return _metric_snapshots(engine, sessions, SectorSnapshot, col(SectorSnapshot.sector))


def macro_snapshots(engine: Engine, sessions: list[date]) -> list[StoredSnapshot]:
    return _metric_snapshots(engine, sessions, MacroSnapshot, col(MacroSnapshot.region))


def empty_summaries(snapshots: list[StoredSnapshot]) -> list[str]:
    return [snapshot.label for snapshot in snapshots if not snapshot.summary.strip()]


def incomplete_metrics(snapshots: list[StoredSnapshot], expected: list[str]) -> list[str]:
    """Return snapshots lacking expected metric keys, with the keys they lack."""
    offenders = []
    for snapshot in snapshots:
        missing = [key for key in expected if key not in snapshot.metrics]
        if missing:
            offenders.append(f"{snapshot.label} lacks {', '.join(missing)}")
    return offenders


def ungrounded_summaries(snapshots: list[StoredSnapshot]) -> list[str]:
    """Return snapshots whose summary states numbers absent from their metrics and sources."""
    offenders = []
    for snapshot in snapshots:
        numbers = ungrounded_in_text(
            snapshot.summary,
            snapshot.metrics,
            snapshot.sources,
            snapshot.subject,
            snapshot.snapshot_date,
        )
        if numbers:
            offenders.append(f"{snapshot.label} states {', '.join(numbers)}")
    return offenders


@dataclass(frozen=True)
class SnapshotTable:
    """The table, key, loader and expected metric keys that the four checks use."""

    asset: str
    model: Any
    key: tuple[Any, ...]
    join_instrument: bool
    load: Callable[[Engine, list[date]], list[StoredSnapshot]]
    expected_keys: Callable[[PipelineConfig], list[str]]


def _duplicate_keys(engine: Engine, table: SnapshotTable, sessions: list[date]) -> list[Any]:
    query = select(*table.key, func.count()).where(
        table.model.snapshot_date.between(sessions[0], sessions[-1])
    )
    if table.join_instrument:
        query = query.join(Instrument, col(Instrument.id) == table.model.instrument_id)
    query = query.group_by(*table.key).having(func.count() > 1)
    with engine.connect() as connection:
        return list(connection.execute(query))


def evaluate_one_row_per_key(
    table: SnapshotTable, engine: Engine, sessions: list[date]
) -> AssetCheckResult:
    duplicates = _duplicate_keys(engine, table, sessions)
    return check_result(
        description="Subjects with more than one snapshot on a session.",
        offenders=[
            " ".join(str(value) for value in row[:-1]) + f" x{row[-1]}" for row in duplicates
        ],
        checked=len(table.load(engine, sessions)),
    )


def evaluate_summary_not_empty(
    table: SnapshotTable, engine: Engine, sessions: list[date]
) -> AssetCheckResult:
    snapshots = table.load(engine, sessions)
    return check_result(
        description="Snapshots whose summary is empty.",
        offenders=empty_summaries(snapshots),
        checked=len(snapshots),
    )


def evaluate_metrics_complete(
    table: SnapshotTable, engine: Engine, sessions: list[date], pipeline: PipelineConfig
) -> AssetCheckResult:
    snapshots = table.load(engine, sessions)
    return check_result(
        description="Snapshots that lack expected metric keys.",
        offenders=incomplete_metrics(snapshots, table.expected_keys(pipeline)),
        checked=len(snapshots),
    )


def evaluate_grounding(
    table: SnapshotTable, engine: Engine, sessions: list[date]
) -> AssetCheckResult:
    snapshots = table.load(engine, sessions)
    return check_result(
        description="Summaries that state numbers their metrics and sources do not give.",
        offenders=ungrounded_summaries(snapshots),
        checked=len(snapshots),
    )


def snapshot_checks(table: SnapshotTable) -> list[AssetChecksDefinition]:
    """Build the four blocking checks of one snapshot table."""

    @asset_check(
        asset=table.asset,
        name="one_row_per_key",
        partitions_def=trading_day_partitions,
        blocking=True,
        description="One snapshot per subject and session.",
    )
    def one_row_per_key(
        context: AssetCheckExecutionContext, warehouse: WarehouseResource
    ) -> AssetCheckResult:
        return evaluate_one_row_per_key(table, warehouse.get_engine(), check_sessions(context))

    @asset_check(
        asset=table.asset,
        name="summary_not_empty",
        partitions_def=trading_day_partitions,
        blocking=True,
        description="Every snapshot has a non-empty summary.",
    )
    def summary_not_empty(
        context: AssetCheckExecutionContext, warehouse: WarehouseResource
    ) -> AssetCheckResult:
        return evaluate_summary_not_empty(table, warehouse.get_engine(), check_sessions(context))

    @asset_check(
        asset=table.asset,
        name="metrics_complete",
        partitions_def=trading_day_partitions,
        blocking=True,
        description="Every expected metric key is present (values may be null).",
    )
    def metrics_complete(
        context: AssetCheckExecutionContext,
        warehouse: WarehouseResource,
        pipeline: PipelineConfig,
    ) -> AssetCheckResult:
        return evaluate_metrics_complete(
            table, warehouse.get_engine(), check_sessions(context), pipeline
        )

    @asset_check(
        asset=table.asset,
        name="grounding",
        partitions_def=trading_day_partitions,
        blocking=True,
        description="Every number a summary states appears in its metrics or sources.",
    )
    def grounding(
        context: AssetCheckExecutionContext, warehouse: WarehouseResource
    ) -> AssetCheckResult:
        return evaluate_grounding(table, warehouse.get_engine(), check_sessions(context))

    return [one_row_per_key, summary_not_empty, metrics_complete, grounding]


COMPANY_TABLE = SnapshotTable(
    asset="company_snapshot",
    model=CompanySnapshot,
    key=(col(Instrument.symbol), col(CompanySnapshot.snapshot_date)),
    join_instrument=True,
    load=company_snapshots,
    expected_keys=lambda _pipeline: list(COMPANY_METRIC_KEYS),
)
SECTOR_TABLE = SnapshotTable(
    asset="sector_snapshot",
    model=SectorSnapshot,
    key=(col(SectorSnapshot.sector), col(SectorSnapshot.snapshot_date)),
    join_instrument=False,
    load=sector_snapshots,
    expected_keys=lambda _pipeline: list(SECTOR_METRIC_KEYS),
)
MACRO_TABLE = SnapshotTable(
    asset="macro_snapshot",
    model=MacroSnapshot,
    key=(col(MacroSnapshot.region), col(MacroSnapshot.snapshot_date)),
    join_instrument=False,
    load=macro_snapshots,
    expected_keys=lambda pipeline: macro_metric_keys(pipeline.macro_series),
)

SNAPSHOT_CHECKS = [
    *snapshot_checks(COMPANY_TABLE),
    *snapshot_checks(SECTOR_TABLE),
    *snapshot_checks(MACRO_TABLE),
]
