"""The upsert benchmark at tiny size, so its code keeps running; no timing is checked."""

from __future__ import annotations

import argparse
from pathlib import Path

from market_pipeline.bench.cli import add_bench_parser
from market_pipeline_tests.databases import postgres_server_url


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="market-pipeline")
    add_bench_parser(parser.add_subparsers(dest="command", required=True))
    return parser.parse_args(argv)


def test_bench_upsert_tiny(tmp_path: Path) -> None:
    server = postgres_server_url().render_as_string(hide_password=False)
    output = tmp_path / "benchmarks.md"
    args = parse(
        [
            "bench",
            "upsert",
            "--postgres-url",
            server,
            "--instruments",
            "5",
            "--sessions",
            "20",
            "--orm-rows",
            "30",
            "--output",
            str(output),
        ]
    )

    assert args.func(args) == 0

    page = output.read_text(encoding="utf-8")
    assert "| raw COPY | postgresql | 100 |" in page
    assert "| upsert fresh | postgresql | 100 |" in page
    assert "100 ins / 0 upd / 0 same" in page
    assert "0 ins / 0 upd / 100 same" in page
    assert "0 ins / 100 upd / 0 same" in page
    assert "| ORM per row | postgresql | 30 |" in page
    assert "| upsert all changed | sqlite | 100 |" in page
    assert "fresh upsert / ORM per row" in page
    assert "CPU model:" in page


def test_bench_parser_defaults() -> None:
    args = parse(["bench", "upsert"])

    assert args.instruments == 600
    assert args.sessions == 500
    assert args.no_sqlite is False
    assert args.output == "docs/benchmarks.md"
