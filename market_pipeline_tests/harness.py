"""Resources for Dagster runs in tests: the warehouse under test and the replay servers."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine

from market_pipeline.config import PipelineConfig
from market_pipeline.db.resource import WarehouseResource
from market_pipeline.offline import OFFLINE_MACRO_SERIES, OFFLINE_SYMBOLS
from market_pipeline.providers.llm.resource import LLMResource
from market_pipeline.providers.saxo.resource import SaxoResource
from market_pipeline.providers.yahoo.resource import YahooResource


def engine_url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def test_resources(
    engine: Engine,
    yahoo_url: str,
    *,
    llm_url: str | None = None,
    saxo_url: str | None = None,
    saxo_token: str | None = None,
    **pipeline: Any,
) -> dict[str, Any]:
    """Return resources that point every provider at a loopback server."""
    config = {
        "symbols": list(OFFLINE_SYMBOLS),
        "macro_series": dict(OFFLINE_MACRO_SERIES),
        **pipeline,
    }
    saxo_settings: dict[str, Any] = {"token": saxo_token, "backoff_seconds": 0.01}
    if saxo_url:
        saxo_settings["base_url"] = saxo_url
    return {
        "warehouse": WarehouseResource(database_url=engine_url(engine)),
        "yahoo": YahooResource(base_url=yahoo_url, backoff_seconds=0.01, max_attempts=3),
        "saxo": SaxoResource(**saxo_settings),
        "llm": LLMResource(base_url=llm_url, model="replay", max_attempts=2),
        "pipeline": PipelineConfig(**config),
    }


test_resources.__test__ = False  # type: ignore[attr-defined]
