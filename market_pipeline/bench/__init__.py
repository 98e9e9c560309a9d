"""Benchmarks of the write path, run with `market-pipeline bench`."""
