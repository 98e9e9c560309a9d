"""`PipelineConfig`: what the assets fetch and the thresholds their checks apply."""

from __future__ import annotations

from dagster import ConfigurableResource
from pydantic import Field

# Yahoo symbols of the series behind the macro snapshot, with their asset class.
DEFAULT_MACRO_SERIES: dict[str, str] = {
    "^GSPC": "index",
    "^VIX": "index",
    "^TNX": "rate",
    "DX-Y.NYB": "index",
    "EURUSD=X": "fx",
    "CL=F": "future",
    "GC=F": "future",
    "ES=F": "future",
}


class PipelineConfig(ConfigurableResource):
    """The universe, windows and check thresholds; set from the environment in `definitions`."""

    indexes: list[str] = Field(default=["sp500", "nasdaq100"], description="Index lists to load.")
    symbols: list[str] = Field(
        default_factory=list,
        description="Restrict the universe to these listing symbols (empty: the whole indexes).",
    )
    macro_series: dict[str, str] = Field(
        default_factory=lambda: dict(DEFAULT_MACRO_SERIES),
        description="Yahoo symbol to asset class of the macro series.",
    )
    trailing_sessions: int = Field(default=5, ge=0, description="Sessions re-fetched each run.")
    retention_days: int = Field(default=730, ge=1, description="Days of bars kept in the table.")
    min_coverage: float = Field(
        default=0.98, ge=0, le=1, description="Coverage below this share fails the bars check."
    )
    min_fetch_coverage: float = Field(
        default=0.5,
        ge=0,
        le=1,
        description="A fetch that returns bars for less than this share of symbols writes nothing.",
    )
    max_daily_move: float = Field(
        default=0.35, gt=0, description="Close-to-close move that the jump check reports."
    )
    stale_sessions: int = Field(default=5, ge=2, description="Equal closes in a row that warn.")
    universe_min: int = Field(default=480, ge=0, description="Smallest expected universe.")
    universe_max: int = Field(default=560, ge=1, description="Largest expected universe.")

    def expected_universe_range(self) -> tuple[int, int]:
        """Return the expected number of equities: the explicit list's size when one is set."""
        if self.symbols:
            return len(self.symbols), len(self.symbols)
        return self.universe_min, self.universe_max
