"""`WarehouseResource`: the Dagster resource that hands assets an engine on the warehouse."""

from __future__ import annotations

from dagster import ConfigurableResource
from pydantic import PrivateAttr
from sqlalchemy import Engine, inspect, text

from market_pipeline.db.engine import check_connection, make_engine
from market_pipeline.settings import get_settings, redact_url


class MigrationMissingError(RuntimeError):
    """The warehouse has no tables or an old schema; the message tells the user to run the upgrade."""


class WarehouseResource(ConfigurableResource):
    """The warehouse database. `database_url` defaults to the `DATABASE_URL` setting."""

    database_url: str | None = None

    _engine: Engine | None = PrivateAttr(default=None)

    def get_engine(self) -> Engine:
        """Return the process-wide engine, checking the connection and the migration state once."""
        if self._engine is None:
            engine = make_engine(self.database_url or get_settings().database_url)
            check_connection(engine)
            ensure_migrated(engine)
            self._engine = engine
        return self._engine

    @property
    def redacted_url(self) -> str:
        return redact_url(self.database_url or get_settings().database_url)


def ensure_migrated(engine: Engine) -> None:
    """Raise `MigrationMissingError` unless the database is at the latest migration."""
    from alembic.script import ScriptDirectory

    from market_pipeline.db.migrations import alembic_config

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    current = None
    if inspect(engine).has_table("alembic_version"):
        with engine.connect() as connection:
            current = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    if current != head:
        raise MigrationMissingError(
            f"the warehouse at {redact_url(engine.url)} is at migration {current or 'none'}, "
            f"the code expects {head}: run `market-pipeline db upgrade`."
        )
