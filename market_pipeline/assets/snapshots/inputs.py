"""Reads of the stored tables that the snapshot metrics start from."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from sqlalchemy import Engine, select
from sqlmodel import col

from market_pipeline.assets.periods import ANNUAL_TYPE, FiscalPeriod
from market_pipeline.assets.snapshots.metrics import (
    AVERAGE_WINDOW,
    RETURN_WINDOWS,
    CompanyData,
    StoredEarnings,
    bar_price,
    quarter_figures,
)
from market_pipeline.calendar import trailing_sessions
from market_pipeline.models import AnalystEstimate, EarningsEvent, FinancialStatement, OhlcvBar


def history_start(session: date) -> date:
    """Return the first session the metrics of `session` read bars from."""
    return trailing_sessions(session, max(*RETURN_WINDOWS, AVERAGE_WINDOW) + 1)[0]


def load_prices(
    engine: Engine, instrument_ids: Sequence[uuid.UUID], session: date
) -> dict[uuid.UUID, dict[date, Decimal]]:
    """Return instrument id -> session -> price for the sessions the metrics need.

    When several sources hold a bar for one session, the last one read wins; the bar assets
    write one source per run.
    """
    query = (
        select(
            col(OhlcvBar.instrument_id),
            col(OhlcvBar.ts),
            col(OhlcvBar.close),
            col(OhlcvBar.adj_close),
        )
        .where(
            col(OhlcvBar.instrument_id).in_(list(instrument_ids)),
            col(OhlcvBar.ts).between(history_start(session), session),
        )
        .order_by(col(OhlcvBar.instrument_id), col(OhlcvBar.ts), col(OhlcvBar.updated_at))
    )
    prices: dict[uuid.UUID, dict[date, Decimal]] = {}
    with engine.connect() as connection:
        for row in connection.execute(query):
            prices.setdefault(row.instrument_id, {})[row.ts] = bar_price(row.close, row.adj_close)
    return prices


def load_company_data(
    engine: Engine, instrument_ids: Sequence[uuid.UUID], session: date
) -> dict[uuid.UUID, CompanyData]:
    """Return what the tables hold for each company as of `session`.

    Statements are the quarters ending on or before the session; estimates are those of the
    session itself.
    """
    ids = list(instrument_ids)
    data = {instrument_id: CompanyData() for instrument_id in ids}
    for instrument_id, prices in load_prices(engine, ids, session).items():
        data[instrument_id].prices = prices
    quarters = select(
        col(FinancialStatement.instrument_id),
        col(FinancialStatement.period_end),
        col(FinancialStatement.period_type),
        col(FinancialStatement.fiscal_year),
        col(FinancialStatement.income_statement),
    ).where(
        col(FinancialStatement.instrument_id).in_(ids),
        col(FinancialStatement.period_type) != ANNUAL_TYPE,
        col(FinancialStatement.period_end) <= session,
    )
    events = select(
        col(EarningsEvent.instrument_id),
        col(EarningsEvent.fiscal_period),
        col(EarningsEvent.report_date),
        col(EarningsEvent.results),
    ).where(col(EarningsEvent.instrument_id).in_(ids))
    estimates = select(
        col(AnalystEstimate.instrument_id),
        col(AnalystEstimate.target_period),
        col(AnalystEstimate.estimates),
    ).where(col(AnalystEstimate.instrument_id).in_(ids), col(AnalystEstimate.as_of_date) == session)
    with engine.connect() as connection:
        for row in connection.execute(quarters):
            label = FiscalPeriod(row.fiscal_year, row.period_type).label
            data[row.instrument_id].quarters.append(
                quarter_figures(row.period_end, label, row.income_statement or {})
            )
        for row in connection.execute(events):
            data[row.instrument_id].events.append(
                StoredEarnings(row.fiscal_period, row.report_date, dict(row.results or {}))
            )
        for row in connection.execute(estimates):
            data[row.instrument_id].estimates[row.target_period] = dict(row.estimates or {})
    return data
