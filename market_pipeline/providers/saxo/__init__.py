"""Saxo OpenAPI provider: instrument lookup and daily chart bars over httpx."""

from market_pipeline.providers.saxo.client import (
    PROVIDER,
    TOKEN_ENV_VAR,
    InstrumentLookupError,
    SaxoClient,
)
from market_pipeline.providers.saxo.records import (
    SaxoInstrument,
    meta_with_uic,
    uic_from_meta,
)
from market_pipeline.providers.saxo.resource import SaxoResource

__all__ = [
    "PROVIDER",
    "TOKEN_ENV_VAR",
    "InstrumentLookupError",
    "SaxoClient",
    "SaxoInstrument",
    "SaxoResource",
    "meta_with_uic",
    "uic_from_meta",
]
