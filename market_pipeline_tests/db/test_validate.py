from pathlib import Path

from sqlalchemy import text

from market_pipeline.db.migrations import upgrade
from market_pipeline.db.validate import validate_schema
from market_pipeline_tests.databases import WAREHOUSE_TABLES, engine_for, fresh_database


def test_migrated_database_matches(migrated_engine) -> None:
    assert validate_schema(migrated_engine) == []


def test_dropped_column_reported(backend: str, tmp_path: Path) -> None:
    with fresh_database(backend, tmp_path) as url:
        engine = engine_for(url)
        upgrade(engine)
        with engine.begin() as connection:
            connection.execute(text("ALTER TABLE macro_snapshot DROP COLUMN summary"))
        differences = [str(difference) for difference in validate_schema(engine)]
        engine.dispose()
    assert differences == ["macro_snapshot: missing column: summary"]


def test_empty_database_lists_every_table(backend: str, tmp_path: Path) -> None:
    with fresh_database(backend, tmp_path) as url:
        engine = engine_for(url)
        differences = validate_schema(engine)
        engine.dispose()
    assert {
        difference.table for difference in differences if difference.kind == "missing table"
    } == WAREHOUSE_TABLES
