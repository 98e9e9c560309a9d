"""Asset checks: data-quality tests queried in SQL on the rows each run wrote."""
