"""Build the Dagster resources from the environment: secrets through `EnvVar`, never literals."""

from __future__ import annotations

import os
from typing import Any

from dagster import EnvVar

from market_pipeline.config import PipelineConfig
from market_pipeline.db.resource import WarehouseResource
from market_pipeline.providers.llm.resource import LLMResource
from market_pipeline.providers.saxo.resource import SaxoResource
from market_pipeline.providers.yahoo.resource import YahooResource


def _env_list(name: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


def _optional_env(name: str) -> Any:
    """Return `EnvVar(name)` when the variable is set, so Dagster resolves it at run time."""
    return EnvVar(name) if os.environ.get(name) else None


def pipeline_config() -> PipelineConfig:
    """Return the universe and thresholds from MARKET_* variables."""
    config: dict[str, Any] = {}
    if indexes := _env_list("MARKET_INDEXES"):
        config["indexes"] = indexes
    if symbols := _env_list("MARKET_SYMBOLS"):
        config["symbols"] = symbols
    if macro := _env_list("MARKET_MACRO_SERIES"):
        config["macro_series"] = dict(item.split(":", 1) for item in macro)
    if min_coverage := os.environ.get("MARKET_MIN_COVERAGE"):
        config["min_coverage"] = float(min_coverage)
    return PipelineConfig(**config)


def build_resources() -> dict[str, Any]:
    """Return every resource the assets and checks use, keyed by its parameter name."""
    return {
        "warehouse": WarehouseResource(database_url=_optional_env("DATABASE_URL")),
        "yahoo": YahooResource(base_url=_optional_env("YAHOO_BASE_URL")),
        "saxo": SaxoResource(
            token=_optional_env("SAXO_TOKEN"),
            base_url=os.environ.get("SAXO_BASE_URL")
            or SaxoResource.model_fields["base_url"].default,
        ),
        "llm": LLMResource(
            base_url=_optional_env("LLM_BASE_URL"),
            model=os.environ.get("LLM_MODEL") or LLMResource.model_fields["model"].default,
            api_key=_optional_env("LLM_API_KEY"),
        ),
        "pipeline": pipeline_config(),
    }
