"""The one table from Yahoo fundamentals-timeseries type names to canonical statement items.

Yahoo names a series `<frequency><TypeName>` (`quarterlyTotalRevenue`, `annualTotalAssets`);
this table contains `TypeName` only. When Yahoo renames a type, change its row here.
"""

from __future__ import annotations

from dataclasses import dataclass

from market_pipeline.providers.yahoo.records import StatementFrequency, StatementName

FREQUENCY_PREFIXES: dict[StatementFrequency, str] = {"quarterly": "quarterly", "annual": "annual"}


@dataclass(frozen=True)
class StatementItem:
    """One row of the table: Yahoo's type name, our key and the statement it belongs to."""

    yahoo_type: str
    key: str
    statement: StatementName


_INCOME: StatementName = "income_statement"
_BALANCE: StatementName = "balance_sheet"
_CASH: StatementName = "cash_flow"

STATEMENT_ITEMS: tuple[StatementItem, ...] = (
    # Income statement
    StatementItem("TotalRevenue", "total_revenue", _INCOME),
    StatementItem("OperatingRevenue", "operating_revenue", _INCOME),
    StatementItem("CostOfRevenue", "cost_of_revenue", _INCOME),
    StatementItem("GrossProfit", "gross_profit", _INCOME),
    StatementItem("ResearchAndDevelopment", "research_and_development", _INCOME),
    StatementItem("SellingGeneralAndAdministration", "selling_general_admin", _INCOME),
    StatementItem("OperatingExpense", "operating_expense", _INCOME),
    StatementItem("TotalExpenses", "total_expenses", _INCOME),
    StatementItem("OperatingIncome", "operating_income", _INCOME),
    StatementItem("InterestIncome", "interest_income", _INCOME),
    StatementItem("InterestExpense", "interest_expense", _INCOME),
    StatementItem("NetInterestIncome", "net_interest_income", _INCOME),
    StatementItem("OtherIncomeExpense", "other_income_expense", _INCOME),
    StatementItem("PretaxIncome", "pretax_income", _INCOME),
    StatementItem("TaxProvision", "income_tax_expense", _INCOME),
    StatementItem("NetIncome", "net_income", _INCOME),
    StatementItem("NetIncomeCommonStockholders", "net_income_common", _INCOME),
    StatementItem("NetIncomeContinuousOperations", "net_income_continuing", _INCOME),
    StatementItem("EBIT", "ebit", _INCOME),
    StatementItem("EBITDA", "ebitda", _INCOME),
    StatementItem("NormalizedEBITDA", "normalized_ebitda", _INCOME),
    StatementItem("BasicEPS", "basic_eps", _INCOME),
    StatementItem("DilutedEPS", "diluted_eps", _INCOME),
    StatementItem("BasicAverageShares", "basic_average_shares", _INCOME),
    StatementItem("DilutedAverageShares", "diluted_average_shares", _INCOME),
    StatementItem("ReconciledDepreciation", "reconciled_depreciation", _INCOME),
    # Balance sheet
    StatementItem("TotalAssets", "total_assets", _BALANCE),
    StatementItem("CurrentAssets", "current_assets", _BALANCE),
    StatementItem("TotalNonCurrentAssets", "non_current_assets", _BALANCE),
    StatementItem("CashAndCashEquivalents", "cash_and_equivalents", _BALANCE),
    StatementItem(
        "CashCashEquivalentsAndShortTermInvestments", "cash_and_short_term_investments", _BALANCE
    ),
    StatementItem("AccountsReceivable", "accounts_receivable", _BALANCE),
    StatementItem("Inventory", "inventory", _BALANCE),
    StatementItem("NetPPE", "net_ppe", _BALANCE),
    StatementItem("Goodwill", "goodwill", _BALANCE),
    StatementItem("TotalLiabilitiesNetMinorityInterest", "total_liabilities", _BALANCE),
    StatementItem("CurrentLiabilities", "current_liabilities", _BALANCE),
    StatementItem(
        "TotalNonCurrentLiabilitiesNetMinorityInterest", "non_current_liabilities", _BALANCE
    ),
    StatementItem("AccountsPayable", "accounts_payable", _BALANCE),
    StatementItem("CurrentDebt", "current_debt", _BALANCE),
    StatementItem("LongTermDebt", "long_term_debt", _BALANCE),
    StatementItem("TotalDebt", "total_debt", _BALANCE),
    StatementItem("NetDebt", "net_debt", _BALANCE),
    StatementItem("StockholdersEquity", "total_equity", _BALANCE),
    StatementItem("TotalEquityGrossMinorityInterest", "total_equity_with_minority", _BALANCE),
    StatementItem("MinorityInterest", "minority_interest", _BALANCE),
    StatementItem("RetainedEarnings", "retained_earnings", _BALANCE),
    StatementItem("CommonStockEquity", "common_stock_equity", _BALANCE),
    StatementItem("WorkingCapital", "working_capital", _BALANCE),
    StatementItem("TangibleBookValue", "tangible_book_value", _BALANCE),
    StatementItem("OrdinarySharesNumber", "shares_outstanding", _BALANCE),
    StatementItem("TreasurySharesNumber", "treasury_shares", _BALANCE),
    # Cash flow statement
    StatementItem("OperatingCashFlow", "operating_cash_flow", _CASH),
    StatementItem("InvestingCashFlow", "investing_cash_flow", _CASH),
    StatementItem("FinancingCashFlow", "financing_cash_flow", _CASH),
    StatementItem("FreeCashFlow", "free_cash_flow", _CASH),
    StatementItem("CapitalExpenditure", "capital_expenditure", _CASH),
    StatementItem("NetIncomeFromContinuingOperations", "cash_flow_net_income", _CASH),
    StatementItem("DepreciationAndAmortization", "depreciation_and_amortization", _CASH),
    StatementItem("StockBasedCompensation", "stock_based_compensation", _CASH),
    StatementItem("ChangeInWorkingCapital", "change_in_working_capital", _CASH),
    StatementItem("CashDividendsPaid", "dividends_paid", _CASH),
    StatementItem("RepurchaseOfCapitalStock", "share_repurchases", _CASH),
    StatementItem("IssuanceOfDebt", "debt_issuance", _CASH),
    StatementItem("RepaymentOfDebt", "debt_repayment", _CASH),
    StatementItem("ChangesInCash", "change_in_cash", _CASH),
    StatementItem("EndCashPosition", "end_cash_position", _CASH),
)

ITEMS_BY_TYPE: dict[str, StatementItem] = {item.yahoo_type: item for item in STATEMENT_ITEMS}


def request_types(frequency: StatementFrequency) -> list[str]:
    """Return the prefixed type names to request for `frequency` (`quarterlyTotalRevenue`, ...)."""
    prefix = FREQUENCY_PREFIXES[frequency]
    return [prefix + item.yahoo_type for item in STATEMENT_ITEMS]


def split_type_name(prefixed: str) -> tuple[StatementFrequency, str] | None:
    """Return `(frequency, TypeName)` for `quarterlyTotalRevenue`; None for other prefixes."""
    for frequency, prefix in FREQUENCY_PREFIXES.items():
        if prefixed.startswith(prefix) and len(prefixed) > len(prefix):
            return frequency, prefixed[len(prefix) :]
    return None
