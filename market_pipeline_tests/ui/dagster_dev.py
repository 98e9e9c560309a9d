"""`dagster dev` as a child process for UI tests, and a client for its GraphQL API."""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

logger = logging.getLogger(__name__)

LOCATION_NAME = "market_pipeline"
REPOSITORY_NAME = "__repository__"
STARTUP_TIMEOUT_SECONDS = 120.0
STOP_TIMEOUT_SECONDS = 30.0
RUN_TIMEOUT_SECONDS = 120.0
FINISHED_RUN_STATUSES = {"SUCCESS", "FAILURE", "CANCELED"}

# A Python child keeps SIGINT ignored when its parent ignored it (as a shell does for its
# background jobs), and `dagster dev` maps SIGTERM to the SIGINT handler, so such a child
# would ignore both. The launcher restores the default SIGINT handling before exec.
RESTORE_SIGINT_AND_EXEC = (
    "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); "
    "os.execv(sys.argv[1], sys.argv[1:])"
)

WORKSPACE_QUERY = """
{
  workspaceOrError {
    __typename
    ... on Workspace {
      locationEntries {
        name
        loadStatus
        locationOrLoadError {
          __typename
          ... on PythonError { message }
        }
      }
    }
  }
}
"""


class GraphQLError(RuntimeError):
    """The webserver returned errors for a GraphQL request."""


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def log_tail(path: Path, lines: int = 40) -> str:
    """Return the last `lines` lines of a log file, or a note that it is missing."""
    if not path.exists():
        return f"(no log at {path})"
    return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])


@dataclass
class DagsterDev:
    """A `dagster dev` process group serving the webserver on `127.0.0.1:port`."""

    project_root: Path
    port: int
    env: dict[str, str]
    log_path: Path
    process: subprocess.Popen[bytes] | None = field(default=None, init=False)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        """Start `dagster dev -w workspace.yaml` in its own session, output to `log_path`."""
        command = [
            sys.executable,
            "-c",
            RESTORE_SIGINT_AND_EXEC,
            sys.executable,
            "-m",
            "dagster",
            "dev",
            "-w",
            "workspace.yaml",
            "-h",
            "127.0.0.1",
            "-p",
            str(self.port),
        ]
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                command,
                cwd=self.project_root,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        logger.info("started dagster dev (pid %s) on %s", self.process.pid, self.base_url)

    def wait_until_loaded(self, timeout: float = STARTUP_TIMEOUT_SECONDS) -> None:
        """Wait until the webserver has loaded the code location.

        Raise `RuntimeError` on a load error or an early exit, `TimeoutError` after `timeout`.
        """
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self._raise_if_exited()
            entry = self._location_entry()
            if entry is not None and entry["loadStatus"] == "LOADED":
                loaded = entry["locationOrLoadError"]
                if loaded and loaded["__typename"] == "PythonError":
                    raise RuntimeError(
                        f"code location {LOCATION_NAME} failed to load: {loaded['message']}"
                    )
                return
            time.sleep(0.5)
        raise TimeoutError(
            f"dagster dev did not load {LOCATION_NAME} within {timeout:.0f} s. "
            f"Log tail:\n{log_tail(self.log_path)}"
        )

    def stop(self, timeout: float = STOP_TIMEOUT_SECONDS) -> None:
        """Send SIGINT to the process group, then SIGKILL if it has not exited in `timeout`."""
        if self.process is None or self.process.poll() is not None:
            return
        pid = self.process.pid
        os.killpg(pid, signal.SIGINT)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            logger.warning(
                "dagster dev (pid %s) still runs %.0f s after SIGINT, sending SIGKILL", pid, timeout
            )
        # On Linux, Dagster starts its webserver, daemon, code servers and run workers in this
        # process group, so SIGKILL also reaches any of them that outlived the leader.
        with contextlib.suppress(ProcessLookupError):  # the whole group has exited
            os.killpg(pid, signal.SIGKILL)
        self.process.wait(timeout=timeout)
        logger.info("stopped dagster dev (pid %s)", pid)

    def query(self, document: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """Send a GraphQL request and return its `data`. Raise `GraphQLError` on GraphQL errors."""
        response = httpx.post(
            f"{self.base_url}/graphql",
            json={"query": document, "variables": variables or {}},
            timeout=30.0,
        )
        response.raise_for_status()
        payload = response.json()
        if payload.get("errors"):
            raise GraphQLError(f"GraphQL request failed: {payload['errors']}")
        return dict(payload["data"])

    def _location_entry(self) -> dict[str, Any] | None:
        try:
            data = self.query(WORKSPACE_QUERY)
        except (httpx.HTTPError, GraphQLError):
            return None
        workspace = data["workspaceOrError"]
        entries = workspace.get("locationEntries") or []
        return next((entry for entry in entries if entry["name"] == LOCATION_NAME), None)

    def _raise_if_exited(self) -> None:
        if self.process is not None and self.process.poll() is not None:
            raise RuntimeError(
                f"dagster dev exited with code {self.process.returncode}. "
                f"Log tail:\n{log_tail(self.log_path)}"
            )


LAUNCH_RUN_MUTATION = """
mutation LaunchRun($params: ExecutionParams!) {
  launchRun(executionParams: $params) {
    __typename
    ... on LaunchRunSuccess { run { runId } }
    ... on RunConfigValidationInvalid { errors { message } }
    ... on PythonError { message }
    ... on Error { message }
  }
}
"""

RUN_STATUS_QUERY = """
query RunStatus($runId: ID!) {
  runOrError(runId: $runId) {
    __typename
    ... on Run { status }
    ... on Error { message }
  }
}
"""

RUN_FAILURES_QUERY = """
query RunFailures($runId: ID!) {
  logsForRun(runId: $runId) {
    ... on EventConnection {
      events {
        __typename
        ... on ExecutionStepFailureEvent { stepKey error { message } }
        ... on RunFailureEvent { message }
      }
    }
  }
}
"""

# The in-process executor runs every step inside the run worker. The job's default
# multiprocess executor starts a process per step: on a 2-CPU host, daily_market_data took
# 63 s that way and 8 s in process.
IN_PROCESS_RUN_CONFIG = {"execution": {"config": {"in_process": {}}}}


def launch_run(
    dagster: DagsterDev,
    job_name: str,
    *,
    partition_key: str | None = None,
    asset_keys: list[str] | None = None,
) -> str:
    """Launch `job_name`, or its subset `asset_keys`, through GraphQL and return the run id."""
    selector: dict[str, Any] = {
        "repositoryLocationName": LOCATION_NAME,
        "repositoryName": REPOSITORY_NAME,
        "jobName": job_name,
    }
    if asset_keys is not None:
        selector["assetSelection"] = [{"path": [key]} for key in asset_keys]
    tags = [{"key": "dagster/partition", "value": partition_key}] if partition_key else []
    params = {
        "selector": selector,
        "runConfigData": IN_PROCESS_RUN_CONFIG,
        "executionMetadata": {"tags": tags},
    }
    result = dagster.query(LAUNCH_RUN_MUTATION, {"params": params})["launchRun"]
    if result["__typename"] != "LaunchRunSuccess":
        raise GraphQLError(f"launching {job_name} failed: {result}")
    return str(result["run"]["runId"])


def wait_for_run(dagster: DagsterDev, run_id: str, timeout: float = RUN_TIMEOUT_SECONDS) -> str:
    """Poll the run until it finishes and return its status.

    Raise `TimeoutError` when it has not finished after `timeout` seconds.
    """
    deadline = time.monotonic() + timeout
    status = "UNKNOWN"
    while time.monotonic() < deadline:
        run = dagster.query(RUN_STATUS_QUERY, {"runId": run_id})["runOrError"]
        if run["__typename"] != "Run":
            raise GraphQLError(f"run {run_id} not found: {run}")
        status = str(run["status"])
        if status in FINISHED_RUN_STATUSES:
            return status
        time.sleep(0.5)
    raise TimeoutError(f"run {run_id} still {status} after {timeout:.0f} s")


def run_failures(dagster: DagsterDev, run_id: str) -> str:
    """Return the step and run failure messages of a run, one per line."""
    events = dagster.query(RUN_FAILURES_QUERY, {"runId": run_id})["logsForRun"]["events"]
    lines = []
    for event in events:
        if event["__typename"] == "ExecutionStepFailureEvent":
            lines.append(f"{event['stepKey']}: {event['error']['message']}")
        elif event["__typename"] == "RunFailureEvent":
            lines.append(f"run: {event['message']}")
    return "\n".join(lines)


LAUNCH_BACKFILL_MUTATION = """
mutation LaunchBackfill($params: LaunchBackfillParams!) {
  launchPartitionBackfill(backfillParams: $params) {
    __typename
    ... on LaunchBackfillSuccess { backfillId }
    ... on PythonError { message }
    ... on Error { message }
  }
}
"""

BACKFILL_STATUS_QUERY = """
query BackfillStatus($backfillId: String!) {
  partitionBackfillOrError(backfillId: $backfillId) {
    __typename
    ... on PartitionBackfill { status error { message } }
    ... on Error { message }
  }
}
"""

# Dagster 1.13's backfill daemon works on backfills every 30 s (DEFAULT_DAEMON_INTERVAL_SECONDS
# in dagster._daemon.controller), and an asset backfill needs one pass to launch its runs and a
# later pass to mark itself complete.
BACKFILL_TIMEOUT_SECONDS = 180.0
FINISHED_BACKFILL_STATUSES = {
    "COMPLETED",
    "COMPLETED_SUCCESS",
    "COMPLETED_FAILED",
    "FAILED",
    "CANCELED",
}


def launch_asset_backfill(
    dagster: DagsterDev, asset_keys: list[str], partition_keys: list[str]
) -> str:
    """Launch a backfill of `asset_keys` over `partition_keys` through GraphQL and return its id.

    The backfill's runs use the in-process executor, as `launch_run` does.
    """
    params = {
        "assetSelection": [{"path": [key]} for key in asset_keys],
        "partitionNames": partition_keys,
        "runConfigData": IN_PROCESS_RUN_CONFIG,
    }
    result = dagster.query(LAUNCH_BACKFILL_MUTATION, {"params": params})
    launched = result["launchPartitionBackfill"]
    if launched["__typename"] != "LaunchBackfillSuccess":
        raise GraphQLError(f"launching a backfill of {asset_keys} failed: {launched}")
    return str(launched["backfillId"])


def wait_for_backfill(
    dagster: DagsterDev, backfill_id: str, timeout: float = BACKFILL_TIMEOUT_SECONDS
) -> tuple[str, str | None]:
    """Poll the backfill until it finishes and return its status and error message.

    Raise `TimeoutError` when it has not finished after `timeout` seconds.
    """
    deadline = time.monotonic() + timeout
    status = "UNKNOWN"
    while time.monotonic() < deadline:
        data = dagster.query(BACKFILL_STATUS_QUERY, {"backfillId": backfill_id})
        backfill = data["partitionBackfillOrError"]
        if backfill["__typename"] != "PartitionBackfill":
            raise GraphQLError(f"backfill {backfill_id} not found: {backfill}")
        status = str(backfill["status"])
        if status in FINISHED_BACKFILL_STATUSES:
            error = backfill["error"]
            return status, error["message"] if error else None
        time.sleep(1.0)
    raise TimeoutError(
        f"backfill {backfill_id} still {status} after {timeout:.0f} s. "
        f"Log tail:\n{log_tail(dagster.log_path)}"
    )
