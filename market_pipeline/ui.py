"""`market-pipeline ui`: `dagster dev` on the configured warehouse and Dagster instance."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from market_pipeline.db.migrations import PROJECT_ROOT
from market_pipeline.settings import absolute_sqlite_url


def serve_ui(*, database_url: str, dagster_home: Path, offline: bool, port: int) -> int:
    """Run `dagster dev` until interrupted; with `offline`, also serve the recorded payloads."""
    from market_pipeline.runner import prepare_dagster_home

    prepare_dagster_home(dagster_home)
    environment = {
        **os.environ,
        "DAGSTER_HOME": str(dagster_home),
        # `dagster dev` runs in the project folder, so a relative SQLite path must not move.
        "DATABASE_URL": absolute_sqlite_url(database_url),
    }
    server = None
    if offline:
        from market_pipeline.replay.yahoo import YahooReplayServer
        from market_pipeline.runner import offline_environment

        server = YahooReplayServer().start()
        environment.update(offline_environment(server.base_url))
        print(f"Yahoo replay server on {server.base_url}")
    command = [
        sys.executable,
        "-m",
        "dagster",
        "dev",
        "-w",
        str(PROJECT_ROOT / "workspace.yaml"),
        "-h",
        "127.0.0.1",
        "-p",
        str(port),
    ]
    print(f"Dagster UI on http://127.0.0.1:{port} (Ctrl-C stops it)")
    process = subprocess.Popen(command, env=environment, cwd=PROJECT_ROOT, start_new_session=True)
    try:
        return process.wait()
    except KeyboardInterrupt:
        os.killpg(process.pid, signal.SIGINT)
        return process.wait(timeout=60)
    finally:
        if server is not None:
            server.stop()
