"""`market-pipeline bench upsert`: the argparse wiring of the upsert benchmark."""

from __future__ import annotations

import argparse
import logging
import os
from pathlib import Path

from market_pipeline.bench.report import write_report
from market_pipeline.bench.upsert import BenchConfig, run_benchmark
from market_pipeline.settings import normalise_database_url

logger = logging.getLogger(__name__)

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def add_bench_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register `bench` and its `upsert` subcommand on the top-level subparsers."""
    bench = subparsers.add_parser("bench", help="Measure the write path.")
    commands = bench.add_subparsers(dest="bench_command", required=True)
    upsert = commands.add_parser(
        "upsert",
        help="Time raw COPY, the upsert (fresh, unchanged, all changed) and the ORM path.",
    )
    upsert.add_argument(
        "--postgres-url",
        default=os.environ.get("TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL),
        help="Server to benchmark on; a scratch database is created and dropped there "
        "(default: TEST_POSTGRES_URL or the local server).",
    )
    upsert.add_argument("--instruments", type=int, default=600, help="Instruments (default 600).")
    upsert.add_argument(
        "--sessions", type=int, default=500, help="Daily sessions per instrument (default 500)."
    )
    upsert.add_argument(
        "--orm-rows",
        type=int,
        default=30_000,
        help="Rows timed on the per-row ORM path (default 30000).",
    )
    upsert.add_argument("--no-sqlite", action="store_true", help="Skip the SQLite steps.")
    upsert.add_argument(
        "--output",
        default="docs/benchmarks.md",
        help="Markdown file to write the results to (default docs/benchmarks.md).",
    )
    upsert.set_defaults(func=run_upsert_bench)


def run_upsert_bench(args: argparse.Namespace) -> int:
    """Run the upsert benchmark and write its page; return the exit code."""
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    for name, value in (("--instruments", args.instruments), ("--sessions", args.sessions)):
        if value < 1:
            logger.error("%s must be at least 1, got %d", name, value)
            return 2
    config = BenchConfig(
        postgres_url=normalise_database_url(args.postgres_url),
        instruments=args.instruments,
        sessions=args.sessions,
        orm_rows=args.orm_rows,
        sqlite=not args.no_sqlite,
    )
    report = run_benchmark(config)
    path = write_report(report, Path(args.output))
    logger.info("wrote %s", path)
    return 0
