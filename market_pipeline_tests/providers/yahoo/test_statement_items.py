from market_pipeline.providers.yahoo.statement_items import (
    ITEMS_BY_TYPE,
    STATEMENT_ITEMS,
    request_types,
    split_type_name,
)


def test_items_unique() -> None:
    keys = [item.key for item in STATEMENT_ITEMS]
    assert len(keys) == len(set(keys))
    assert len(ITEMS_BY_TYPE) == len(STATEMENT_ITEMS)


def test_items_cover_identity() -> None:
    keys = {item.key: item.statement for item in STATEMENT_ITEMS}
    assert keys["total_assets"] == "balance_sheet"
    assert keys["total_liabilities"] == "balance_sheet"
    assert keys["total_equity"] == "balance_sheet"
    assert keys["total_revenue"] == "income_statement"
    assert keys["operating_cash_flow"] == "cash_flow"


def test_request_types_prefixed() -> None:
    quarterly = request_types("quarterly")
    assert "quarterlyTotalRevenue" in quarterly
    assert all(name.startswith("quarterly") for name in quarterly)
    assert "annualStockholdersEquity" in request_types("annual")


def test_split_type_name() -> None:
    assert split_type_name("annualTotalAssets") == ("annual", "TotalAssets")
    assert split_type_name("trailingPegRatio") is None
