"""Import every runtime dependency; exit 1 naming each one that fails.

`pip check` misses a dependency that installs but cannot be imported (an unpinned
dagster-postgres resolves to a 2021 release that fails on import), so CI runs this.
"""

from __future__ import annotations

import importlib
import sys

RUNTIME_MODULES = (
    "dagster",
    "dagster_webserver",
    "dagster_postgres",
    "dagster_graphql",
    "sqlmodel",
    "sqlalchemy",
    "alembic",
    "yfinance",
    "curl_cffi",
    "httpx",
    "psycopg",
    "pydantic",
    "pydantic_settings",
    "exchange_calendars",
    "pandas",
    "dotenv",
)


def main() -> int:
    failures = []
    for name in RUNTIME_MODULES:
        try:
            module = importlib.import_module(name)
        except Exception as error:  # any import-time failure counts
            failures.append(f"{name}: {type(error).__name__}: {error}")
            continue
        version = getattr(module, "__version__", "?")
        print(f"ok {name} {version}")
    for failure in failures:
        print(f"FAILED {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
