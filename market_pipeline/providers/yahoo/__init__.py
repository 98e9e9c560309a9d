"""Yahoo Finance through yfinance's HTTP layer: raw JSON in, typed records out."""
