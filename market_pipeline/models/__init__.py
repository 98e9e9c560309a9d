"""SQLModel tables of the warehouse, one module per table."""

from market_pipeline.models.analyst_estimate import AnalystEstimate
from market_pipeline.models.base import TableBase, metadata
from market_pipeline.models.company_snapshot import CompanySnapshot
from market_pipeline.models.data_source import DataSource
from market_pipeline.models.earnings_event import EarningsEvent
from market_pipeline.models.financial_statement import FinancialStatement
from market_pipeline.models.instrument import Instrument
from market_pipeline.models.macro_snapshot import MacroSnapshot
from market_pipeline.models.ohlcv_bar import OhlcvBar
from market_pipeline.models.sector_snapshot import SectorSnapshot

ALL_TABLES = (
    DataSource,
    Instrument,
    OhlcvBar,
    FinancialStatement,
    CompanySnapshot,
    EarningsEvent,
    AnalystEstimate,
    SectorSnapshot,
    MacroSnapshot,
)

__all__ = [
    "ALL_TABLES",
    "AnalystEstimate",
    "CompanySnapshot",
    "DataSource",
    "EarningsEvent",
    "FinancialStatement",
    "Instrument",
    "MacroSnapshot",
    "OhlcvBar",
    "SectorSnapshot",
    "TableBase",
    "metadata",
]
