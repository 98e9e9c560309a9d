"""market_pipeline: Dagster assets that keep a market-data warehouse current."""
