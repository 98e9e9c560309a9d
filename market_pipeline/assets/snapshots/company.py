"""`company_snapshot`: the daily review of each active equity, one partition per NYSE session."""

import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from dagster import (
    AssetExecutionContext,
    BackfillPolicy,
    MaterializeResult,
    MetadataValue,
    asset,
)
from sqlalchemy import Engine, select
from sqlmodel import col

from market_pipeline.assets.reporting import log_upsert, markdown_table, upsert_metadata
from market_pipeline.assets.snapshots.inputs import load_company_data
from market_pipeline.assets.snapshots.metrics import company_metrics
from market_pipeline.assets.snapshots.sections import (
    Peer,
    business_fundamentals_section,
    competitive_position_section,
    grounding_sources,
    management_section,
    ownership_section,
    return_rank,
    risks_catalysts_section,
)
from market_pipeline.assets.snapshots.writing import (
    GROUNDING_KEY,
    WriterSources,
    write_checked_summary,
)
from market_pipeline.assets.window import run_sessions, session_span
from market_pipeline.db.resource import WarehouseResource
from market_pipeline.db.upsert import upsert
from market_pipeline.models import CompanySnapshot, Instrument
from market_pipeline.partitions import trading_day_partitions
from market_pipeline.providers.llm.resource import LLMResource
from market_pipeline.providers.llm.schema import SummaryRequest
from market_pipeline.providers.yahoo.parse_quote_summary import QuoteSummaryNotFoundError
from market_pipeline.providers.yahoo.records import CompanyProfile
from market_pipeline.providers.yahoo.resource import YahooResource

SNAPSHOT_DEPS = [
    "ohlcv_bar_pg",
    "financial_statement",
    "earnings_event",
    "analyst_estimate",
    "instrument",
    "data_source",
]


@dataclass(frozen=True)
class Company:
    """An active equity with the catalogue fields the sections use."""

    id: uuid.UUID
    symbol: str
    name: str | None
    sector: str | None
    industry: str | None


def active_companies(engine: Engine) -> list[Company]:
    """Return the active equities, ordered by symbol."""
    query = (
        select(
            col(Instrument.id),
            col(Instrument.symbol),
            col(Instrument.name),
            col(Instrument.sector),
            col(Instrument.industry),
        )
        .where(col(Instrument.active).is_(True), col(Instrument.asset_class) == "equity")
        .order_by(col(Instrument.symbol))
    )
    with engine.connect() as connection:
        return [Company(*row) for row in connection.execute(query)]


def fetch_profiles(yahoo: YahooResource, companies: list[Company]) -> dict[str, CompanyProfile]:
    """Fetch every company's Yahoo profile; a symbol Yahoo has no profile for is left out."""
    profiles = {}
    for company in companies:
        try:
            profiles[company.symbol] = yahoo.fetch_profile(company.symbol)
        except QuoteSummaryNotFoundError:
            continue
    return profiles


def company_sections(
    company: Company,
    metrics: dict[str, Any],
    data: Any,
    profile: CompanyProfile | None,
    peers: list[Peer],
    rank: tuple[int, int] | None,
) -> dict[str, dict[str, Any]]:
    """Return the five JSON sections of one company's snapshot."""
    return {
        "ownership": ownership_section(profile),
        "management": management_section(profile),
        "business_fundamentals": business_fundamentals_section(
            company.name, metrics, data, profile
        ),
        "competitive_position": competitive_position_section(
            company.sector, company.industry, peers, rank
        ),
        "risks_catalysts": risks_catalysts_section(metrics, data, profile),
    }


@asset(
    name="company_snapshot",
    group_name="market_data",
    partitions_def=trading_day_partitions,
    deps=SNAPSHOT_DEPS,
    backfill_policy=BackfillPolicy.single_run(),
    pool="llm",
    kinds={"sql"},
)
def company_snapshot(
    context: AssetExecutionContext,
    warehouse: WarehouseResource,
    yahoo: YahooResource,
    llm: LLMResource,
) -> MaterializeResult:
    """A written summary and five JSON sections per active equity and session.

    Metrics come from the stored bars, statements, earnings and estimates of the session;
    sections add the Yahoo profile (holders, officers) and sector peers, and contain "unknown"
    where the data has no value. The summary comes from the LLM when configured, else from
    the offline writer; `data_source_id` names the writer. A summary stating a number it was
    not given is stored with `business_fundamentals._grounding.valid = false`, and the
    blocking `grounding` check fails naming that number. Profiles and summaries are all
    fetched and written before any row is stored.
    """
    engine = warehouse.get_engine()
    sessions = run_sessions(context)
    companies = active_companies(engine)
    writer = llm.summary_writer()
    context.log.info(
        "company snapshots of %d equities for %s, writer %s",
        len(companies),
        session_span(sessions),
        type(writer).__name__,
    )

    # Fetch the profiles once for the whole range.
    profiles = fetch_profiles(yahoo, companies)
    by_sector: dict[str, list[Company]] = defaultdict(list)
    for company in companies:
        if company.sector:
            by_sector[company.sector].append(company)

    sources = WriterSources(engine)
    rows: list[dict[str, Any]] = []
    ungrounded: list[str] = []
    for session in sessions:
        # Read the stored tables of the session.
        data = load_company_data(engine, [company.id for company in companies], session)
        metrics = {company.id: company_metrics(data[company.id], session) for company in companies}

        # Write the summaries.
        for company in companies:
            members = by_sector.get(company.sector or "", [])
            peers = [
                Peer(member.symbol, member.name, member.industry)
                for member in members
                if member.id != company.id
            ]
            returns = {member.symbol: metrics[member.id]["return_21d_pct"] for member in members}
            sections = company_sections(
                company,
                metrics[company.id],
                data[company.id],
                profiles.get(company.symbol),
                peers,
                return_rank(company.symbol, returns) if company.sector else None,
            )
            request = SummaryRequest(
                kind="company",
                subject=company.symbol,
                as_of=session,
                metrics=metrics[company.id],
                sources=grounding_sources(sections),
            )
            checked = write_checked_summary(writer, request)
            sections["business_fundamentals"][GROUNDING_KEY] = checked.grounding
            if checked.ungrounded:
                ungrounded.append(f"{company.symbol} {session}: {', '.join(checked.ungrounded)}")
            rows.append(
                {
                    "instrument_id": company.id,
                    "snapshot_date": session,
                    "summary": checked.text,
                    **sections,
                    "data_source_id": sources.id_of(checked.writer),
                }
            )
    if ungrounded:
        context.log.error(
            "%d summaries state numbers they were not given: %s", len(ungrounded), ungrounded[:10]
        )

    # Store.
    result = upsert(engine, CompanySnapshot, rows)
    log_upsert(context.log, f"company_snapshot {session_span(sessions)}", result)

    symbols = {company.id: company.symbol for company in companies}
    preview = [
        {
            "symbol": symbols[row["instrument_id"]],
            "close": row["business_fundamentals"]["metrics"]["close"],
            "return_1d_pct": row["business_fundamentals"]["metrics"]["return_1d_pct"],
            "summary": row["summary"],
        }
        for row in rows
    ]
    writers = Counter(row["business_fundamentals"][GROUNDING_KEY]["writer"] for row in rows)
    return MaterializeResult(
        metadata=upsert_metadata(
            result,
            preview=markdown_table(preview, ["symbol", "close", "return_1d_pct", "summary"]),
            provider=MetadataValue.json(dict(writers)),
            requests=yahoo.request_count,
            summaries=len(rows),
            sessions=MetadataValue.text(session_span(sessions)),
            profiles_fetched=len(profiles),
            ungrounded=MetadataValue.json(ungrounded[:20]),
        )
    )
