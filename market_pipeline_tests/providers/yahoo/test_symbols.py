import pytest

from market_pipeline.providers.yahoo.symbols import to_listing_symbol, to_yahoo_symbol


@pytest.mark.parametrize(
    ("listing", "yahoo"),
    [("BRK.B", "BRK-B"), ("BF.B", "BF-B"), ("AAPL", "AAPL"), ("BTC-USD", "BTC-USD")],
)
def test_symbol_round_trip(listing: str, yahoo: str) -> None:
    assert to_yahoo_symbol(listing) == yahoo
    assert to_listing_symbol(yahoo) == listing


def test_symbol_keeps_yahoo_forms() -> None:
    assert to_yahoo_symbol("EURUSD=X") == "EURUSD=X"
    assert to_listing_symbol("ES=F") == "ES=F"


def test_symbol_empty_rejected() -> None:
    with pytest.raises(ValueError, match="empty symbol"):
        to_yahoo_symbol("  ")
