"""Tests for the universe records."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from market_pipeline.universe.records import IndexMembership, UniverseMember


def _member(**overrides: object) -> UniverseMember:
    fields: dict[str, object] = {
        "symbol": "BRK.B",
        "name": "Berkshire Hathaway",
        "gics_sector": "Financials",
        "indexes": {"sp500": IndexMembership(as_of=date(2026, 8, 8))},
    }
    fields.update(overrides)
    return UniverseMember.model_validate(fields)


def test_member_dash_symbol_to_dot() -> None:
    assert _member(symbol="brk-b").symbol == "BRK.B"


def test_member_defaults() -> None:
    member = _member()

    assert member.currency == "USD"
    assert member.asset_class == "equity"
    assert member.exchange is None
    assert member.mic is None


def test_member_rejects_non_gics_sector() -> None:
    with pytest.raises(ValidationError, match="invalid GICS sector 'Computer Software'"):
        _member(gics_sector="Computer Software")


def test_member_rejects_empty_symbol() -> None:
    with pytest.raises(ValidationError, match="empty symbol"):
        _member(symbol="  ")


def test_member_rejects_other_asset_class() -> None:
    with pytest.raises(ValidationError):
        _member(asset_class="etf")
