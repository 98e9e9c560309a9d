from pathlib import Path

from market_pipeline.db.erd import render_mermaid, render_schema_markdown

SCHEMA_PAGE = Path(__file__).resolve().parents[2] / "docs" / "schema.md"


def test_schema_page_is_current() -> None:
    assert SCHEMA_PAGE.read_text(encoding="utf-8") == render_schema_markdown(), (
        "docs/schema.md is stale: run `market-pipeline db erd`"
    )


def test_erd_names_every_relationship() -> None:
    mermaid = render_mermaid()
    assert 'instrument ||--o{ ohlcv_bar_pg : "instrument_id"' in mermaid
    assert 'data_source ||--o{ macro_snapshot : "data_source_id"' in mermaid
    assert mermaid.count("||--o{") == 12
