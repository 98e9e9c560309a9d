"""`sector_snapshot`: the daily review of each GICS sector, one partition per NYSE session."""

from collections import Counter, defaultdict
from typing import Any

from dagster import (
    AssetExecutionContext,
    BackfillPolicy,
    MaterializeResult,
    MetadataValue,
    asset,
)

from market_pipeline.assets.reporting import log_upsert, markdown_table, upsert_metadata
from market_pipeline.assets.snapshots.company import SNAPSHOT_DEPS, Company, active_companies
from market_pipeline.assets.snapshots.inputs import load_company_data
from market_pipeline.assets.snapshots.metrics import company_metrics, sector_metrics
from market_pipeline.assets.snapshots.writing import (
    GROUNDING_KEY,
    SOURCES_KEY,
    WriterSources,
    write_checked_summary,
)
from market_pipeline.assets.window import run_sessions, session_span
from market_pipeline.db.resource import WarehouseResource
from market_pipeline.db.upsert import upsert
from market_pipeline.models import SectorSnapshot
from market_pipeline.partitions import trading_day_partitions
from market_pipeline.providers.llm.resource import LLMResource
from market_pipeline.providers.llm.schema import SummaryRequest


def sector_sources(sector: str, members: list[Company]) -> dict[str, Any]:
    """Return what a sector summary may cite besides its metrics."""
    return {"sector": sector, "member_symbols": sorted(member.symbol for member in members)}


@asset(
    name="sector_snapshot",
    group_name="market_data",
    partitions_def=trading_day_partitions,
    deps=SNAPSHOT_DEPS,
    backfill_policy=BackfillPolicy.single_run(),
    pool="llm",
    kinds={"sql"},
)
def sector_snapshot(
    context: AssetExecutionContext, warehouse: WarehouseResource, llm: LLMResource
) -> MaterializeResult:
    """Metrics and a written summary per GICS sector of the active equities and session.

    Metrics: equal-weighted 1/5/21-session returns, breadth (percent of members up on the
    session, and above their 21-session average), median trailing P/E, last-quarter EPS
    surprises and 30-day estimate revisions, each null when the stored data cannot give it.
    A summary stating a number it was not given is stored with `metrics._grounding.valid =
    false`, and the blocking `grounding` check fails naming that number.
    """
    engine = warehouse.get_engine()
    sessions = run_sessions(context)
    companies = active_companies(engine)
    by_sector: dict[str, list[Company]] = defaultdict(list)
    for company in companies:
        if company.sector:
            by_sector[company.sector].append(company)
    no_sector = [company.symbol for company in companies if not company.sector]
    if no_sector:
        context.log.warning("%d equities have no sector: %s", len(no_sector), no_sector[:20])
    writer = llm.summary_writer()
    sources = WriterSources(engine)

    rows: list[dict[str, Any]] = []
    ungrounded: list[str] = []
    for session in sessions:
        # Compute the metrics from the stored tables.
        data = load_company_data(engine, [company.id for company in companies], session)
        metrics = {}
        for sector, members in sorted(by_sector.items()):
            member_metrics = {
                member.id: company_metrics(data[member.id], session) for member in members
            }
            metrics[sector] = sector_metrics(member_metrics)

        # Write the summaries.
        for sector, values in metrics.items():
            summary_sources = sector_sources(sector, by_sector[sector])
            request = SummaryRequest(
                kind="sector",
                subject=sector,
                as_of=session,
                metrics=values,
                sources=summary_sources,
            )
            checked = write_checked_summary(writer, request)
            if checked.ungrounded:
                ungrounded.append(f"{sector} {session}: {', '.join(checked.ungrounded)}")
            rows.append(
                {
                    "snapshot_date": session,
                    "sector": sector,
                    "summary": checked.text,
                    "metrics": {
                        **values,
                        SOURCES_KEY: summary_sources,
                        GROUNDING_KEY: checked.grounding,
                    },
                    "data_source_id": sources.id_of(checked.writer),
                }
            )
    if ungrounded:
        context.log.error(
            "%d summaries state numbers they were not given: %s",
            len(ungrounded),
            ungrounded[:10],
        )

    # Store.
    result = upsert(engine, SectorSnapshot, rows)
    log_upsert(context.log, f"sector_snapshot {session_span(sessions)}", result)
    preview = [
        {
            "sector": row["sector"],
            "members": row["metrics"]["members"],
            "return_1d_pct": row["metrics"]["return_1d_pct"],
            "breadth_up_pct": row["metrics"]["breadth_up_pct"],
            "summary": row["summary"],
        }
        for row in rows
    ]
    writers = Counter(row["metrics"][GROUNDING_KEY]["writer"] for row in rows)
    return MaterializeResult(
        metadata=upsert_metadata(
            result,
            preview=markdown_table(
                preview, ["sector", "members", "return_1d_pct", "breadth_up_pct", "summary"]
            ),
            provider=MetadataValue.json(dict(writers)),
            requests=len(rows),
            sessions=MetadataValue.text(session_span(sessions)),
            equities_without_sector=len(no_sector),
            ungrounded=MetadataValue.json(ungrounded[:20]),
        )
    )
