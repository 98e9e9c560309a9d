"""The global asset lineage page of `dagster dev`, rendered by headless Chromium into
`docs/asset-graph.png` for the README."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
from pathlib import Path
from urllib.parse import quote

import pytest

from market_pipeline_tests.ui.conftest import PROJECT_ROOT, DagsterUI
from market_pipeline_tests.ui.png import decode_png

pytestmark = pytest.mark.slow

SCREENSHOT_PATH = PROJECT_ROOT / "docs" / "asset-graph.png"
# The lineage page scales the graph to the viewport's width, so a wide window cuts a tall graph
# at the top and bottom. A square window shows the whole graph of nine assets.
# NOTE: a graph that grows much taller may need a taller window to fit.
WINDOW_WIDTH, WINDOW_HEIGHT = 1400, 1400
CHROMIUM_TIMEOUT_SECONDS = 90.0
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-gpu",
    "--hide-scrollbars",
    f"--window-size={WINDOW_WIDTH},{WINDOW_HEIGHT}",
    # Virtual milliseconds the page may run (fetches, layout, animations) before the capture.
    "--virtual-time-budget=20000",
]
ASSET_GROUPS_QUERY = "{ assetNodes { groupName } }"
MIN_SCREENSHOT_BYTES = 20_000
MIN_DISTINCT_COLOURS = 50
MAX_BACKGROUND_SHARE = 0.9


@pytest.fixture(scope="session")
def chromium() -> str:
    """The Chromium executable. Without one, the test fails under CI=true and skips elsewhere."""
    path = shutil.which("chromium")
    if path is None:
        message = "chromium not found on PATH. Install it with `apt-get install -y chromium`."
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return path


def _lineage_url(dagster_ui: DagsterUI) -> str:
    """Return the global lineage URL with every asset group expanded.

    The page shows groups collapsed unless `expanded` lists their ids, which Dagster 1.13 forms
    as `global@global:<group>`.
    """
    nodes = dagster_ui.dagster.query(ASSET_GROUPS_QUERY)["assetNodes"]
    groups = sorted({node["groupName"] for node in nodes})
    expanded = ",".join(f"global@global:{group}" for group in groups)
    return f"{dagster_ui.dagster.base_url}/asset-groups?expanded={quote(expanded, safe=',:@')}"


def _run_chromium(chromium: str, profile: Path, *arguments: str) -> bytes:
    """Run headless Chromium in its own process group and return its stdout.

    The group is killed on a timeout, because Chromium's helper processes outlive the
    browser process.
    """
    command = [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *arguments]
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        stdout, stderr = process.communicate(timeout=CHROMIUM_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        pytest.fail(f"chromium timed out after {CHROMIUM_TIMEOUT_SECONDS:.0f} s: {command}")
    assert process.returncode == 0, stderr.decode(errors="replace")[-2000:]
    return stdout


def test_lineage_page_lists_assets(chromium: str, dagster_ui: DagsterUI, tmp_path: Path) -> None:
    html = _run_chromium(chromium, tmp_path / "profile", "--dump-dom", _lineage_url(dagster_ui))
    page = html.decode(errors="replace")

    assert "Global asset lineage" in page
    for asset in ("data_source", "instrument", "ohlcv_bar_pg"):
        assert asset in page, asset


def test_screenshot_written(chromium: str, dagster_ui: DagsterUI, tmp_path: Path) -> None:
    capture = tmp_path / "asset-graph.png"

    _run_chromium(
        chromium, tmp_path / "profile", f"--screenshot={capture}", _lineage_url(dagster_ui)
    )

    data = capture.read_bytes()
    assert len(data) > MIN_SCREENSHOT_BYTES
    image = decode_png(data)
    assert (image.width, image.height) == (WINDOW_WIDTH, WINDOW_HEIGHT)
    colours = image.colour_counts()
    assert len(colours) >= MIN_DISTINCT_COLOURS
    _, background = colours.most_common(1)[0]
    assert background / colours.total() < MAX_BACKGROUND_SHARE
    # Replace the README image only with a capture that passed the checks above.
    SCREENSHOT_PATH.parent.mkdir(exist_ok=True)
    shutil.copyfile(capture, SCREENSHOT_PATH)
