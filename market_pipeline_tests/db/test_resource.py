from pathlib import Path

import pytest

from market_pipeline.db.engine import DatabaseUnavailableError
from market_pipeline.db.resource import MigrationMissingError, WarehouseResource


def test_unmigrated_database_says_upgrade(tmp_path: Path) -> None:
    resource = WarehouseResource(database_url=f"sqlite:///{tmp_path}/empty.sqlite")
    with pytest.raises(MigrationMissingError) as caught:
        resource.get_engine()
    assert "is at migration none" in str(caught.value)
    assert "run `market-pipeline db upgrade`" in str(caught.value)


def test_migrated_database_gives_engine(migrated_engine) -> None:
    url = migrated_engine.url.render_as_string(hide_password=False)
    engine = WarehouseResource(database_url=url).get_engine()
    assert engine.url == migrated_engine.url


def test_unreachable_database_hides_password() -> None:
    resource = WarehouseResource(database_url="postgresql://me:s3cret@127.0.0.1:1/warehouse")
    with pytest.raises(DatabaseUnavailableError) as caught:
        resource.get_engine()
    assert "s3cret" not in str(caught.value)
    assert resource.redacted_url == "postgresql://me:***@127.0.0.1:1/warehouse"
