"""`market-pipeline`: the command line users type."""

from __future__ import annotations

import argparse
import logging
import sys
import warnings
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from dotenv import load_dotenv
from sqlalchemy import Engine

from market_pipeline.db.engine import DatabaseUnavailableError, check_connection, make_engine
from market_pipeline.settings import get_settings, redact_url

logger = logging.getLogger("market_pipeline.cli")


def _engine(args: argparse.Namespace) -> Engine:
    engine = make_engine(args.database_url)
    check_connection(engine)
    return engine


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    from market_pipeline.db.migrations import upgrade

    engine = _engine(args)
    upgrade(engine, args.revision)
    print(f"Database at {redact_url(engine.url)} is at revision {args.revision}.")
    return 0


def cmd_db_validate(args: argparse.Namespace) -> int:
    from market_pipeline.db.validate import validate_schema

    missing = _missing_sqlite_file(args.database_url)
    if missing is not None:
        print(
            f"error: the SQLite database {missing} does not exist: "
            "run `market-pipeline db upgrade` to create it.",
            file=sys.stderr,
        )
        return 1
    engine = _engine(args)
    differences = validate_schema(engine)
    if not differences:
        print(f"Database at {redact_url(engine.url)} matches the models.")
        return 0
    print(f"Database at {redact_url(engine.url)} differs from the models:", file=sys.stderr)
    for difference in differences:
        print(f"  - {difference}", file=sys.stderr)
    print(
        "Fix: run `market-pipeline db upgrade`. If it reports the database is already at the "
        "latest revision, the difference was made outside the migrations: revert it by hand or "
        "recreate the database.",
        file=sys.stderr,
    )
    return 1


def _missing_sqlite_file(database_url: str) -> Path | None:
    """Return the path of a SQLite database file that does not exist, else None."""
    from sqlalchemy.engine import make_url

    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    path = Path(url.database).resolve()
    return None if path.exists() else path


def cmd_db_erd(args: argparse.Namespace) -> int:
    from market_pipeline.db.erd import write_erd

    path = write_erd(Path(args.output))
    print(f"Wrote the ER diagram to {path}.")
    return 0


def _add_db_parser(subparsers: argparse._SubParsersAction) -> None:
    db = subparsers.add_parser("db", help="Migrate, validate and document the warehouse schema.")
    db_commands = db.add_subparsers(dest="db_command", required=True)

    upgrade = db_commands.add_parser("upgrade", help="Apply migrations to the configured database.")
    upgrade.add_argument("--revision", default="head", help="Target revision (default: head).")
    upgrade.set_defaults(func=cmd_db_upgrade)

    validate = db_commands.add_parser(
        "validate", help="Compare the live database with the models; exit 1 on any difference."
    )
    validate.set_defaults(func=cmd_db_validate)

    erd = db_commands.add_parser("erd", help="Write the ER diagram (Mermaid) into docs/.")
    erd.add_argument("--output", default="docs/schema.md", help="Markdown file to write.")
    erd.set_defaults(func=cmd_db_erd)


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"invalid date {value!r}: write it as 2025-08-29"
        ) from None


def cmd_run(args: argparse.Namespace) -> int:
    from market_pipeline.runner import InvalidWindowError, run_main_job

    window = None
    if args.start or args.end:
        if not (args.start and args.end):
            print("error: pass both --start and --end, or neither", file=sys.stderr)
            return 2
        window = (args.start, args.end)
    try:
        report = run_main_job(
            database_url=args.database_url,
            dagster_home=Path(args.dagster_home).resolve(),
            offline=args.offline,
            window=window,
            daily_sessions=args.daily_sessions,
        )
    except InvalidWindowError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    ui = f"{_own_command()} ui" + (" --offline" if args.offline else "")
    print(report.render(ui_command=ui))
    return 0 if report.ok else 1


def _own_command() -> str:
    """Return how to call this CLI again: the venv's script path when it is not on PATH."""
    import shutil

    script = Path(sys.executable).parent / "market-pipeline"
    if shutil.which("market-pipeline") or not script.exists():
        return "market-pipeline"
    return str(script)


def cmd_ui(args: argparse.Namespace) -> int:
    from market_pipeline.ui import serve_ui

    return serve_ui(
        database_url=args.database_url,
        dagster_home=Path(args.dagster_home).resolve(),
        offline=args.offline,
        port=args.port,
    )


def _add_run_parsers(subparsers: argparse._SubParsersAction) -> None:
    run = subparsers.add_parser(
        "run",
        help="Migrate the warehouse and materialise every asset through Dagster, with checks.",
    )
    run.add_argument(
        "--offline",
        action="store_true",
        help="Use the recorded provider payloads shipped in the package (no network).",
    )
    run.add_argument(
        "--start",
        type=_date,
        help="First session, YYYY-MM-DD (default: offline, 2025-06-03, the first recorded "
        "session; live, 30 sessions before the last closed one).",
    )
    run.add_argument(
        "--end",
        type=_date,
        help="Last session, YYYY-MM-DD (default: offline, 2025-08-29; live, the last closed one).",
    )
    run.add_argument(
        "--daily-sessions",
        type=int,
        default=3,
        help="Run the daily job (estimates and snapshots) for this many last sessions "
        "(default: %(default)s).",
    )
    run.add_argument(
        "--dagster-home",
        default=".dagster_home",
        help="Dagster instance folder (default: %(default)s, in the working directory).",
    )
    run.set_defaults(func=cmd_run)

    ui = subparsers.add_parser("ui", help="Start `dagster dev` on the warehouse and instance.")
    ui.add_argument(
        "--offline",
        action="store_true",
        help="Also start the Yahoo replay server, so runs launched from the UI use the "
        "recorded data like `run --offline`.",
    )
    ui.add_argument("--port", type=int, default=3000, help="Port of the web UI (default: 3000).")
    ui.add_argument(
        "--dagster-home",
        default=".dagster_home",
        help="Dagster instance folder (default: %(default)s, in the working directory).",
    )
    ui.set_defaults(func=cmd_ui)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="market-pipeline",
        description="Keep the market-data warehouse current with Dagster.",
    )
    parser.add_argument(
        "--database-url",
        default=None,
        help="SQLAlchemy URL of the warehouse (default: DATABASE_URL, else data/*.sqlite).",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="Log debug messages.")
    subparsers = parser.add_subparsers(dest="command", required=True)
    _add_db_parser(subparsers)
    _add_run_parsers(subparsers)
    try:
        from market_pipeline.bench.cli import add_bench_parser
    except ImportError:  # the benchmark module is optional in a trimmed install
        pass
    else:
        add_bench_parser(subparsers)
    return parser


def _quiet_dagster_feature_warnings() -> None:
    """Hide Dagster's beta and preview notices (backfill policies, partitioned checks)."""
    from dagster import BetaWarning, PreviewWarning

    warnings.filterwarnings("ignore", category=BetaWarning)
    warnings.filterwarnings("ignore", category=PreviewWarning)


def main(argv: Sequence[str] | None = None) -> int:
    # Dagster resolves EnvVar settings from the process environment, and `dagster dev` reads
    # `.env` the same way; variables already set win over the file.
    load_dotenv(Path.cwd() / ".env", override=False)
    _quiet_dagster_feature_warnings()
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if not args.verbose:
        logging.getLogger("alembic").setLevel(logging.WARNING)
    if args.database_url is None:
        args.database_url = get_settings().database_url
    try:
        return int(args.func(args))
    except DatabaseUnavailableError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
